package provider

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// The provider's own attribute validators: each rejects, at plan time, a
// value no host could use, with a diagnostic saying what is allowed.

// offsetValidator rejects, at plan time, an offset that is negative or moves
// the instance's highest port past 65535.
type offsetValidator struct{}

func (offsetValidator) Description(context.Context) string {
	h := apim.Highest()
	return fmt.Sprintf("value must be from 0 to %d, so that every shifted port stays at or below %d", apim.MaxPort-h.Base, apim.MaxPort)
}

func (v offsetValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (offsetValidator) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	h := apim.Highest()
	if err := apim.CheckOffset(req.ConfigValue.ValueInt64(), h.Name, h.Base); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Port Offset", capitalize(err.Error())+".")
	}
}

// durationValidator accepts a Go duration such as 30s or 2m that is positive.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "value must be a positive duration such as 30s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			"Expected a positive duration such as 30s or 2m, got "+req.ConfigValue.String()+".")
	}
}

// absolutePathValidator requires an absolute path, so that a file's place
// never depends on the directory terraform runs in or the login directory,
// without control characters: no APIM installation or unit file path holds
// one, and a newline in a path could not be handed safely to the host's
// tools (the SSH scripts read one path per line). what names the path in
// the diagnostics' summaries ("APIM Home").
type absolutePathValidator struct{ what string }

func (absolutePathValidator) Description(context.Context) string {
	return "value must be an absolute path without control characters"
}

func (v absolutePathValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v absolutePathValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p := req.ConfigValue.ValueString()
	switch {
	case strings.ContainsFunc(p, unicode.IsControl):
		resp.Diagnostics.AddAttributeError(req.Path, "Control Character in "+v.what,
			fmt.Sprintf("%s %q holds a control character (a newline, tab or the like). No APIM installation or unit file path does, and such a name cannot be handed safely to the tools on the host: rename it, or correct the value.", req.Path, p))
	case !path.IsAbs(p):
		resp.Diagnostics.AddAttributeError(req.Path, "Relative "+v.what,
			fmt.Sprintf("%s must be an absolute path, got %q. Use abspath(\"%s\") for a path relative to the configuration.", req.Path, p, p))
	}
}
