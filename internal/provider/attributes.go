package provider

import (
	"context"
	"fmt"
	"path"
	"strings"
	"unicode"

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
		Validators:          []validator.String{absolutePathValidator{}},
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

// absolutePathValidator requires an absolute path, so that a file's place
// never depends on the directory terraform runs in or the login directory,
// without control characters: no APIM installation path holds one, and a
// newline in a path could not be handed safely to the host's tools (the SSH
// scripts read one path per line).
type absolutePathValidator struct{}

func (absolutePathValidator) Description(context.Context) string {
	return "value must be an absolute path without control characters"
}

func (v absolutePathValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (absolutePathValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p := req.ConfigValue.ValueString()
	switch {
	case strings.ContainsFunc(p, unicode.IsControl):
		resp.Diagnostics.AddAttributeError(req.Path, "Control Character in APIM Home",
			fmt.Sprintf("apim_home %q holds a control character (a newline, tab or the like). No APIM installation path does, and such a name cannot be handed safely to the tools on the host: rename the directory, or correct the value.", p))
	case !path.IsAbs(p):
		resp.Diagnostics.AddAttributeError(req.Path, "Relative APIM Home",
			fmt.Sprintf("apim_home must be an absolute path, got %q. Use abspath(\"%s\") for a path relative to the configuration.", p, p))
	}
}
