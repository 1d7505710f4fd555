package tomledit

import (
	"errors"
	"fmt"

	"github.com/pelletier/go-toml/v2"
)

// Original is how a key stood before the first edit, in bytes: what Restore
// needs to put the document back as it was, byte for byte, without keeping
// the document. It is plain data (JSON-tagged) to be kept between runs.
type Original struct {
	// Raw is the value's bytes, as Value.Raw, when the key was there.
	Raw string `json:"raw,omitempty"`
	// Absent means the key was not there; SetNumber adds it.
	Absent bool `json:"absent,omitempty"`
	// Comment is, when Absent, the commented-out line (from its '#' to its
	// end) that SetNumber uncomments in place: #offset=0. Restore puts it
	// back. It is "" when the key is added on a line of its own.
	Comment string `json:"comment,omitempty"`
	// Before and After are, when Absent, what SetNumber writes around the
	// value, up to the bytes it leaves alone: the key and its separator,
	// and any line ending, blank line and table header it adds with it.
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// OriginalOf records how k stands in doc now, to be given to Restore after
// any number of SetNumber edits. A key that SetNumber could not add is
// recorded as Absent alone: SetNumber reports why, and Restore has nothing
// to undo.
func OriginalOf(doc []byte, k Key) (Original, error) {
	d, err := parse(doc)
	if err != nil {
		return Original{}, err
	}
	v, err := d.find(k)
	if err == nil {
		return Original{Raw: v.Raw}, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Original{}, err
	}
	if in, err := d.plan(k); err == nil {
		return Original{Absent: true, Comment: in.old, Before: in.before, After: in.after}, nil
	}
	return Original{Absent: true}, nil
}

// Restore returns a copy of doc in which k stands as o records it.
//
//   - A key that was there gets its original bytes back (it is added again,
//     as SetNumber adds one, if it has been removed since).
//   - A key that SetNumber added is taken out with exactly the bytes it
//     added: an uncommented #offset=0 is commented again, as it was; a
//     created [server] goes with its blank line. When the bytes around the
//     value are no longer the ones written (the line was edited by hand),
//     or taking them out would change more than k (keys were added under a
//     created header), the key's line alone is taken out (or turned back
//     into the comment); a key that shares its line with other content is
//     ErrAmbiguous.
//
// When doc already stands so, it is returned as it is. The result is
// checked like every edit: only k differs from doc.
func Restore(doc []byte, k Key, o Original) ([]byte, error) {
	d, err := parse(doc)
	if err != nil {
		return nil, err
	}
	v, err := d.find(k)
	present := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	switch {
	case !o.Absent:
		if present && v.Raw == o.Raw {
			return doc, nil
		}
		want, err := decodeRaw(o.Raw)
		if err != nil {
			return nil, newError(ErrInvalidArgument, fmt.Sprintf("cannot restore %s: %q is not a TOML value (%v)", k, o.Raw, err))
		}
		if present {
			return d.replace(k, v, o.Raw, want, nil) // the type it had may differ
		}
		in, err := d.plan(k)
		if err != nil {
			return nil, err
		}
		return d.insert(k, in, o.Raw, want)
	case !present:
		return doc, nil
	}
	// The exact inverse of SetNumber, when the bytes it wrote are still
	// around the value and taking them out changes nothing but k (keys
	// added by hand under a created header would move to another table).
	from, to := v.Start-len(o.Before), v.End+len(o.After)
	if o.Before+o.After != "" && from >= 0 && to <= len(doc) && string(doc[from:v.Start]) == o.Before && string(doc[v.End:to]) == o.After {
		if out := splice(doc, from, to, o.Comment); d.check(out, k, nil, nil) == nil {
			return out, nil
		}
	}
	out, err := d.takeOutLine(k, o.Comment)
	if err != nil {
		return nil, err
	}
	if err := d.check(out, k, nil, nil); err != nil {
		return nil, err
	}
	return out, nil
}

// takeOutLine removes k's line, or turns it into comment when there is
// one: what Restore does when the bytes around k are not the ones SetNumber
// wrote. The key-value must be the only thing on its lines, but for blanks
// and a comment after it.
func (d *document) takeOutLine(k Key, comment string) ([]byte, error) {
	en, err := d.findEntry(k)
	if err != nil {
		return nil, err
	}
	start, end := d.lineStart(en.kvStart), d.lineEnd(en.kvEnd)
	if en.nested || !d.aloneOnLine(en.kvStart) || !d.onlyCommentAfter(en.kvEnd, end) {
		return nil, newError(ErrAmbiguous, fmt.Sprintf("cannot take %s (line %d) out: it shares its line with other content; remove it by hand", k, lineOf(d.src, en.kvStart)))
	}
	if comment != "" {
		return splice(d.src, en.kvStart, end, comment), nil
	}
	if eol := d.eolAt(end); eol != "" {
		return splice(d.src, start, end+len(eol), ""), nil
	}
	if start > d.bom { // the last line, without a final newline: so it stays
		start = d.lineEnd(start - 1)
	}
	return splice(d.src, start, end, ""), nil
}

// onlyCommentAfter reports whether src[from:end] is blanks and at most a
// comment.
func (d *document) onlyCommentAfter(from, end int) bool {
	for from < end && isBlank(d.src[from]) {
		from++
	}
	return from == end || d.src[from] == '#'
}

// splice returns a copy of src with src[from:to] replaced by s.
func splice(src []byte, from, to int, s string) []byte {
	out := make([]byte, 0, len(src)-(to-from)+len(s))
	out = append(out, src[:from]...)
	out = append(out, s...)
	return append(out, src[to:]...)
}

// decodeRaw decodes a value written as raw.
func decodeRaw(raw string) (any, error) {
	var m map[string]any
	if err := toml.Unmarshal([]byte("v = "+raw), &m); err != nil {
		return nil, err
	}
	return m["v"], nil
}
