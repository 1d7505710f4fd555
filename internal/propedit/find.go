package propedit

import (
	"fmt"
	"strings"
)

// Find returns the value of key (as Java reads it, escapes resolved). The
// whole document is read first, so a document Java refuses to load is
// ErrMalformed even where the key itself looks fine. A key set on more
// than one line is ErrAmbiguous: Java takes the last, but an edit of
// either would be a guess at which one the operator means.
func Find(doc []byte, key string) (Value, error) {
	d, err := parse(doc)
	if err != nil {
		return Value{}, err
	}
	_, v, err := d.find(key)
	return v, err
}

// find returns the index of key's entry and its value.
func (d *document) find(key string) (int, Value, error) {
	index := -1
	var lines []string
	for i, v := range d.entries {
		if v.Key == key {
			index = i
			lines = append(lines, fmt.Sprint(v.Line))
		}
	}
	switch len(lines) {
	case 0:
		return -1, Value{}, newError(ErrNotFound, fmt.Sprintf("no line sets %s", key))
	case 1:
		return index, d.entries[index], nil
	}
	return -1, Value{}, newError(ErrAmbiguous, fmt.Sprintf("%s is set on %d lines (%s): Java reads the last one; remove the others", key, len(lines), strings.Join(lines, ", ")))
}
