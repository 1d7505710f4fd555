package xmledit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Paths the fuzz targets look values up with: the provider's real ones and
// generic ones that small mutated documents can reach.
var fuzzTextPaths = []Path{
	offsetPath,
	{{Local: "a"}, {Local: "b"}},
	paramPath("inbound.ws.port"),
	{{Local: "a"}, {Local: "b", AttrName: "n", AttrValue: "1"}},
	{{Space: "urn:x", Local: "a"}, {Space: "urn:x", Local: "b"}},
}

var fuzzAttrPaths = []struct {
	p    Path
	name string
}{
	{addressPath, "uri"},
	{Path{{Local: "a"}, {Local: "b"}}, "x"},
	{Path{{Local: "a"}}, "x"},
}

type insertCase struct {
	parent  Path
	child   Step
	useAttr bool // the child's AttrValue comes from the fuzzer
}

var fuzzInsertCases = []insertCase{
	{portsPath, offsetStep, false},
	{parametersPath, Step{Space: synapseNS, Local: "parameter", AttrName: "name"}, true},
	{Path{{Local: "a"}}, Step{Local: "b"}, false},
	{Path{{Local: "a"}, {Local: "p"}}, Step{Local: "b", AttrName: "n"}, true},
	{Path{{Space: "urn:x", Local: "a"}}, Step{Space: "urn:x", Local: "b"}, false},
}

// smallDocs are seeds that mutate easily into interesting shapes.
var smallDocs = []string{
	"<a><b>1</b></a>",
	"<a>\n  <b>1</b>\n</a>\n",
	"<a>\r\n\t<b>x&amp;y<![CDATA[<z>]]>&#65;</b>\r\n</a>",
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a><!-- \xe9 --><b>\xe9</b></a>",
	"\xef\xbb\xbf<?xml version=\"1.0\"?><a><b></b></a>",
	"<a><!--<b>7</b>--><b n=\"1\">2</b><b n=\"2\">3</b></a>",
	"<p:a xmlns:p=\"urn:x\">\n  <p:b>1</p:b>\n</p:a>",
	"<a xmlns=\"urn:x\">\n    <b x='1'>1</b>\n</a>",
	"<a x=\"1\">\n  <p>\n    <c/>\n  </p>\n</a>",
	"<!DOCTYPE a><a><?pi x?><b>1</b></a>",
	"<a><b/></a>",
	"<a><b>1</b><b>2</b></a>",
	// Shapes that once got through (see testdata/fuzz), to mutate from.
	"<a/></a>",
	"<a><?pi<x?><b>1</b></a>",
	"<a xmlns:p=\"urn:p\"><p:b p:x=\"1\">1</p:b></a>",
	"<!DOCTYPE a SYSTEM \"a.dtd\"><a><b>1</b></a>",
	"<a><b x=\"1\"\ty='2'>1</b>\n</a>\n<!-- tail -->\n",
}

// fuzzSeedDocs returns every fixture and variant the tests use.
func fuzzSeedDocs(f *testing.F) [][]byte {
	var docs [][]byte
	for _, name := range []string{carbonFile, wsFile, wssFile, workflowFile} {
		docs = append(docs, fixture(f, name))
		docs = append(docs, toCRLF(fixture(f, name)))
	}
	for _, v := range carbonVariants(f) {
		docs = append(docs, v.doc)
	}
	docs = append(docs, carbonNoOffset(f), wsNoUseOffset(f), wssNoUseOffset(f))
	for _, s := range smallDocs {
		docs = append(docs, []byte(s))
	}
	return docs
}

var fuzzValues = []string{"7", "", "9445", "a&b<c>", "]]>", "\r\n", "é", "\x00", " 1 "}

// checkRefusal: every refusal is an *Error of a known kind with a message.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || err != error(e) {
		t.Fatalf("error %v (%T) is not a bare *Error", err, err)
	}
	if e.Msg == "" || e.Kind < ErrMalformed || e.Kind > ErrInvalidArgument {
		t.Fatalf("error kind %d with message %q", e.Kind, e.Msg)
	}
}

