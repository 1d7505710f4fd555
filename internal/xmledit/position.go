package xmledit

import (
	"fmt"
	"unicode/utf8"
)

// position turns a byte offset into the 1-based line and column a person
// sees in an editor: lines end at \n, and columns count characters (UTF-8
// sequences count once), not bytes.
func position(doc []byte, off int, cs charset) (line, col int) {
	if off > len(doc) {
		off = len(doc)
	}
	if off < 0 {
		off = 0
	}
	line, lineStart := 1, 0
	for i := 0; i < off; i++ {
		if doc[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	if lineStart == 0 && off >= len(utf8BOM) && string(doc[:len(utf8BOM)]) == string(utf8BOM) {
		lineStart = len(utf8BOM) // editors do not show a byte order mark
	}
	if cs.singleByte() {
		return line, off - lineStart + 1
	}
	return line, utf8.RuneCount(doc[lineStart:off]) + 1
}

// malformedAt builds the ErrMalformed error for a problem at byte offset off.
func malformedAt(doc []byte, cs charset, off int, reason string) *Error {
	line, col := position(doc, off, cs)
	return newError(ErrMalformed, fmt.Sprintf("malformed XML at line %d, column %d: %s", line, col, reason))
}
