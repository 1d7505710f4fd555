package provider

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// BenchmarkPlannedInstances measures the collision check of a plan of 400
// instances on one host, each checked against those planned before it
// under the one lock, and reports as retained-B the heap the record of
// them holds afterwards, which the provider keeps for the whole command.
func BenchmarkPlannedInstances(b *testing.B) {
	const n = 400
	offsets := apim.SideBySide(apim.CarbonHome, n)
	listeners := make([][]apim.Listener, n)
	homes := make([]string, n)
	for i, o := range offsets {
		listeners[i] = apim.Listeners(apim.CarbonHome, o, nil)
		homes[i] = fmt.Sprintf("/opt/apim-%d", i)
	}
	planAll := func() *plannedInstances {
		p := newPlannedInstances()
		for i, o := range offsets {
			if diags := p.planPorts("", homes[i], o, listeners[i]); diags.HasError() {
				b.Fatal(diags)
			}
		}
		return p
	}
	b.ReportAllocs()
	for b.Loop() {
		planAll()
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p := planAll()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(p)
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "retained-B")
}
