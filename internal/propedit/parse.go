package propedit

import (
	"fmt"
	"sort"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// document is a parsed properties document: every key-value it sets, in
// document order.
type document struct {
	src        []byte
	lineStarts []int
	entries    []Value
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }
func isEOL(c byte) bool   { return c == '\n' || c == '\r' }

// lineEnd returns the offset of the line terminator at or after i, or
// len(src) on the last line.
func lineEnd(src []byte, i int) int {
	for i < len(src) && !isEOL(src[i]) {
		i++
	}
	return i
}

// afterEOL returns the offset after the line terminator at i: \r\n is one.
func afterEOL(src []byte, i int) int {
	if i < len(src) && src[i] == '\r' {
		i++
		if i < len(src) && src[i] == '\n' {
			i++
		}
		return i
	}
	if i < len(src) && src[i] == '\n' {
		i++
	}
	return i
}

// parse reads src as java.util.Properties.load reads it.
func parse(src []byte) (*document, error) {
	d := &document{src: src, lineStarts: []int{0}}
	for i, c := range src {
		if c == '\n' || c == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
			d.lineStarts = append(d.lineStarts, i+1)
		}
	}
	for i := 0; i < len(src); {
		j := i
		for j < len(src) && isBlank(src[j]) {
			j++
		}
		switch {
		case j == len(src):
			i = j
			continue
		case isEOL(src[j]):
			i = afterEOL(src, j)
			continue
		case src[j] == '#' || src[j] == '!':
			i = afterEOL(src, lineEnd(src, j))
			continue
		}
		buf, pos, end, sets, err := d.logicalLine(j)
		if err != nil {
			return nil, err
		}
		if sets {
			if err := d.addEntry(buf, pos, j, end); err != nil {
				return nil, err
			}
		}
		i = afterEOL(src, end)
	}
	return d, nil
}

// logicalLine joins the natural lines of the logical line that starts at
// start: a line ending with an odd number of backslashes continues on the
// next, without that backslash, the line terminator and the next line's
// leading blanks. It returns the characters with the offset each is
// written at, and the offset at which the logical line ends (its last
// line's terminator, or the end of the document). A continuation at the
// end of the document is dropped, as Java drops it.
//
// sets says the line sets a key. A line that is empty once joined (a lone
// backslash continued onto a blank line) sets none, except where Java's
// line reader meets the end of the document right at the continuation
// (the backslash is the last byte, or only a one-byte line terminator
// follows it): there it sets the empty key to the empty value.
//
// A line holding nothing but a continuation, continued onto a line that
// starts with '#' or '!', is refused (ErrMalformed): Java 8, the runtime of
// APIM 2.x, reads that line as part of a key, Java 9 and later as a
// comment.
func (d *document) logicalLine(start int) (buf []byte, pos []int, end int, sets bool, err error) {
	src := d.src
	for k := start; ; {
		e := lineEnd(src, k)
		backslashes := 0
		for p := e - 1; p >= k && src[p] == '\\'; p-- {
			backslashes++
		}
		for p := k; p < e; p++ {
			buf = append(buf, src[p])
			pos = append(pos, p)
		}
		if backslashes%2 == 0 {
			return buf, pos, e, len(buf) > 0, nil
		}
		buf, pos = buf[:len(buf)-1], pos[:len(pos)-1]
		if e == len(src) || e+1 == len(src) {
			return buf, pos, e, true, nil
		}
		k = afterEOL(src, e)
		for k < len(src) && isBlank(src[k]) {
			k++
		}
		if len(buf) == 0 && k < len(src) && (src[k] == '#' || src[k] == '!') {
			return nil, nil, 0, false, newError(ErrMalformed, fmt.Sprintf("line %d holds only a line continuation, and the line it continues on starts with %q: Java 8 reads that line as a key, later Java versions as a comment; remove the backslash", d.lineOf(e-1), src[k]))
		}
	}
}

