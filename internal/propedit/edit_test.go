package propedit

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// portOf returns where the port of the first brokerlist URL is in Text.
func portOf(t *testing.T, v Value) (from, to int) {
	t.Helper()
	i := strings.Index(v.Text, "localhost:")
	if i < 0 {
		t.Fatalf("no localhost in %q", v.Text)
	}
	from = i + len("localhost:")
	to = from
	for to < len(v.Text) && v.Text[to] >= '0' && v.Text[to] <= '9' {
		to++
	}
	return from, to
}

// On every shipped file, and on the forms the syntax allows, ReplaceText
// changes the port's digits and nothing else; the same edit twice is doc
// itself; Restore gives the bytes back.
func TestReplaceText(t *testing.T) {
	docs := map[string][]byte{}
	for _, name := range fixtureNames {
		docs[name] = fixture(t, name)
	}
	shipped := docs["jndi-2.1.0.properties"]
	docs["CRLF"] = bytes.ReplaceAll(shipped, []byte("\n"), []byte("\r\n"))
	docs["CR"] = bytes.ReplaceAll(shipped, []byte("\n"), []byte("\r"))
	docs["colon"] = bytes.Replace(shipped, []byte("TopicConnectionFactory = "), []byte("TopicConnectionFactory:"), 1)
	docs["blank separator"] = bytes.Replace(shipped, []byte("TopicConnectionFactory = "), []byte("TopicConnectionFactory\t"), 1)
	docs["continued elsewhere"] = bytes.Replace(shipped, []byte("/carbon?"), []byte("/carbon\\\n    ?"), 1)
	docs["escaped elsewhere"] = bytes.Replace(shipped, []byte("amqp://admin:admin@clientid"), []byte("amqp\\://admin\\:admin@clientid"), 1)
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			v, err := Find(doc, topicKey)
			if err != nil {
				t.Fatal(err)
			}
			from, to := portOf(t, v)
			old := v.Text[from:to]
			out, err := ReplaceText(doc, topicKey, from, to, "5682")
			if err != nil {
				t.Fatal(err)
			}
			part, _ := v.Span(from, to)
			want := append(append(bytes.Clone(doc[:part.Start]), "5682"...), doc[part.End:]...)
			if !bytes.Equal(out, want) {
				t.Fatalf("got\n%q\nwant\n%q", out, want)
			}
			after, err := Find(out, topicKey)
			if err != nil || after.Text != v.Text[:from]+"5682"+v.Text[to:] {
				t.Fatalf("reads back %q, %v", after.Text, err)
			}
			if again, err := ReplaceText(out, topicKey, from, from+4, "5682"); err != nil || !bytes.Equal(again, out) {
				t.Fatalf("the same edit twice: %v", err)
			}
			longer, err := ReplaceText(out, topicKey, from, from+4, "10000")
			if err != nil {
				t.Fatal(err)
			}
			for _, edited := range [][]byte{out, longer, doc} {
				back, err := Restore(edited, topicKey, v.Raw)
				if err != nil || !bytes.Equal(back, doc) {
					t.Fatalf("Restore: %v\n%q", err, back)
				}
			}
			if q, _ := Find(out, queueKey); !strings.Contains(q.Text, "localhost:"+old) {
				t.Fatalf("the other factory changed: %q", q.Text)
			}
		})
	}
}

// Bad input is a named error, and nothing is edited: a part split by a
// line continuation or written with an escape, text that needs escaping,
// a key that is missing or set twice, a document Java refuses.
func TestReplaceTextRefusals(t *testing.T) {
	shipped := fixture(t, "jndi-2.1.0.properties")
	split := bytes.Replace(shipped, []byte("carbon?brokerlist='tcp://localhost:56"), []byte("carbon?brokerlist='tcp://localhost:56\\\n  "), 1)
	escaped := bytes.Replace(shipped, []byte("carbon?brokerlist='tcp://localhost:5672"), []byte("carbon?brokerlist='tcp://localhost:\\u0035672"), 1)
	twice := append(bytes.Clone(shipped), "\nconnectionfactory.TopicConnectionFactory = amqp://x:y@z/w?brokerlist='tcp://localhost:5672'\n"...)
	malformed := append(bytes.Clone(shipped), "\nx = \\u00zz\n"...)
	for _, tc := range []struct {
		name     string
		doc      []byte
		from, to int
		s        string
		kind     Kind
		msg      string
	}{
		{"continuation inside", split, 63, 67, "5682", ErrNotLiteral, "split over lines 19 and 20 by a line continuation"},
		{"escape inside", escaped, 63, 67, "5682", ErrNotLiteral, "written with an escape"},
		{"needs escaping", shipped, 63, 67, "56\\82", ErrInvalidArgument, "needs escaping"},
		{"a line break", shipped, 63, 67, "56\n82", ErrInvalidArgument, "needs escaping"},
		{"empty", shipped, 63, 67, "", ErrInvalidArgument, "empty text"},
		{"outside the value", shipped, 60, 90, "5682", ErrInvalidArgument, "not a part of its value"},
		{"a blank at the start", shipped, 0, 4, " mqp", ErrMalformed, "internal check failed"},
		{"set twice", twice, 63, 67, "5682", ErrAmbiguous, "set on 2 lines (19, 31)"},
		{"malformed", malformed, 63, 67, "5682", ErrMalformed, "line 31, column 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := bytes.Clone(tc.doc)
			out, err := ReplaceText(tc.doc, topicKey, tc.from, tc.to, tc.s)
			var e *Error
			if out != nil || !errors.As(err, &e) || e.Kind != tc.kind || !strings.Contains(e.Msg, tc.msg) {
				t.Fatalf("got %q, %v; want %v containing %q", out, err, tc.kind, tc.msg)
			}
			if strings.Contains(e.Msg, "admin") {
				t.Fatalf("the message quotes the value: %q", e.Msg)
			}
			if !bytes.Equal(tc.doc, orig) {
				t.Fatal("the input was modified")
			}
		})
	}
	if _, err := ReplaceText(shipped, "connectionfactory.Missing", 0, 1, "x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a missing key: %v", err)
	}
}

// Restore puts back a value written over several lines, and refuses an
// original that would not read back as one value.
func TestRestore(t *testing.T) {
	const doc = "a = 1\nk = tcp://h:1\\\n   ;tcp://localhost:5672\nz = 2\n"
	v, err := Find([]byte(doc), "k")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(doc, "h:1\\\n   ;", "", 1)
	back, err := Restore([]byte(edited), "k", v.Raw)
	if err != nil || string(back) != doc {
		t.Fatalf("got %q, %v", back, err)
	}
	if same, err := Restore([]byte(doc), "k", v.Raw); err != nil || string(same) != doc {
		t.Fatalf("already restored: %q, %v", same, err)
	}
	for _, raw := range []string{"x\ny = 3", "x\\"} {
		if out, err := Restore([]byte(doc), "k", raw); out != nil || !errors.Is(err, ErrMalformed) {
			t.Errorf("Restore(%q) = %q, %v", raw, out, err)
		}
	}
}
