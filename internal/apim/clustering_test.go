package apim

import (
	"bytes"
	"os"
	"testing"
)

func TestHazelcastMember(t *testing.T) {
	axis2, err := os.ReadFile("../../testdata/wso2/apim-2.1.0/" + Axis2XML)
	if err != nil {
		t.Fatal(err)
	}
	enabled := bytes.Replace(axis2, []byte("\n                enable=\"false\">"), []byte("\n                enable=\"true\">"), 1)
	if bytes.Equal(enabled, axis2) {
		t.Fatal("the fixture's <clustering enable=\"false\"> was not found")
	}
	moved := bytes.Replace(enabled, []byte(`<parameter name="localMemberPort">4000<`), []byte(`<parameter name="localMemberPort"> 4001 <`), 1)
	badPort := bytes.Replace(enabled, []byte(`<parameter name="localMemberPort">4000<`), []byte(`<parameter name="localMemberPort">four<`), 1)
	v, _ := ParseVersion("4.2.0")
	toml := Home{Generation: Deployment3, Version: v, Distribution: AllInOne}
	for _, tc := range []struct {
		name      string
		h         Home
		doc, axis []byte
		port      int64
		on, fails bool
	}{
		{"2.x shipped: off", CarbonHome, nil, axis2, 0, false, false},
		{"2.x no axis2.xml: off", CarbonHome, nil, nil, 0, false, false},
		{"2.x enabled", CarbonHome, nil, enabled, 4000, true, false},
		{"2.x enabled, localMemberPort set", CarbonHome, nil, moved, 4001, true, false},
		{"2.x enabled, localMemberPort not a number", CarbonHome, nil, badPort, 0, false, true},
		{"3.x no [clustering]: off", toml, []byte("[server]\noffset = 1\n"), axis2, 0, false, false},
		{"3.x membership_scheme", toml, []byte("[clustering]\nmembership_scheme = \"wka\"\n"), nil, 4000, true, false},
		{"3.x local_member_port", toml, []byte("[clustering]\nmembership_scheme = \"wka\"\nlocal_member_port = 4100\n"), nil, 4100, true, false},
		{"3.x local_member_port only: off", toml, []byte("[clustering]\nlocal_member_port = 4100\n"), nil, 0, false, false},
		{"3.x local_member_port a string", toml, []byte("[clustering]\nmembership_scheme = \"wka\"\nlocal_member_port = \"x\"\n"), nil, 0, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, on, err := HazelcastMember(tc.h, tc.doc, tc.axis)
			if (err != nil) != tc.fails || port != tc.port || on != tc.on {
				t.Errorf("HazelcastMember = %d, %v, %v; want %d, %v, error %v", port, on, err, tc.port, tc.on, tc.fails)
			}
		})
	}
}
