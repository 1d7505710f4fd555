package apim

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

const shippedWSEndpoint = "<GatewayWSEndpoint>ws://${carbon.local.ip}:9099</GatewayWSEndpoint>"

// On the shipped 2.6.0 api-manager.xml at offset 10: only the port's
// digits change (9109), twice is once, the plan agrees, restore gives the
// shipped bytes back; 2.1.0 has no such element and is left alone.
func TestGatewayWSEndpointOnTheShippedFiles(t *testing.T) {
	doc := fixture(t, "apim-2.6.0/"+APIManagerXML)
	url, managed, err := ReadGatewayWSEndpoint(doc)
	if err != nil || !managed || url != "ws://${carbon.local.ip}:9099" {
		t.Fatalf("ReadGatewayWSEndpoint = %q, %v, %v", url, managed, err)
	}
	orig, err := GatewayWSEndpoint.Original(doc)
	if err != nil {
		t.Fatal(err)
	}
	out, set, managed, err := SetGatewayWSEndpoint(doc, 9109)
	want := bytes.Replace(doc, []byte(shippedWSEndpoint), []byte("<GatewayWSEndpoint>ws://${carbon.local.ip}:9109</GatewayWSEndpoint>"), 1)
	if err != nil || !managed || !bytes.Equal(out, want) {
		t.Fatalf("SetGatewayWSEndpoint: %v, %v", managed, err)
	}
	if planned := PlanGatewayWSEndpoint(url, 9109); set != planned || planned != "ws://${carbon.local.ip}:9109" {
		t.Fatalf("set %q, planned %q", set, planned)
	}
	if again, _, _, err := SetGatewayWSEndpoint(out, 9109); err != nil || !bytes.Equal(again, out) {
		t.Fatalf("twice: %v", err)
	}
	for _, edited := range [][]byte{out, doc} {
		if back, err := GatewayWSEndpoint.Restore(edited, orig); err != nil || !bytes.Equal(back, doc) {
			t.Fatalf("restore: %v", err)
		}
	}

	old := fixture(t, "apim-2.1.0/"+APIManagerXML)
	if _, managed, err := ReadGatewayWSEndpoint(old); managed || err != nil {
		t.Fatalf("2.1.0: %v, %v", managed, err)
	}
	if out, _, managed, err := SetGatewayWSEndpoint(old, 9109); managed || err != nil || !bytes.Equal(out, old) {
		t.Fatalf("2.1.0 set: %v, %v", managed, err)
	}
	orig, err = GatewayWSEndpoint.Original(old)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := GatewayWSEndpoint.Restore(old, orig); err != nil || !bytes.Equal(back, old) {
		t.Fatalf("2.1.0 restore: %v", err)
	}
}

// Which endpoints are kept in step; the others are left alone, never an
// error, except a port on the instance that is not a number and a
// document that is not XML.
func TestGatewayWSEndpointShapes(t *testing.T) {
	shipped := fixture(t, "apim-2.6.0/"+APIManagerXML)
	second := "</Environment>\n            <Environment type=\"sandbox\" api-console=\"true\"><Name>S</Name><GatewayWSEndpoint>ws://gw2:9099</GatewayWSEndpoint></Environment>"
	for _, tc := range []struct {
		name, old, replacement string
		url                    string // "" when not managed
		err                    string
	}{
		{"localhost", shippedWSEndpoint, "<GatewayWSEndpoint> ws://localhost:9099/ </GatewayWSEndpoint>", "ws://localhost:9109/", ""},
		{"127.0.0.1", shippedWSEndpoint, "<GatewayWSEndpoint>ws://127.0.0.1:9099</GatewayWSEndpoint>", "ws://127.0.0.1:9109", ""},
		{"another host", shippedWSEndpoint, "<GatewayWSEndpoint>ws://gateway.example.com:9099</GatewayWSEndpoint>", "", ""},
		{"placeholder port", shippedWSEndpoint, "<GatewayWSEndpoint>ws://${carbon.local.ip}:${ws.port}</GatewayWSEndpoint>", "", ""},
		{"a reference", shippedWSEndpoint, "<GatewayWSEndpoint>ws://localhost&#58;9099</GatewayWSEndpoint>", "", ""},
		{"not a URL", shippedWSEndpoint, "<GatewayWSEndpoint>localhost:9099</GatewayWSEndpoint>", "", ""},
		{"two environments", "</Environment>", second, "", ""},
		{"port not a number", shippedWSEndpoint, "<GatewayWSEndpoint>ws://${carbon.local.ip}:90x9</GatewayWSEndpoint>", "", `<GatewayWSEndpoint> holds ws://${carbon.local.ip}:90x9, whose port "90x9" is not a number`},
		{"no port", shippedWSEndpoint, "<GatewayWSEndpoint>ws://localhost</GatewayWSEndpoint>", "", "holds ws://localhost, which has no port"},
		{"malformed", shippedWSEndpoint, "<GatewayWSEndpoint>ws://localhost:9099</GatewayWSEndpointt>", "", "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := bytes.Replace(shipped, []byte(tc.old), []byte(tc.replacement), 1)
			url, managed, err := ReadGatewayWSEndpoint(doc)
			out, set, setManaged, setErr := SetGatewayWSEndpoint(doc, 9109)
			if tc.err != "" {
				for _, e := range []error{err, setErr} {
					if e == nil || !strings.Contains(e.Error()+" "+kindOf(e), tc.err) {
						t.Fatalf("got %v, want %q", e, tc.err)
					}
				}
				if _, err := GatewayWSEndpoint.Original(doc); err == nil {
					t.Fatal("Original accepted it")
				}
				return
			}
			if err != nil || setErr != nil {
				t.Fatalf("%v, %v", err, setErr)
			}
			if tc.url == "" {
				if managed || setManaged || !bytes.Equal(out, doc) {
					t.Fatalf("managed: %q", url)
				}
				return
			}
			if !managed || !setManaged || set != tc.url || PlanGatewayWSEndpoint(url, 9109) != tc.url {
				t.Fatalf("got %q → %q, want %q", url, set, tc.url)
			}
			if want := bytes.Replace(doc, []byte(":9099"), []byte(":9109"), 1); !bytes.Equal(out, want) {
				t.Fatal("more than the port changed")
			}
		})
	}
}

// kindOf names an xmledit error's kind, for matching.
func kindOf(err error) string {
	if errors.Is(err, xmledit.ErrMalformed) {
		return "malformed"
	}
	return ""
}

// Restore leaves an endpoint a hand edit has turned to another host.
func TestGatewayWSEndpointRestoreLeavesOtherHosts(t *testing.T) {
	doc := fixture(t, "apim-2.6.0/"+APIManagerXML)
	orig, err := GatewayWSEndpoint.Original(doc)
	if err != nil {
		t.Fatal(err)
	}
	moved := bytes.Replace(doc, []byte("ws://${carbon.local.ip}:9099"), []byte("ws://lb.example.com:443"), 1)
	if back, err := GatewayWSEndpoint.Restore(moved, orig); err != nil || !bytes.Equal(back, moved) {
		t.Fatalf("got %v", err)
	}
}
