package fileformat

import "testing"

func TestReplace(t *testing.T) {
	doc := []byte(`offset = "9443" # x`)
	v := Value{Start: 9, End: 15, Raw: `"9443"`}
	for _, tc := range []struct{ raw, want string }{
		{`"9444"`, `offset = "9444" # x`},
		{`"12345"`, `offset = "12345" # x`},
		{`3`, `offset = 3 # x`},
		{``, `offset =  # x`},
		{`"9443"`, `offset = "9443" # x`},
	} {
		out := Replace(doc, v, tc.raw)
		if string(out) != tc.want {
			t.Errorf("Replace(%q) = %q, want %q", tc.raw, out, tc.want)
		}
		out[0] = 'X'
		if doc[0] != 'o' {
			t.Fatal("the result shares memory with the input")
		}
	}
	// An empty span is an insertion point.
	if out := Replace([]byte("ab"), Value{Start: 1, End: 1}, "X"); string(out) != "aXb" {
		t.Errorf("got %q", out)
	}
}

func TestReplacePanicsOnStaleValue(t *testing.T) {
	v := Value{Start: 9, End: 13, Raw: "9443"}
	for name, bad := range map[string][]byte{
		"other bytes": []byte("offset = 9444"),
		"shorter":     []byte("offset"),
		"negative":    nil,
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			if name == "negative" {
				Replace([]byte("x"), Value{Start: -1, End: 0}, "1")
			}
			Replace(bad, v, "1")
		})
	}
}
