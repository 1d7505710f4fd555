package tomledit

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// wantOffset3 is each offset variant with the offset set to 3, written by
// hand from the variant's text: the whole file is compared byte for byte.
func wantOffset3(t *testing.T, v variant) []byte {
	t.Helper()
	form, _, _ := strings.Cut(v.name, "/")
	lf := v.doc
	switch {
	case strings.HasSuffix(v.name, "/crlf"):
		lf = bytes.ReplaceAll(v.doc, []byte("\r\n"), []byte("\n"))
	case strings.HasSuffix(v.name, "/bom"):
		lf = v.doc[len(utf8BOM):]
	case strings.HasSuffix(v.name, "/final-newline"):
		lf = v.doc[:len(v.doc)-1]
	}
	var want []byte
	switch form {
	case "commented":
		want = replaceOnce(t, lf, "#offset=0", "offset=3")
	case "integer", "dotted", "inline":
		want = replaceOnce(t, lf, "offset = 2", "offset = 3")
	case "quoted":
		want = replaceOnce(t, lf, `offset = "2"`, `offset = "3"`)
	case "literal-quoted":
		want = replaceOnce(t, lf, `offset = '2'`, `offset = '3'`)
	case "absent-key":
		want = replaceOnce(t, lf, "[server]\n", "[server]\noffset = 3\n")
	case "absent-server":
		want = replaceOnce(t, lf, "[super_admin]", "[server]\noffset = 3\n\n[super_admin]")
	default:
		t.Fatalf("no expectation for %s", v.name)
	}
	switch {
	case strings.HasSuffix(v.name, "/crlf"):
		return toCRLF(want)
	case strings.HasSuffix(v.name, "/bom"):
		return withBOM(want)
	case strings.HasSuffix(v.name, "/final-newline"):
		return append(want, '\n')
	}
	return want
}

func TestSetNumberEveryForm(t *testing.T) {
	for _, v := range offsetVariants(t) {
		t.Run(v.name, func(t *testing.T) {
			orig := bytes.Clone(v.doc)
			out, err := SetNumber(v.doc, offsetKey, 3)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(v.doc, orig) {
				t.Fatal("SetNumber modified its input")
			}
			if want := wantOffset3(t, v); !bytes.Equal(out, want) {
				t.Fatalf("got\n%q\nwant\n%q", head(out), head(want))
			}
			got, err := Find(out, offsetKey)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := got.WholeNumber(65535); err != nil || n != 3 {
				t.Fatalf("reads back %d, %v", n, err)
			}
			if again, err := SetNumber(out, offsetKey, 3); err != nil || !bytes.Equal(again, out) {
				t.Fatalf("setting the same number again changed the file (%v)", err)
			}
		})
	}
}

// head is the start of a document, enough to show a difference at the top.
func head(b []byte) []byte { return b[:min(len(b), 200)] }

func TestSetNumberUncommentsOneLine(t *testing.T) {
	for _, name := range fixtureNames {
		doc := fixture(t, name)
		if !bytes.Contains(doc, []byte("#offset=0")) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			out, err := SetNumber(doc, offsetKey, 3)
			if err != nil {
				t.Fatal(err)
			}
			if want := replaceOnce(t, doc, "#offset=0", "offset=3"); !bytes.Equal(out, want) {
				t.Fatalf("got %q", head(out))
			}
			before, after := strings.Split(string(doc), "\n"), strings.Split(string(out), "\n")
			changed := 0
			for i := range before {
				if before[i] != after[i] {
					changed++
				}
			}
			if len(before) != len(after) || changed != 1 {
				t.Fatalf("%d lines changed, %d → %d lines", changed, len(before), len(after))
			}
		})
	}
}

func TestSetNumberRealDistributionsWithoutOffsetLine(t *testing.T) {
	for _, name := range []string{"deployment-4.7.0-gateway.toml", "deployment-4.7.0-traffic-manager.toml"} {
		doc := fixture(t, name)
		out, err := SetNumber(doc, offsetKey, 3)
		if err != nil {
			t.Fatal(err)
		}
		if want := replaceOnce(t, doc, "[server]\n", "[server]\noffset = 3\n"); !bytes.Equal(out, want) {
			t.Fatalf("%s: got %q", name, head(out))
		}
	}
}

