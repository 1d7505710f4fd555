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
)

func main() {
	err := providerserver.Serve(context.Background(), newFloorProvider, providerserver.ServeOpts{
		Address: "registry.terraform.io/portoffset/apim",
	})
	if err != nil {
		log.Fatal(err)
	}
}
