package propedit

import (
	"fmt"
	"sort"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// Value is one key's value as it is written in a document.
type Value struct {
	// Value is the value's span and raw bytes: from its first character
	// (after the separator and the blanks around it) to the end of its
	// logical line, line continuations and escapes included, the line
	// terminator excluded.
	fileformat.Value
	// Key is the key, escapes resolved.
	Key string
	// Text is the value as Java reads it: continuations joined, escapes
	// resolved, ISO-8859-1 bytes as the characters they stand for (in
	// UTF-8).
	Text string
	// Line is the 1-based line on which the key is written, for messages.
	Line int

	// from and to are, for each byte of Text, the span of the document
	// that writes it: the byte itself for a literal character, the whole
	// escape for an escaped one (every byte of a multi-byte character
	// shares its span). literal says the byte of Text is the document's
	// byte at from, itself.
	from, to []int
	literal  []bool
	// lineStarts are the offsets at which the document's lines start.
	lineStarts []int
}

// Span returns where Text[from:to] is written in the document, when it is
// written literally: as its own characters, one after the other on one
// line, none of them an escape or a byte outside ASCII. Only such a part
// can be replaced without touching anything around it (ReplaceText).
// Otherwise it is ErrNotLiteral, saying which.
func (v Value) Span(from, to int) (fileformat.Value, error) {
	if from < 0 || to > len(v.Text) || from >= to {
		return fileformat.Value{}, newError(ErrInvalidArgument, fmt.Sprintf("%s (line %d): characters %d to %d are not a part of its value, which has %d", v.Key, v.Line, from, to, len(v.Text)))
	}
	for i := from; i < to; i++ {
		if i > from && v.from[i] != v.to[i-1] && v.literal[i] && v.literal[i-1] {
			first, last := v.Lines(i-1, i+1)
			return fileformat.Value{}, newError(ErrNotLiteral, fmt.Sprintf("%s (line %d): the part of its value to edit is split over lines %d and %d by a line continuation", v.Key, v.Line, first, last))
		}
		if !v.literal[i] {
			return fileformat.Value{}, newError(ErrNotLiteral, fmt.Sprintf("%s (line %d): the part of its value to edit is written with an escape or a byte outside ASCII (line %d)", v.Key, v.Line, v.lineOf(v.from[i])))
		}
	}
	start, end := v.from[from], v.to[to-1]
	return fileformat.Value{Start: start, End: end, Raw: v.Raw[start-v.Start : end-v.Start]}, nil
}

// Lines returns the first and the last line on which Text[from:to] is
// written: the same line unless a line continuation falls inside it.
func (v Value) Lines(from, to int) (first, last int) {
	if from < 0 || to > len(v.Text) || from >= to {
		return v.Line, v.Line
	}
	return v.lineOf(v.from[from]), v.lineOf(v.to[to-1] - 1)
}

// lineOf returns the 1-based line of the document's byte at offset.
func (v Value) lineOf(offset int) int {
	return sort.Search(len(v.lineStarts), func(i int) bool { return v.lineStarts[i] > offset })
}
