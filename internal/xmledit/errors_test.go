package xmledit

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// Every refusal has the right kind and a message a user can act on.
func TestFindTextRefusals(t *testing.T) {
	carbon := string(fixture(t, carbonFile))
	ab := Path{{Local: "a"}, {Local: "b"}}
	tests := []struct {
		name string
		doc  string
		path Path
		kind Kind
		msg  []string
	}{
		{"empty document", "", offsetPath, ErrMalformed, []string{"line 1, column 1", "empty"}},
		{"only white space", " \n ", offsetPath, ErrMalformed, []string{"no root element"}},
		{"not XML", "Offset=7\n", offsetPath, ErrMalformed, []string{"line 1, column 1", "text before the root element"}},
		{"truncated", carbon[:len(carbon)/2], offsetPath, ErrMalformed, []string{"line 338, column 9: unexpected EOF", "is closed"}},
		{"truncated after a tag", carbon[:strings.Index(carbon, "</Ports>")], offsetPath, ErrMalformed, []string{"ends before element <Ports> (line 121) is closed"}},
		{"truncated in a tag", carbon[:strings.Index(carbon, "<Offset>")+4], offsetPath, ErrMalformed, []string{"line 127", "unexpected EOF"}},
		{"garbage after the root", carbon + "x", offsetPath, ErrMalformed, []string{"line 685, column 1", "text after the end of the root element <Server>"}},
		{"two roots", "<a/>\n<b/>", ab, ErrMalformed, []string{"line 2, column 1", "second root element <b>"}},
		{"mismatched end tag", "<a>\n  <b></c></a>", ab, ErrMalformed, []string{"line 2, column 6", "element <b> (line 2) is closed by </c>"}},
		{"unclosed", "<a><b>1</b>", ab, ErrMalformed, []string{"<a> (line 1) is closed"}},
		{"malformed after the match", "<a><b>1</b><c></a>", ab, ErrMalformed, []string{"element <c> (line 1) is closed by </a>"}},
		{"duplicate attribute", `<a><b x="1" x="2">1</b></a>`, ab, ErrMalformed, []string{"attribute x appears twice"}},
		{"duplicate among many attributes", "<a><b" + manyAttrs(40) + ` a7="x">1</b></a>`, ab, ErrMalformed, []string{"attribute a7 appears twice"}},
		{"column after a byte order mark", "\xef\xbb\xbf<a>x", ab, ErrMalformed, []string{"line 1, column 5: the document ends"}},
		{"duplicate expanded attribute", `<a xmlns:p="u" xmlns:q="u"><b p:x="1" q:x="2">1</b></a>`, ab, ErrMalformed, []string{"repeats another attribute"}},
		{"no space between attributes", `<a><b x="1"y="2">1</b></a>`, ab, ErrMalformed, []string{"column 12", "separated by white space"}},
		{"undeclared element prefix", `<a><p:b>1</p:b></a>`, ab, ErrMalformed, []string{`prefix "p"`, "not declared"}},
		{"undeclared attribute prefix", `<a><b p:x="1">1</b></a>`, ab, ErrMalformed, []string{`prefix "p"`, "not declared"}},
		{"undeclaring a prefix", `<a xmlns:p=""><b>1</b></a>`, ab, ErrMalformed, []string{"may not be undeclared"}},
		{"two colons", `<a><b:c:d>1</b:c:d></a>`, ab, ErrMalformed, []string{"line 1"}},
		{"declaration not at the start", "\n<?xml version=\"1.0\"?><a><b>1</b></a>", ab, ErrMalformed, []string{"line 2, column 1", "only allowed at the very start"}},
		{"second declaration", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a><?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><b>1</b></a>", ab, ErrMalformed, []string{"only allowed at the very start"}},
		{"bad declaration", "<?xml encoding=\"UTF-8\"?><a><b>1</b></a>", ab, ErrMalformed, []string{"XML declaration", "version"}},
		{"version 1.1", "<?xml version=\"1.1\"?><a><b>1</b></a>", ab, ErrMalformed, []string{"version \"1.1\""}},
		{"CDATA outside the root", "<a><b>1</b></a><![CDATA[ ]]>", ab, ErrMalformed, []string{"CDATA section outside"}},
		{"DOCTYPE after the root", "<a><b>1</b></a><!DOCTYPE a>", ab, ErrMalformed, []string{"DOCTYPE"}},
		{"declaration inside an element", "<a><!ELEMENT a ANY><b>1</b></a>", ab, ErrMalformed, []string{"not allowed inside an element"}},
		{"control character in a comment", "<a><!-- \x01 --><b>1</b></a>", ab, ErrMalformed, []string{"column 9", "control character 0x01"}},
		{"invalid UTF-8 in a comment", "<a><!-- \xe9 --><b>1</b></a>", ab, ErrMalformed, []string{"not valid UTF-8"}},
		{"non-ASCII in a US-ASCII document", "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a><!-- \xe9 --><b>1</b></a>", ab, ErrMalformed, []string{"0xE9 is not US-ASCII"}},
		{"reference to a surrogate", "<a><b>&#xD800;</b></a>", ab, ErrMalformed, []string{"character reference"}},
		{"reference to NUL", "<a><b>&#0;</b></a>", ab, ErrMalformed, []string{"line 1"}},
		{"undefined entity", "<a><b>&nbsp;</b></a>", ab, ErrMalformed, []string{"&nbsp;"}},
		{"unescaped <", "<a><b>1 < 2</b></a>", ab, ErrMalformed, []string{"line 1"}},
		{"]]> in text", "<a><b>]]></b></a>", ab, ErrMalformed, []string{"]]>"}},
		{"Latin-1 non-letter in a name", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a><b\xd7>1</b\xd7></a>", ab, ErrMalformed, []string{"line 1"}},

		{"UTF-16 declaration", `<?xml version="1.0" encoding="UTF-16"?><a/>`, ab, ErrEncoding, []string{`"UTF-16"`, "UTF-8, ISO-8859-1"}},
		{"UTF-16 byte order mark", "\xff\xfe<\x00a\x00/\x00>\x00", ab, ErrEncoding, []string{"UTF-16 byte order mark"}},
		{"UTF-16 without byte order mark", "\x00<\x00a\x00/\x00>", ab, ErrEncoding, []string{"UTF-16 or UTF-32"}},
		{"unknown encoding", `<?xml version="1.0" encoding="Shift_JIS"?><a/>`, ab, ErrEncoding, []string{`"Shift_JIS"`}},

		{"missing element", carbon, join(portsPath, Step{Space: carbonNS, Local: "OffSet"}), ErrNotFound,
			[]string{"<Server>/<Ports>/<OffSet> not found", "<Server>/<Ports> (line 121) has no child element <OffSet>"}},
		{"wrong namespace", carbon, Path{{Space: carbonNS, Local: "Server"}, {Space: carbonNS, Local: "Ports"}, {Local: "Offset"}}, ErrNotFound,
			[]string{"there is a <Offset> at line 127, but in namespace \"" + carbonNS + "\", not \"\""}},
		{"wrong root", carbon, Path{{Space: synapseNS, Local: "proxy"}}, ErrNotFound, []string{"the root element is <Server>, not <proxy>"}},
		{"only a commented-out element", strings.Replace(carbon, "<Offset>0</Offset>", "<!--<Offset>7</Offset>-->", 1), offsetPath, ErrNotFound,
			[]string{"<Server>/<Ports>/<Offset> not found"}},
		{"only inside CDATA", strings.Replace(carbon, "<Offset>0</Offset>", "<![CDATA[<Offset>7</Offset>]]>", 1), offsetPath, ErrNotFound,
			[]string{"has no child element <Offset>"}},
		{"only inside a processing instruction", strings.Replace(carbon, "<Offset>0</Offset>", "<?Offset <Offset>7</Offset>?>", 1), offsetPath, ErrNotFound,
			[]string{"has no child element <Offset>"}},
		{"missing parameter", string(wsNoUseOffset(t)), paramPath("ws.use.port.offset"), ErrNotFound,
			[]string{`<inboundEndpoint>/<parameters>/<parameter name="ws.use.port.offset"> not found`, "with another name"}},
		{"two matches", strings.Replace(carbon, "<Offset>0</Offset>", "<Offset>0</Offset><Offset>1</Offset>", 1), offsetPath, ErrAmbiguous,
			[]string{"<Server>/<Ports>/<Offset> is ambiguous", "2 elements", "lines 127, 127"}},
		{"two parameters with one name", strings.Replace(string(fixture(t, wsFile)), `"dispatch.custom.sequence"`, `"inbound.ws.port"`, 1), paramPath("inbound.ws.port"), ErrAmbiguous,
			[]string{`<parameter name="inbound.ws.port"> is ambiguous`, "lines 9, 13"}},

		{"child elements", carbon, Path{{Space: carbonNS, Local: "Server"}, {Space: carbonNS, Local: "Ports"}, {Space: carbonNS, Local: "JMX"}}, ErrNotText,
			[]string{"<Server>/<Ports>/<JMX> (line 130) is not a plain value", "a comment (line 131)"}},
		{"child element", "<a><b>1<c/></b></a>", ab, ErrNotText, []string{"the child element <c> (line 1)"}},
		{"processing instruction", "<a><b>1<?p x?></b></a>", ab, ErrNotText, []string{"a processing instruction"}},
		{"self-closing", "<a><b/></a>", ab, ErrNotText, []string{"self-closing element <b/>", "<b></b>"}},

		{"empty path", "<a/>", Path{}, ErrInvalidArgument, []string{"empty element path"}},
		{"bad step name", "<a/>", Path{{Local: "a b"}}, ErrInvalidArgument, []string{`"a b" is not an XML element name`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := FindText([]byte(tc.doc), tc.path)
			if err == nil {
				t.Fatalf("no error; found %+v", v)
			}
			e := asError(t, err)
			t.Log(e.Msg)
			if e.Kind != tc.kind || !errors.Is(err, tc.kind) {
				t.Fatalf("kind %v (%q), want %v", e.Kind, e.Msg, tc.kind)
			}
			for _, m := range tc.msg {
				if !strings.Contains(e.Msg, m) {
					t.Errorf("message %q does not contain %q", e.Msg, m)
				}
			}
			if tc.kind == ErrMalformed && !strings.HasPrefix(e.Msg, "malformed XML at line ") {
				t.Errorf("message %q does not give the position", e.Msg)
			}
			// The same document gives the same error through every entry point.
			if _, err2 := FindAttr([]byte(tc.doc), tc.path, "x"); tc.kind != ErrNotText && (err2 == nil || asError(t, err2).Kind != tc.kind) {
				t.Errorf("FindAttr gave %v", err2)
			}
		})
	}
}

func TestFindAttrRefusals(t *testing.T) {
	doc := fixture(t, workflowFile)
	for _, tc := range []struct {
		name string
		p    Path
		attr string
		kind Kind
		msg  string
	}{
		{"missing attribute", addressPath, "url", ErrNotFound, "<proxy>/<target>/<inSequence>/<send>/<endpoint>/<address> (line 16) has no attribute url"},
		{"namespace declaration", addressPath[:1], "xmlns", ErrInvalidArgument, "not an attribute name"},
		{"prefixed name", addressPath, "x:uri", ErrInvalidArgument, "not an attribute name"},
		{"element not found", Path{{Space: synapseNS, Local: "proxy"}, {Space: synapseNS, Local: "target"}, {Space: synapseNS, Local: "property"}}, "name", ErrNotFound, "<proxy>/<target> (line 8) has no child element <property>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FindAttr(doc, tc.p, tc.attr)
			e := asError(t, err)
			if e.Kind != tc.kind || !strings.Contains(e.Msg, tc.msg) {
				t.Fatalf("got %v %q, want %v with %q", e.Kind, e.Msg, tc.kind, tc.msg)
			}
		})
	}
}

func TestErrorKinds(t *testing.T) {
	kinds := []Kind{ErrMalformed, ErrNotFound, ErrAmbiguous, ErrNotText, ErrEncoding, ErrInvalidArgument}
	for _, k := range kinds {
		err := fmt.Errorf("editing carbon.xml: %w", newError(k, "m"))
		for _, other := range kinds {
			if errors.Is(err, other) != (k == other) {
				t.Errorf("errors.Is(%v, %v) = %v", k, other, k != other)
			}
		}
		var got Kind
		if !errors.As(err, &got) || got != k {
			t.Errorf("errors.As gave %v, want %v", got, k)
		}
		if k.Error() == "" || strings.Contains(k.Error(), "unknown") {
			t.Errorf("kind %d has no description", k)
		}
	}
}

// Code above the editors tells errors apart by the shared kinds alone.
func TestErrorKindsMatchSharedKinds(t *testing.T) {
	all := []fileformat.Kind{fileformat.ErrMalformed, fileformat.ErrNotFound, fileformat.ErrAmbiguous, fileformat.ErrNotValue,
		fileformat.ErrBadValue, fileformat.ErrEncoding, fileformat.ErrInvalidArgument}
	for k, want := range map[Kind]fileformat.Kind{
		ErrMalformed:       fileformat.ErrMalformed,
		ErrNotFound:        fileformat.ErrNotFound,
		ErrAmbiguous:       fileformat.ErrAmbiguous,
		ErrNotText:         fileformat.ErrNotValue,
		ErrEncoding:        fileformat.ErrEncoding,
		ErrInvalidArgument: fileformat.ErrInvalidArgument,
	} {
		err := fmt.Errorf("editing carbon.xml: %w", newError(k, "m"))
		for _, s := range all {
			if errors.Is(err, s) != (s == want) {
				t.Errorf("errors.Is(%v, %v) = %v", k, s, s != want)
			}
		}
	}
}

// Found by comparing with libxml2 (TestDifferentialXmllint).
func TestFindTextRefusalsFromDifferential(t *testing.T) {
	for _, tc := range []struct{ doc, msg string }{
		{"<a/></a>", "line 1, column 5: end tag </a> without a matching start tag"},
		{"<a><b>1</b></a>\n</b>", "line 2, column 1: end tag </b> without a matching start tag"},
		{"<a><?pi<x?><b>1</b></a>", "column 8: white space expected after the processing instruction target pi"},
		{`<a xmlns:-p="urn:p"><b>1</b></a>`, "column 1: start tag is not namespace-well-formed"},
		{`<a xmlns:p="urn:p"><p:-b>1</p:-b></a>`, "column 20: start tag is not namespace-well-formed"},
	} {
		_, err := FindText([]byte(tc.doc), Path{{Local: "a"}, {Local: "b"}})
		if e := asError(t, err); e.Kind != ErrMalformed || !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%q: got %v %q, want ErrMalformed with %q", tc.doc, e.Kind, e.Msg, tc.msg)
		}
	}
}

