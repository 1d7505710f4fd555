package propedit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

const (
	topicKey = "connectionfactory.TopicConnectionFactory"
	queueKey = "connectionfactory.QueueConnectionFactory"
	topicURL = "amqp://admin:admin@clientid/carbon?brokerlist='tcp://localhost:5672'"
)

// fixtureNames are the real files in testdata (see SOURCES.md).
var fixtureNames = []string{"jndi-2.1.0.properties", "jndi-3.2.0.properties", "jndi-2.6.0-throttling-test.properties"}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// On the shipped file, Find reads the two connection factories where the
// file writes them, and a key that is only in a comment is not there.
func TestFindFixture(t *testing.T) {
	doc := fixture(t, "jndi-2.1.0.properties")
	v, err := Find(doc, topicKey)
	if err != nil {
		t.Fatal(err)
	}
	if v.Text != topicURL || v.Raw != topicURL || v.Line != 19 || string(doc[v.Start:v.End]) != v.Raw {
		t.Fatalf("got %+v", v)
	}
	q, err := Find(doc, queueKey)
	if err != nil || q.Text != "amqp://admin:admin@clientID/test?brokerlist='tcp://localhost:5672'" || q.Line != 21 {
		t.Fatalf("got %+v, %v", q, err)
	}
	if v, err := Find(doc, "topic.throttleData"); err != nil || v.Text != "throttleData" {
		t.Fatalf("got %+v, %v", v, err)
	}
	if _, err := Find(doc, "queue.MyQueue"); !errors.Is(err, ErrNotFound) || !errors.Is(err, fileformat.ErrNotFound) {
		t.Fatalf("a commented-out key: %v", err)
	}
}

// Java's properties syntax, case by case: what Find reads as key k's
// value, and where that value is written.
func TestFindSyntax(t *testing.T) {
	for _, tc := range []struct {
		name, doc, key, text, raw string
		line                      int
	}{
		{"equals", "k=v", "k", "v", "v", 1},
		{"equals with blanks", "k = v", "k", "v", "v", 1},
		{"colon", "k: v", "k", "v", "v", 1},
		{"blank separator", "k v", "k", "v", "v", 1},
		{"tab and form feed", "k\t\f=\t v", "k", "v", "v", 1},
		{"only the first separator", "k = = v", "k", "= v", "= v", 1},
		{"blank then separator", "k  :v", "k", "v", "v", 1},
		{"colon in the value", "k=a:b=c", "k", "a:b=c", "a:b=c", 1},
		{"trailing blanks are the value's", "k = v  ", "k", "v  ", "v  ", 1},
		{"no value", "k", "k", "", "", 1},
		{"no value after separator", "k =  \nx=1", "k", "", "", 1},
		{"empty key", "=v", "", "v", "v", 1},
		{"leading blanks", "   k=v", "k", "v", "v", 1},
		{"after comments", "# a\n! b\n  # c\nk=v", "k", "v", "v", 4},
		{"comment with trailing backslash", "# a \\\nk=v", "k", "v", "v", 2},
		{"blank lines", "\n\n \t\nk=v\n", "k", "v", "v", 4},
		{"continuation", "k = a\\\n    b", "k", "ab", "a\\\n    b", 1},
		{"continuation CRLF", "k = a\\\r\n\tb\r\n", "k", "ab", "a\\\r\n\tb", 1},
		{"continuation CR", "k = a\\\r  b\r", "k", "ab", "a\\\r  b", 1},
		{"continuation before the value", "k = \\\n  v", "k", "v", "v", 1},
		{"continuation in the key", "co\\\n  nn = v", "conn", "v", "v", 1},
		{"continued line is not a comment", "k = a\\\n  #b", "k", "a#b", "a\\\n  #b", 1},
		{"continuation onto an empty line", "k = a\\\n\nx = 1", "k", "a", "a\\\n", 1},
		{"continuation at the end", "k = a\\", "k", "a", "a\\", 1},
		{"even backslashes do not continue", "k = a\\\\\nb", "k", "a\\", "a\\\\", 1},
		{"escaped separator in the key", "a\\=b\\:c = v", "a=b:c", "v", "v", 1},
		{"escaped blank in the key", "a\\ b v", "a b", "v", "v", 1},
		{"escapes in the value", `k = tcp\://h\:1\t\n\u0041\x`, "k", "tcp://h:1\t\nAx", `tcp\://h\:1\t\n\u0041\x`, 1},
		{"surrogate pair", `k = \ud83d\ude00`, "k", "\U0001F600", `\ud83d\ude00`, 1},
		{"ISO-8859-1", "k = caf\xe9", "k", "café", "caf\xe9", 1},
		{"CRLF lines", "a=1\r\nk=v\r\n", "k", "v", "v", 2},
		{"CR lines", "a=1\rk=v\r", "k", "v", "v", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Find([]byte(tc.doc), tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if v.Text != tc.text || v.Raw != tc.raw || v.Line != tc.line || tc.doc[v.Start:v.End] != v.Raw {
				t.Fatalf("got text %q raw %q line %d [%d:%d], want %q %q %d", v.Text, v.Raw, v.Line, v.Start, v.End, tc.text, tc.raw, tc.line)
			}
		})
	}
}

