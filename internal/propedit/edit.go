package propedit

import (
	"fmt"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// ReplaceText returns a copy of doc in which the part Text[from:to] of
// key's value reads s, such as the digits of a port inside a URL: only the
// bytes of that part change. The part must be written literally (see
// Value.Span), and s must be printable ASCII without a backslash, not
// empty, and read back as written where it goes (a value cannot start with
// a blank, nor, after a blank separator, with '=' or ':'), so that s needs
// no escape and the lines keep their shape; otherwise nothing is edited. When the part already reads s, doc
// itself is returned.
func ReplaceText(doc []byte, key string, from, to int, s string) ([]byte, error) {
	d, err := parse(doc)
	if err != nil {
		return nil, err
	}
	index, v, err := d.find(key)
	if err != nil {
		return nil, err
	}
	part, err := v.Span(from, to)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return nil, newError(ErrInvalidArgument, fmt.Sprintf("cannot write an empty text into %s (line %d)", key, v.Line))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' || s[i] == '\\' {
			return nil, newError(ErrInvalidArgument, fmt.Sprintf("cannot write into %s (line %d) a text that needs escaping", key, v.Line))
		}
	}
	if part.Raw == s {
		return doc, nil
	}
	out := fileformat.Replace(doc, part, s)
	if err := d.check(out, index, v.Text[:from]+s+v.Text[to:], ""); err != nil {
		return nil, err
	}
	return out, nil
}

// Restore returns a copy of doc in which key's value is written as raw
// again, raw being a Value.Raw recorded before (a value's bytes from its
// first character to the end of its logical line). When it already is,
// doc itself is returned. The result is checked like every edit: key reads
// back as raw, every other key as before.
func Restore(doc []byte, key, raw string) ([]byte, error) {
	d, err := parse(doc)
	if err != nil {
		return nil, err
	}
	index, v, err := d.find(key)
	if err != nil {
		return nil, err
	}
	if v.Raw == raw {
		return doc, nil
	}
	out := fileformat.Replace(doc, v.Value, raw)
	if err := d.check(out, index, "", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// check verifies out, an edit of d meant to change the value of entry
// index only, before it is handed back: it loads; it sets the same keys in
// the same order; entry index reads text (when wantRaw is "") or is written
// as wantRaw; and every other entry reads as it did in d.
func (d *document) check(out []byte, index int, text, wantRaw string) error {
	key := d.entries[index].Key
	fail := func(format string, args ...any) error {
		return newError(ErrMalformed, fmt.Sprintf("cannot edit %s: internal check failed: ", key)+fmt.Sprintf(format, args...))
	}
	od, err := parse(out)
	if err != nil {
		return fail("the result does not load (%v)", err)
	}
	if len(od.entries) != len(d.entries) {
		return fail("the result sets %d keys, not %d", len(od.entries), len(d.entries))
	}
	for i, before := range d.entries {
		after := od.entries[i]
		switch {
		case after.Key != before.Key:
			return fail("line %d sets another key", after.Line)
		case i != index && after.Text != before.Text:
			return fail("the value of %s (line %d) would change", after.Key, after.Line)
		case i == index && wantRaw == "" && after.Text != text:
			return fail("the value does not read back as written")
		case i == index && wantRaw != "" && after.Raw != wantRaw:
			return fail("the original does not read back as one value")
		}
	}
	return nil
}
