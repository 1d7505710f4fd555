package xmledit

import "unicode/utf8"

// isNameStartRune reports whether r may start an XML name (XML 1.0 fifth
// edition, production NameStartChar), leaving out ':' because with
// namespaces a colon only separates prefix and local name.
func isNameStartRune(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', r == '_':
		return true
	case r < 0xC0:
		return false
	}
	return r <= 0xD6 || 0xD8 <= r && r <= 0xF6 || 0xF8 <= r && r <= 0x2FF ||
		0x370 <= r && r <= 0x37D || 0x37F <= r && r <= 0x1FFF ||
		0x200C <= r && r <= 0x200D || 0x2070 <= r && r <= 0x218F ||
		0x2C00 <= r && r <= 0x2FEF || 0x3001 <= r && r <= 0xD7FF ||
		0xF900 <= r && r <= 0xFDCF || 0xFDF0 <= r && r <= 0xFFFD ||
		0x10000 <= r && r <= 0xEFFFF
}

// isNameRune reports whether r may appear in an XML name after the first
// character (production NameChar, again without ':').
func isNameRune(r rune) bool {
	return isNameStartRune(r) || '0' <= r && r <= '9' || r == '-' || r == '.' ||
		r == 0xB7 || 0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040
}

// isNCName reports whether s is a name without a colon, as element and
// attribute local names are under XML namespaces.
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == utf8.RuneError {
			return false
		}
		if i == 0 && !isNameStartRune(r) || !isNameRune(r) {
			return false
		}
	}
	return true
}

// isASCIINCName is isNCName restricted to ASCII. Names that InsertChild
// writes into a file must be ASCII: the same bytes then mean the same name in
// every encoding the package accepts.
func isASCIINCName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return isNCName(s)
}

// isSpace reports whether b is XML white space (production S).
func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// isXMLChar reports whether r is a character an XML 1.0 document may contain
// at all, literally or as a character reference (production Char).
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || 0x20 <= r && r <= 0xD7FF ||
		0xE000 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0x10FFFF
}
