package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// The <GatewayWSEndpoint> of api-manager.xml (apim.GatewayWSEndpoint), as
// apim_instance_ports keeps it in step on 2.x: its port follows
// ports.websocket, its original in private state under the setting's name.

func manageGatewayWSEndpointAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		Optional: true,
		Computed: true,
		Default:  booldefault.StaticBool(true),
		MarkdownDescription: "Whether to keep the port of `<GatewayWSEndpoint>` in `" + apim.APIManagerXML + "` (under `<APIGateway><Environments><Environment>`) equal to `ports.websocket` (default: `true`; `true` or `false`). " +
			"APIM 2.6.0 ships `ws://${carbon.local.ip}:9099`, a literal port the offset does not move, which the Store shows for WebSocket APIs (wso2/product-apim#3422); 2.1.0 and 2.2.0 have no such element. " +
			"Only the port's digits of a URL whose host is `localhost`, `127.0.0.1` or `${carbon.local.ip}` change; another host, a placeholder port, a missing element and several gateway environments with one each are left alone. A URL on the instance whose port is missing or not a number is an error naming the file, and the file is left unchanged. " +
			"On APIM 3.x and 4.x the runtime renders api-manager.xml from a template at start, the WebSocket URL coming from `ws_endpoint` in deployment.toml (see `manage_gateway_urls`), so the file is left alone there. Turning it to `false` puts the URL back as it was first found.",
	}
}

func gatewayWSEndpointAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true,
		MarkdownDescription: "The WebSocket URL `manage_gateway_ws_endpoint` keeps in step, as api-manager.xml holds it, such as `ws://${carbon.local.ip}:9109` at offset 10. Known at plan time whenever the home can be read then; " +
			"null when `manage_gateway_ws_endpoint` is `false`, the home is APIM 3.x or 4.x, or api-manager.xml has no such URL on the instance (APIM 2.1.0 has none).",
	}
}

// planGatewayWSEndpoint is gateway_ws_endpoint after apply, ws being the
// instance's WebSocket port, found as planJMSBrokerURLs finds its URLs.
func (r *instancePortsResource) planGatewayWSEndpoint(ctx context.Context, plan instancePortsModel, state *instancePortsModel, placeKnown bool, found homeRead, ws int64) (types.String, diag.Diagnostics) {
	switch {
	case plan.ManageWSEndpoint.IsUnknown():
		return types.StringUnknown(), nil
	case !plan.ManageWSEndpoint.ValueBool() || found.home.Generation != apim.Carbon2:
		return types.StringNull(), nil
	case state != nil && state.ManageWSEndpoint.ValueBool():
		if state.GatewayWSEndpoint.IsNull() || state.GatewayWSEndpoint.IsUnknown() {
			return types.StringNull(), nil
		}
		return types.StringValue(apim.PlanGatewayWSEndpoint(state.GatewayWSEndpoint.ValueString(), ws)), nil
	}
	f, t, known := r.planRead(ctx, plan, placeKnown, found, found.apiManager, apim.APIManagerXML)
	switch {
	case !known:
		return types.StringUnknown(), nil
	case isNotExist(f.err):
		return types.StringNull(), nil
	case f.err != nil:
		// Apply reports the error with its full diagnostic.
		return types.StringUnknown(), nil
	}
	url, managed, err := apim.ReadGatewayWSEndpoint(f.doc)
	switch {
	case err != nil:
		return types.StringUnknown(), diag.Diagnostics{urlFileError("Cannot Set the Gateway WebSocket Port", t, filePath(plan.APIMHome.ValueString(), apim.APIManagerXML), err, "manage_gateway_ws_endpoint")}
	case !managed:
		return types.StringNull(), nil
	}
	return types.StringValue(apim.PlanGatewayWSEndpoint(url, ws)), nil
}

// applyGatewayWSEndpoint sets the port of <GatewayWSEndpoint> to ws, the
// instance's WebSocket port, recording its original first, and returns
// gateway_ws_endpoint; when manage_gateway_ws_endpoint has just been turned
// off, it puts the URL back as first found.
func applyGatewayWSEndpoint(ctx context.Context, t target.Target, home string, plan, state *instancePortsModel, private privateState, ws int64) (types.String, diag.Diagnostics) {
	file := filePath(home, apim.APIManagerXML)
	if !plan.ManageWSEndpoint.ValueBool() {
		if state != nil && state.ManageWSEndpoint.ValueBool() {
			return types.StringNull(), restoreGatewayWSEndpoint(ctx, t, file, private)
		}
		return types.StringNull(), nil
	}
	url := types.StringNull()
	err := editFile(ctx, t, file, func(doc []byte) ([]byte, error) {
		if err := recordSetting(ctx, private, apim.GatewayWSEndpoint, doc); err != nil {
			return nil, err
		}
		out, u, managed, err := apim.SetGatewayWSEndpoint(doc, ws)
		if managed {
			url = types.StringValue(u)
		}
		return out, err
	})
	switch {
	case isNotExist(err):
		return types.StringNull(), nil
	case err != nil:
		return types.StringNull(), diag.Diagnostics{urlFileError("Cannot Set the Gateway WebSocket Port", t, file, err, "manage_gateway_ws_endpoint")}
	}
	return url, nil
}

// readGatewayWSEndpoint is gateway_ws_endpoint as the home's
// api-manager.xml holds it, recording its original when none is kept yet.
func readGatewayWSEndpoint(ctx context.Context, t target.Target, home string, private privateState, manage types.Bool, found homeRead) (types.String, diag.Diagnostics) {
	if !manage.ValueBool() || found.home.Generation != apim.Carbon2 {
		return types.StringNull(), nil
	}
	err := found.apiManager.err
	if err == nil {
		err = recordSetting(ctx, private, apim.GatewayWSEndpoint, found.apiManager.doc)
	}
	var url string
	managed := false
	if err == nil {
		url, managed, err = apim.ReadGatewayWSEndpoint(found.apiManager.doc)
	}
	switch {
	case isNotExist(err):
		return types.StringNull(), nil
	case err != nil:
		return types.StringNull(), diag.Diagnostics{urlFileError("Cannot Read the Gateway WebSocket URL", t, filePath(home, apim.APIManagerXML), err, "manage_gateway_ws_endpoint")}
	case !managed:
		return types.StringNull(), nil
	}
	return types.StringValue(url), nil
}

// restoreGatewayWSEndpoint puts <GatewayWSEndpoint> back as first found.
func restoreGatewayWSEndpoint(ctx context.Context, t target.Target, file string, private privateState) diag.Diagnostics {
	return restoreSetting(ctx, t, private, file, apim.GatewayWSEndpoint, "Cannot Restore the Gateway WebSocket URL", isNotExist)
}
