// Command terraform-provider-apim serves the apim Terraform provider, which
// manages WSO2 API Manager port offsets in the configuration files of APIM
// instances on the local host or on hosts reached over SSH.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/portoffset/terraform-provider-apim/internal/provider"
)

// version is set by the release build (goreleaser's -X main.version).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	provider.QuietUnseenLogs()
	if err := provider.Serve(context.Background(), version, debug); err != nil {
		log.Fatal(err)
	}
}
