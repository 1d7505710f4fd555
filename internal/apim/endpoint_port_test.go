package apim

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// templateOf returns the shipped template of e in the fixture home, nil
// when that version ships none.
func templateOf(t *testing.T, home string, e Endpoint) []byte {
	t.Helper()
	b, err := os.ReadFile("../../testdata/wso2/" + home + "/" + e.Template())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Which file holds each endpoint's port, by the research's table A.4: the
// static XML for ws up to 4.0 and for wss on 2.x; deployment.toml where the
// version renders the endpoint from a template (ws from 4.1, wss from 3.1).
func TestEndpointPortOfTheShippedHomes(t *testing.T) {
	for _, tc := range []struct {
		home     string
		e        Endpoint
		fromTOML bool
	}{
		{"apim-2.2.0", WebSocket, false},
		{"apim-2.2.0", SecureWebSocket, false},
		{"apim-3.2.0", WebSocket, false},
		{"apim-3.2.0", SecureWebSocket, true},
		{"apim-4.0.0", WebSocket, false},
		{"apim-4.0.0", SecureWebSocket, true},
		{"apim-4.2.0", WebSocket, true},
		{"apim-4.2.0", SecureWebSocket, true},
		{"apim-4.7.0", WebSocket, true},
		{"apim-4.7.0", SecureWebSocket, true},
		{"apim-4.7.0-gateway", WebSocket, true},
		{"apim-4.7.0-gateway", SecureWebSocket, true},
	} {
		_, err := os.Stat("../../testdata/wso2/" + tc.home + "/" + DeploymentTOML)
		p, err := EndpointPortOf(tc.e, err == nil, templateOf(t, tc.home, tc.e))
		if err != nil {
			t.Fatalf("%s %s: %v", tc.home, tc.e.File, err)
		}
		want := tc.e.File
		if tc.fromTOML {
			want = DeploymentTOML
		}
		if p.File() != want {
			t.Errorf("%s %s: the port is in %s, want %s", tc.home, tc.e.File, p.File(), want)
		}
	}
}

func templatedPort(t *testing.T, home string, e Endpoint) EndpointPort {
	t.Helper()
	p, err := EndpointPortOf(e, true, templateOf(t, home, e))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fileOffset is the instance's offset as the provider reads it where no
// -DportOffset overrides the file: [server] offset of doc.
func fileOffset(doc []byte) func() (int64, error) {
	return func() (int64, error) { return ReadTOMLOffset(doc) }
}

func notAsked() (int64, error) { panic("the runtime adds no offset here") }

// A templated endpoint listens on [apim.ws] port (9099 when absent) plus
// [server] offset, the runtime adding it; Set writes the key so that the
// endpoint listens on base + offset, leaves the file alone when it already
// does, and Restore gives the bytes back.
func TestTemplatedEndpointPort(t *testing.T) {
	p := templatedPort(t, "apim-4.2.0", WebSocket)
	shipped := fixture(t, "apim-4.2.0/"+DeploymentTOML)
	atOffset3, err := SetTOMLOffset(shipped, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		doc  []byte
		want int64
	}{
		{"shipped", shipped, 9099},
		{"offset 3", atOffset3, 9102},
		{"base 9200, offset 3", append(bytes.Clone(atOffset3), "\n[apim.ws]\nport = 9200\n"...), 9203},
	} {
		if got, err := p.Listening(tc.doc, fileOffset(tc.doc)); err != nil || got != tc.want {
			t.Errorf("%s: Listening = %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
	// Started with -DportOffset=7, the instance runs at 7 whatever
	// [server] offset says, and the runtime adds that.
	started7 := func() (int64, error) { return 7, nil }
	if got, err := p.Listening(append(bytes.Clone(atOffset3), "\n[apim.ws]\nport = 9200\n"...), started7); err != nil || got != 9207 {
		t.Errorf("base 9200, started at offset 7: Listening = %d, %v; want 9207", got, err)
	}

	// The offset the runtime adds is not added again: nothing to write.
	out, warning, err := p.Set(atOffset3, 9099, 3)
	if err != nil || !bytes.Equal(out, atOffset3) || warning != "" {
		t.Fatalf("Set(9099, 3) at offset 3 changed the file or warned (%q, %v)", warning, err)
	}

	orig, err := p.Original(atOffset3)
	if err != nil {
		t.Fatal(err)
	}
	out, warning, err = p.Set(atOffset3, 9100, 3)
	if err != nil || warning != "" {
		t.Fatalf("Set(9100, 3): %q, %v", warning, err)
	}
	if !bytes.HasPrefix(out, atOffset3) || !strings.Contains(string(out[len(atOffset3):]), "[apim.ws]\nport = 9100") {
		t.Fatalf("Set(9100, 3) did not add [apim.ws] port = 9100 at the end:\n%s", out[len(atOffset3)-20:])
	}
	if got, err := p.Listening(out, fileOffset(out)); err != nil || got != 9103 {
		t.Fatalf("after Set(9100, 3) the endpoint listens on %d (%v), want 9103", got, err)
	}
	back, err := p.Restore(out, orig)
	if err != nil || !bytes.Equal(back, atOffset3) {
		t.Fatalf("Restore did not give the file back byte for byte (%v)", err)
	}

	// An endpoint offset other than [server] offset: the key makes up the
	// difference, and the operator is told the endpoint moves with the
	// instance's offset.
	out, warning, err = p.Set(shipped, 9099, 3)
	if err != nil || !strings.Contains(warning, "[server] offset is 0") {
		t.Fatalf("Set(9099, 3) at offset 0: warning %q, %v", warning, err)
	}
	if got, _ := p.Listening(out, fileOffset(out)); got != 9102 {
		t.Fatalf("listens on %d, want 9102", got)
	}

	// A port the key cannot reach once the runtime adds the offset.
	high, err := SetTOMLOffset(shipped, 9200)
	if err != nil {
		t.Fatal(err)
	}
	var ve *ValueError
	if _, _, err := p.Set(high, 9099, 0); !errors.As(err, &ve) {
		t.Fatalf("Set below the instance's offset: %v, want a ValueError", err)
	}
}

// A static endpoint on 3.x/4.x is edited as on 2.x: the file states the
// real port with the flag off; while the flag is on, the instance's offset
// (from deployment.toml on these homes) is added.
func TestStaticEndpointPortOn4x(t *testing.T) {
	p, err := EndpointPortOf(WebSocket, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := fixture(t, "apim-4.0.0/"+WebSocket.File)
	offset3 := func() (int64, error) { return 3, nil }
	if got, err := p.Listening(doc, offset3); err != nil || got != 9102 {
		t.Fatalf("shipped file (flag on) at offset 3: %d, %v; want 9102", got, err)
	}
	out, _, err := p.Set(doc, 9099, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.Listening(out, func() (int64, error) { panic("flag is off") }); err != nil || got != 9102 {
		t.Fatalf("after Set: %d, %v; want 9102 with the flag off", got, err)
	}
	orig, err := p.Original(doc)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := p.Restore(out, orig); err != nil || !bytes.Equal(back, doc) {
		t.Fatalf("Restore: %v", err)
	}
}

// A template the provider cannot follow is refused, never edited: a port
// written into the template, or an offset flag that is not a boolean.
func TestEndpointPortOfRefusesOtherTemplates(t *testing.T) {
	shipped := templateOf(t, "apim-4.2.0", WebSocket)
	for name, tmpl := range map[string]string{
		"hard-coded port": strings.Replace(string(shipped), "{{apim.ws.port}}", "9100", 1),
		"other key":       strings.Replace(string(shipped), "{{apim.ws.port}}", "{{apim.wss.port}}", 1),
		"flag not bool":   strings.Replace(string(shipped), `"ws.use.port.offset">true<`, `"ws.use.port.offset">yes<`, 1),
	} {
		var ve *ValueError
		if _, err := EndpointPortOf(WebSocket, true, []byte(tmpl)); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a ValueError", name, err)
		}
	}
	// Spaces inside the placeholder are Jinja's business, not a change.
	spaced := strings.Replace(string(shipped), "{{apim.ws.port}}", "{{ apim.ws.port }}", 1)
	if _, err := EndpointPortOf(WebSocket, true, []byte(spaced)); err != nil {
		t.Errorf("{{ apim.ws.port }}: %v", err)
	}
	// A template whose flag is off: the key is the port itself.
	off := strings.Replace(string(shipped), `"ws.use.port.offset">true<`, `"ws.use.port.offset">false<`, 1)
	p, err := EndpointPortOf(WebSocket, true, []byte(off))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := SetTOMLOffset(fixture(t, "apim-4.2.0/"+DeploymentTOML), 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.Listening(doc, notAsked); err != nil || got != 9099 {
		t.Fatalf("flag off: listens on %d, %v; want 9099", got, err)
	}
}
