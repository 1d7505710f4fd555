package xmledit

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// EscapeText returns s written as element content: & < and > as entity
// references ('>' so that "]]>" cannot occur), \r as &#13; (a literal one
// would be read back as \n). Every non-ASCII character becomes a character
// reference, so the result is ASCII and means the same in every encoding the
// package accepts: splicing it into an ISO-8859-1 file cannot produce
// mojibake. Characters XML cannot represent at all (control characters other
// than tab and line feed, U+FFFE, U+FFFF, invalid UTF-8) are replaced by
// U+FFFD, so the result is always well-formed content; callers that must
// not change a value should reject such input first.
func EscapeText(s string) string {
	return escape(s, func(c byte) string {
		switch c {
		case '&':
			return "&amp;"
		case '<':
			return "&lt;"
		case '>':
			return "&gt;"
		case '\r':
			return "&#13;"
		}
		return ""
	})
}

// EscapeAttr returns s written as an attribute value between quote
// characters quote: &, <, the quote character, and tab, \n and \r (which
// attribute-value normalization would turn into spaces) become references.
// Any other quote byte escapes both quote characters. Non-ASCII and
// unrepresentable characters are handled as by EscapeText.
func EscapeAttr(s string, quote byte) string {
	return escape(s, func(c byte) string {
		switch c {
		case '&':
			return "&amp;"
		case '<':
			return "&lt;"
		case '"':
			if quote != '\'' {
				return "&quot;"
			}
		case '\'':
			if quote != '"' {
				return "&apos;"
			}
		case '\t':
			return "&#9;"
		case '\n':
			return "&#10;"
		case '\r':
			return "&#13;"
		}
		return ""
	})
}

// escape writes s with the ASCII replacements given by special, non-ASCII
// characters as hexadecimal character references, and characters XML
// forbids as U+FFFD.
func escape(s string, special func(byte) string) string {
	var b []byte
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			rep := special(c)
			if rep == "" && (c >= 0x20 || c == '\t' || c == '\n') {
				if b != nil {
					b = append(b, c)
				}
				i++
				continue
			}
			if b == nil {
				b = append(make([]byte, 0, len(s)+16), s[:i]...)
			}
			if rep == "" {
				rep = "&#xFFFD;"
			}
			b = append(b, rep...)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
			r = utf8.RuneError
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+16), s[:i]...)
		}
		b = append(b, "&#x"...)
		b = append(b, strings.ToUpper(strconv.FormatUint(uint64(r), 16))...)
		b = append(b, ';')
		i += n
	}
	if b == nil {
		return s
	}
	return string(b)
}

// representable returns s as it reads back after EscapeText or EscapeAttr:
// characters XML cannot hold become U+FFFD.
func representable(s string) string {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
			b := []rune{}
			for j, r := range s {
				if j < i || isXMLChar(r) {
					b = append(b, r)
				} else {
					b = append(b, utf8.RuneError)
				}
			}
			return string(b)
		}
		i += n
	}
	return s
}
