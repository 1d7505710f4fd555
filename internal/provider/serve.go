package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

// Serve serves the provider to Terraform (a debugger's, with debug) until
// Terraform shuts it down, then closes its SSH connections (target.Pool's
// Close), so the sessions on the hosts end as sshd expects before the
// process exits.
func Serve(ctx context.Context, version string, debug bool) error {
	p := &apimProvider{version: version, hosts: newHosts()}
	err := providerserver.Serve(ctx, func() provider.Provider { return p }, providerserver.ServeOpts{
		Address: "registry.terraform.io/portoffset/apim",
		Debug:   debug,
	})
	_ = p.hosts.pool.Close() // returns nil
	return err
}
