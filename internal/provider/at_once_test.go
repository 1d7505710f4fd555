package provider

import (
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// allAtOnce runs its steps at the same time (each here waits until all
// have started, which steps run one after another never do) and returns
// their diagnostics in the order of the steps, not of their ending.
func TestAllAtOnce(t *testing.T) {
	const n = 3
	var started sync.WaitGroup
	started.Add(n)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	step := func(i int) func() diag.Diagnostics {
		return func() diag.Diagnostics {
			started.Done()
			select {
			case <-all:
			case <-time.After(10 * time.Second):
				return diag.Diagnostics{diag.NewErrorDiagnostic("not at once", "")}
			}
			time.Sleep(time.Duration(n-i) * 10 * time.Millisecond) // the first ends last
			return diag.Diagnostics{diag.NewWarningDiagnostic(string(rune('a'+i)), "")}
		}
	}
	diags := allAtOnce(step(0), step(1), step(2))
	var got string
	for _, d := range diags {
		got += d.Summary()
	}
	if diags.HasError() || got != "abc" {
		t.Errorf("diagnostics %q (errors: %v), want the warnings a, b, c in the steps' order", got, diags.HasError())
	}
}
