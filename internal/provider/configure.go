package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// configuredHosts is the provider's hand-off to a resource's Configure: nil
// until the provider is configured (Terraform configures resources first
// during validation).
func configuredHosts(providerData any, diags *diag.Diagnostics) *hosts {
	if providerData == nil {
		return nil
	}
	h, ok := providerData.(*hosts)
	if !ok {
		diags.AddError("Unexpected Resource Configure Type",
			fmt.Sprintf("Expected *hosts, got %T. This is always a bug in the provider; please report it to the provider developers.", providerData))
		return nil
	}
	return h
}
