package apim

import (
	"bytes"
	"errors"
	"maps"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
)

// allInOne4 is the home every port of 4.x opens on: an all-in-one 4.7.0.
var allInOne4 = Home{Generation: Deployment3, Version: Version{4, 7, 0}, Distribution: AllInOne}

// On every shipped 3.x/4.x deployment.toml, at offset 3: the URLs managed
// are exactly the shipped literals of the instance's own listeners (none on
// a control plane, whose URLs name a separate gateway, nor on the gateway
// and traffic manager distributions, which ship no environment); setting
// them changes only their ports' digits, twice is once, and restoring gives
// the shipped bytes back.
func TestGatewayURLsOnTheShippedFiles(t *testing.T) {
	const env = "apim.gateway.environment[0]."
	ws := map[string]string{env + "ws_endpoint": "ws://localhost:9099", env + "wss_endpoint": "wss://localhost:8099"}
	webhooks := map[string]string{
		env + "websub_event_receiver_http_endpoint":  "http://localhost:9021",
		env + "websub_event_receiver_https_endpoint": "https://localhost:8021",
	}
	shifted := map[string]string{
		"ws://localhost:9099": "ws://localhost:9102", "wss://localhost:8099": "wss://localhost:8102",
		"http://localhost:9021": "http://localhost:9024", "https://localhost:8021": "https://localhost:8024",
	}
	for _, tc := range []struct {
		dir  string
		home Home
		want map[string]string
	}{
		{"apim-3.2.0", Home{Generation: Deployment3, Version: Version{3, 2, 0}, Distribution: AllInOne}, ws},
		{"apim-4.0.0", Home{Generation: Deployment3, Version: Version{4, 0, 0}, Distribution: AllInOne}, union(ws, webhooks)},
		{"apim-4.2.0", Home{Generation: Deployment3, Version: Version{4, 2, 0}, Distribution: AllInOne}, union(ws, webhooks)},
		{"apim-4.7.0", allInOne4, union(ws, webhooks)},
		{"apim-4.7.0-api-control-plane", Home{Generation: Deployment3, Version: Version{4, 7, 0}, Distribution: ControlPlane}, map[string]string{}},
		{"apim-4.7.0-gateway", Home{Generation: Deployment3, Version: Version{4, 7, 0}, Distribution: Gateway}, map[string]string{}},
		{"apim-4.7.0-traffic-manager", Home{Generation: Deployment3, Version: Version{4, 7, 0}, Distribution: TrafficManager}, map[string]string{}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			doc := fixture(t, tc.dir+"/"+DeploymentTOML)
			ports := ShiftedOn(tc.home, 3, nil)
			got, err := GatewayURLs(doc, ports)
			if err != nil || !maps.Equal(got, tc.want) {
				t.Fatalf("GatewayURLs = %v, %v; want %v", got, err, tc.want)
			}
			want := doc
			planned := map[string]string{}
			for where, url := range tc.want {
				want = bytes.Replace(want, []byte(`= "`+url+`"`), []byte(`= "`+shifted[url]+`"`), 1)
				planned[where] = shifted[url]
			}
			if p := PlanGatewayURLs(got, ports); !maps.Equal(p, planned) {
				t.Errorf("PlanGatewayURLs = %v, want %v", p, planned)
			}
			origs, err := GatewayURLOriginals(doc, ports)
			if err != nil || len(origs) != len(tc.want) {
				t.Fatalf("GatewayURLOriginals = %v, %v", origs, err)
			}
			out, err := SetGatewayURLs(doc, ports)
			if err != nil || !bytes.Equal(out, want) {
				t.Fatalf("SetGatewayURLs changed more or less than the ports' digits (%v)", err)
			}
			if after, err := GatewayURLs(out, ports); err != nil || !maps.Equal(after, planned) {
				t.Errorf("read back %v, %v; want %v", after, err, planned)
			}
			if again, err := SetGatewayURLs(out, ports); err != nil || !bytes.Equal(again, out) {
				t.Errorf("the same ports again changed the file (%v)", err)
			}
			if back, err := RestoreGatewayURLs(out, origs); err != nil || !bytes.Equal(back, doc) {
				t.Errorf("restore did not give the shipped bytes back (%v)", err)
			}
		})
	}
}

