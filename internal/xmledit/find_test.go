package xmledit

import (
	"strings"
	"testing"
)

// What FindText and FindAttr report: spans into the original bytes and the
// text an XML parser would see.
func TestFindDecoding(t *testing.T) {
	ab := Path{{Local: "a"}, {Local: "b"}}
	latin1 := `<?xml version="1.0" encoding="ISO-8859-1"?>`
	tests := []struct {
		name     string
		doc      string
		path     Path
		attr     string // "" for FindText
		raw      string
		text     string
		startsAt string // doc[Start:] begins with this
	}{
		{"plain", "<a><b>9443</b></a>", ab, "", "9443", "9443", "9443</b>"},
		{"empty element", "<a><b></b></a>", ab, "", "", "", "</b>"},
		{"white space kept", "<a><b> 7 \n</b></a>", ab, "", " 7 \n", " 7 \n", " 7"},
		{"references", "<a><b>x&amp;y&lt;&gt;&apos;&quot;&#65;&#x42;</b></a>", ab, "", "x&amp;y&lt;&gt;&apos;&quot;&#65;&#x42;", "x&y<>'\"AB", "x&amp;"},
		{"CDATA", "<a><b>1<![CDATA[<2>&amp;]]>3</b></a>", ab, "", "1<![CDATA[<2>&amp;]]>3", "1<2>&amp;3", "1<!"},
		{"line ends normalized", "<a><b>1\r\n2\r3<![CDATA[\r\n]]></b></a>", ab, "", "1\r\n2\r3<![CDATA[\r\n]]>", "1\n2\n3\n", "1\r"},
		{"UTF-8", "<a><b>café</b></a>", ab, "", "café", "café", "café"},
		{"Latin-1", latin1 + "<a><b>caf\xe9</b></a>", ab, "", "caf\xe9", "café", "caf\xe9"},
		{"windows-1252", "<?xml version=\"1.0\" encoding=\"windows-1252\"?><a><b>5 \x80</b></a>", ab, "", "5 \x80", "5 €", "5 \x80"},
		{"Latin-1 names", latin1 + "<a><b\xe9>1</b\xe9><b>2</b></a>", ab, "", "2", "2", "2</b>"},
		{"Latin-1 name matched", latin1 + "<a><b\xe9>1</b\xe9></a>", Path{{Local: "a"}, {Local: "bé"}}, "", "1", "1", "1</b"},
		{"BOM", "\xef\xbb\xbf<a><b>1</b></a>", ab, "", "1", "1", "1</b>"},
		{"comment before is not content", "<a><!--<b>7</b>--><b>1</b></a>", ab, "", "1", "1", "1</b>"},
		{"prefixed elements", `<p:a xmlns:p="urn:x"><p:b>1</p:b></p:a>`, Path{{Space: "urn:x", Local: "a"}, {Space: "urn:x", Local: "b"}}, "", "1", "1", "1</p:b>"},
		{"default namespace undeclared", `<a xmlns="urn:x"><b xmlns="">1</b><b>2</b></a>`, Path{{Space: "urn:x", Local: "a"}, {Local: "b"}}, "", "1", "1", "1</b>"},
		{"attribute filter", `<a><b n="x">1</b><b n="y">2</b><b>3</b></a>`, Path{{Local: "a"}, {Local: "b", AttrName: "n", AttrValue: "y"}}, "", "2", "2", "2</b>"},
		{"attribute filter decodes", `<a><b n="x&amp;y">1</b></a>`, Path{{Local: "a"}, {Local: "b", AttrName: "n", AttrValue: "x&y"}}, "", "1", "1", "1</b>"},
		{"attribute filter ignores prefixed attributes", `<a xmlns:p="urn:p"><b p:n="y">1</b><b n="y">2</b></a>`, Path{{Local: "a"}, {Local: "b", AttrName: "n", AttrValue: "y"}}, "", "2", "2", "2</b>"},
		{"same names elsewhere do not count", `<a><c><b>0</b></c><b>1</b></a>`, ab, "", "1", "1", "1</b>"},

		{"attribute", `<a><b x="1" y='2'/></a>`, ab, "y", "2", "2", "2'/>"},
		{"attribute empty", `<a><b x=""/></a>`, ab, "x", "", "", `"/>`},
		{"attribute normalized", "<a><b x=\"1\t2\n3\r\n4&#10;5&#9;&amp;\"/></a>", ab, "x", "1\t2\n3\r\n4&#10;5&#9;&amp;", "1 2 3 4\n5\t&", "1\t2"},
		{"attribute with spaces around =", "<a><b x = \"1\"/></a>", ab, "x", "1", "1", `1"/>`},
		{"attribute other quote inside", `<a><b x="it's"/></a>`, ab, "x", "it's", "it's", "it's"},
		{"attribute on a multi-line tag", "<a><b\n   x='1'\n   y=\"2\"/></a>", ab, "y", "2", "2", `2"/>`},
		{"attribute of the root", `<a x="1"/>`, Path{{Local: "a"}}, "x", "1", "1", `1"/>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(tc.doc)
			var v Value
			var err error
			if tc.attr == "" {
				v, err = FindText(doc, tc.path)
			} else {
				v, err = FindAttr(doc, tc.path, tc.attr)
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Raw != tc.raw || v.Text != tc.text {
				t.Fatalf("Raw %q Text %q, want Raw %q Text %q", v.Raw, v.Text, tc.raw, tc.text)
			}
			if string(doc[v.Start:v.End]) != v.Raw || !strings.HasPrefix(tc.doc[v.Start:], tc.startsAt) {
				t.Fatalf("span [%d:%d] is %q, followed by %q", v.Start, v.End, doc[v.Start:v.End], tc.doc[v.End:])
			}
		})
	}
}

// Round trip of any value through the escapers and the document.
func TestEscapeRoundTrip(t *testing.T) {
	values := []string{"", "7", "9443", "a&b", "<x>", "]]>", "\"'", "tab\there", "line\nbreak", "cr\rlf\r\n", "é€😀", "\x00\x01", "\uFFFE", "\xff", " lead and trail "}
	for _, s := range values {
		text, err := FindText(Replace([]byte("<a><b>old</b></a>"), mustFindText(t, "<a><b>old</b></a>"), EscapeText(s)), Path{{Local: "a"}, {Local: "b"}})
		if err != nil || text.Text != representable(s) {
			t.Errorf("text %q: read back %q, %v", s, text.Text, err)
		}
		for _, q := range []byte{'"', '\''} {
			doc := []byte("<a><b x=" + string(q) + "old" + string(q) + "/></a>")
			v, err := FindAttr(doc, Path{{Local: "a"}, {Local: "b"}}, "x")
			if err != nil {
				t.Fatal(err)
			}
			got, err := FindAttr(Replace(doc, v, EscapeAttr(s, q)), Path{{Local: "a"}, {Local: "b"}}, "x")
			if err != nil || got.Text != representable(s) {
				t.Errorf("attribute %q quoted with %c: read back %q, %v", s, q, got.Text, err)
			}
		}
	}
}

func mustFindText(t *testing.T, doc string) Value {
	t.Helper()
	v, err := FindText([]byte(doc), Path{{Local: "a"}, {Local: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, text, attrDQ, attrSQ string }{
		{"9443", "9443", "9443", "9443"},
		{"a&b<c>d", "a&amp;b&lt;c&gt;d", "a&amp;b&lt;c>d", "a&amp;b&lt;c>d"},
		{`"it's"`, `"it's"`, "&quot;it's&quot;", `"it&apos;s"`},
		{"1\t2\n3\r", "1\t2\n3&#13;", "1&#9;2&#10;3&#13;", "1&#9;2&#10;3&#13;"},
		{"é", "&#xE9;", "&#xE9;", "&#xE9;"},
		{"\x00\xff", "&#xFFFD;&#xFFFD;", "&#xFFFD;&#xFFFD;", "&#xFFFD;&#xFFFD;"},
	} {
		if got := EscapeText(tc.in); got != tc.text {
			t.Errorf("EscapeText(%q) = %q, want %q", tc.in, got, tc.text)
		}
		if got := EscapeAttr(tc.in, '"'); got != tc.attrDQ {
			t.Errorf("EscapeAttr(%q, '\"') = %q, want %q", tc.in, got, tc.attrDQ)
		}
		if got := EscapeAttr(tc.in, '\''); got != tc.attrSQ {
			t.Errorf("EscapeAttr(%q, '\\'') = %q, want %q", tc.in, got, tc.attrSQ)
		}
	}
	if got := EscapeAttr(`"'`, 0); got != "&quot;&apos;" {
		t.Errorf("EscapeAttr with no quote = %q", got)
	}
}

func TestReplace(t *testing.T) {
	doc := []byte("<a><b>9443</b></a>")
	v := mustFindText(t, string(doc))
	for _, tc := range []struct{ raw, want string }{
		{"9443", "<a><b>9443</b></a>"},
		{"9445", "<a><b>9445</b></a>"},
		{"", "<a><b></b></a>"},
		{"94439443", "<a><b>94439443</b></a>"},
		{"43", "<a><b>43</b></a>"},
		{"1", "<a><b>1</b></a>"},
	} {
		out := Replace(doc, v, tc.raw)
		if string(out) != tc.want {
			t.Errorf("Replace(%q) = %q, want %q", tc.raw, out, tc.want)
		}
		out[0] = 'X'
		if doc[0] != '<' {
			t.Fatal("the result shares memory with the input")
		}
	}
	// Empty content: the value is inserted between the tags.
	empty := []byte("<a><b></b></a>")
	if out := Replace(empty, mustFindText(t, string(empty)), "7"); string(out) != "<a><b>7</b></a>" {
		t.Errorf("got %q", out)
	}
}

func TestReplacePanicsOnStaleValue(t *testing.T) {
	doc := []byte("<a><b>9443</b></a>")
	v := mustFindText(t, string(doc))
	for name, bad := range map[string][]byte{
		"other bytes": []byte("<a><b>9444</b></a>"),
		"shorter":     []byte("<a/>"),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			Replace(bad, v, "1")
		})
	}
}
