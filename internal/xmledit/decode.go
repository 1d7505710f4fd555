package xmledit

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// predefined are the entities every XML parser knows without a DTD.
var predefined = map[string]byte{"lt": '<', "gt": '>', "amp": '&', "apos": '\'', "quot": '"'}

// appendCharData decodes raw character data (no CDATA markup) that the
// parser has accepted: references are resolved, line ends (\r\n, \r) become
// \n, and in an attribute value (attr) literal tabs and line ends become
// spaces, as XML attribute-value normalization prescribes. Characters are
// converted from the document's charset to UTF-8.
func appendCharData(dst, raw []byte, cs charset, attr bool) []byte {
	nl := byte('\n')
	if attr {
		nl = ' '
	}
	for i := 0; i < len(raw); {
		j := i
		for j < len(raw) && raw[j] != '&' && raw[j] != '\r' && !(attr && (raw[j] == '\n' || raw[j] == '\t')) {
			j++
		}
		dst = cs.appendDecoded(dst, raw[i:j])
		if j == len(raw) {
			break
		}
		switch raw[j] {
		case '&':
			k := bytes.IndexByte(raw[j:], ';')
			if k < 0 { // cannot happen in accepted input; keep the bytes
				dst = cs.appendDecoded(dst, raw[j:])
				return dst
			}
			ref := raw[j+1 : j+k]
			if r, ok := charRef(ref); ok {
				dst = utf8.AppendRune(dst, r)
			} else if c, ok := predefined[string(ref)]; ok {
				dst = append(dst, c)
			} else {
				dst = cs.appendDecoded(dst, raw[j:j+k+1])
			}
			i = j + k + 1
		case '\r':
			dst = append(dst, nl)
			i = j + 1
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		default: // \n or \t in an attribute value
			dst = append(dst, ' ')
			i = j + 1
		}
	}
	return dst
}

// appendCDATA decodes a whole <![CDATA[...]]> section: its content is
// literal, only line ends are normalized.
func appendCDATA(dst, raw []byte, cs charset) []byte {
	in := raw[len("<![CDATA[") : len(raw)-len("]]>")]
	for i := 0; i < len(in); {
		j := bytes.IndexByte(in[i:], '\r')
		if j < 0 {
			return cs.appendDecoded(dst, in[i:])
		}
		dst = cs.appendDecoded(dst, in[i:i+j])
		dst = append(dst, '\n')
		i += j + 1
		if i < len(in) && in[i] == '\n' {
			i++
		}
	}
	return dst
}

// charRef parses the inside of a character reference, "#65" or "#x41",
// and reports whether it denotes a character XML allows.
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || n > utf8.MaxRune || !isXMLChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// badCharRef returns the offset in raw of the first character reference that
// names a character XML forbids, or -1. encoding/xml lets through
// references to surrogates such as &#xD800; (it turns them into U+FFFD).
func badCharRef(raw []byte) int {
	for i := 0; ; {
		k := bytes.Index(raw[i:], []byte("&#"))
		if k < 0 {
			return -1
		}
		j := i + k
		end := bytes.IndexByte(raw[j:], ';')
		if end < 0 {
			return j
		}
		if _, ok := charRef(raw[j+1 : j+end]); !ok {
			return j
		}
		i = j + end + 1
	}
}
