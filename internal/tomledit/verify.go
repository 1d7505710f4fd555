package tomledit

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"time"
)

// check verifies out, an edit of d meant to change k only, before it is
// handed back: out is valid TOML; k decodes to want (is absent when want is
// nil); when keep is set, k is still written with keep's type and quote;
// and every other value of the document decodes exactly as it did in d
// (go-toml's full decoder on both sides), so that no key, table or array
// entry appeared, vanished or changed, except an empty table on k's path
// (the one a new key's table starts as, or ends as once it is taken out).
func (d *document) check(out []byte, k Key, want any, keep *Value) error {
	fail := func(format string, args ...any) error {
		return newError(ErrMalformed, fmt.Sprintf("cannot edit %s: internal check failed: ", k)+fmt.Sprintf(format, args...))
	}
	od, err := parse(out)
	if err != nil {
		return fail("the result is not valid TOML (%v)", err)
	}
	en, err := od.findEntry(k)
	switch {
	case want == nil && err == nil:
		return fail("the key is still there (line %d)", lineOf(out, en.kvStart))
	case want == nil:
		if en, err = d.findEntry(k); err != nil {
			return fail("the key was not there to take out (%v)", err)
		}
	case err != nil:
		return fail("the key does not read back (%v)", err)
	case keep != nil && (typeOf[en.kind] != keep.Type || en.quote != keep.Quote):
		return fail("it would turn %s written with %q into %s written with %q", keep.Type, keep.Quote, typeOf[en.kind], en.quote)
	}

	before, after := flatten(d.data), flatten(od.data)
	target := canonical(en.names, en.index)
	if want != nil && !sameValue(after[target], want) {
		return fail("the key reads back as %v, not %v", after[target], want)
	}
	onPath := map[string]bool{}
	for i := 1; i < len(en.names); i++ {
		onPath[canonical(en.names[:i], en.index[:i])] = true
	}
	all := maps.Clone(before)
	maps.Copy(all, after)
	for p := range all {
		b, inBefore := before[p]
		a, inAfter := after[p]
		switch {
		case p == target:
		case onPath[p] && (!inBefore || b == emptyTable{}) && (!inAfter || a == emptyTable{}):
		case inBefore != inAfter || !sameValue(b, a):
			return fail("another value would change: %s, from %v to %v", p, b, a)
		}
	}
	return nil
}

// emptyTable stands for a table without keys in a flattened document.
type emptyTable struct{}

// flatten maps every value of a decoded document to its path (written as
// canonical writes an entry's): tables and arrays of tables are walked into,
// so that each scalar, each other array and each empty table is one element.
func flatten(data map[string]any) map[string]any {
	out := map[string]any{}
	var walk func(names []string, index []int, v any)
	walk = func(names []string, index []int, v any) {
		switch t := v.(type) {
		case map[string]any:
			if len(t) == 0 && len(names) > 0 {
				out[canonical(names, index)] = emptyTable{}
			}
			for k, x := range t {
				walk(append(names[:len(names):len(names)], k), append(index[:len(index):len(index)], -1), x)
			}
		case []any:
			if len(t) == 0 || !allTables(t) {
				out[canonical(names, index)] = t
				return
			}
			for i, x := range t {
				at := append([]int(nil), index...)
				at[len(at)-1] = i
				walk(names, at, x)
			}
		default:
			out[canonical(names, index)] = t
		}
	}
	walk(nil, nil, data)
	return out
}

// allTables reports whether every element of an array is a table: an array
// of tables, or an array of inline tables, whose keys the walk records.
func allTables(a []any) bool {
	for _, x := range a {
		if _, ok := x.(map[string]any); !ok {
			return false
		}
	}
	return true
}

// sameValue compares two decoded values: as reflect.DeepEqual does, except
// that NaN equals NaN (the document says nan in both) and times compare as
// instants with the same offset.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.IsNaN(x) && math.IsNaN(y))
	case time.Time:
		y, ok := b.(time.Time)
		_, xo := x.Zone()
		_, yo := y.Zone()
		return ok && x.Equal(y) && xo == yo
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
