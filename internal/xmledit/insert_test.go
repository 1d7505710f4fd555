package xmledit

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// The real cases: elements the provider may have to add back to real files.
func TestInsertChildRealFiles(t *testing.T) {
	tests := []struct {
		name   string
		doc    []byte
		parent Path
		child  Step
		text   string
		first  bool
		want   []byte
	}{
		{
			// Offset as first child of Ports, indented like <JMX>, its
			// first sibling element, with the file's line ending.
			name: "carbon first child", doc: carbonNoOffset(t), parent: portsPath, child: offsetStep, text: "0", first: true,
			want: replaceOnce(t, carbonNoOffset(t), "<Ports>\n", "<Ports>\n        <Offset>0</Offset>\n"),
		},
		{
			name: "carbon first child crlf", doc: toCRLF(carbonNoOffset(t)), parent: portsPath, child: offsetStep, text: "7", first: true,
			want: replaceOnce(t, toCRLF(carbonNoOffset(t)), "<Ports>\r\n", "<Ports>\r\n        <Offset>7</Offset>\r\n"),
		},
		{
			// 3-space indented file: the parameter goes last, with the
			// 6 spaces of its siblings, which gives back the upstream
			// file byte for byte.
			name: "websocket 2.1.0 last child", doc: wsNoUseOffset(t), parent: parametersPath, child: paramStep("ws.use.port.offset"), text: "true",
			want: fixture(t, wsFile),
		},
		{
			name: "secure websocket 2.2.0 last child", doc: wssNoUseOffset(t), parent: parametersPath, child: paramStep("ws.use.port.offset"), text: "true",
			want: replaceOnce(t, wssNoUseOffset(t), "</parameter>\n    </parameters>",
				"</parameter>\n        <parameter name=\"ws.use.port.offset\">true</parameter>\n    </parameters>"),
		},
		{
			name: "secure websocket 2.2.0 first child", doc: wssNoUseOffset(t), parent: parametersPath, child: paramStep("ws.use.port.offset"), text: "true", first: true,
			want: replaceOnce(t, wssNoUseOffset(t), "<parameters>\n",
				"<parameters>\n        <parameter name=\"ws.use.port.offset\">true</parameter>\n"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := bytes.Clone(tc.doc)
			out, err := InsertChild(tc.doc, tc.parent, tc.child, tc.text, tc.first)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, tc.want) {
				t.Fatalf("got\n%s\nwant\n%s", around(out, tc.child.Local), around(tc.want, tc.child.Local))
			}
			if !bytes.Equal(tc.doc, before) {
				t.Fatal("InsertChild modified its input")
			}
			back, err := RemoveElement(out, join(tc.parent, tc.child))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back, tc.doc) {
				t.Fatal("RemoveElement did not restore the document")
			}
		})
	}
}

// around shows the lines near the first occurrence of s, for messages.
func around(doc []byte, s string) string {
	i := bytes.Index(doc, []byte(s))
	if i < 0 {
		return "(not found)"
	}
	return string(doc[max(0, i-120):min(len(doc), i+120)])
}

// Removing the real elements gives the files without them, which the insert
// test starts from: the two operations are inverses on real files.
func TestRemoveElementRealFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  []byte
		p    Path
		want []byte
	}{
		{"carbon offset", fixture(t, carbonFile), offsetPath, carbonNoOffset(t)},
		{"carbon offset crlf", toCRLF(fixture(t, carbonFile)), offsetPath, toCRLF(carbonNoOffset(t))},
		{"websocket 2.1.0", fixture(t, wsFile), paramPath("ws.use.port.offset"), wsNoUseOffset(t)},
		{"secure websocket 2.2.0", fixture(t, wssFile), paramPath("ws.use.port.offset"), wssNoUseOffset(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := RemoveElement(tc.doc, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, tc.want) {
				t.Fatalf("got\n%s", out)
			}
		})
	}
}

