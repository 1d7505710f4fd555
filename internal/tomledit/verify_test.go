package tomledit

import (
	"strings"
	"testing"
)

// TestCheckCatchesWrongEdits feeds check results that a buggy edit could
// produce: each must be refused, and the right ones accepted.
func TestCheckCatchesWrongEdits(t *testing.T) {
	orig := "[server]\nhostname = \"h\"\noffset = 2\n[a]\nx = nan\nt = 1979-05-27T07:32:00+01:00\nm = [1, { a = [2] }, { b = 3 }]\n[[e]]\nu = 1\n[[e]]\nu = 2\n"
	d, err := parse([]byte(orig))
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.find(offsetKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, out string
		want      any
		keep      bool
		fail      string // "" when check must accept it
	}{
		{"right", strings.Replace(orig, "offset = 2", "offset = 3", 1), int64(3), true, ""},
		{"nan and times compare as equal", strings.Replace(orig, "offset = 2", "offset = 3 # x", 1), int64(3), true, ""},
		{"other value", strings.Replace(strings.Replace(orig, "offset = 2", "offset = 3", 1), "\"h\"", "\"i\"", 1), int64(3), true, "another value would change"},
		{"other key added", strings.Replace(orig, "offset = 2", "offset = 3\ny = 1", 1), int64(3), true, "another value would change"},
		{"array entry lost", strings.Replace(strings.Replace(orig, "offset = 2", "offset = 3", 1), "[[e]]\nu = 2\n", "", 1), int64(3), true, "another value would change"},
		{"mixed array changed", strings.Replace(strings.Replace(orig, "offset = 2", "offset = 3", 1), "[2]", "[3]", 1), int64(3), true, "another value would change"},
		{"mixed array key renamed", strings.Replace(strings.Replace(orig, "offset = 2", "offset = 3", 1), "b = 3", "c = 3", 1), int64(3), true, "another value would change"},
		{"mixed array shorter", strings.Replace(strings.Replace(orig, "offset = 2", "offset = 3", 1), ", { b = 3 }", "", 1), int64(3), true, "another value would change"},
		{"mixed array table shorter", strings.Replace(strings.Replace(orig, "offset = 2", "offset = 3", 1), "{ b = 3 }", "{}", 1), int64(3), true, "another value would change"},
		{"time changed", strings.Replace(strings.Replace(orig, "offset = 2", "offset = 3", 1), "+01:00", "+02:00", 1), int64(3), true, "another value would change"},
		{"type changed", strings.Replace(orig, "offset = 2", "offset = \"3\"", 1), "3", true, "it would turn an integer"},
		{"wrong value", strings.Replace(orig, "offset = 2", "offset = 4", 1), int64(3), true, "reads back as 4"},
		{"not TOML", strings.Replace(orig, "offset = 2", "offset = ", 1), int64(3), true, "not valid TOML"},
		{"key gone", strings.Replace(orig, "offset = 2\n", "", 1), int64(3), true, "does not read back"},
		{"removed", strings.Replace(orig, "offset = 2\n", "", 1), nil, false, ""},
		{"not removed", orig, nil, false, "still there"},
		{"removed with a table", strings.Replace(orig, "offset = 2\n", "", 1) + "[b]\n", nil, false, "another value would change"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var keep *Value
			if tc.keep {
				keep = &v
			}
			err := d.check([]byte(tc.out), offsetKey, tc.want, keep)
			switch {
			case tc.fail == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.fail != "" && (err == nil || !strings.Contains(err.Error(), tc.fail) || !strings.Contains(err.Error(), "internal check failed")):
				t.Fatalf("got %v, want %q", err, tc.fail)
			}
		})
	}
	// An empty table on the key's own path may come and go with it; one
	// elsewhere may not.
	only, err := parse([]byte("[server]\noffset = 2\n[b]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := only.check([]byte("[b]\n"), offsetKey, nil, nil); err != nil {
		t.Fatalf("the key's table went with it: %v", err)
	}
	if err := only.check([]byte("[server]\n[b]\n"), offsetKey, nil, nil); err != nil {
		t.Fatalf("the key's table stayed, empty: %v", err)
	}
	if err := only.check([]byte("[server]\n"), offsetKey, nil, nil); err == nil {
		t.Fatal("an empty table elsewhere vanished unnoticed")
	}
}