// Which values are managed, in documents of every form: the localhost rule
// of LocalURL, a literal port, a key the instance's ports include; nothing
// else, and nothing is an error but a document that does not parse.
func TestGatewayURLsForms(t *testing.T) {
	noWebhooks := ShiftedOn(Home{Generation: Deployment3, Version: Version{3, 2, 0}, Distribution: AllInOne}, 3, nil)
	for _, tc := range []struct {
		name, doc string
		ports     map[string]int64 // nil: allInOne4 at offset 3
		want      map[string]string
	}{
		{"127.0.0.1 with a path", "[[apim.gateway.environment]]\nws_endpoint = 'ws://127.0.0.1:9099/x'\n", nil,
			map[string]string{"apim.gateway.environment[0].ws_endpoint": "ws://127.0.0.1:9102/x"}},
		{"a load balancer", "[[apim.gateway.environment]]\nws_endpoint = \"ws://lb.example.com:9099\"\n", nil, map[string]string{}},
		{"a placeholder port", "[[apim.gateway.environment]]\nws_endpoint = \"ws://localhost:${ws.port}\"\n", nil, map[string]string{}},
		{"no port", "[[apim.gateway.environment]]\nws_endpoint = \"ws://localhost\"\n", nil, map[string]string{}},
		{"user info", "[[apim.gateway.environment]]\nws_endpoint = \"ws://u@localhost:9099\"\n", nil, map[string]string{}},
		{"an escape", "[[apim.gateway.environment]]\nws_endpoint = \"ws://localhost:909\\u0039\"\n", nil, map[string]string{}},
		{"a number", "[[apim.gateway.environment]]\nws_endpoint = 9099\n", nil, map[string]string{}},
		{"a table", "[apim.gateway.environment.ws_endpoint]\nx = 1\n", nil, map[string]string{}},
		{"another key", "[[apim.gateway.environment]]\nhttp_endpoint = \"http://localhost:8280\"\n", nil, map[string]string{}},
		{"a port the instance does not open", "[[apim.gateway.environment]]\nwebsub_event_receiver_http_endpoint = \"http://localhost:9021\"\n", noWebhooks, map[string]string{}},
		{"every entry", "[[apim.gateway.environment]]\nname = \"a\"\n[[apim.gateway.environment]]\nwss_endpoint = \"wss://lb:8099\"\n[[apim.gateway.environment]]\nwss_endpoint = \"wss://localhost:8099\" # local\n", nil,
			map[string]string{"apim.gateway.environment[2].wss_endpoint": "wss://localhost:8102"}},
		{"a plain table", "[apim.gateway.environment]\nwss_endpoint = \"wss://localhost:8099\"\n", nil,
			map[string]string{"apim.gateway.environment[0].wss_endpoint": "wss://localhost:8102"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ports := tc.ports
			if ports == nil {
				ports = ShiftedOn(allInOne4, 3, nil)
			}
			doc := []byte(tc.doc)
			out, err := SetGatewayURLs(doc, ports)
			if err != nil {
				t.Fatal(err)
			}
			got, err := GatewayURLs(out, ports)
			if err != nil || !maps.Equal(got, tc.want) {
				t.Fatalf("after SetGatewayURLs: %v, %v; want %v", got, err, tc.want)
			}
			if len(tc.want) == 0 && !bytes.Equal(out, doc) {
				t.Fatalf("an unmanaged value was changed: %q", out)
			}
		})
	}
	for _, bad := range []string{"[[apim.gateway.environment]\n", "[[apim.gateway.environment]]\nws_endpoint = \"a\"\nws_endpoint = \"b\"\n"} {
		if _, err := GatewayURLs([]byte(bad), ShiftedOn(allInOne4, 3, nil)); !errors.Is(err, fileformat.ErrMalformed) {
			t.Errorf("%q: %v; want malformed", bad, err)
		}
	}
}

// PlanGatewayURLs keeps only URLs it can name and whose port is given.
func TestPlanGatewayURLs(t *testing.T) {
	got := PlanGatewayURLs(map[string]string{
		"apim.gateway.environment[1].wss_endpoint":                        "wss://localhost:8100",
		"apim.gateway.environment[0].websub_event_receiver_http_endpoint": "http://localhost:9021",
		"apim.gateway.environment[0].http_endpoint":                       "http://localhost:8280",
		"apim.gateway.environment[x].ws_endpoint":                         "ws://localhost:9099",
		"apim.gateway.environment[0].ws_endpoint":                         "ws://lb:9099",
	}, map[string]int64{"websocket": 9102, "websocket_secure": 8102})
	want := map[string]string{"apim.gateway.environment[1].wss_endpoint": "wss://localhost:8102"}
	if !maps.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// Restore puts back only what still points at the instance: a URL turned
// to another host by hand, or an entry removed, stays as it is now.
func TestRestoreGatewayURLsLeavesHandEdits(t *testing.T) {
	doc := []byte("[[apim.gateway.environment]]\nws_endpoint = \"ws://localhost:9099\"\nwss_endpoint = \"wss://localhost:8099\"\n[[apim.gateway.environment]]\nws_endpoint = \"ws://localhost:9099\"\n")
	ports := ShiftedOn(allInOne4, 3, nil)
	origs, err := GatewayURLOriginals(doc, ports)
	if err != nil || len(origs) != 3 {
		t.Fatalf("%v, %v", origs, err)
	}
	out, err := SetGatewayURLs(doc, ports)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(out, []byte("wss://localhost:8102"), []byte("wss://lb.example.com:8102"), 1)
	edited = edited[:bytes.LastIndex(edited, []byte("[[apim"))]
	back, err := RestoreGatewayURLs(edited, origs)
	want := "[[apim.gateway.environment]]\nws_endpoint = \"ws://localhost:9099\"\nwss_endpoint = \"wss://lb.example.com:8102\"\n"
	if err != nil || string(back) != want {
		t.Fatalf("got %q, %v; want %q", back, err, want)
	}
	if _, err := RestoreGatewayURLs([]byte("[x"), origs); !errors.Is(err, fileformat.ErrMalformed) {
		t.Fatalf("a malformed document: %v", err)
	}
}

func TestGatewayURLWhere(t *testing.T) {
	for _, where := range []string{"apim.gateway.environment[0].ws_endpoint", "apim.gateway.environment[12].websub_event_receiver_https_endpoint"} {
		k, _, ok := parseGatewayURLWhere(where)
		if !ok || gatewayURLWhere(k) != where {
			t.Errorf("%q: round trip gave %q, %v", where, gatewayURLWhere(k), ok)
		}
	}
	for _, bad := range []string{"", "apim.gateway.environment[-1].ws_endpoint", "apim.gateway.environment[0].http_endpoint", "x[0].ws_endpoint", "apim.gateway.environment[0]ws_endpoint"} {
		if _, _, ok := parseGatewayURLWhere(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func union(a, b map[string]string) map[string]string {
	u := maps.Clone(a)
	maps.Copy(u, b)
	return u
}