// treeTokens lists the document as encoding/xml sees it, namespace names
// resolved, skipping character data that lies inside [skipStart, skipEnd)
// (the value being edited) and, when maskAttr is set, masking the value of
// that attribute in the start tag that holds skipStart. Comments, processing
// instructions and directives count: an edit must not touch them either.
func treeTokens(t *testing.T, doc []byte, skipStart, skipEnd int, maskAttr string) []string {
	t.Helper()
	pr, err := readProlog(doc)
	if err != nil {
		t.Fatal(err)
	}
	view, err := parserView(doc, pr)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(view))
	d.Strict = true
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var out []string
	for {
		s := pr.bom + int(d.InputOffset())
		tok, err := d.Token()
		e := pr.bom + int(d.InputOffset())
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("encoding/xml refuses a document xmledit accepted: %v", err)
		}
		if _, ok := tok.(xml.CharData); ok && s >= skipStart && e <= skipEnd {
			continue
		}
		if se, ok := tok.(xml.StartElement); ok && maskAttr != "" && s <= skipStart && skipStart < e {
			for i, a := range se.Attr {
				if a.Name.Space == "" && a.Name.Local == maskAttr {
					se.Attr[i].Value = "(edited)"
				}
			}
			tok = se
		}
		out = append(out, fmt.Sprintf("%T %v", tok, tok))
	}
}

func FuzzReplaceText(f *testing.F) {
	for _, doc := range fuzzSeedDocs(f) {
		for i, v := range fuzzValues {
			f.Add(doc, v, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, newText string, which uint8) {
		p := fuzzTextPaths[int(which)%len(fuzzTextPaths)]
		orig := bytes.Clone(doc)
		v, err := FindText(doc, p)
		if !bytes.Equal(doc, orig) {
			t.Fatal("FindText modified its input")
		}
		if err != nil {
			checkRefusal(t, err)
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrEncoding) {
				// Accepted as XML: encoding/xml's own pairing and
				// namespace checks must agree.
				treeTokens(t, doc, -1, -1, "")
			}
			return
		}
		checkEdit(t, doc, v, EscapeText(newText), representable(newText), "", func(out []byte) (Value, error) { return FindText(out, p) })
	})
}

func FuzzReplaceAttr(f *testing.F) {
	for _, doc := range fuzzSeedDocs(f) {
		for i, v := range fuzzValues {
			f.Add(doc, v, uint8(i), i%2 == 0)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, newText string, which uint8, single bool) {
		c := fuzzAttrPaths[int(which)%len(fuzzAttrPaths)]
		v, err := FindAttr(doc, c.p, c.name)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		q := doc[v.End] // the closing quote
		if q != '"' && q != '\'' || doc[v.Start-1] != q {
			t.Fatalf("attribute span [%d:%d] is not between quotes", v.Start, v.End)
		}
		checkEdit(t, doc, v, EscapeAttr(newText, q), representable(newText), c.name, func(out []byte) (Value, error) { return FindAttr(out, c.p, c.name) })
	})
}

// checkEdit asserts what Replace promises for one located value: raw
// replaces exactly v's bytes, the value reads back as want, nothing else in
// the tree changes (attr names the edited attribute, "" for element text),
// and the same edit again changes nothing.
func checkEdit(t *testing.T, doc []byte, v Value, raw, want, attr string, find func([]byte) (Value, error)) {
	t.Helper()
	if v.Start < 0 || v.Start > v.End || v.End > len(doc) || string(doc[v.Start:v.End]) != v.Raw {
		t.Fatalf("Value %+v does not match the document", v)
	}
	if !bytes.Equal(Replace(doc, v, v.Raw), doc) {
		t.Fatal("replacing a value by itself changed the document")
	}
	orig := bytes.Clone(doc)
	out := Replace(doc, v, raw)
	if !bytes.Equal(doc, orig) {
		t.Fatal("Replace modified its input")
	}
	end := v.Start + len(raw)
	if len(out) != len(doc)-len(v.Raw)+len(raw) || !bytes.Equal(out[:v.Start], doc[:v.Start]) ||
		string(out[v.Start:end]) != raw || !bytes.Equal(out[end:], doc[v.End:]) {
		t.Fatal("bytes outside the value changed")
	}
	v2, err := find(out)
	if err != nil {
		t.Fatalf("the edited document no longer yields the value: %v", err)
	}
	if v2.Text != want || v2.Raw != raw || v2.Start != v.Start {
		t.Fatalf("read back %+v, want Text %q Raw %q at %d", v2, want, raw, v.Start)
	}
	before, after := treeTokens(t, doc, v.Start, v.End, attr), treeTokens(t, out, v.Start, end, attr)
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Fatalf("the element tree changed:\n%q\n%q", before, after)
	}
	if again := Replace(out, v2, raw); !bytes.Equal(again, out) {
		t.Fatal("applying the same edit twice changed the document again")
	}
}