func TestSetNumberCreatesSubTableAtEnd(t *testing.T) {
	for _, name := range fixtureNames {
		doc := fixture(t, name)
		for _, k := range []Key{wsPortKey, httpsPortKey} {
			out, err := SetNumber(doc, k, 9099)
			if err != nil {
				t.Fatal(err)
			}
			block := "[" + tableName(k.Table) + "]\n" + k.Name + " = 9099"
			var want string
			if bytes.HasSuffix(doc, []byte("\n")) {
				want = string(doc) + "\n" + block + "\n" // a final newline stays
			} else {
				want = string(doc) + "\n\n" + block // and a missing one stays missing
			}
			if string(out) != want {
				t.Fatalf("%s %s: got the tail %q", name, k, out[max(0, len(out)-80):])
			}
		}
	}
}

func TestSetURLPort(t *testing.T) {
	for _, name := range fixtureNames {
		doc := fixture(t, name)
		vals, err := FindAll(doc, wsEndpoint)
		if errors.Is(err, ErrNotFound) {
			continue // the gateway and traffic manager distributions have no environment
		}
		if err != nil || len(vals) != 1 || vals[0].Text != "ws://localhost:9099" {
			t.Fatalf("%s: %+v %v", name, vals, err)
		}
		out, err := SetURLPort(doc, wsEndpoint, 9102)
		if err != nil {
			t.Fatal(err)
		}
		if want := replaceOnce(t, doc, `ws_endpoint = "ws://localhost:9099"`, `ws_endpoint = "ws://localhost:9102"`); !bytes.Equal(out, want) {
			t.Fatalf("%s: wrong edit", name)
		}
		if again, err := SetURLPort(out, wsEndpoint, 9102); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("%s: the same port again changed the file (%v)", name, err)
		}
	}
}

func TestSetURLPortForms(t *testing.T) {
	k := NewKey("e", "u")
	for _, tc := range []struct{ doc, want string }{
		{"[e]\nu = \"ws://localhost:9099\"\n", "[e]\nu = \"ws://localhost:9102\"\n"},
		{"[e]\nu = 'wss://127.0.0.1:8099/x?y#z'\n", "[e]\nu = 'wss://127.0.0.1:9102/x?y#z'\n"},
		{"[e]\nu = \"http://user:pw@[::1]:21\"\n", "[e]\nu = \"http://user:pw@[::1]:9102\"\n"},
		{"[e]\r\nu = \"\"\"https://h:1\"\"\" # c\r\n", "[e]\r\nu = \"\"\"https://h:9102\"\"\" # c\r\n"},
		{"e = { u = \"ws://h:9\" }", "e = { u = \"ws://h:9102\" }"},
	} {
		out, err := SetURLPort([]byte(tc.doc), k, 9102)
		if err != nil || string(out) != tc.want {
			t.Errorf("%q: got %q, %v", tc.doc, out, err)
		}
	}
}

func TestSetNumberKeepsEverythingAroundTheValue(t *testing.T) {
	k := NewKey("s", "n")
	for _, tc := range []struct{ doc, want string }{
		{"[s]\nn=0x10 # hex\n", "[s]\nn=3 # hex\n"},
		{"[s]\n  n\t=\t1_000\r\n", "[s]\n  n\t=\t3\r\n"},
		{"[s]\nn = \" 7 \"\n", "[s]\nn = \" 3 \"\n"},
		{"[s]\nn = \"007\"", "[s]\nn = \"3\""},
		{"[s]\nn = '''12'''\n", "[s]\nn = '''3'''\n"},
		{"s.n = 1\n", "s.n = 3\n"},
		{"[s.n]\n", ""}, // a table: refused below
		{"\"s\" . 'n' = +5\n", "\"s\" . 'n' = 3\n"},
		{"s = { a = [1, 2], n = 1, b = { c = 1 } }\n", "s = { a = [1, 2], n = 3, b = { c = 1 } }\n"},
	} {
		out, err := SetNumber([]byte(tc.doc), k, 3)
		if tc.want == "" {
			if !errors.Is(err, ErrNotValue) {
				t.Errorf("%q: got %v, want ErrNotValue", tc.doc, err)
			}
			continue
		}
		if err != nil || string(out) != tc.want {
			t.Errorf("%q: got %q, %v", tc.doc, out, err)
		}
	}
}

func TestSetNumberInArrayOfTables(t *testing.T) {
	doc := "[[a]]\nn = 1\n[[a]]\nx = 1\n[[a]]\nn = \"2\"\n"
	k := NewKey("a", "n")
	k.Entry = 2
	out, err := SetNumber([]byte(doc), k, 5)
	if err != nil || string(out) != "[[a]]\nn = 1\n[[a]]\nx = 1\n[[a]]\nn = \"5\"\n" {
		t.Fatalf("got %q, %v", out, err)
	}
	k.Entry = 1
	if _, err := SetNumber([]byte(doc), k, 5); !errors.Is(err, ErrNotFound) {
		t.Fatalf("entry 1 has no n, so it is not added: got %v", err)
	}
}
