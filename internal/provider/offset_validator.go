package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

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

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
