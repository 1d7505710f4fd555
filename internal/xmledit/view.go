package xmledit

import (
	"fmt"
	"unicode/utf8"
)

// parserView returns the bytes encoding/xml is given: the document after its
// byte order mark, at the same offsets (plus pr.bom) as the original.
//
// encoding/xml only reads UTF-8. For single-byte encodings a converting
// reader would shift every offset after the first non-ASCII byte, so instead
// the parser reads a copy in which each byte >= 0x80 is replaced by an ASCII
// byte of the same syntactic class: 'z' for a character that may start a
// name, '.' for one that may only continue a name, '$' for any other
// character. Markup is ASCII in these encodings, so the copy has the same
// structure, names keep their validity, and offsets are identical. The
// replacement bytes were chosen so that they cannot form markup: 'z' is not a
// hexadecimal digit nor 'x', so "&#" followed by a non-ASCII byte stays an
// error; '.' cannot make "--" in a comment; '$' cannot follow "<" or "&".
//
// Characters that XML forbids anywhere (control characters, U+FFFE, U+FFFF,
// invalid UTF-8) are refused here for the whole document, because
// encoding/xml only checks them in text and attribute values, not in
// comments or processing instructions.
func parserView(doc []byte, pr prolog) ([]byte, error) {
	body := doc[pr.bom:]
	bad := func(i int, reason string) error { return malformedAt(doc, pr.cs, pr.bom+i, reason) }
	if !pr.cs.singleByte() {
		for i := 0; i < len(body); {
			c := body[i]
			if c < utf8.RuneSelf {
				if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
					return nil, bad(i, fmt.Sprintf("control character 0x%02X is not allowed in XML", c))
				}
				i++
				continue
			}
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n == 1 {
				return nil, bad(i, fmt.Sprintf("byte 0x%02X is not valid UTF-8 (the document is read as UTF-8)", c))
			}
			if !isXMLChar(r) {
				return nil, bad(i, fmt.Sprintf("character %U is not allowed in XML", r))
			}
			i += n
		}
		return body, nil
	}
	view := make([]byte, len(body))
	for i, c := range body {
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			return nil, bad(i, fmt.Sprintf("control character 0x%02X is not allowed in XML", c))
		case c < utf8.RuneSelf:
			view[i] = c
		case pr.cs == csASCII:
			return nil, bad(i, fmt.Sprintf("byte 0x%02X is not US-ASCII, the declared encoding", c))
		default:
			switch r := pr.cs.runeOf(c); {
			case isNameStartRune(r):
				view[i] = 'z'
			case isNameRune(r):
				view[i] = '.'
			default:
				view[i] = '$'
			}
		}
	}
	return view, nil
}
