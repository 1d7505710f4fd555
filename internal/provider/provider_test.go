package provider

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// testProviders serves the provider in-process to the real terraform CLI: a
// new provider for each terraform command, as a real provider process would
// be, so no connection or lock outlives the command that made it.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"apim": func() (tfprotov6.ProviderServer, error) {
		return providerserver.NewProtocol6WithError(New("test")())()
	},
}

// fixtures holds the project's copies of real APIM files (see SOURCES.md).
const fixtures = "../../testdata/wso2"

// newHome lays out an APIM home from the real 2.1.0 files, plus the secure
// WebSocket endpoint that ships from 2.2.0 on, and returns its absolute path.
func newHome(t *testing.T) string {
	t.Helper()
	home := filepath.Join(t.TempDir(), "wso2am-2.1.0")
	for _, f := range []struct{ from, to string }{
		{"apim-2.1.0/" + apim.CarbonXML, apim.CarbonXML},
		{"apim-2.1.0/" + apim.WorkflowCallbackService, apim.WorkflowCallbackService},
		{"apim-2.1.0/" + apim.WebSocket.File, apim.WebSocket.File},
		{"apim-2.2.0/" + apim.SecureWebSocket.File, apim.SecureWebSocket.File},
	} {
		copyFile(t, filepath.Join(fixtures, f.from), filepath.Join(home, f.to))
	}
	return home
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// replaceOnce returns b with old, which must occur exactly once, replaced by
// replacement: the expected file after an edit, computed independently of
// the provider.
func replaceOnce(t *testing.T, b []byte, old, replacement string) []byte {
	t.Helper()
	if n := bytes.Count(b, []byte(old)); n != 1 {
		t.Fatalf("%q occurs %d times in the fixture, want once", old, n)
	}
	return bytes.Replace(b, []byte(old), []byte(replacement), 1)
}

// expectFile returns an error unless the file holds exactly want, showing
// where the bytes first differ.
func expectFile(name string, want []byte) error {
	got, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if bytes.Equal(got, want) {
		return nil
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	span := func(b []byte) []byte { return b[max(0, i-60):min(len(b), i+60)] }
	return fmt.Errorf("%s differs from the expected bytes at offset %d (got %d bytes, want %d):\n got: %q\nwant: %q",
		name, i, len(got), len(want), span(got), span(want))
}
