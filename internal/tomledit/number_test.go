package tomledit

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestWholeNumber(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  int64 // -1: refused
	}{
		{"0", 0}, {"3", 3}, {"+3", 3}, {"65535", 65535}, {"1_000", 1000}, {"0x1F", 31}, {"0o17", 15}, {"0b101", 5},
		{`"2"`, 2}, {`'2'`, 2}, {"\" 2\t\"", 2}, {`" 2\t"`, -1}, {`"007"`, 7}, {`"""2"""`, 2}, {`'''2'''`, 2},
		{"65536", -1}, {"99999999999", -1}, {"-1", -1}, {"-0", 0},
		{`"abc"`, -1}, {`""`, -1}, {`"2 3"`, -1}, {`"-1"`, -1}, {`"+1"`, -1}, {`"2.0"`, -1}, {`"\u0032"`, -1}, {"\"\"\"\n2\"\"\"", -1},
		{"2.5", -1}, {"2.0", -1}, {"inf", -1}, {"nan", -1}, {"true", -1}, {"[1]", -1}, {"{ a = 1 }", -1}, {"1979-05-27", -1},
	} {
		doc := []byte("[server]\noffset = " + tc.value + "\n")
		v, err := Find(doc, offsetKey)
		if err != nil {
			t.Fatalf("%s: %v", tc.value, err)
		}
		n, err := v.WholeNumber(65535)
		if tc.want < 0 {
			if !errors.Is(err, ErrBadValue) || !strings.Contains(err.Error(), "[server] offset (line 2)") || !strings.Contains(err.Error(), tc.value) {
				t.Errorf("%s: got %d, %v; want ErrBadValue naming the key, line and value", tc.value, n, err)
			}
			if _, err := SetNumber(doc, offsetKey, 3); !errors.Is(err, ErrBadValue) && tc.value != "65536" && tc.value != "99999999999" {
				t.Errorf("%s: SetNumber over it gave %v, want ErrBadValue", tc.value, err)
			}
			continue
		}
		if err != nil || n != tc.want {
			t.Errorf("%s: got %d, %v; want %d", tc.value, n, err, tc.want)
		}
	}
}

// A number above the caller's limit is still a whole number: SetNumber
// replaces it, keeping its type.
func TestSetNumberOverLargeNumber(t *testing.T) {
	out, err := SetNumber([]byte("[server]\noffset = 99999999999\n"), offsetKey, 3)
	if err != nil || string(out) != "[server]\noffset = 3\n" {
		t.Fatalf("got %q, %v", out, err)
	}
	if _, err := SetNumber(out, offsetKey, -1); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("a negative number: %v", err)
	}
	big, err := SetNumber(out, offsetKey, math.MaxInt64)
	if err != nil || !bytes.Contains(big, []byte("offset = 9223372036854775807\n")) {
		t.Fatalf("got %q, %v", big, err)
	}
}
