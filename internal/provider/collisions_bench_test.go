package provider

import (
	"fmt"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// BenchmarkPlannedInstances measures the collision check of a plan of 400
// instances on one host, each checked against those planned before it
// under the one lock.
func BenchmarkPlannedInstances(b *testing.B) {
	const n = 400
	offsets := apim.SideBySide(apim.CarbonHome, n)
	listeners := make([][]apim.Listener, n)
	for i, o := range offsets {
		listeners[i] = apim.Listeners(apim.CarbonHome, o, nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		p := newPlannedInstances()
		for i, o := range offsets {
			if diags := p.planPorts("", fmt.Sprintf("/opt/apim-%d", i), o, listeners[i]); diags.HasError() {
				b.Fatal(diags)
			}
		}
	}
}
