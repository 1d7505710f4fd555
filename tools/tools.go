//go:build generate

// Package tools pins the generator tools of the provider in their own module,
// so that their dependencies stay out of the provider's go.mod.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format the Terraform examples used in the documentation.
//go:generate terraform fmt -recursive ../examples/

// Generate the documentation in ../docs from the provider schema, ../templates and ../examples.
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name apim