// addEntry splits a logical line into its key and value as Java does: the
// key ends at the first unescaped '=', ':' or blank; blanks, and one '='
// or ':' if the key did not end at one, come before the value.
func (d *document) addEntry(buf []byte, pos []int, start, end int) error {
	keyLen, valStart, hasSep, escaped := 0, len(buf), false, false
	for ; keyLen < len(buf); keyLen++ {
		c := buf[keyLen]
		if (c == '=' || c == ':') && !escaped {
			valStart, hasSep = keyLen+1, true
			break
		}
		if isBlank(c) && !escaped {
			valStart = keyLen + 1
			break
		}
		escaped = c == '\\' && !escaped
	}
	for ; valStart < len(buf); valStart++ {
		c := buf[valStart]
		if isBlank(c) {
			continue
		}
		if hasSep || c != '=' && c != ':' {
			break
		}
		hasSep = true
	}
	key, err := d.decode(buf[:keyLen], pos[:keyLen])
	if err != nil {
		return err
	}
	v, err := d.decode(buf[valStart:], pos[valStart:])
	if err != nil {
		return err
	}
	vStart := end
	if valStart < len(buf) {
		vStart = pos[valStart]
	}
	v.Value = fileformat.Value{Start: vStart, End: end, Raw: string(d.src[vStart:end])}
	v.Key, v.Line = key.Text, d.lineOf(start)
	d.entries = append(d.entries, v)
	return nil
}

// decode resolves the escapes of buf (written at pos), as Java's
// loadConvert does, into a Value's Text and the span of each of its bytes.
func (d *document) decode(buf []byte, pos []int) (Value, error) {
	v := Value{lineStarts: d.lineStarts}
	var text []byte
	add := func(r rune, from, to int, literal bool) {
		n := len(text)
		text = utf8.AppendRune(text, r)
		for range len(text) - n {
			v.from, v.to, v.literal = append(v.from, from), append(v.to, to), append(v.literal, literal)
		}
	}
	// A \u escape of a UTF-16 high surrogate waits for the escape of its
	// low half; alone, either is not a character (utf8.RuneError).
	var high rune
	var highFrom, highTo int
	flush := func() {
		if high != 0 {
			add(utf8.RuneError, highFrom, highTo, false)
			high = 0
		}
	}
	for b := 0; b < len(buf); {
		c := buf[b]
		if c != '\\' || b+1 == len(buf) {
			flush()
			if c != '\\' {
				add(rune(c), pos[b], pos[b]+1, c < utf8.RuneSelf)
			}
			b++
			continue
		}
		from := pos[b]
		e := buf[b+1]
		if e != 'u' {
			flush()
			add(rune(unescape(e)), from, pos[b+1]+1, false)
			b += 2
			continue
		}
		u, ok := hex4(buf[b+2:])
		if !ok {
			return Value{}, newError(ErrMalformed, fmt.Sprintf("line %d, column %d: \\u is not followed by four hexadecimal digits; Java refuses to load such a file", d.lineOf(from), from-d.lineStarts[d.lineOf(from)-1]+1))
		}
		to := pos[b+5] + 1
		b += 6
		switch {
		case utf16.IsSurrogate(u) && u < 0xdc00:
			flush()
			high, highFrom, highTo = u, from, to
		case utf16.IsSurrogate(u) && high != 0:
			add(utf16.DecodeRune(high, u), highFrom, to, false)
			high = 0
		default:
			flush()
			add(u, from, to, false)
		}
	}
	flush()
	v.Text = string(text)
	return v, nil
}

// unescape is the character \c stands for.
func unescape(c byte) byte {
	switch c {
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'n':
		return '\n'
	case 'f':
		return '\f'
	}
	return c
}

// hex4 reads the four hexadecimal digits of a \uXXXX escape.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// lineOf returns the 1-based line of the byte at offset.
func (d *document) lineOf(offset int) int {
	return sort.Search(len(d.lineStarts), func(i int) bool { return d.lineStarts[i] > offset })
}