// Layout rules on small documents: exact bytes, and the round trip.
func TestInsertChildLayout(t *testing.T) {
	a := Path{{Local: "r"}, {Local: "p"}}
	c := Step{Local: "c"}
	tests := []struct {
		name  string
		doc   string
		path  Path
		child Step
		text  string
		first bool
		want  string
	}{
		{"no siblings: parent indent plus its unit", "<r>\n   <p>\n   </p>\n</r>", a, c, "v", false,
			"<r>\n   <p>\n      <c>v</c>\n   </p>\n</r>"},
		{"no siblings, first", "<r>\n   <p>\n   </p>\n</r>", a, c, "v", true,
			"<r>\n   <p>\n      <c>v</c>\n   </p>\n</r>"},
		{"tabs", "<r>\n\t<p>\n\t\t<a/>\n\t</p>\n</r>", a, c, "v", false,
			"<r>\n\t<p>\n\t\t<a/>\n\t\t<c>v</c>\n\t</p>\n</r>"},
		{"nearest sibling decides: last", "<r>\n  <p>\n     <a/>\n   <b/>\n  </p>\n</r>", a, c, "v", false,
			"<r>\n  <p>\n     <a/>\n   <b/>\n   <c>v</c>\n  </p>\n</r>"},
		{"nearest sibling decides: first", "<r>\n  <p>\n     <a/>\n   <b/>\n  </p>\n</r>", a, c, "v", true,
			"<r>\n  <p>\n     <c>v</c>\n     <a/>\n   <b/>\n  </p>\n</r>"},
		{"comments stay where they are", "<r>\n  <p>\n    <!-- c -->\n    <a/>\n  </p>\n</r>", a, c, "v", true,
			"<r>\n  <p>\n    <c>v</c>\n    <!-- c -->\n    <a/>\n  </p>\n</r>"},
		{"crlf", "<r>\r\n  <p>\r\n    <a/>\r\n  </p>\r\n</r>", a, c, "v", false,
			"<r>\r\n  <p>\r\n    <a/>\r\n    <c>v</c>\r\n  </p>\r\n</r>"},
		{"crlf without siblings", "<r>\r\n  <p>\r\n  </p>\r\n</r>", a, c, "v", false,
			"<r>\r\n  <p>\r\n    <c>v</c>\r\n  </p>\r\n</r>"},
		{"one line, no line break before the end tag", "<r><p><a/></p></r>", a, c, "v", false,
			"<r><p><a/>\n    <c>v</c></p></r>"},
		{"empty parent", "<r><p></p></r>", a, c, "v", true,
			"<r><p>\n    <c>v</c></p></r>"},
		{"root as parent", "<r>\n  <a/>\n</r>", Path{{Local: "r"}}, c, "v", false,
			"<r>\n  <a/>\n  <c>v</c>\n</r>"},
		{"prefixed parent: child takes the prefix", "<x:r xmlns:x=\"urn:x\">\n  <x:p>\n    <x:a/>\n  </x:p>\n</x:r>",
			Path{{Space: "urn:x", Local: "r"}, {Space: "urn:x", Local: "p"}}, Step{Space: "urn:x", Local: "c"}, "v", false,
			"<x:r xmlns:x=\"urn:x\">\n  <x:p>\n    <x:a/>\n    <x:c>v</x:c>\n  </x:p>\n</x:r>"},
		{"default namespace", "<r xmlns=\"urn:d\">\n  <p>\n  </p>\n</r>",
			Path{{Space: "urn:d", Local: "r"}, {Space: "urn:d", Local: "p"}}, Step{Space: "urn:d", Local: "c"}, "v", true,
			"<r xmlns=\"urn:d\">\n  <p>\n    <c>v</c>\n  </p>\n</r>"},
		{"attribute and escaping", "<r>\n  <p>\n  </p>\n</r>", a, Step{Local: "c", AttrName: "n", AttrValue: `a"b&`}, "1<2 & é", false,
			"<r>\n  <p>\n    <c n=\"a&quot;b&amp;\">1&lt;2 &amp; &#xE9;</c>\n  </p>\n</r>"},
		{"lone CR before the insertion point", "<r><p><a/>\r\r\n</p></r>", a, c, "v", false,
			"<r><p><a/>\r\r\n    <c>v</c>\r\n</p></r>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := InsertChild([]byte(tc.doc), tc.path, tc.child, tc.text, tc.first)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tc.want {
				t.Fatalf("got  %q\nwant %q", out, tc.want)
			}
			back, err := RemoveElement(out, join(tc.path, tc.child))
			if err != nil || string(back) != tc.doc {
				t.Fatalf("RemoveElement gave %q, %v", back, err)
			}
		})
	}
}

