package tomledit

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// Keys the fuzz targets look up and edit: the provider's real ones, and
// generic ones that small mutated documents reach.
var fuzzKeys = []Key{
	offsetKey,
	wsEndpoint,
	wsPortKey,
	httpsPortKey,
	NewKey("a", "b"),
	NewKey("a.b", "c"),
	NewKey("", "a"),
	{Table: []string{"a"}, Name: "b", Entry: 1},
}

// smallDocs are seeds that mutate easily into interesting shapes.
var smallDocs = []string{
	"",
	"a = 1",
	"[a]\nb = 1\n",
	"[a]\r\n#b=0\r\nc = 'x'\r\n",
	"\xef\xbb\xbf[a]\nb = \"2\"",
	"a.b = 1 # c\n[x]\n",
	"a = { b = 1, c = { d = [1, 2] } }\n",
	"[[a]]\nb = 1\n[[a]]\nb = \"ws://h:1\"\n",
	"a = [{ b = 1 }, { b = 2 }]\n",
	"[a.b]\nc = 1\n[a]\nb.x = 1\n",
	"[server]\n#offset=0\n#[server.x]\n#offset=1\n",
	"# top\n\n[a]\n\n[b]\nc = \"\"\"\nx\"\"\"\n",
	"[a]\nb = nan\nc = 1979-05-27T07:32:00Z\n",
	"[apim]\nws.enable = true\n",
	"server = \"x\"\n",
}

var fuzzNumbers = []uint32{0, 3, 9099, 65535, 4294967295}

// fuzzSeedDocs returns every fixture and variant the tests use.
func fuzzSeedDocs(f *testing.F) [][]byte {
	var docs [][]byte
	for _, name := range fixtureNames {
		docs = append(docs, fixture(f, name), toCRLF(fixture(f, name)))
	}
	for _, v := range offsetVariants(f) {
		docs = append(docs, v.doc)
	}
	for _, s := range smallDocs {
		docs = append(docs, []byte(s))
	}
	return docs
}

// checkRefusal: every refusal is a bare *Error of a known kind with a
// message.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || err != error(e) {
		t.Fatalf("error %v (%T) is not a bare *Error", err, err)
	}
	if e.Msg == "" || e.Kind < ErrMalformed || e.Kind > ErrInvalidArgument {
		t.Fatalf("error kind %d with message %q", e.Kind, e.Msg)
	}
}

// decodes reports whether go-toml's decoder accepts doc (without a byte
// order mark).
func decodes(doc []byte) bool {
	var m map[string]any
	return toml.Unmarshal(bytes.TrimPrefix(doc, utf8BOM), &m) == nil
}

