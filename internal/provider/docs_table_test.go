package provider

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// TestPortsTableMatchesTheDomain: the ports table of the resource's
// documentation template lists exactly the ports of internal/apim, with
// their bases, their deployment.toml base keys and the homes that open
// them, so the docs cannot drift from what the provider computes.
func TestPortsTableMatchesTheDomain(t *testing.T) {
	doc, err := os.ReadFile("../../templates/resources/instance_ports.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		base          int64
		key, openedBy string
	}
	rows := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ([0-9]+) \\| (?:`([a-z_.]+)`|—) \\| ([^|]+) \\|").FindAllSubmatch(doc, -1)
	documented := map[string]row{}
	for _, r := range rows {
		base, _ := strconv.ParseInt(string(r[2]), 10, 64)
		documented[string(r[1])] = row{base, string(r[3]), string(r[4])}
	}
	for _, p := range apim.Ports {
		r, ok := documented[p.Name]
		switch {
		case !ok:
			t.Errorf("the ports table does not list %s", p.Name)
		case r.base != p.Base:
			t.Errorf("the ports table gives %s base %d, the domain %d", p.Name, r.base, p.Base)
		case r.key != p.BaseKey:
			t.Errorf("the ports table gives %s the key %q, the domain %q", p.Name, r.key, p.BaseKey)
		case r.openedBy != openedBy(t, p):
			t.Errorf("the ports table says %s is opened by %q, the domain %q", p.Name, r.openedBy, openedBy(t, p))
		}
		delete(documented, p.Name)
	}
	for name := range documented {
		t.Errorf("the ports table lists %s, which is not a port of the domain", name)
	}
}

// openedBy words which homes open p, as the docs' table does, from what
// apim says of a 2.x home, a 3.2 all-in-one and each 4.7 distribution.
func openedBy(t *testing.T, p apim.Port) string {
	t.Helper()
	carbon := p.Opens(apim.CarbonHome)
	old := p.Opens(apim.Home{Generation: apim.Deployment3, Version: apim.Version{Major: 3, Minor: 2}, Distribution: apim.AllInOne})
	var dists []apim.Distribution
	for _, d := range apim.Distributions {
		if p.Opens(apim.Home{Generation: apim.Deployment3, Version: apim.Version{Major: 4, Minor: 7}, Distribution: d}) {
			dists = append(dists, d)
		}
	}
	gatewayOnly := slices.Equal(dists, []apim.Distribution{apim.AllInOne, apim.Gateway})
	switch {
	case carbon && old && len(dists) == len(apim.Distributions):
		return "all"
	case carbon && !old && len(dists) == 0:
		return "2.x"
	case carbon && old && gatewayOnly:
		return "all-in-one, gateway"
	case !carbon && !old && gatewayOnly:
		return "4.0+: all-in-one, gateway"
	}
	t.Fatalf("no words for the homes that open %s", p.Name)
	return ""
}