func TestInsertChildRefusals(t *testing.T) {
	a := Path{{Local: "r"}, {Local: "p"}}
	tests := []struct {
		name  string
		doc   string
		path  Path
		child Step
		kind  Kind
		msg   string
	}{
		{"self-closing parent", "<r><p/></r>", a, Step{Local: "c"}, ErrNotText, "self-closing"},
		{"parent with text", "<r><p>x</p></r>", a, Step{Local: "c"}, ErrNotText, "text of its own"},
		{"parent with CDATA", "<r><p><![CDATA[ ]]></p></r>", a, Step{Local: "c"}, ErrNotText, "text of its own"},
		{"child exists", "<r><p>\n <c>1</c>\n</p></r>", a, Step{Local: "c"}, ErrAmbiguous, "already has one (line 2)"},
		{"child with that attribute exists", "<r><p>\n <c n=\"1\"/>\n</p></r>", a, Step{Local: "c", AttrName: "n", AttrValue: "1"}, ErrAmbiguous, "already has one"},
		{"wrong namespace", "<r><p></p></r>", a, Step{Space: "urn:x", Local: "c"}, ErrInvalidArgument, `in namespace "", not "urn:x"`},
		{"wrong namespace (default)", "<r xmlns=\"urn:d\"><p></p></r>", Path{{Space: "urn:d", Local: "r"}, {Space: "urn:d", Local: "p"}}, Step{Local: "c"}, ErrInvalidArgument, `in namespace "urn:d", not ""`},
		{"bad name", "<r><p></p></r>", a, Step{Local: "c d"}, ErrInvalidArgument, "not an ASCII XML element name"},
		{"non-ASCII name", "<r><p></p></r>", a, Step{Local: "é"}, ErrInvalidArgument, "not an ASCII XML element name"},
		{"prefixed name", "<r><p></p></r>", a, Step{Local: "x:c"}, ErrInvalidArgument, "not an ASCII XML element name"},
		{"bad attribute name", "<r><p></p></r>", a, Step{Local: "c", AttrName: "1"}, ErrInvalidArgument, "not an ASCII XML attribute name"},
		{"xmlns attribute", "<r><p></p></r>", a, Step{Local: "c", AttrName: "xmlns"}, ErrInvalidArgument, "attribute name"},
		{"parent missing", "<r></r>", a, Step{Local: "c"}, ErrNotFound, "<r>/<p> not found"},
		{"malformed", "<r><p></p>", a, Step{Local: "c"}, ErrMalformed, "line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := InsertChild([]byte(tc.doc), tc.path, tc.child, "v", false)
			if err == nil {
				t.Fatalf("no error; got %q", out)
			}
			e := asError(t, err)
			if e.Kind != tc.kind || !errors.Is(err, tc.kind) || !strings.Contains(e.Msg, tc.msg) {
				t.Fatalf("got %v %q, want %v containing %q", e.Kind, e.Msg, tc.kind, tc.msg)
			}
		})
	}
}

func TestRemoveElement(t *testing.T) {
	tests := []struct {
		name, doc string
		path      Path
		want      string
		kind      Kind
	}{
		{"own line", "<r>\n  <a/>\n  <b>1</b>\n</r>", Path{{Local: "r"}, {Local: "b"}}, "<r>\n  <a/>\n</r>", 0},
		{"same line as a sibling", "<r><a/><b/></r>", Path{{Local: "r"}, {Local: "b"}}, "<r><a/></r>", 0},
		{"after text on its line", "<r>\n  <a/> <b/>\n</r>", Path{{Local: "r"}, {Local: "b"}}, "<r>\n  <a/> \n</r>", 0},
		{"keeps what follows on the line", "<r>\n  <b/><!-- c -->\n</r>", Path{{Local: "r"}, {Local: "b"}}, "<r><!-- c -->\n</r>", 0},
		{"crlf", "<r>\r\n  <a/>\r\n  <b/>\r\n</r>", Path{{Local: "r"}, {Local: "a"}}, "<r>\r\n  <b/>\r\n</r>", 0},
		{"root", "<r/>", Path{{Local: "r"}}, "", ErrInvalidArgument},
		{"would join ]] and >", "<r>]]<b/>></r>", Path{{Local: "r"}, {Local: "b"}}, "", ErrMalformed},
		{"missing", "<r/>", Path{{Local: "r"}, {Local: "b"}}, "", ErrNotFound},
		{"ambiguous", "<r><b/><b/></r>", Path{{Local: "r"}, {Local: "b"}}, "", ErrAmbiguous},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := RemoveElement([]byte(tc.doc), tc.path)
			if tc.kind != 0 {
				if err == nil || asError(t, err).Kind != tc.kind {
					t.Fatalf("got %q, %v; want error kind %v", out, err, tc.kind)
				}
				return
			}
			if err != nil || string(out) != tc.want {
				t.Fatalf("got %q, %v; want %q", out, err, tc.want)
			}
		})
	}
}
