// Command terraform-provider-apim in bench/floor is the benchmark's floor:
// a provider with exactly the schema of the real apim provider that does no
// I/O at all. Run against the same Terraform configuration as the real
// provider, it measures Terraform's own cost for that schema (process start,
// gRPC, validation, planning, state handling), so that the benchmark can
// subtract it and attribute only the rest to the provider's file edits and
// SSH connections.
//
// The schemas are not copied: the floor asks the real provider for them at
// run time, so the two cannot drift apart. Build it as
// terraform-provider-apim into a directory named by a dev_overrides entry
// for portoffset/apim, and Terraform uses it in place of the real provider.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/portoffset/terraform-provider-apim/internal/provider"
)

func main() {
	// Logged like the real provider, so that the floor's logging costs no
	// more than ours and the difference stays the provider's own work.
	provider.QuietUnseenLogs()
	err := providerserver.Serve(context.Background(), newFloorProvider, providerserver.ServeOpts{
		Address: "registry.terraform.io/portoffset/apim",
	})
	if err != nil {
		log.Fatal(err)
	}
}
