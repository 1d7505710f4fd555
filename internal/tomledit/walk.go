package tomledit

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// entry is one key-value as it is written.
type entry struct {
	names []string // the full path of the key in the decoded document
	index []int    // per element of names: the array index it is taken at, -1 for none
	kind  unstable.Kind
	quote string // a String's delimiter
	text  string // a String's decoded content

	kvStart, kvEnd int   // the key-value: first key part to the end of the value
	keyEnd         int   // the end of the key's last part
	valStart       int   // the value (it ends at kvEnd)
	parts          []int // where each part of the key as written starts
	header         int   // the table header whose region holds it, -1 for the top level
	nested         bool  // inside an inline table or an array
}

// header is one [table] or [[array of tables]] header line.
type header struct {
	names []string
	index []int
	array bool
	start int // the opening bracket
	end   int // the end of its line, before the line ending
}

// comment is one full-line comment.
type comment struct {
	start, end int // from '#' to the end of the line, before the line ending
	header     int // the table header whose region holds it, -1 for the top level
}

// walk records every key-value, header and full-line comment of d, with its
// full path. It runs after go-toml's decoder has accepted the document, so
// the syntax-level parser's lack of semantic checks does not matter.
func (d *document) walk() error {
	body := d.src[d.bom:]
	p := unstable.Parser{KeepComments: true}
	p.Reset(body)
	w := walker{d: d, arrays: map[string]int{}, header: -1}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Comment:
			d.comments = append(d.comments, comment{start: w.at(e.Raw), end: w.at(e.Raw) + int(e.Raw.Length), header: w.header})
		case unstable.Table, unstable.ArrayTable:
			w.table(e)
		case unstable.KeyValue:
			w.keyValue(e, nil, nil, false)
		}
	}
	if err := p.Error(); err != nil {
		// go-toml's decoder accepted what its own parser refuses: never
		// edit what is not understood.
		return newError(ErrMalformed, "TOML the parser cannot read: "+err.Error())
	}
	return nil
}

// walker is the state of one walk: the current table and how many entries
// each array of tables has so far.
type walker struct {
	d      *document
	arrays map[string]int // by resolved path (see canonical): entries so far
	names  []string       // the current table
	index  []int
	header int
}

// at turns a parser range into an offset in the whole document.
func (w *walker) at(r unstable.Range) int { return w.d.bom + int(r.Offset) }

// table starts the region of a [table] or [[array of tables]] header.
func (w *walker) table(e *unstable.Node) {
	array := e.Kind == unstable.ArrayTable
	var names []string
	var first, last unstable.Range
	for it := e.Key(); it.Next(); {
		n := it.Node()
		if names == nil {
			first = n.Raw
		}
		last = n.Raw
		names = append(names, string(n.Data))
	}
	index := make([]int, len(names))
	for i := range names {
		c := canonical(names[:i+1], index[:i])
		n, ok := w.arrays[c]
		switch {
		case array && i == len(names)-1:
			w.arrays[c] = n + 1
			index[i] = n
		case ok:
			index[i] = n - 1 // the latest entry of an array of tables
		default:
			index[i] = -1
		}
	}
	src := w.d.src
	start := bytes.LastIndexByte(src[:w.at(first)], '[')
	if array {
		start--
	}
	end := w.at(last) + int(last.Length)
	for end < len(src) && src[end] != '\n' && src[end] != '\r' {
		end++
	}
	w.d.headers = append(w.d.headers, header{names: names, index: index, array: array, start: start, end: end})
	w.names, w.index, w.header = names, index, len(w.d.headers)-1
}

// canonical is a map key for a path with its array indices.
func canonical(names []string, index []int) string {
	var b strings.Builder
	for i, n := range names {
		b.WriteString(strconv.Quote(n))
		if i < len(index) {
			b.WriteString(strconv.Itoa(index[i]))
		}
	}
	return b.String()
}

// keyValue records a key-value found under the path names/index, then the
// key-values inside its value when that is an inline table or an array of
// inline tables.
func (w *walker) keyValue(kv *unstable.Node, names []string, index []int, nested bool) {
	if !nested {
		names, index = w.names, w.index
	}
	en := entry{header: w.header, nested: nested, kvStart: w.at(kv.Raw), kvEnd: w.at(kv.Raw) + int(kv.Raw.Length)}
	en.names = append(en.names, names...)
	en.index = append(en.index, index...)
	for it := kv.Key(); it.Next(); {
		n := it.Node()
		en.parts = append(en.parts, w.at(n.Raw))
		en.names = append(en.names, string(n.Data))
		en.index = append(en.index, -1)
		en.keyEnd = w.at(n.Raw) + int(n.Raw.Length)
	}
	en.valStart = skipSeparator(w.d.src, en.keyEnd)
	v := kv.Value()
	en.kind = v.Kind
	if v.Kind == unstable.String {
		en.quote = quoteOf(w.d.src[en.valStart:en.kvEnd])
		en.text = string(v.Data)
	}
	w.d.entries = append(w.d.entries, en)

	switch v.Kind {
	case unstable.InlineTable:
		w.inlineTable(v, en.names, en.index)
	case unstable.Array:
		i := 0
		for it := v.Children(); it.Next(); {
			el := it.Node()
			if el.Kind == unstable.Comment {
				continue
			}
			if el.Kind == unstable.InlineTable {
				index := append([]int(nil), en.index...)
				index[len(index)-1] = i
				w.inlineTable(el, en.names, index)
			}
			i++
		}
	}
}

// inlineTable records the key-values of an inline table at names/index.
func (w *walker) inlineTable(t *unstable.Node, names []string, index []int) {
	for it := t.Children(); it.Next(); {
		if kv := it.Node(); kv.Kind == unstable.KeyValue {
			w.keyValue(kv, names, index, true)
		}
	}
}

// skipSeparator returns where the value starts after a key that ends at
// off: past blanks, the '=' and blanks again.
func skipSeparator(src []byte, off int) int {
	for off < len(src) && isBlank(src[off]) {
		off++
	}
	off++ // '='
	for off < len(src) && isBlank(src[off]) {
		off++
	}
	return off
}

// quoteOf returns the delimiter a raw string value is written with.
func quoteOf(raw []byte) string {
	if len(raw) >= 6 && (string(raw[:3]) == `"""` || string(raw[:3]) == `'''`) {
		return string(raw[:3])
	}
	return string(raw[:1])
}
