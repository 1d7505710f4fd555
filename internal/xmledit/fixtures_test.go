package xmledit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Namespaces and paths the provider uses on real WSO2 files.
const (
	carbonNS  = "http://wso2.org/projects/carbon/carbon.xml"
	synapseNS = "http://ws.apache.org/ns/synapse"
)

var (
	offsetPath = Path{{Space: carbonNS, Local: "Server"}, {Space: carbonNS, Local: "Ports"}, {Space: carbonNS, Local: "Offset"}}
	portsPath  = offsetPath[:2:2]
	offsetStep = offsetPath[2]

	parametersPath = Path{{Space: synapseNS, Local: "inboundEndpoint"}, {Space: synapseNS, Local: "parameters"}}
	addressPath    = Path{{Space: synapseNS, Local: "proxy"}, {Space: synapseNS, Local: "target"}, {Space: synapseNS, Local: "inSequence"},
		{Space: synapseNS, Local: "send"}, {Space: synapseNS, Local: "endpoint"}, {Space: synapseNS, Local: "address"}}
)

// paramStep selects <parameter name="name"> in a synapse file.
func paramStep(name string) Step {
	return Step{Space: synapseNS, Local: "parameter", AttrName: "name", AttrValue: name}
}

// paramPath is inboundEndpoint/parameters/parameter[@name=name].
func paramPath(name string) Path {
	return join(parametersPath, paramStep(name))
}

// join appends a step to a copy of p.
func join(p Path, s Step) Path {
	return append(append(Path{}, p...), s)
}

// The stored fixtures, by file name in testdata.
const (
	carbonFile   = "carbon-2.1.0.xml"
	wsFile       = "WebSocketInboundEndpoint-2.1.0.xml"
	wssFile      = "SecureWebSocketInboundEndpoint-2.2.0.xml"
	workflowFile = "WorkflowCallbackService-2.1.0.xml"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replaceOnce replaces the single occurrence of old in doc by replacement,
// and fails the test if there is not exactly one: expected outputs are built
// with it, independently of the package.
func replaceOnce(t testing.TB, doc []byte, old, replacement string) []byte {
	t.Helper()
	if n := bytes.Count(doc, []byte(old)); n != 1 {
		t.Fatalf("%q occurs %d times, want exactly once", old, n)
	}
	return bytes.Replace(doc, []byte(old), []byte(replacement), 1)
}

func toCRLF(doc []byte) []byte {
	return bytes.ReplaceAll(doc, []byte("\n"), []byte("\r\n"))
}

// variant is a document the tests and fuzz seeds use.
type variant struct {
	name string
	doc  []byte
}

// carbonVariants are carbon.xml and the forms of it the provider must cope
// with, each still holding exactly one real <Offset>0</Offset>.
func carbonVariants(t testing.TB) []variant {
	orig := fixture(t, carbonFile)
	latin1 := replaceOnce(t, orig, "<!-- Ports offset.", "<!-- Ports offset\xe9.")
	latin1 = replaceOnce(t, latin1, "<Name>WSO2 API Manager</Name>", "<Name>WSO2 API Manag\xe9r</Name>")
	return []variant{
		{"original", orig},
		{"crlf", toCRLF(orig)},
		{"latin1", latin1},
		{"latin1-crlf", toCRLF(latin1)},
		{"bom", append([]byte("\xef\xbb\xbf"), orig...)},
		{"bom-latin1-crlf", append([]byte("\xef\xbb\xbf"), toCRLF(latin1)...)},
		{"bom-utf8-decl", append([]byte("\xef\xbb\xbf"), replaceOnce(t, orig, `encoding="ISO-8859-1"`, `encoding="UTF-8"`)...)},
		{"bom-no-decl", append([]byte("\xef\xbb\xbf"), replaceOnce(t, orig, `<?xml version="1.0" encoding="ISO-8859-1"?>`+"\n", "")...)},
		{"commented-offset", replaceOnce(t, orig, "        <Offset>0</Offset>", "        <!--<Offset>7</Offset>-->\n        <Offset>0</Offset>")},
	}
}

// Documents without the element the provider may have to add.
func carbonNoOffset(t testing.TB) []byte {
	return replaceOnce(t, fixture(t, carbonFile), "\n        <Offset>0</Offset>", "")
}

func wsNoUseOffset(t testing.TB) []byte {
	return replaceOnce(t, fixture(t, wsFile), "\n      <parameter name=\"ws.use.port.offset\">true</parameter>", "")
}

func wssNoUseOffset(t testing.TB) []byte {
	return replaceOnce(t, fixture(t, wssFile), "\n        <parameter name=\"ws.use.port.offset\">true</parameter>", "")
}

var (
	bigOnce   sync.Once
	bigCarbon []byte
)

// bigCarbonDoc returns a carbon.xml of about 10 MB: the real file with copies
// of its content wrapped in <Generated> elements before </Server>, so that
// the real <Server>/<Ports>/<Offset> stays the only match.
func bigCarbonDoc(t testing.TB) []byte {
	orig := fixture(t, carbonFile)
	bigOnce.Do(func() {
		s := string(orig)
		open := strings.Index(s, "<Server ")
		open += strings.IndexByte(s[open:], '>') + 1
		end := strings.LastIndex(s, "</Server>")
		body := s[open:end]
		var b strings.Builder
		b.WriteString(s[:end])
		for i := 0; b.Len() < 10<<20; i++ {
			b.WriteString("    <Generated index=\"")
			b.WriteString(strings.Repeat("x", i%7))
			b.WriteString("\">")
			b.WriteString(body)
			b.WriteString("</Generated>\n")
		}
		b.WriteString(s[end:])
		bigCarbon = []byte(b.String())
	})
	return bigCarbon
}

// asError returns err as *Error, failing the test if it is not one.
func asError(t testing.TB, err error) *Error {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %v (%T) is not *Error", err, err)
	}
	if e.Msg == "" {
		t.Fatalf("error of kind %v has no message", e.Kind)
	}
	return e
}

// variantNamed returns one of carbonVariants by name.
func variantNamed(t testing.TB, name string) []byte {
	for _, v := range carbonVariants(t) {
		if v.name == name {
			return v.doc
		}
	}
	t.Fatalf("no variant %q", name)
	return nil
}
