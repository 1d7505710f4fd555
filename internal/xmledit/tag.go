package xmledit

import "bytes"

// attr is one attribute of a start tag, by position in the document.
type attr struct {
	prefix, local    string // name as written: "xmlns:p" is prefix "xmlns", local "p"
	nameStart        int
	valStart, valEnd int // the value between the quotes
}

// startTag is a lexed start tag.
type startTag struct {
	prefix, local  string
	nameStart      int
	nameEnd        int
	attrs          []attr
	selfClosing    bool
	missingSpaceAt int // offset of an attribute not preceded by white space, or -1
}

// lexStartTag splits the start tag doc[s:e], which encoding/xml has already
// accepted, into its name and attributes with their byte positions, which
// encoding/xml does not report. It also finds the one thing encoding/xml lets
// through in a tag: attributes not separated by white space.
func lexStartTag(doc []byte, s, e int, cs charset) (startTag, bool) {
	t := startTag{missingSpaceAt: -1}
	i := s + 1
	t.nameStart = i
	i = nameEnd(doc, i, e)
	t.nameEnd = i
	var ok bool
	if t.prefix, t.local, ok = splitName(doc[t.nameStart:i], cs); !ok {
		return t, false
	}
	for {
		ws := i
		for i < e && isSpace(doc[i]) {
			i++
		}
		if i >= e {
			return t, false
		}
		switch doc[i] {
		case '>':
			return t, i == e-1
		case '/':
			t.selfClosing = true
			return t, i == e-2 && doc[i+1] == '>'
		}
		if i == ws && t.missingSpaceAt < 0 {
			t.missingSpaceAt = i
		}
		a := attr{nameStart: i}
		i = nameEnd(doc, i, e)
		nameBytes := doc[a.nameStart:i]
		for i < e && isSpace(doc[i]) {
			i++
		}
		if i >= e || doc[i] != '=' {
			return t, false
		}
		i++
		for i < e && isSpace(doc[i]) {
			i++
		}
		if i >= e || doc[i] != '"' && doc[i] != '\'' {
			return t, false
		}
		q := doc[i]
		i++
		j := bytes.IndexByte(doc[i:e], q)
		if j < 0 {
			return t, false
		}
		a.valStart, a.valEnd = i, i+j
		i += j + 1
		a.prefix, a.local, ok = splitName(nameBytes, cs)
		if !ok {
			return t, false
		}
		t.attrs = append(t.attrs, a)
	}
}

// nameEnd returns the end of the name starting at doc[i], which runs up to
// white space, '=', '/' or '>' (the parser has checked its characters).
func nameEnd(doc []byte, i, e int) int {
	for i < e {
		switch c := doc[i]; {
		case isSpace(c), c == '=', c == '/', c == '>':
			return i
		}
		i++
	}
	return i
}

// splitName splits a qualified name at its colon. Names with an empty prefix
// or local part, with more than one colon, or whose parts are not names
// (p:-x) are not namespace-well-formed; encoding/xml would quietly treat some
// of them as unprefixed.
func splitName(b []byte, cs charset) (prefix, local string, ok bool) {
	if len(b) == 0 {
		return "", "", false
	}
	k := bytes.IndexByte(b, ':')
	if k < 0 {
		return "", cs.decodeName(b), true
	}
	prefix, local = cs.decodeName(b[:k]), cs.decodeName(b[k+1:])
	// encoding/xml checks the name as a whole, where "-" may follow ":";
	// with namespaces both parts must be names of their own.
	return prefix, local, isNCName(prefix) && isNCName(local)
}

// endTagName returns the raw name of the end tag that starts at doc[s].
func endTagName(doc []byte, s, e int) []byte {
	return doc[s+2 : nameEnd(doc, s+2, e)]
}
