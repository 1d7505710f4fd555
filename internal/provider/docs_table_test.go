package provider

import (
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// TestPortsTableMatchesTheDomain: the ports table of the resource's
// documentation template lists exactly the ports of internal/apim, with
// their bases, so the docs cannot drift from what the provider computes.
func TestPortsTableMatchesTheDomain(t *testing.T) {
	doc, err := os.ReadFile("../../templates/resources/instance_ports.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ([0-9]+) \\|").FindAllSubmatch(doc, -1)
	documented := map[string]int64{}
	for _, r := range rows {
		base, _ := strconv.ParseInt(string(r[2]), 10, 64)
		documented[string(r[1])] = base
	}
	for _, p := range apim.Ports {
		base, ok := documented[p.Name]
		switch {
		case !ok:
			t.Errorf("the ports table does not list %s", p.Name)
		case base != p.Base:
			t.Errorf("the ports table gives %s base %d, the domain %d", p.Name, base, p.Base)
		}
		delete(documented, p.Name)
	}
	for name := range documented {
		t.Errorf("the ports table lists %s, which is not a port of the domain", name)
	}
}
