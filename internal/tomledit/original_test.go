package tomledit

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// TestRestoreEveryForm: for every form of the offset, restoring after one
// edit, after a second one (drift), and without any edit gives back the
// original file byte for byte, also once the Original went through JSON
// (as it is kept between runs).
func TestRestoreEveryForm(t *testing.T) {
	for _, v := range offsetVariants(t) {
		t.Run(v.name, func(t *testing.T) {
			o, err := OriginalOf(v.doc, offsetKey)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			var kept Original
			if err := json.Unmarshal(b, &kept); err != nil || kept != o {
				t.Fatalf("JSON round trip: %+v, %v", kept, err)
			}
			once, err := SetNumber(v.doc, offsetKey, 3)
			if err != nil {
				t.Fatal(err)
			}
			twice, err := SetNumber(once, offsetKey, 12345)
			if err != nil {
				t.Fatal(err)
			}
			for name, doc := range map[string][]byte{"once": once, "twice": twice, "unedited": v.doc} {
				back, err := Restore(doc, offsetKey, kept)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !bytes.Equal(back, v.doc) {
					t.Fatalf("%s: got\n%q\nwant\n%q", name, head(back), head(v.doc))
				}
			}
		})
	}
}

func TestRestoreCommentedLineOfRealFixtures(t *testing.T) {
	for _, name := range fixtureNames {
		doc := fixture(t, name)
		o, err := OriginalOf(doc, offsetKey)
		if err != nil || !o.Absent || o.Raw != "" {
			t.Fatalf("%s: %+v, %v", name, o, err)
		}
		if bytes.Contains(doc, []byte("#offset=0")) && (o.Comment != "#offset=0" || o.Before != "offset=" || o.After != "") {
			t.Fatalf("%s: %+v", name, o)
		}
		for _, k := range []Key{offsetKey, wsPortKey} {
			o, _ := OriginalOf(doc, k)
			out, err := SetNumber(doc, k, 9)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := Restore(out, k, o); err != nil || !bytes.Equal(back, doc) {
				t.Fatalf("%s %s: not restored (%v)", name, k, err)
			}
		}
	}
}

// A key edited by hand since: its line is taken out, or turned back into
// the commented line, even though the bytes around the value differ.
func TestRestoreAfterHandEdits(t *testing.T) {
	for _, tc := range []struct{ name, orig, edited, want string }{
		{"uncommented line edited", "[server]\n#offset=0\nx = 1\n", "[server]\n  offset = 5 # mine\nx = 1\n", "[server]\n  #offset=0\nx = 1\n"},
		{"added line edited", "[server]\nx = 1\n", "[server]\nx = 1\noffset =5\n", "[server]\nx = 1\n"},
		{"added line last", "[server]\nx = 1", "[server]\nx = 1\noffset=5", "[server]\nx = 1"},
		{"added line last crlf", "[server]\r\nx = 1", "[server]\r\nx = 1\r\noffset=5", "[server]\r\nx = 1"},
		{"created table now has more", "[b]\n", "[server]\noffset = 3\nhostname = \"h\"\n[b]\n", "[server]\nhostname = \"h\"\n[b]\n"},
		{"moved into the only line", "[b]\n", "[b]\n[server]\noffset = 3", "[b]\n[server]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := OriginalOf([]byte(tc.orig), offsetKey)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Restore([]byte(tc.edited), offsetKey, o)
			if err != nil || string(out) != tc.want {
				t.Fatalf("got %q, %v\nwant %q", out, err, tc.want)
			}
		})
	}
}

func TestRestoreExistingValue(t *testing.T) {
	o, err := OriginalOf([]byte("[server]\noffset = \"2\" # puppet\n"), offsetKey)
	if err != nil || o != (Original{Raw: `"2"`}) {
		t.Fatalf("%+v, %v", o, err)
	}
	for _, tc := range []struct{ now, want string }{
		{"[server]\noffset = 5 # puppet\n", "[server]\noffset = \"2\" # puppet\n"}, // back to a string
		{"[server]\nx = 1\n", "[server]\noffset = \"2\"\nx = 1\n"},                 // removed since: added back
		{"[server]\noffset = \"2\" # puppet\n", "[server]\noffset = \"2\" # puppet\n"},
	} {
		out, err := Restore([]byte(tc.now), offsetKey, o)
		if err != nil || string(out) != tc.want {
			t.Errorf("%q: got %q, %v", tc.now, out, err)
		}
	}
	if _, err := Restore([]byte("[server]\noffset = 1\n"), offsetKey, Original{Raw: "1\nx = 2"}); err == nil {
		t.Error("a raw value that is more than a value was put in")
	}
	if _, err := Restore([]byte("[server]\noffset = 1\n"), offsetKey, Original{Raw: "= 2"}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("not a TOML value: %v", err)
	}
}

func TestRestoreRefusesWhatItCannotTakeOut(t *testing.T) {
	o := Original{Absent: true, Before: "offset = ", After: "\n"}
	for _, doc := range []string{"server = { offset = 3 }\n", "server = { a = 1, offset = 3 }\n"} {
		if _, err := Restore([]byte(doc), offsetKey, o); !errors.Is(err, ErrAmbiguous) {
			t.Errorf("%q: got %v, want ErrAmbiguous", doc, err)
		}
	}
	// A key SetNumber cannot add is recorded as absent, and restoring is a
	// no-op while it stays absent.
	doc := []byte("server = { a = 1 }\n")
	o, err := OriginalOf(doc, offsetKey)
	if err != nil || o != (Original{Absent: true}) {
		t.Fatalf("%+v, %v", o, err)
	}
	if out, err := Restore(doc, offsetKey, o); err != nil || !bytes.Equal(out, doc) {
		t.Fatalf("got %q, %v", out, err)
	}
}
