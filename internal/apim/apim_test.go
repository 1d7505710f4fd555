package apim

import (
	"strings"
	"testing"
)

func TestShiftedOnMovesEveryPortByTheOffset(t *testing.T) {
	want := map[string]int64{
		"servlet_http": 9765, "servlet_https": 9445, "gateway_http": 8282, "gateway_https": 8245,
		"websocket": 9101, "websocket_secure": 8101, "binary_receiver": 9613, "binary_receiver_ssl": 9713,
		"thrift_receiver": 7613, "thrift_receiver_ssl": 7713, "amqp": 5674, "amqp_ssl": 8674,
		"jmx_rmi_registry": 10001, "jmx_rmi_server": 11113, "embedded_ldap": 10391, "kdc": 8002,
		"entitlement_thrift": 10502, "key_validation_thrift": 10399,
	}
	shifted := ShiftedOn(CarbonHome, 2, nil)
	if len(shifted) != len(want) {
		t.Fatalf("2.x opens %d ports, want %d: %v", len(shifted), len(want), shifted)
	}
	for name, port := range want {
		if shifted[name] != port {
			t.Errorf("%s: got %d, want %d", name, shifted[name], port)
		}
	}
	for _, p := range Ports {
		if p.Base == 4000 || p.Base == 45564 {
			t.Errorf("%s (%d) does not move with the offset and must not be listed", p.Name, p.Base)
		}
	}
}

// TestPortsPerHome: which ports each generation, version and distribution
// opens (../shared/research/wso2-3x-4x.md §A.3, §A.4).
func TestPortsPerHome(t *testing.T) {
	gen3 := func(major, minor int, d Distribution) Home {
		return Home{Generation: Deployment3, Version: Version{major, minor, 0}, Distribution: d}
	}
	names := func(h Home) map[string]bool {
		set := map[string]bool{}
		for name := range ShiftedOn(h, 0, nil) {
			set[name] = true
		}
		return set
	}
	for _, tc := range []struct {
		name     string
		home     Home
		opens    []string
		notOpens []string
	}{
		{"2.x", CarbonHome, []string{"thrift_receiver", "key_validation_thrift", "gateway_https", "websocket"}, []string{"webhook_http", "webhook_https"}},
		{"3.2 all-in-one", gen3(3, 2, AllInOne), []string{"gateway_https", "websocket_secure", "binary_receiver"}, []string{"webhook_http", "thrift_receiver", "key_validation_thrift"}},
		{"4.2 all-in-one", gen3(4, 2, AllInOne), []string{"webhook_http", "webhook_https", "gateway_http", "amqp"}, []string{"thrift_receiver_ssl", "key_validation_thrift"}},
		{"4.0 control plane", gen3(4, 0, ControlPlane), []string{"servlet_https", "amqp", "binary_receiver", "jmx_rmi_server"}, []string{"gateway_http", "gateway_https", "websocket", "websocket_secure", "webhook_http", "webhook_https"}},
		{"4.7 gateway", gen3(4, 7, Gateway), []string{"gateway_https", "websocket", "webhook_https", "servlet_https"}, []string{"thrift_receiver"}},
		{"4.7 traffic manager", gen3(4, 7, TrafficManager), []string{"amqp", "amqp_ssl", "binary_receiver_ssl"}, []string{"gateway_http", "websocket", "webhook_http"}},
		{"3.x+ of no known version is current", Home{Generation: Deployment3, Distribution: AllInOne}, []string{"webhook_http"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := names(tc.home)
			for _, n := range tc.opens {
				if !got[n] {
					t.Errorf("%s does not open %s", tc.name, n)
				}
			}
			for _, n := range tc.notOpens {
				if got[n] {
					t.Errorf("%s opens %s", tc.name, n)
				}
			}
		})
	}
}

func TestShiftedOnUsesTheFilesBases(t *testing.T) {
	h := Home{Generation: Deployment3, Version: Version{4, 2, 0}, Distribution: AllInOne}
	got := ShiftedOn(h, 3, map[string]int64{"servlet_https": 9543})
	if got["servlet_https"] != 9546 || got["servlet_http"] != 9766 {
		t.Fatalf("servlet ports: %d, %d; want 9546 (base from the file) and 9766", got["servlet_https"], got["servlet_http"])
	}
}

func TestCheckOffset(t *testing.T) {
	h := Highest()
	if h.Name != "jmx_rmi_server" || h.Base != 11111 {
		t.Fatalf("highest port: got %s %d", h.Name, h.Base)
	}
	for _, tc := range []struct {
		offset  int64
		wantErr string
	}{
		{0, ""},
		{2, ""},
		{54424, ""},
		{54425, "offset 54425 moves the highest port, jmx_rmi_server (11111), to 65536, above 65535; the largest offset allowed is 54424"},
		{-1, "must not be negative"},
	} {
		err := CheckOffset(tc.offset, h.Name, h.Base)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("offset %d: unexpected error %v", tc.offset, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("offset %d: got %v, want error containing %q", tc.offset, err, tc.wantErr)
		}
	}
}

func TestLocalURL(t *testing.T) {
	const shipped = "https://localhost:9443/store/site/blocks/workflow/workflow-listener/ajax/workflow-listener.jag"
	for _, tc := range []struct {
		uri     string
		port    int64
		want    string
		managed bool
	}{
		{shipped, 9445, "https://localhost:9445/store/site/blocks/workflow/workflow-listener/ajax/workflow-listener.jag", true},
		{"https://127.0.0.1:9443/a?b=c%20d&e", 9500, "https://127.0.0.1:9500/a?b=c%20d&e", true},
		{"https://localhost/store", 9445, "https://localhost:9445/store", true},
		{"https://apim.example.com:9443/store", 9445, "", false},
		{"https://user@localhost:9443/store", 9445, "", false},
		{"not a url", 9445, "", false},
		{"", 9445, "", false},
	} {
		got, managed := LocalURL(tc.uri, tc.port)
		if got != tc.want || managed != tc.managed {
			t.Errorf("%q: got (%q, %v), want (%q, %v)", tc.uri, got, managed, tc.want, tc.managed)
		}
	}
}

func TestEffectivePort(t *testing.T) {
	if got := EffectivePort(9101, false, 2); got != 9101 {
		t.Errorf("flag false: got %d, want 9101", got)
	}
	if got := EffectivePort(9101, true, 2); got != 9103 {
		t.Errorf("flag true, the double shift: got %d, want 9103", got)
	}
}

func TestPathsDoNotShareBackingArrays(t *testing.T) {
	a, b := ParameterPath(PortParam), ParameterPath(UseOffsetParam)
	if a[len(a)-1].AttrValue != PortParam || b[len(b)-1].AttrValue != UseOffsetParam {
		t.Fatalf("parameter paths alias each other: %v %v", a, b)
	}
	if len(PortsPath) != 2 || OffsetPath[2].Local != "Offset" {
		t.Fatalf("OffsetPath changed PortsPath: %v %v", PortsPath, OffsetPath)
	}
}

// Each WebSocket endpoint names its own port in Ports.
func TestEndpointPortNames(t *testing.T) {
	for _, e := range []Endpoint{WebSocket, SecureWebSocket} {
		found := false
		for _, p := range Ports {
			if p.Name == e.PortName {
				found = p.Base == e.BasePort
			}
		}
		if !found {
			t.Errorf("%s: port %q with base %d is not in Ports", e.File, e.PortName, e.BasePort)
		}
	}
}
