package tomledit

import (
	"bytes"
	"unicode/utf8"
)

// utf8BOM is the byte order mark some editors put at the start of a UTF-8
// file. TOML parsers refuse it, so it is set aside while parsing and kept.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// position turns a byte offset into the 1-based line and column a person
// sees in an editor: lines end at \n, columns count characters, not bytes,
// and a byte order mark is not shown.
func position(doc []byte, off int) (line, col int) {
	off = min(max(off, 0), len(doc))
	line = 1 + bytes.Count(doc[:off], []byte{'\n'})
	start := bytes.LastIndexByte(doc[:off], '\n') + 1
	if start == 0 && bytes.HasPrefix(doc[:off], utf8BOM) {
		start = len(utf8BOM)
	}
	return line, utf8.RuneCount(doc[start:off]) + 1
}

// lineOf is the 1-based line of a byte offset.
func lineOf(doc []byte, off int) int {
	line, _ := position(doc, off)
	return line
}

// offsetOf turns go-toml's 1-based line and byte column within body (the
// document without its byte order mark) back into a byte offset in body.
func offsetOf(body []byte, line, col int) int {
	off := 0
	for ; line > 1; line-- {
		i := bytes.IndexByte(body[off:], '\n')
		if i < 0 {
			return len(body)
		}
		off += i + 1
	}
	return min(off+max(col-1, 0), len(body))
}
