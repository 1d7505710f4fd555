package apim

import (
	"bytes"
	"testing"
)

// Setting names are where the provider keeps originals in Terraform's
// private state: a state written by an earlier release must find them
// under the same names, so they never change.
func TestSettingNamesAreStable(t *testing.T) {
	templated, err := EndpointPortOf(WebSocket, true, fixture(t, "apim-4.2.0/"+WebSocket.Template()))
	if err != nil {
		t.Fatal(err)
	}
	static, err := EndpointPortOf(WebSocket, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tc := range []struct {
		s    Setting
		name string
	}{
		{Carbon2.Offset(), "offset_original"},
		{Deployment3.Offset(), "toml_offset_original"},
		{WorkflowCallback, "workflow_callback_original"},
		{JMSBrokers, "jms_broker_originals"},
		{GatewayWSEndpoint, "gateway_ws_endpoint_original"},
		{static, "inbound_originals"},
		{templated, "inbound_toml_original"},
	} {
		if tc.s.Name() != tc.name {
			t.Errorf("%T is named %q, want %q", tc.s, tc.s.Name(), tc.name)
		}
		if seen[tc.s.Name()] {
			t.Errorf("two settings are named %q", tc.s.Name())
		}
		seen[tc.s.Name()] = true
	}
}

// Each generation's offset setting goes through the whole lifecycle on its
// shipped file: record, set, read back, restore byte for byte.
func TestOffsetSettingLifecycle(t *testing.T) {
	for _, tc := range []struct {
		g    Generation
		home string
	}{{Carbon2, "apim-2.1.0"}, {Deployment3, "apim-4.2.0"}} {
		s := tc.g.Offset()
		doc := fixture(t, tc.home+"/"+s.File())
		orig, err := s.Original(doc)
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Set(doc, 7)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := s.Read(out); err != nil || n != 7 {
			t.Fatalf("%s: read back %d, %v", tc.g, n, err)
		}
		back, err := s.Restore(out, orig)
		if err != nil || !bytes.Equal(back, doc) {
			t.Fatalf("%s: restore did not give the shipped bytes back (%v)", tc.g, err)
		}
	}
}
