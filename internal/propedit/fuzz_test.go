package propedit

import (
	"bytes"
	"errors"
	"testing"
)

// fuzzSeeds are every fixture and small document the tests use.
func fuzzSeeds(f *testing.F) [][]byte {
	var docs [][]byte
	for _, name := range fixtureNames {
		doc := fixture(f, name)
		docs = append(docs, doc, bytes.ReplaceAll(doc, []byte("\n"), []byte("\r\n")))
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

// keyOf picks the key of one of doc's lines, so that the fuzzer reaches
// the keys a document really sets.
func keyOf(doc []byte, which uint8) (string, bool) {
	d, err := parse(doc)
	if err != nil || len(d.entries) == 0 {
		return "", false
	}
	return d.entries[int(which)%len(d.entries)].Key, true
}

// FuzzFind: Find never panics or modifies its input; a Value fits the
// document; every literal byte of Text is the document's byte; and a key
// set once is found at the line it is set on.
func FuzzFind(f *testing.F) {
	for _, doc := range fuzzSeeds(f) {
		for i := range 3 {
			f.Add(doc, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, which uint8) {
		orig := bytes.Clone(doc)
		d, err := parse(doc)
		if !bytes.Equal(doc, orig) {
			t.Fatal("parse modified its input")
		}
		if err != nil {
			checkRefusal(t, err)
			if _, ferr := Find(doc, "k"); !errors.Is(ferr, ErrMalformed) {
				t.Fatalf("Find accepts what parse refuses: %v", ferr)
			}
			return
		}
		for _, v := range d.entries {
			if v.Start < 0 || v.End > len(doc) || v.Start > v.End || string(doc[v.Start:v.End]) != v.Raw {
				t.Fatalf("Value [%d:%d] %q does not fit the document", v.Start, v.End, v.Raw)
			}
			for i := range len(v.Text) {
				if v.literal[i] && (v.from[i] < v.Start || v.from[i] >= v.End || doc[v.from[i]] != v.Text[i]) {
					t.Fatalf("byte %d of %q is not the document's byte at %d", i, v.Text, v.from[i])
				}
			}
		}
		key, ok := keyOf(doc, which)
		if !ok {
			return
		}
		v, err := Find(doc, key)
		if err != nil {
			checkRefusal(t, err)
			if !errors.Is(err, ErrAmbiguous) {
				t.Fatalf("a key the document sets: %v", err)
			}
			return
		}
		if v.Key != key {
			t.Fatalf("found %q for %q", v.Key, key)
		}
	})
}

// FuzzReplaceText: an edit changes exactly the bytes of the part it
// replaces, reads back, leaves every other key as it was (checked by the
// edit itself, and here again through Find), and Restore undoes it byte
// for byte; a refusal is a named error and returns nothing.
func FuzzReplaceText(f *testing.F) {
	for _, doc := range fuzzSeeds(f) {
		f.Add(doc, uint8(0), uint8(0), uint8(4), "5682")
		f.Add(doc, uint8(1), uint8(63), uint8(67), "10001")
	}
	f.Fuzz(func(t *testing.T, doc []byte, which, from8, to8 uint8, s string) {
		key, ok := keyOf(doc, which)
		if !ok {
			return
		}
		before, err := Find(doc, key)
		if err != nil {
			return
		}
		from, to := int(from8), int(to8)
		out, err := ReplaceText(doc, key, from, to, s)
		if err != nil {
			checkRefusal(t, err)
			if out != nil {
				t.Fatal("a refusal returned a document")
			}
			return
		}
		part, err := before.Span(from, to)
		if err != nil {
			t.Fatalf("edited a part Span refuses: %v", err)
		}
		if !bytes.Equal(out[:part.Start], doc[:part.Start]) || !bytes.Equal(out[len(out)-(len(doc)-part.End):], doc[part.End:]) ||
			string(out[part.Start:len(out)-(len(doc)-part.End)]) != s {
			t.Fatalf("more than the part changed: %q → %q", doc, out)
		}
		after, err := Find(out, key)
		if err != nil || after.Text != before.Text[:from]+s+before.Text[to:] {
			t.Fatalf("reads back %q, %v", after.Text, err)
		}
		back, err := Restore(out, key, before.Raw)
		if err != nil || !bytes.Equal(back, doc) {
			t.Fatalf("Restore did not give the document back (%v):\n%q\n%q", err, back, doc)
		}
	})
}
