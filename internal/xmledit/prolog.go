package xmledit

import (
	"bytes"
	"fmt"
)

// prolog is what the first bytes of a document say about how to read it.
type prolog struct {
	bom   int     // length of a UTF-8 byte order mark before anything else (0 or 3)
	cs    charset // encoding of the bytes
	label string  // encoding label as written in the XML declaration, "" if none
	decl  bool    // the document starts (after the BOM) with an XML declaration
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readProlog finds the byte order mark and the XML declaration, and decides
// whether the document's encoding is one whose bytes can be spliced safely.
// encoding/xml itself neither understands a BOM nor checks the declaration
// strictly (nor that it comes first), so this is done here, before parsing.
func readProlog(doc []byte) (prolog, error) {
	var pr prolog
	if len(doc) == 0 {
		return pr, newError(ErrMalformed, "malformed XML at line 1, column 1: the document is empty")
	}
	switch {
	case bytes.HasPrefix(doc, utf8BOM):
		pr.bom = len(utf8BOM)
	case bytes.HasPrefix(doc, []byte{0x00, 0x00, 0xFE, 0xFF}), bytes.HasPrefix(doc, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return pr, newError(ErrEncoding, "unsupported encoding: the document starts with a UTF-32 byte order mark; only UTF-8, ISO-8859-1, windows-1252 and US-ASCII documents can be edited")
	case bytes.HasPrefix(doc, []byte{0xFE, 0xFF}), bytes.HasPrefix(doc, []byte{0xFF, 0xFE}):
		return pr, newError(ErrEncoding, "unsupported encoding: the document starts with a UTF-16 byte order mark; only UTF-8, ISO-8859-1, windows-1252 and US-ASCII documents can be edited")
	case len(doc) >= 2 && (doc[0] == 0 || doc[1] == 0):
		// "<" as UTF-16 or UTF-32 without a byte order mark.
		return pr, newError(ErrEncoding, "unsupported encoding: the document looks like UTF-16 or UTF-32 (zero bytes at its start); only UTF-8, ISO-8859-1, windows-1252 and US-ASCII documents can be edited")
	}
	rest := doc[pr.bom:]
	if !startsDecl(rest) {
		pr.cs = csUTF8 // XML's default without a declaration
		return pr, nil
	}
	pr.decl = true
	label, err := parseDecl(doc, pr.bom)
	if err != nil {
		return pr, err
	}
	pr.label = label
	if label == "" {
		pr.cs = csUTF8
		return pr, nil
	}
	cs, ok := charsetByLabel(label)
	if !ok {
		return pr, newError(ErrEncoding, fmt.Sprintf("unsupported encoding %q declared at line 1: only UTF-8, ISO-8859-1, windows-1252 and US-ASCII documents can be edited, because only in those is every markup character the same single byte", label))
	}
	// A UTF-8 byte order mark before a single-byte declaration (an editor
	// that added one to carbon.xml) is accepted and kept, and the
	// declaration is believed, as Java's parser does: ASCII bytes, the only
	// ones this package writes, mean the same either way.
	pr.cs = cs
	return pr, nil
}

// startsDecl reports whether b begins with an XML declaration, as opposed to
// a processing instruction whose target merely starts with "xml".
func startsDecl(b []byte) bool {
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return false
	}
	if len(b) == 5 {
		return true
	}
	c := b[5]
	return !(c >= 0x80 || isNameRune(rune(c)) || c == ':')
}

// parseDecl checks the XML declaration that starts at doc[at:] against the
// grammar of XML 1.0 (XMLDecl) and returns the declared encoding label.
func parseDecl(doc []byte, at int) (string, error) {
	i := at + len("<?xml")
	bad := func(reason string) error {
		return malformedAt(doc, csUTF8, i, "XML declaration: "+reason)
	}
	space := func() bool {
		j := i
		for i < len(doc) && isSpace(doc[i]) {
			i++
		}
		return i > j
	}
	word := func(w string) bool {
		if bytes.HasPrefix(doc[i:], []byte(w)) {
			i += len(w)
			return true
		}
		return false
	}
	value := func(name string) (string, error) {
		space()
		if !word("=") {
			return "", bad("expected = after " + name)
		}
		space()
		if i >= len(doc) || doc[i] != '"' && doc[i] != '\'' {
			return "", bad("expected a quoted value for " + name)
		}
		q := doc[i]
		i++
		j := bytes.IndexByte(doc[i:], q)
		if j < 0 {
			return "", bad("unterminated value of " + name)
		}
		v := string(doc[i : i+j])
		i += j + 1
		return v, nil
	}
	sawSpace := space()
	if !sawSpace || !word("version") {
		return "", bad(`expected version="1.0"`)
	}
	ver, err := value("version")
	if err != nil {
		return "", err
	}
	if ver != "1.0" {
		return "", bad(fmt.Sprintf("version %q is not supported (only 1.0)", ver))
	}
	label, haveEnc, haveSA := "", false, false
	for {
		sawSpace = space()
		switch {
		case word("?>"):
			return label, nil
		case sawSpace && !haveEnc && !haveSA && word("encoding"):
			haveEnc = true
			if label, err = value("encoding"); err != nil {
				return "", err
			}
			if !validEncName(label) {
				return "", bad(fmt.Sprintf("%q is not an encoding name", label))
			}
		case sawSpace && !haveSA && word("standalone"):
			haveSA = true
			sa, err := value("standalone")
			if err != nil {
				return "", err
			}
			if sa != "yes" && sa != "no" {
				return "", bad(`standalone must be "yes" or "no"`)
			}
		case i >= len(doc):
			return "", bad("unexpected end of document")
		default:
			return "", bad("unexpected text; expected encoding=, standalone= or ?>")
		}
	}
}

// validEncName checks production EncName: [A-Za-z] ([A-Za-z0-9._] | '-')*.
func validEncName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if i == 0 && !letter || !(letter || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
