package xmledit

import (
	"strings"
	"unicode/utf8"
)

// charset is one of the encodings the package can edit. All of them are
// ASCII-compatible, so every byte of markup is the same byte in all of them,
// and positions found in one view of the bytes are positions in the file.
type charset int

const (
	csUTF8 charset = iota
	csLatin1
	csWindows1252
	csASCII
)

func (c charset) String() string {
	switch c {
	case csLatin1:
		return "ISO-8859-1"
	case csWindows1252:
		return "windows-1252"
	case csASCII:
		return "US-ASCII"
	}
	return "UTF-8"
}

// singleByte reports whether every byte is one character, which is what lets
// the parser run on an ASCII stand-in copy with unchanged offsets.
func (c charset) singleByte() bool { return c != csUTF8 }

// charsetByLabel maps an encoding label (IANA names and their common
// aliases, case-insensitive) to a charset. Labels of encodings that are not
// ASCII-compatible byte for byte (UTF-16, UTF-32, EBCDIC, Shift_JIS, ...) are
// refused: their markup bytes differ, so splicing ASCII into them would break
// the file.
func charsetByLabel(label string) (charset, bool) {
	switch strings.ToLower(label) {
	case "utf-8":
		return csUTF8, true
	case "iso-8859-1", "iso_8859-1", "iso8859-1", "iso_8859-1:1987", "latin1",
		"l1", "iso-ir-100", "ibm819", "cp819", "csisolatin1":
		return csLatin1, true
	case "windows-1252", "cp1252", "x-cp1252":
		return csWindows1252, true
	case "us-ascii", "ascii", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso-ir-6",
		"iso_646.irv:1991", "iso646-us", "us", "ibm367", "cp367", "csascii":
		return csASCII, true
	}
	return 0, false
}

// windows1252High holds the characters of bytes 0x80-0x9F in windows-1252;
// the five undefined bytes decode to U+FFFD. From 0xA0 on it equals Latin-1.
var windows1252High = [32]rune{
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
}

// appendDecoded appends the characters of b, in charset c, to dst as UTF-8.
// Markup has already been removed; b is plain character bytes.
func (c charset) appendDecoded(dst []byte, b []byte) []byte {
	if !c.singleByte() {
		return append(dst, b...)
	}
	for _, x := range b {
		if x < utf8.RuneSelf {
			dst = append(dst, x)
		} else {
			dst = utf8.AppendRune(dst, c.runeOf(x))
		}
	}
	return dst
}

// runeOf returns the character of byte x in a single-byte charset.
func (c charset) runeOf(x byte) rune {
	if c == csWindows1252 && 0x80 <= x && x < 0xA0 {
		return windows1252High[x-0x80]
	}
	return rune(x)
}

// decodeName returns a name from the document as a Go string.
func (c charset) decodeName(b []byte) string {
	for _, x := range b {
		if x >= utf8.RuneSelf {
			return string(c.appendDecoded(nil, b))
		}
	}
	return string(b)
}
