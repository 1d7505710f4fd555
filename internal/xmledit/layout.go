package xmledit

import (
	"bytes"
	"strings"
)

// The helpers below read the layout of the lines around an element, so that
// an inserted element looks like its neighbours and a removed one leaves no
// trace. A "line break" is \n or \r\n; indentation is spaces and tabs.

// lineBreakBefore returns where the line break ends that precedes doc[i]
// after only spaces and tabs: the offset of that break's \r (for \r\n) or
// \n. It returns -1 when doc[i] is not the first thing on its line or the
// break would lie before floor.
func lineBreakBefore(doc []byte, i, floor int) int {
	j := i
	for j > floor && (doc[j-1] == ' ' || doc[j-1] == '\t') {
		j--
	}
	if j <= floor || doc[j-1] != '\n' {
		return -1
	}
	j--
	if j > floor && doc[j-1] == '\r' {
		j--
	}
	return j
}

// lineContentStart returns the offset just after the line break at lb.
func lineContentStart(doc []byte, lb int) int {
	if doc[lb] == '\r' {
		return lb + 2
	}
	return lb + 1
}

// lineIndent returns the leading spaces and tabs of the line containing
// doc[i].
func lineIndent(doc []byte, i int) string {
	s := i
	for s > 0 && doc[s-1] != '\n' {
		s--
	}
	e := s
	for e < len(doc) && (doc[e] == ' ' || doc[e] == '\t') {
		e++
	}
	return string(doc[s:e])
}

// lineEnding returns the line ending the document uses: \r\n if its first
// line ends so, otherwise \n.
func lineEnding(doc []byte) string {
	for i, c := range doc {
		if c == '\n' {
			if i > 0 && doc[i-1] == '\r' {
				return "\r\n"
			}
			return "\n"
		}
	}
	return "\n"
}

// indentUnit guesses one level of indentation in the style of an element at
// depth (the root is depth 0) indented by indent: indent split evenly over
// its levels when it is made of one repeated character, otherwise the
// indentation of the document's first indented line of markup, otherwise
// four spaces.
func indentUnit(doc []byte, indent string, depth int) string {
	if indent != "" && depth > 0 && len(indent)%depth == 0 && strings.Count(indent, indent[:1]) == len(indent) {
		return indent[:len(indent)/depth]
	}
	for i := 0; i < len(doc); {
		j := i
		for j < len(doc) && (doc[j] == ' ' || doc[j] == '\t') {
			j++
		}
		if j > i && j < len(doc) && doc[j] == '<' {
			return string(doc[i:j])
		}
		k := bytes.IndexByte(doc[j:], '\n')
		if k < 0 {
			break
		}
		i = j + k + 1
	}
	return "    "
}
