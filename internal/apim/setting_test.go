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

// An optional setting's original from a file without the value records
// nothing, and says so (destroy then leaves the file unopened); from a
// file with it, it restores. The shipped files: 2.1.0's api-manager.xml
// has no <GatewayWSEndpoint>, 2.6.0's has one; jndi.properties has
// brokerlists on localhost, and a jndi.properties without any has none.
func TestOptionalSettingRestores(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Setting
		doc  []byte
		want bool
	}{
		{"2.1.0 api-manager.xml", GatewayWSEndpoint, fixture(t, "apim-2.1.0/"+APIManagerXML), false},
		{"2.6.0 api-manager.xml", GatewayWSEndpoint, fixture(t, "apim-2.6.0/"+APIManagerXML), true},
		{"2.1.0 jndi.properties", JMSBrokers, fixture(t, "apim-2.1.0/"+JNDIProperties), true},
		{"jndi.properties without brokerlists", JMSBrokers, []byte("java.naming.factory.initial = org.wso2.andes.jndi.PropertiesFileInitialContextFactory\n"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, ok := tc.s.(OptionalSetting)
			if !ok {
				t.Fatalf("%T is not an OptionalSetting", tc.s)
			}
			orig, err := tc.s.Original(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if got := o.Restores(orig); got != tc.want {
				t.Errorf("Restores(%s) = %v, want %v", orig, got, tc.want)
			}
		})
	}
}
