package xmledit

import (
	"bytes"
	"strings"
	"testing"
)

// diffCount counts differing bytes of two documents of equal length.
func diffCount(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// The provider's main edit: Offset 0 -> 7 in carbon.xml must change exactly
// one byte of the file, in every form the file may take on a host.
func TestReplaceOffsetWholeFile(t *testing.T) {
	for _, v := range carbonVariants(t) {
		t.Run(v.name, func(t *testing.T) {
			doc := v.doc
			before := bytes.Clone(doc)
			val, err := FindText(doc, offsetPath)
			if err != nil {
				t.Fatal(err)
			}
			if val.Text != "0" || val.Raw != "0" || string(doc[val.Start:val.End]) != "0" {
				t.Fatalf("found %+v, want the text 0", val)
			}
			out := Replace(doc, val, EscapeText("7"))
			want := replaceOnce(t, doc, "<Offset>0</Offset>", "<Offset>7</Offset>")
			if !bytes.Equal(out, want) {
				t.Fatalf("output differs from the file with only the Offset changed")
			}
			if len(out) != len(doc) || diffCount(out, doc) != 1 {
				t.Fatalf("%d bytes changed, want 1", diffCount(out, doc))
			}
			if !bytes.Equal(doc, before) {
				t.Fatal("Replace modified its input")
			}
			if strings.Contains(v.name, "commented") && !bytes.Contains(out, []byte("<!--<Offset>7</Offset>-->\n        <Offset>7</Offset>")) {
				t.Fatal("the commented-out Offset was not left as it was")
			}
			if !bytes.Equal(Replace(doc, val, val.Raw), doc) {
				t.Fatal("replacing the value by itself changed the document")
			}
			again, err := FindText(out, offsetPath)
			if err != nil || again.Text != "7" || again.Start != val.Start {
				t.Fatalf("after the edit FindText = %+v, %v", again, err)
			}
		})
	}
}

// Latin-1 bytes elsewhere in carbon.xml must survive and decode correctly.
func TestLatin1TextDecodes(t *testing.T) {
	var doc []byte
	for _, v := range carbonVariants(t) {
		if v.name == "latin1" {
			doc = v.doc
		}
	}
	name, err := FindText(doc, Path{{Space: carbonNS, Local: "Server"}, {Space: carbonNS, Local: "Name"}})
	if err != nil {
		t.Fatal(err)
	}
	if name.Text != "WSO2 API Managér" || name.Raw != "WSO2 API Manag\xe9r" {
		t.Fatalf("Text %q Raw %q", name.Text, name.Raw)
	}
	// A new non-ASCII value is written as a character reference, never as
	// UTF-8 bytes into a Latin-1 file.
	out := Replace(doc, name, EscapeText("WSO2 API Managér 2"))
	if !bytes.Contains(out, []byte("<Name>WSO2 API Manag&#xE9;r 2</Name>")) {
		t.Fatalf("unexpected bytes around the edit")
	}
	if v, err := FindText(out, Path{{Space: carbonNS, Local: "Server"}, {Space: carbonNS, Local: "Name"}}); err != nil || v.Text != "WSO2 API Managér 2" {
		t.Fatalf("read back %+v, %v", v, err)
	}
}

// The inbound endpoint ports, in both real files.
func TestReplaceInboundPort(t *testing.T) {
	for _, tc := range []struct {
		file, port, newPort string
	}{
		{wsFile, "9099", "9199"},
		{wssFile, "8099", "8100"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			doc := fixture(t, tc.file)
			v, err := FindText(doc, paramPath("inbound.ws.port"))
			if err != nil {
				t.Fatal(err)
			}
			if v.Text != tc.port {
				t.Fatalf("Text %q, want %q", v.Text, tc.port)
			}
			out := Replace(doc, v, EscapeText(tc.newPort))
			want := replaceOnce(t, doc, `"inbound.ws.port">`+tc.port+"<", `"inbound.ws.port">`+tc.newPort+"<")
			if !bytes.Equal(out, want) {
				t.Fatal("output differs from the file with only the port changed")
			}
			use, err := FindText(doc, paramPath("ws.use.port.offset"))
			if err != nil || use.Text != "true" {
				t.Fatalf("ws.use.port.offset = %+v, %v", use, err)
			}
		})
	}
}

// The workflow callback address: only the port digits of the uri attribute
// change; the other attribute, the quotes and the line break between the
// attributes stay.
func TestReplaceWorkflowCallbackURI(t *testing.T) {
	doc := fixture(t, workflowFile)
	const uri = "https://localhost:9443/store/site/blocks/workflow/workflow-listener/ajax/workflow-listener.jag"
	v, err := FindAttr(doc, addressPath, "uri")
	if err != nil {
		t.Fatal(err)
	}
	if v.Text != uri || v.Raw != uri || doc[v.Start-1] != '"' || doc[v.End] != '"' {
		t.Fatalf("found %+v", v)
	}
	newURI := strings.Replace(uri, ":9443/", ":9445/", 1)
	out := Replace(doc, v, EscapeAttr(newURI, '"'))
	want := replaceOnce(t, doc, `<address uri="`+uri+"\"\n                        format=\"rest\"/>",
		`<address uri="`+newURI+"\"\n                        format=\"rest\"/>")
	if !bytes.Equal(out, want) {
		t.Fatal("output differs from the file with only the port changed")
	}
	if diffCount(out, doc) != 1 {
		t.Fatalf("%d bytes changed, want 1", diffCount(out, doc))
	}
	f, err := FindAttr(out, addressPath, "format")
	if err != nil || f.Text != "rest" {
		t.Fatalf("format = %+v, %v", f, err)
	}
}

// Big documents work too (and the benchmark measures them).
func TestBigDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB document")
	}
	doc := bigCarbonDoc(t)
	v, err := FindText(doc, offsetPath)
	if err != nil {
		t.Fatal(err)
	}
	out := Replace(doc, v, "7")
	if diffCount(out, doc) != 1 {
		t.Fatal("more than one byte changed")
	}
}
