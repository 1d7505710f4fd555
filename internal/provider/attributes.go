package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// What a resource does with the managed values when it is destroyed.
const (
	onDestroyRestore = "restore"
	onDestroyKeep    = "keep"
)

var onDestroyValues = []string{onDestroyRestore, onDestroyKeep}

func apimHomeAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "Absolute path of the APIM installation directory (the APIM home, holding `repository/conf/carbon.xml`) on the target host. Changing it replaces the resource: it is another instance. Use `abspath()` for a path relative to the configuration.",
		Validators:          []validator.String{absolutePathValidator{what: "APIM Home"}},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func onDestroyAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		Default:  stringdefault.StaticString(onDestroyRestore),
		MarkdownDescription: fmt.Sprintf("What `terraform destroy` does to the managed values, one of %s (default: `%s`): `restore` puts each one back byte for byte as it was before the first apply (an element the provider added is removed again), `keep` leaves the files as they are.",
			"`"+strings.Join(onDestroyValues, "`, `")+"`", onDestroyRestore),
		Validators: []validator.String{stringvalidator.OneOf(onDestroyValues...)},
	}
}

func idAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: what,
	}
}
