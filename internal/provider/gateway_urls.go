package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
)

// The gateway URLs of deployment.toml (apim.GatewayURLs), as
// apim_instance_ports manages them: in the same edit of the file as the
// offset, their originals in private state under keyGatewayURLOriginals.

// gatewayURLsEdit is what the one edit of deployment.toml does to the
// gateway URLs after the offset. With manage, it records the originals of
// the URLs it sees for the first time and sets their ports to ports (the
// instance's shifted ports, apim.ShiftedOn); urls is then what the file
// holds after. Without, it puts restore back: the originals, when
// manage_gateway_urls has just been turned off; nil otherwise.
type gatewayURLsEdit struct {
	manage  bool
	ports   map[string]int64
	restore map[string]tomledit.Original
	urls    map[string]string
}

// after returns edit followed by the gateway URLs' edit, in one write.
func (g *gatewayURLsEdit) after(ctx context.Context, private privateState, edit func([]byte) ([]byte, error)) func([]byte) ([]byte, error) {
	return func(doc []byte) ([]byte, error) {
		out, err := edit(doc)
		if err != nil {
			return nil, err
		}
		if !g.manage {
			return apim.RestoreGatewayURLs(out, g.restore)
		}
		if err := recordOriginals(ctx, private, keyGatewayURLOriginals, doc, gatewayURLOriginalsOn(g.ports)); err != nil {
			return nil, err
		}
		if out, err = apim.SetGatewayURLs(out, g.ports); err != nil {
			return nil, err
		}
		g.urls, err = apim.GatewayURLs(out, g.ports)
		return out, err
	}
}

// gatewayURLOriginalsOn is apim.GatewayURLOriginals on an instance that
// opens ports, for recordOriginals.
func gatewayURLOriginalsOn(ports map[string]int64) func([]byte) (map[string]tomledit.Original, error) {
	return func(doc []byte) (map[string]tomledit.Original, error) { return apim.GatewayURLOriginals(doc, ports) }
}

// loadGatewayURLOriginals returns the gateway URLs' originals, nil when
// none is kept.
func loadGatewayURLOriginals(ctx context.Context, private privateState) (map[string]tomledit.Original, diag.Diagnostics) {
	var origs map[string]tomledit.Original
	_, diags := loadOriginal(ctx, private, keyGatewayURLOriginals, &origs)
	return origs, diags
}

// readGatewayURLs returns the gateway URLs found's deployment.toml holds,
// at the offset it sets, recording the originals of those seen for the
// first time (after an import, or an environment added by hand); nil when
// they are not managed.
func readGatewayURLs(ctx context.Context, private privateState, manage types.Bool, found homeRead, offset int64) (map[string]string, error) {
	if !manage.ValueBool() || found.home.Generation != apim.Deployment3 {
		return nil, nil
	}
	ports := apim.ShiftedOn(found.home, offset, found.bases)
	if err := recordOriginals(ctx, private, keyGatewayURLOriginals, found.configDoc, gatewayURLOriginalsOn(ports)); err != nil {
		return nil, err
	}
	return apim.GatewayURLs(found.configDoc, ports)
}

// gatewayURLsValue is the gateway_urls attribute: urls, possibly none, on
// a 3.x/4.x home that manages them; null otherwise.
func gatewayURLsValue(h apim.Home, manage types.Bool, urls map[string]string) types.Map {
	if !manage.ValueBool() || h.Generation != apim.Deployment3 {
		return types.MapNull(types.StringType)
	}
	elems := make(map[string]attr.Value, len(urls))
	for where, url := range urls {
		elems[where] = types.StringValue(url)
	}
	return types.MapValueMust(types.StringType, elems)
}

// planGatewayURLs is gateway_urls after apply, the instance opening ports:
// from the deployment.toml the plan read to detect the home (a new
// resource); else, when they were managed before, the URLs Read found with
// the new ports; else (manage_gateway_urls just turned on) from the file
// read now, as planWorkflowURL does. Unknown when the file cannot be read.
func (r *instancePortsResource) planGatewayURLs(ctx context.Context, plan instancePortsModel, state *instancePortsModel, placeKnown bool, found homeRead, ports map[string]int64) types.Map {
	unknown := types.MapUnknown(types.StringType)
	if plan.ManageGatewayURLs.IsUnknown() {
		return unknown
	}
	if !plan.ManageGatewayURLs.ValueBool() || found.home.Generation != apim.Deployment3 {
		return types.MapNull(types.StringType)
	}
	doc := found.configDoc
	if doc == nil && state != nil && state.ManageGatewayURLs.ValueBool() && !state.GatewayURLs.IsNull() {
		var urls map[string]string
		if diags := state.GatewayURLs.ElementsAs(ctx, &urls, false); !diags.HasError() {
			return gatewayURLsValue(found.home, plan.ManageGatewayURLs, apim.PlanGatewayURLs(urls, ports))
		}
	}
	if doc == nil {
		if !placeKnown || plan.APIMHome.IsUnknown() {
			return unknown
		}
		t, diags := r.hosts.target(plan.SSH)
		if diags.HasError() {
			return unknown
		}
		var err error
		if doc, err = t.ReadFile(ctx, filePath(plan.APIMHome.ValueString(), apim.DeploymentTOML)); err != nil {
			// Apply reports the error with its full diagnostic.
			return unknown
		}
	}
	urls, err := apim.GatewayURLs(doc, ports)
	if err != nil {
		return unknown
	}
	return gatewayURLsValue(found.home, plan.ManageGatewayURLs, apim.PlanGatewayURLs(urls, ports))
}
