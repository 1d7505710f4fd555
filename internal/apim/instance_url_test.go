package apim

import "testing"

// withInstancePort changes the port of a URL on the instance itself and
// of nothing else.
func TestWithInstancePort(t *testing.T) {
	for _, tc := range []struct {
		url, want string
		ok        bool
	}{
		{"tcp://localhost:5672", "tcp://localhost:5682", true},
		{"ws://${carbon.local.ip}:9099/x?y", "ws://${carbon.local.ip}:5682/x?y", true},
		{"tcp://127.0.0.1:1", "tcp://127.0.0.1:5682", true},
		{"tcp://tm1:5672", "tcp://tm1:5672", false},
		{"tcp://user:pw@localhost:5672", "tcp://user:pw@localhost:5672", false},
		{"tcp://[::1]:5672", "tcp://[::1]:5672", false},
		{"tcp://localhost:${jms.port}", "tcp://localhost:${jms.port}", false},
		{"tcp://localhost", "tcp://localhost", false},
		{"tcp://localhost:+5672", "tcp://localhost:+5672", false},
		{"localhost:5672", "localhost:5672", false},
		{"1tcp://localhost:5672", "1tcp://localhost:5672", false},
	} {
		if got, ok := withInstancePort(tc.url, 5682); got != tc.want || ok != tc.ok {
			t.Errorf("withInstancePort(%q) = %q, %v; want %q, %v", tc.url, got, ok, tc.want, tc.ok)
		}
	}
	u, ok := parseURLAt("x tcp://[::1]:5672;", 2, ";")
	if !ok || u.host != "[::1]" || !u.hasPort || u.portStart != 14 || u.end != 18 {
		t.Errorf("IPv6: %+v, %v", u, ok)
	}
}