func TestDoctype(t *testing.T) {
	ab := Path{{Local: "a"}, {Local: "b"}}
	for _, tc := range []struct{ doctype, msg string }{
		{"<!DOCTYPE a>", ""},
		{"<!DOCTYPE a SYSTEM 'a.dtd'>", ""},
		{"<!DOCTYPE p:a PUBLIC \"-//W3C//DTD X 1.0//EN\" \"x.dtd\" >", ""},
		{"<!DOCTYPE &foo;a>", "needs an element name"},
		{"<!DOCTYPE a<b/>>", "needs an element name"},
		{"<!DOCTYPE a SYSTEM>", "SYSTEM needs"},
		{"<!DOCTYPE a PUBLIC 'a{b' 'x'>", "PUBLIC needs a quoted public identifier"},
		{"<!DOCTYPE a junk>", "unexpected text"},
		{"<!DOCTYPE a [<!ENTITY x 'y'>]>", "internal subset"},
	} {
		_, err := FindText([]byte(tc.doctype+"<a><b>1</b></a>"), ab)
		if tc.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.doctype, err)
			}
			continue
		}
		if e := asError(t, err); e.Kind != ErrMalformed || !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%s: got %v %q, want ErrMalformed with %q", tc.doctype, e.Kind, e.Msg, tc.msg)
		}
	}
}

// manyAttrs returns n distinct attributes a0="0" a1="1" ...
func manyAttrs(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, ` a%d="%d"`, i, i)
	}
	return b.String()
}
