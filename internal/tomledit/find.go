package tomledit

import (
	"fmt"
	"slices"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// Find returns the value of k: under its table's header, as a dotted key
// (server.offset = 1 at the top level, or under a parent table's header) or
// inside an inline table (server = { offset = 1 }), wherever the document
// writes it. For a key in an array of tables, k.Entry says which entry.
//
// The whole document is checked first, so a document go-toml's decoder
// refuses is ErrMalformed or ErrDuplicate even where the key itself looks
// fine. A key that names a table is ErrNotValue.
func Find(doc []byte, k Key) (Value, error) {
	d, err := parse(doc)
	if err != nil {
		return Value{}, err
	}
	return d.find(k)
}

// FindAll returns the value of k in every table that holds it, in document
// order: one Value for a plain table, one per entry that has the key for an
// array of tables such as [[apim.gateway.environment]] (Value.Entry says
// which; k.Entry is ignored). It is ErrNotFound when there is none.
func FindAll(doc []byte, k Key) ([]Value, error) {
	d, err := parse(doc)
	if err != nil {
		return nil, err
	}
	return d.findAll(k)
}

// findAll is FindAll on a parsed document.
func (d *document) findAll(k Key) ([]Value, error) {
	found, err := d.lookup(k)
	if err != nil {
		return nil, err
	}
	vals := make([]Value, len(found))
	for i, en := range found {
		vals[i] = d.value(en)
	}
	return vals, nil
}

// Document is a document parsed once, so that several keys are looked up
// without decoding it again for each (a decode costs far more than a
// lookup).
type Document struct{ d *document }

// Parse checks doc as Find does and returns it parsed.
func Parse(doc []byte) (*Document, error) {
	d, err := parse(doc)
	if err != nil {
		return nil, err
	}
	return &Document{d}, nil
}

// Find is Find on the parsed document.
func (d *Document) Find(k Key) (Value, error) { return d.d.find(k) }

// FindAll is FindAll on the parsed document.
func (d *Document) FindAll(k Key) ([]Value, error) { return d.d.findAll(k) }

// find is Find on a parsed document.
func (d *document) find(k Key) (Value, error) {
	en, err := d.findEntry(k)
	if err != nil {
		return Value{}, err
	}
	return d.value(en), nil
}

// findEntry returns the entry of k.
func (d *document) findEntry(k Key) (*entry, error) {
	found, err := d.lookup(k)
	if err != nil {
		return nil, err
	}
	if entryOf(found[0]) < 0 { // a plain table holds the key once
		if k.Entry != 0 {
			return nil, newError(ErrNotFound, fmt.Sprintf("%s is in a plain table, not an array of tables, so there is no entry %d", k, k.Entry))
		}
		return found[0], nil
	}
	for _, en := range found {
		if entryOf(en) == k.Entry {
			return en, nil
		}
	}
	return nil, newError(ErrNotFound, fmt.Sprintf("the document has no %s", k.inEntry(k.Entry)))
}

// lookup returns the entries of k's path, at least one.
func (d *document) lookup(k Key) ([]*entry, error) {
	path := k.path()
	var found []*entry
	for i := range d.entries {
		en := &d.entries[i]
		if !slices.Equal(en.names, path) {
			continue
		}
		if arrays := arrayDepth(en); arrays > 1 {
			return nil, newError(ErrAmbiguous, fmt.Sprintf("%s (line %d) lies in %d nested arrays of tables; one entry index cannot say which it is", k, lineOf(d.src, en.kvStart), arrays))
		}
		found = append(found, en)
	}
	if len(found) > 0 {
		return found, nil
	}
	if line, ok := d.tableLine(path); ok {
		return nil, newError(ErrNotValue, fmt.Sprintf("%s is a table (line %d), not a value", k, line))
	}
	return nil, newError(ErrNotFound, fmt.Sprintf("the document has no %s", k))
}

// tableLine returns the line where path is first made a table, by a header
// or by a dotted key, when it is one.
func (d *document) tableLine(path []string) (int, bool) {
	for _, h := range d.headers {
		if len(h.names) >= len(path) && slices.Equal(h.names[:len(path)], path) {
			return lineOf(d.src, h.start), true
		}
	}
	for _, en := range d.entries {
		if len(en.names) > len(path) && slices.Equal(en.names[:len(path)], path) {
			return lineOf(d.src, en.kvStart), true
		}
	}
	return 0, false
}

// value is an entry as the API shows it.
func (d *document) value(en *entry) Value {
	raw := string(d.src[en.valStart:en.kvEnd])
	v := Value{
		Value: fileformat.Value{Start: en.valStart, End: en.kvEnd, Raw: raw},
		Type:  typeOf[en.kind],
		Quote: en.quote,
		Text:  raw,
		Entry: max(entryOf(en), 0),
		Line:  lineOf(d.src, en.kvStart),
		key:   d.describe(en),
	}
	if v.Type == String {
		v.Text = en.text
	}
	return v
}

// describe names an entry's key for messages.
func (d *document) describe(en *entry) string {
	n := len(en.names) - 1
	k := Key{Table: en.names[:n], Name: en.names[n], Entry: max(entryOf(en), 0)}
	if entryOf(en) >= 0 {
		return k.inEntry(k.Entry)
	}
	return k.String()
}

// arrayDepth counts the arrays an entry's path goes through.
func arrayDepth(en *entry) int {
	n := 0
	for _, i := range en.index {
		if i >= 0 {
			n++
		}
	}
	return n
}

// entryOf is the array index on an entry's path, -1 when there is none.
func entryOf(en *entry) int {
	for _, i := range en.index {
		if i >= 0 {
			return i
		}
	}
	return -1
}

var typeOf = map[unstable.Kind]Type{
	unstable.Integer:       Integer,
	unstable.Float:         Float,
	unstable.Bool:          Bool,
	unstable.String:        String,
	unstable.DateTime:      OffsetDateTime,
	unstable.LocalDateTime: LocalDateTime,
	unstable.LocalDate:     LocalDate,
	unstable.LocalTime:     LocalTime,
	unstable.Array:         Array,
	unstable.InlineTable:   InlineTable,
}
