package xmledit

import (
	"bytes"
	"strings"
)

// checkDoctype checks the document type declaration doc[s:e], which
// encoding/xml accepts as long as its brackets balance, against
//
//	'<!DOCTYPE' S Name (S ExternalID)? S? '>'
//
// It returns the offset and reason of the first problem, or -1.
//
// A DOCTYPE with an internal subset ('[' ... ']') is refused although it
// can be well-formed: its declarations can give elements default
// attributes (even a default xmlns) and define entities, which would change
// what the document says in ways a tokenizer that ignores them cannot see.
// WSO2's configuration files have no DOCTYPE at all.
func checkDoctype(doc []byte, s, e int, cs charset) (int, string) {
	i := s + len("<!DOCTYPE")
	end := e - 1 // the closing '>'
	space := func() bool {
		j := i
		for i < end && isSpace(doc[i]) {
			i++
		}
		return i > j
	}
	if !space() {
		return i, "white space expected after <!DOCTYPE"
	}
	nameStart := i
	for i < end && !isSpace(doc[i]) && doc[i] != '[' {
		i++
	}
	if !isQName(cs.decodeName(doc[nameStart:i])) {
		return nameStart, "the DOCTYPE declaration needs an element name"
	}
	sawSpace := space()
	literal := func(pubid bool) bool {
		if i >= end || doc[i] != '"' && doc[i] != '\'' {
			return false
		}
		q := doc[i]
		k := bytes.IndexByte(doc[i+1:end], q)
		if k < 0 {
			return false
		}
		lit := doc[i+1 : i+1+k]
		i += k + 2
		if pubid {
			for _, c := range lit {
				if !(c == ' ' || c == '\r' || c == '\n' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
					'0' <= c && c <= '9' || strings.IndexByte("-'()+,./:=?;!*#@$_%", c) >= 0) {
					return false
				}
			}
		}
		return true
	}
	switch {
	case sawSpace && bytes.HasPrefix(doc[i:end], []byte("SYSTEM")):
		i += len("SYSTEM")
		if !space() || !literal(false) {
			return i, "SYSTEM needs a quoted system identifier"
		}
		space()
	case sawSpace && bytes.HasPrefix(doc[i:end], []byte("PUBLIC")):
		i += len("PUBLIC")
		if !space() || !literal(true) {
			return i, "PUBLIC needs a quoted public identifier"
		}
		if !space() || !literal(false) {
			return i, "PUBLIC needs a quoted system identifier after the public one"
		}
		space()
	}
	if i < end && doc[i] == '[' {
		return i, "a DOCTYPE with an internal subset ([...]) is not supported: its declarations (default attributes, entities) could change what the elements say"
	}
	if i != end {
		return i, "unexpected text in the DOCTYPE declaration"
	}
	return -1, ""
}

// isQName reports whether s is a name with at most one colon between two
// non-empty parts.
func isQName(s string) bool {
	prefix, local, ok := strings.Cut(s, ":")
	if !ok {
		return isNCName(s)
	}
	return isNCName(prefix) && isNCName(local)
}
