package tomledit

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The real deployment.toml files in testdata (see SOURCES.md there).
var fixtureNames = []string{
	"deployment-3.2.0.toml",
	"deployment-4.0.0.toml",
	"deployment-4.2.0.toml",
	"deployment-4.7.0.toml",
	"deployment-4.7.0-api-control-plane.toml",
	"deployment-4.7.0-gateway.toml",
	"deployment-4.7.0-traffic-manager.toml",
}

// Keys the provider edits.
var (
	offsetKey    = NewKey("server", "offset")
	wsEndpoint   = NewKey("apim.gateway.environment", "ws_endpoint")
	wsPortKey    = NewKey("apim.ws", "port")
	httpsPortKey = NewKey("transport.https.properties", "port")
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// toCRLF turns every line ending into CRLF.
func toCRLF(doc []byte) []byte {
	return bytes.ReplaceAll(doc, []byte("\n"), []byte("\r\n"))
}

// withBOM puts a UTF-8 byte order mark in front.
func withBOM(doc []byte) []byte {
	return append(append([]byte(nil), utf8BOM...), doc...)
}

// replaceOnce returns doc with the first old replaced by repl, failing the
// test when doc has no old: the variants are made from the real files, and
// a fixture that changed must not silently make a test vacuous.
func replaceOnce(t testing.TB, doc []byte, old, repl string) []byte {
	t.Helper()
	if !bytes.Contains(doc, []byte(old)) {
		t.Fatalf("the document has no %q", old)
	}
	return bytes.Replace(doc, []byte(old), []byte(repl), 1)
}

// variant is a real file rewritten into one of the forms an operator's
// deployment.toml can have the offset in.
type variant struct {
	name string
	doc  []byte
}

// offsetVariants derives every form of the offset from the 4.2.0 file: the
// shipped comment, an integer, a quoted string (WSO2's Puppet module), a
// literal string, an absent key, an absent [server], the dotted and the
// inline-table forms, and those with CRLF, without a final newline (as
// shipped) and with a byte order mark.
func offsetVariants(t testing.TB) []variant {
	t.Helper()
	base := fixture(t, "deployment-4.2.0.toml")
	rest := base[bytes.Index(base, []byte("[super_admin]")):] // without the [server] table
	vs := []variant{
		{"commented", base},
		{"integer", replaceOnce(t, base, "#offset=0", "offset = 2")},
		{"quoted", replaceOnce(t, base, "#offset=0", `offset = "2"`)},
		{"literal-quoted", replaceOnce(t, base, "#offset=0", `offset = '2'`)},
		{"absent-key", replaceOnce(t, base, "#offset=0\n", "")},
		{"absent-server", append([]byte("hostname_note = \"no server table\"\n\n"), rest...)},
		{"dotted", append([]byte("server.hostname = \"localhost\"\nserver.offset = 2 # kept\n\n"), rest...)},
		{"inline", append([]byte("server = { hostname = \"localhost\", offset = 2 }\n\n"), rest...)},
	}
	for _, v := range vs[:len(vs):len(vs)] {
		vs = append(vs, variant{v.name + "/crlf", toCRLF(v.doc)}, variant{v.name + "/bom", withBOM(v.doc)})
	}
	for _, v := range vs[:len(vs):len(vs)] {
		if !strings.Contains(v.name, "/") {
			vs = append(vs, variant{v.name + "/final-newline", append(append([]byte(nil), v.doc...), '\n')})
		}
	}
	return vs
}
