package tomledit

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

func TestMalformedDocuments(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		kind Kind
		msg  string // the message holds it: position and go-toml's reason
	}{
		{"[server]\noffset = \n", ErrMalformed, "line 2, column 10"},
		{"[server\n", ErrMalformed, "line 1, column 8: expected ']'"},
		{"a = 1\r\nb = 2\rc = 3\n", ErrMalformed, "line 2, column 6"},
		{"a = 017\n", ErrMalformed, "leading zeroes"},
		{"a = 99999999999999999999\n", ErrMalformed, "64-bit"},
		{"a = 1979-13-45\n", ErrMalformed, "impossible date"},
		{"a = \"x\xff\"\n", ErrMalformed, "UTF-8"},
		{"é = 1\n", ErrMalformed, "line 1, column 1"},
		{"x = \"é\" b\n", ErrMalformed, "line 1, column 9"},         // columns count characters, not bytes
		{"\xef\xbb\xbfa = 1 2\n", ErrMalformed, "line 1, column 7"}, // a byte order mark is not a column
		{"\xff\xfea\x00", ErrMalformed, "line 1, column 1"},         // UTF-16 is not TOML
		{"[server]\noffset = 1\n[server]\n", ErrDuplicate, "line 3, column 2: table server already exists"},
		{"[server]\noffset = 1\noffset = 2\n", ErrDuplicate, "line 3, column 1: key offset is already defined"},
		{"server.offset = 1\n[server]\n", ErrDuplicate, "as defined by a dotted key"},
		{"[a]\nb = 1\n[a.b]\n", ErrDuplicate, "should be a table"},
		{"[[a]]\n[a]\n", ErrDuplicate, "array of tables"},
		{"a = { b = 1 }\n[a.c]\n", ErrDuplicate, "already exists as a value"},
		{"[[a]]\nb = 1\n[a]\n", ErrDuplicate, "line 3"},
	} {
		_, err := Find([]byte(tc.doc), offsetKey)
		var e *Error
		if !errors.As(err, &e) || e.Kind != tc.kind || !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%q: got %v, want %v with %q", tc.doc, err, tc.kind, tc.msg)
			continue
		}
		// Every entry point refuses it the same way, and nothing is edited.
		for name, call := range map[string]func() error{
			"FindAll":    func() error { _, err := FindAll([]byte(tc.doc), offsetKey); return err },
			"SetNumber":  func() error { _, err := SetNumber([]byte(tc.doc), offsetKey, 3); return err },
			"SetURLPort": func() error { _, err := SetURLPort([]byte(tc.doc), offsetKey, 3); return err },
			"OriginalOf": func() error { _, err := OriginalOf([]byte(tc.doc), offsetKey); return err },
			"Restore":    func() error { _, err := Restore([]byte(tc.doc), offsetKey, Original{Absent: true}); return err },
		} {
			if err := call(); err == nil || err.Error() != e.Msg {
				t.Errorf("%q: %s gave %v", tc.doc, name, err)
			}
		}
	}
}

func TestErrorKinds(t *testing.T) {
	for k, s := range map[Kind]fileformat.Kind{
		ErrMalformed:       fileformat.ErrMalformed,
		ErrDuplicate:       fileformat.ErrMalformed,
		ErrNotFound:        fileformat.ErrNotFound,
		ErrAmbiguous:       fileformat.ErrAmbiguous,
		ErrNotValue:        fileformat.ErrNotValue,
		ErrBadValue:        fileformat.ErrBadValue,
		ErrInvalidArgument: fileformat.ErrInvalidArgument,
	} {
		err := fmt.Errorf("wrapped: %w", newError(k, "msg"))
		if !errors.Is(err, k) || !errors.Is(err, s) {
			t.Errorf("%v does not match itself and %v", k, s)
		}
		var got Kind
		if !errors.As(err, &got) || got != k {
			t.Errorf("errors.As gave %v", got)
		}
		if !strings.HasPrefix(k.Error(), "tomledit: ") || strings.Contains(k.Error(), "unknown") {
			t.Errorf("%d has no text: %q", k, k.Error())
		}
		for _, other := range []fileformat.Kind{fileformat.ErrEncoding, fileformat.ErrNotFound} {
			if other != s && errors.Is(err, other) {
				t.Errorf("%v also matches %v", k, other)
			}
		}
	}
	if Kind(99).Error() != "tomledit: unknown error kind" || errors.Is(Kind(99), fileformat.ErrMalformed) {
		t.Error("an unknown kind")
	}
}
