package provider

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// allAtOnce runs steps at the same time and returns their diagnostics in
// the order of steps. The edits of one resource's files run this way: over
// SSH each is a session of its own on the host's one connection, so an
// apply waits for the slowest edit's round trips, not for the sum of them.
func allAtOnce(steps ...func() diag.Diagnostics) diag.Diagnostics {
	results := make([]diag.Diagnostics, len(steps))
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() { results[i] = step() })
	}
	wg.Wait()
	var diags diag.Diagnostics
	for _, d := range results {
		diags.Append(d...)
	}
	return diags
}