func FuzzFind(f *testing.F) {
	for _, doc := range fuzzSeedDocs(f) {
		for i := range fuzzKeys {
			f.Add(doc, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, which uint8) {
		k := fuzzKeys[int(which)%len(fuzzKeys)]
		orig := bytes.Clone(doc)
		vals, err := FindAll(doc, k)
		if !bytes.Equal(doc, orig) {
			t.Fatal("FindAll modified its input")
		}
		if err != nil {
			checkRefusal(t, err)
			if malformed := errors.Is(err, ErrMalformed) || errors.Is(err, ErrDuplicate); malformed == decodes(doc) {
				t.Fatalf("tomledit and go-toml's decoder disagree on the document: %v", err)
			}
			if errors.Is(err, ErrMalformed) || errors.Is(err, ErrDuplicate) {
				return
			}
		}
		for _, v := range vals {
			if v.Start < 0 || v.End > len(doc) || string(doc[v.Start:v.End]) != v.Raw {
				t.Fatalf("Value %+v does not match the document", v)
			}
		}
		// The differential part: every value the decoder sees, Find
		// reports the same (up to a bound, to keep an input fast).
		leaves := decodedLeaves(decode(t, doc))
		for _, l := range leaves[:min(len(leaves), 32)] {
			checkFoundOrTable(t, doc, l)
		}
	})
}

// checkFoundOrTable is checkFound, except that an array of tables (which
// decodes like an array of inline tables) is a table, not a value.
func checkFoundOrTable(t *testing.T, doc []byte, l leaf) {
	t.Helper()
	if a, ok := l.value.([]any); ok && len(a) > 0 && allTables(a) {
		if _, err := Find(doc, l.k); errors.Is(err, ErrNotValue) {
			return
		}
	}
	checkFound(t, "fuzz", doc, l)
}

func FuzzSetNumber(f *testing.F) {
	for _, doc := range fuzzSeedDocs(f) {
		for i := range fuzzKeys {
			f.Add(doc, uint8(i), fuzzNumbers[i%len(fuzzNumbers)])
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, which uint8, n32 uint32) {
		k := fuzzKeys[int(which)%len(fuzzKeys)]
		n := int64(n32)
		orig := bytes.Clone(doc)
		o, oerr := OriginalOf(doc, k)
		out, err := SetNumber(doc, k, n)
		if !bytes.Equal(doc, orig) {
			t.Fatal("SetNumber modified its input")
		}
		if err != nil {
			checkRefusal(t, err)
			if errors.Is(err, ErrMalformed) && bytes.Contains([]byte(err.Error()), []byte("internal check failed")) {
				t.Fatalf("an edit failed its own check: %v", err)
			}
			return
		}
		if oerr != nil {
			t.Fatalf("OriginalOf refused what SetNumber edited: %v", oerr)
		}
		before, _ := Find(doc, k)
		v, err := Find(out, k)
		if err != nil {
			t.Fatalf("the key does not read back: %v", err)
		}
		if got, ok := v.wholeNumber(); !ok || got != n {
			t.Fatalf("reads back %q", v.Raw)
		}
		want := any(n)
		if o.Absent {
			// One run of bytes replaced: the commented line, or nothing.
			pre, suf := commonEnds(doc, out)
			if pre+suf < len(doc)-len(o.Comment) || v.Type != Integer {
				t.Fatalf("not one insertion: %q → %q", doc, out)
			}
		} else {
			if v.Type != before.Type || v.Quote != before.Quote || v.Start != before.Start ||
				!bytes.Equal(out[:v.Start], doc[:v.Start]) || !bytes.Equal(out[v.End:], doc[before.End:]) {
				t.Fatalf("bytes outside the value changed, or its type: %+v → %+v", before, v)
			}
			if v.Type == String {
				want = v.Text
			}
		}
		expect := decode(t, doc)
		setDecoded(expect, k, want)
		if encode(t, decode(t, out)) != encode(t, expect) {
			t.Fatalf("decoded, the result differs in more than %s", k)
		}
		if again, err := SetNumber(out, k, n); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("the same edit twice changed the document again (%v)", err)
		}
		other, err := SetNumber(out, k, n+1)
		if err != nil {
			t.Fatalf("a second edit: %v", err)
		}
		for _, edited := range [][]byte{out, other, doc} {
			back, err := Restore(edited, k, o)
			if err != nil || !bytes.Equal(back, doc) {
				t.Fatalf("Restore did not give the original back (%v):\n%q\n%q", err, back, doc)
			}
		}
		// A hand edit next to the value (a blank after it): Restore takes
		// the key out by its line instead, or refuses; it never fails its
		// own check.
		hand := append(append(bytes.Clone(out[:v.End]), ' '), out[v.End:]...)
		back, err := Restore(hand, k, o)
		switch {
		case err != nil:
			checkRefusal(t, err)
			if !errors.Is(err, ErrAmbiguous) {
				t.Fatalf("Restore after a hand edit: %v", err)
			}
		case o.Absent:
			if _, err := Find(back, k); !errors.Is(err, ErrNotFound) || !bytes.Contains(back, []byte(o.Comment)) {
				t.Fatalf("Restore after a hand edit left %v, or lost the comment %q", err, o.Comment)
			}
		default:
			if v, err := Find(back, k); err != nil || v.Raw != o.Raw {
				t.Fatalf("Restore after a hand edit reads %q, %v", v.Raw, err)
			}
		}
	})
}

func FuzzSetURLPort(f *testing.F) {
	for _, doc := range fuzzSeedDocs(f) {
		for i := range fuzzKeys {
			f.Add(doc, uint8(i), uint16(9102))
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, which uint8, port uint16) {
		k := fuzzKeys[int(which)%len(fuzzKeys)]
		out, err := SetURLPort(doc, k, int(port))
		if err != nil {
			checkRefusal(t, err)
			return
		}
		before, _ := Find(doc, k)
		v, err := Find(out, k)
		if err != nil {
			t.Fatalf("the key does not read back: %v", err)
		}
		h0, _, _ := before.URLPort()
		h1, p1, err := v.URLPort()
		if err != nil || h1 != h0 || p1 != int(port) || v.Quote != before.Quote {
			t.Fatalf("reads back %q", v.Raw)
		}
		// Only the port's digits differ.
		pre, suf := commonEnds(doc, out)
		if _, _, ps, pe, _ := before.urlParts(); pre < before.Start+ps || suf < len(doc)-(before.Start+pe) {
			t.Fatalf("more than the port changed: %q → %q", before.Raw, v.Raw)
		}
		expect := decode(t, doc)
		setDecoded(expect, k, v.Text)
		if encode(t, decode(t, out)) != encode(t, expect) {
			t.Fatalf("decoded, the result differs in more than %s", k)
		}
		o, err := OriginalOf(doc, k)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := Restore(out, k, o); err != nil || !bytes.Equal(back, doc) {
			t.Fatalf("Restore did not give the original back (%v)", err)
		}
	})
}

// commonEnds returns the lengths of the common prefix of a and b and of
// their common suffix in what is left.
func commonEnds(a, b []byte) (pre, suf int) {
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return pre, suf
}

// TestFuzzCorpusFilesExist keeps the stored findings from silently
// disappearing: go test replays them only if they are where Go looks.
func TestFuzzCorpusFilesExist(t *testing.T) {
	for _, target := range []string{"FuzzFind", "FuzzSetNumber", "FuzzSetURLPort"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
		if err != nil || len(entries) == 0 {
			t.Fatalf("%s: no stored corpus entries: %v", target, err)
		}
	}
}