func FuzzInsertRemove(f *testing.F) {
	for _, doc := range fuzzSeedDocs(f) {
		for i, v := range fuzzValues {
			f.Add(doc, v, "ws.use.port.offset", uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte, text, attrValue string, which uint8) {
		c := fuzzInsertCases[int(which>>1)%len(fuzzInsertCases)]
		first := which&1 == 1
		child := c.child
		if c.useAttr {
			child.AttrValue = attrValue
		}
		orig := bytes.Clone(doc)
		out, err := InsertChild(doc, c.parent, child, text, first)
		if !bytes.Equal(doc, orig) {
			t.Fatal("InsertChild modified its input")
		}
		if err != nil {
			checkRefusal(t, err)
			return
		}
		childPath := join(c.parent, child)

		// out is doc with one run of bytes inserted somewhere: its common
		// prefix and suffix with doc cover all of doc.
		n := len(out) - len(doc)
		pre, suf := 0, 0
		for pre < len(doc) && doc[pre] == out[pre] {
			pre++
		}
		for suf < len(doc) && doc[len(doc)-1-suf] == out[len(out)-1-suf] {
			suf++
		}
		if n <= 0 || pre+suf < len(doc) {
			t.Fatal("the output is not the input with one run of bytes inserted")
		}
		v, err := FindText(out, childPath)
		if err != nil || v.Text != representable(text) {
			t.Fatalf("the new element reads back %+v, %v", v, err)
		}
		// ... and the new element starts a line of its own.
		if start := bytes.LastIndexByte(out[:v.Start], '<'); lineBreakBefore(out, start, 0) < 0 {
			t.Fatalf("the new element is not on a line of its own: %q", out[max(0, start-20):v.End])
		}

		back, err := RemoveElement(out, childPath)
		if err != nil {
			t.Fatalf("RemoveElement after InsertChild: %v", err)
		}
		if !bytes.Equal(back, doc) {
			t.Fatalf("RemoveElement(InsertChild(doc)) != doc\n%q\n%q", back, doc)
		}
		if _, err := InsertChild(out, c.parent, child, text, first); !errors.Is(err, ErrAmbiguous) {
			t.Fatalf("inserting the same child twice gave %v, want ErrAmbiguous", err)
		}
		// The element structure is the old one plus the new element.
		withNew, without := treeTokens(t, out, -1, -1, ""), treeTokens(t, doc, -1, -1, "")
		if len(elementTokens(withNew)) != len(elementTokens(without))+2 {
			t.Fatal("more than one element was added")
		}
	})
}

// elementTokens keeps the start and end element tokens.
func elementTokens(toks []string) []string {
	var out []string
	for _, s := range toks {
		if strings.HasPrefix(s, "xml.StartElement") || strings.HasPrefix(s, "xml.EndElement") {
			out = append(out, s)
		}
	}
	return out
}

// TestFuzzCorpusFilesExist keeps the stored findings from silently
// disappearing: go test replays them only if they are where Go looks.
func TestFuzzCorpusFilesExist(t *testing.T) {
	for _, target := range []string{"FuzzReplaceText", "FuzzInsertRemove"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
		if err != nil || len(entries) == 0 {
			t.Fatalf("%s: no stored corpus entries: %v", target, err)
		}
	}
}
