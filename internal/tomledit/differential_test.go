package tomledit

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// The differential tests hold tomledit against go-toml's full decoder, on
// the real files and their variants: what Find reports for a key is what
// the decoder makes of the document there, and an edit changes, decoded,
// exactly the key it is for. They walk the decoded document with their own
// code, not with flatten and check, which they test.

// leaf is one key of a decoded document whose value is not a table.
type leaf struct {
	k     Key
	value any
}

// decodedLeaves walks a decoded document down to its non-table values,
// through tables, arrays of tables and arrays of inline tables (one entry
// index deep, as a Key addresses).
func decodedLeaves(data map[string]any) []leaf {
	var out []leaf
	var walk func(table []string, entry int, depth int, m map[string]any)
	walk = func(table []string, entry, depth int, m map[string]any) {
		for name, v := range m {
			path := append(table[:len(table):len(table)], name)
			switch t := v.(type) {
			case map[string]any:
				walk(path, entry, depth, t)
				continue
			case []any:
				if len(t) > 0 && depth == 0 && !slices.ContainsFunc(t, func(x any) bool { _, ok := x.(map[string]any); return !ok }) {
					for i, x := range t {
						entry, _ := x.(map[string]any)
						walk(path, i, 1, entry)
					}
					continue
				}
			}
			out = append(out, leaf{Key{Table: table, Name: name, Entry: entry}, v})
		}
	}
	walk(nil, 0, 0, data)
	return out
}

func decode(t testing.TB, doc []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := toml.Unmarshal(bytes.TrimPrefix(doc, utf8BOM), &m); err != nil {
		t.Fatalf("go-toml refuses the document: %v", err)
	}
	return m
}

// encode writes a decoded document in go-toml's canonical form (sorted
// keys, nan as nan), so that two documents compare as strings.
func encode(t testing.TB, m map[string]any) string {
	t.Helper()
	b, err := toml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// setDecoded sets, in a decoded document, the value of k, making its
// tables on the way.
func setDecoded(m map[string]any, k Key, v any) {
	for _, name := range k.Table {
		switch next := m[name].(type) {
		case map[string]any:
			m = next
		case []any:
			m, _ = next[k.Entry].(map[string]any)
		default:
			n := map[string]any{}
			m[name], m = n, n
		}
	}
	m[k.Name] = v
}

// differentialDocs are the real files and every offset variant.
func differentialDocs(t testing.TB) []variant {
	var docs []variant
	for _, name := range fixtureNames {
		docs = append(docs, variant{name, fixture(t, name)}, variant{name + "/crlf", toCRLF(fixture(t, name))})
	}
	return append(docs, offsetVariants(t)...)
}

// TestFindAgainstDecoder: every value the decoder sees is found, and its
// raw bytes decode, alone, to that value.
func TestFindAgainstDecoder(t *testing.T) {
	for _, d := range differentialDocs(t) {
		leaves := decodedLeaves(decode(t, d.doc))
		if len(leaves) < 5 {
			t.Fatalf("%s: only %d values", d.name, len(leaves))
		}
		for _, l := range leaves {
			checkFound(t, d.name, d.doc, l)
		}
	}
}

// checkFound asserts that Find reports l as the decoder does.
func checkFound(t *testing.T, name string, doc []byte, l leaf) {
	t.Helper()
	v, err := Find(doc, l.k)
	if err != nil {
		t.Fatalf("%s: %s: %v", name, l.k, err)
	}
	if string(doc[v.Start:v.End]) != v.Raw {
		t.Fatalf("%s: %s: the span does not hold Raw", name, l.k)
	}
	got, err := decodeRaw(v.Raw)
	if err != nil || encode(t, map[string]any{"v": got}) != encode(t, map[string]any{"v": l.value}) {
		t.Fatalf("%s: %s: Raw %q decodes to %v (%v), the document holds %v", name, l.k, v.Raw, got, err, l.value)
	}
	if v.Type == String && v.Text != l.value {
		t.Fatalf("%s: %s: Text %q, decoded %q", name, l.k, v.Text, l.value)
	}
}

// TestEditsAgainstDecoder: on the real files, every number and every URL
// with a literal port is edited, and a new key is added to every table;
// each result, decoded, is the original with that one key changed.
func TestEditsAgainstDecoder(t *testing.T) {
	edits := 0
	for _, d := range differentialDocs(t) {
		data := decode(t, d.doc)
		try := func(what string, k Key, want any, edit func() ([]byte, error)) {
			t.Helper()
			out, err := edit()
			if err != nil {
				t.Fatalf("%s: %s %s: %v", d.name, what, k, err)
			}
			expect := decode(t, d.doc)
			setDecoded(expect, k, want)
			if encode(t, decode(t, out)) != encode(t, expect) {
				t.Fatalf("%s: %s %s: decoded, the result differs in more than the key", d.name, what, k)
			}
			edits++
		}
		for _, l := range decodedLeaves(data) {
			v, _ := Find(d.doc, l.k)
			if _, ok := v.wholeNumber(); ok {
				want := any(int64(4242))
				if v.Type == String {
					want = strings.Replace(v.Text, strings.TrimSpace(v.Text), "4242", 1)
				}
				try("number", l.k, want, func() ([]byte, error) { return SetNumber(d.doc, l.k, 4242) })
			}
			if _, _, err := v.URLPort(); err == nil {
				want := urlPortRE.ReplaceAllString(v.Text, "${1}1")
				try("URL", l.k, want, func() ([]byte, error) { return SetURLPort(d.doc, l.k, 1) })
			}
		}
		d2, err := parse(d.doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range d2.headers {
			k := Key{Table: h.names, Name: "tomledit_probe"}
			if slices.ContainsFunc(h.index, func(i int) bool { return i >= 0 }) {
				continue // in an array of tables: not added
			}
			try("new key", k, int64(7), func() ([]byte, error) { return SetNumber(d.doc, k, 7) })
		}
	}
	if edits < 100 {
		t.Fatalf("only %d edits were tried", edits)
	}
	t.Logf("%d edits", edits)
}

// urlPortRE finds the port of a URL, written independently of urlParts.
var urlPortRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://([^/?#@]*@)?(\[[^\]/]*\]|[^/?#:\[]*):)[0-9]+`)
