package apim

import (
	"strings"
	"testing"
)

// Which script starts an instance, by version and distribution.
func TestStartScripts(t *testing.T) {
	v := func(s string) Version { v, _ := ParseVersion(s); return v }
	all := []string{"bin/api-manager.sh", "bin/api-cp.sh", "bin/gateway.sh", "bin/traffic-manager.sh"}
	for _, tc := range []struct {
		home Home
		want []string
	}{
		{CarbonHome, []string{"bin/wso2server.sh"}},
		{Home{Generation: Carbon2, Version: v("2.6.0"), Distribution: AllInOne}, []string{"bin/wso2server.sh"}},
		{Home{Generation: Deployment3, Version: v("3.2.0"), Distribution: AllInOne}, []string{"bin/wso2server.sh"}},
		{Home{Generation: Deployment3, Version: v("4.0.0"), Distribution: AllInOne}, []string{"bin/api-manager.sh"}},
		{Home{Generation: Deployment3, Version: v("4.4.0"), Distribution: Gateway}, []string{"bin/api-manager.sh"}},
		{Home{Generation: Deployment3, Version: v("4.7.0"), Distribution: Gateway}, all},
		{Home{Generation: Deployment3, Distribution: AllInOne}, all},
	} {
		if got := StartScripts(tc.home); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("StartScripts(%+v) = %v, want %v", tc.home, got, tc.want)
		}
	}
}