// A document Java refuses, and a key that is not there or set twice, are
// named errors that point at the line; no message quotes a value.
func TestFindErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, key string
		kind           Kind
		shared         fileformat.Kind
		msg            string
	}{
		{"malformed escape elsewhere", "k = s3cret\nx = \\u12g4", "k", ErrMalformed, fileformat.ErrMalformed, "line 2, column 5: \\u is not followed by four hexadecimal digits"},
		{"short escape at the end", "k = s3cret\\u12", "k", ErrMalformed, fileformat.ErrMalformed, "line 1, column 11"},
		{"malformed escape in a key", "\\uZ = 1\nk = s3cret", "k", ErrMalformed, fileformat.ErrMalformed, "line 1, column 1"},
		{"missing", "a = s3cret", "k", ErrNotFound, fileformat.ErrNotFound, "no line sets k"},
		{"commented out", "#k = s3cret", "k", ErrNotFound, fileformat.ErrNotFound, "no line sets k"},
		{"twice", "k = s3cret\nx=1\nk: s3cret2", "k", ErrAmbiguous, fileformat.ErrAmbiguous, "k is set on 2 lines (1, 3)"},
		{"twice by an escape", "k = s3cret\n\\u006b = s3cret2", "k", ErrAmbiguous, fileformat.ErrAmbiguous, "(1, 2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Find([]byte(tc.doc), tc.key)
			var e *Error
			if !errors.As(err, &e) || e.Kind != tc.kind || !errors.Is(err, tc.shared) || !strings.Contains(e.Msg, tc.msg) {
				t.Fatalf("got %v, want %v containing %q", err, tc.kind, tc.msg)
			}
			if strings.Contains(e.Msg, "s3cret") || strings.Contains(e.Msg, "s3cret2") {
				t.Fatalf("the message quotes a value: %q", e.Msg)
			}
		})
	}
}

// Span locates a literal part of a value in the document, and refuses one
// that a line continuation splits or that is written with an escape.
func TestSpan(t *testing.T) {
	const doc = "k = tcp://localhost:5672\\\n  ;tcp://h\\:5672\\\n  ;tcp://localhost:56\\\n    72"
	v, err := Find([]byte(doc), "k")
	if err != nil {
		t.Fatal(err)
	}
	if v.Text != "tcp://localhost:5672;tcp://h:5672;tcp://localhost:5672" {
		t.Fatalf("text %q", v.Text)
	}
	part, err := v.Span(16, 20)
	if err != nil || part.Raw != "5672" || doc[part.Start:part.End] != "5672" || part.Start != 20 {
		t.Fatalf("got %+v, %v", part, err)
	}
	if first, last := v.Lines(0, 20); first != 1 || last != 1 {
		t.Fatalf("lines %d-%d", first, last)
	}
	for _, tc := range []struct {
		from, to int
		msg      string
		lines    [2]int
	}{
		{16, 22, "split over lines 1 and 2 by a line continuation", [2]int{1, 2}},
		{27, 29, "written with an escape or a byte outside ASCII (line 2)", [2]int{2, 2}},
		{50, 54, "split over lines 3 and 4 by a line continuation", [2]int{3, 4}},
	} {
		_, err := v.Span(tc.from, tc.to)
		if !errors.Is(err, ErrNotLiteral) || !errors.Is(err, fileformat.ErrNotValue) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Span(%d, %d): %v, want %q", tc.from, tc.to, err, tc.msg)
		}
		if first, last := v.Lines(tc.from, tc.to); first != tc.lines[0] || last != tc.lines[1] {
			t.Errorf("Lines(%d, %d) = %d, %d", tc.from, tc.to, first, last)
		}
	}
	for _, r := range [][2]int{{-1, 2}, {3, 3}, {5, 2}, {0, 99}} {
		if _, err := v.Span(r[0], r[1]); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Span%v: %v", r, err)
		}
	}
	latin, _ := Find([]byte("k=caf\xe9"), "k")
	if _, err := latin.Span(3, 5); !errors.Is(err, ErrNotLiteral) {
		t.Errorf("an ISO-8859-1 byte: %v", err)
	}
}
