package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// The 2.x URLs apim_instance_ports keeps in step besides the workflow
// callback, each in a file of its own: the JMS brokerlists of
// jndi.properties (jms_broker.go) and <GatewayWSEndpoint> of
// api-manager.xml (gateway_ws_endpoint.go). What the resource's plan,
// apply, Read and Delete do with them together.

// nullCarbonURLsOff sets to null, in plan, the values whose switch is
// off: known at plan time whatever the home.
func nullCarbonURLsOff(plan *instancePortsModel) {
	if plan.ManageJMSBrokerURLs.Equal(types.BoolValue(false)) {
		plan.JMSBrokerURLs = types.MapNull(types.StringType)
	}
	if plan.ManageWSEndpoint.Equal(types.BoolValue(false)) {
		plan.GatewayWSEndpoint = types.StringNull()
	}
}

// planCarbonURLs sets plan's jms_broker_urls and gateway_ws_endpoint as
// apply will leave them, the instance opening ports.
func (r *instancePortsResource) planCarbonURLs(ctx context.Context, plan *instancePortsModel, state *instancePortsModel, placeKnown bool, found homeRead, ports map[string]int64) diag.Diagnostics {
	var diags, d diag.Diagnostics
	plan.JMSBrokerURLs, diags = r.planJMSBrokerURLs(ctx, *plan, state, placeKnown, found, apim.BrokerPortsOf(ports))
	plan.GatewayWSEndpoint, d = r.planGatewayWSEndpoint(ctx, *plan, state, placeKnown, found, ports["websocket"])
	return append(diags, d...)
}

// applyCarbonURLs writes them on a 2.x home h, the instance opening ports,
// and sets plan's values to what the files hold after. A value the plan
// knows to be null (the file is missing, or holds no URL on the instance
// to keep in step, as 2.1.0's api-manager.xml) leaves its file alone, not
// even opened for an edit: apply may end only as planned, and an edit
// session that changes nothing still costs the host eleven programs.
func applyCarbonURLs(ctx context.Context, t target.Target, home string, h apim.Home, plan, state *instancePortsModel, private privateState, ports map[string]int64) diag.Diagnostics {
	nothingJMS, nothingWS := plan.JMSBrokerURLs.IsNull(), plan.GatewayWSEndpoint.IsNull()
	plan.JMSBrokerURLs, plan.GatewayWSEndpoint = types.MapNull(types.StringType), types.StringNull()
	if h.Generation != apim.Carbon2 {
		return nil
	}
	return allAtOnce(
		func() (diags diag.Diagnostics) {
			if nothingJMS && plan.ManageJMSBrokerURLs.ValueBool() {
				return nil
			}
			plan.JMSBrokerURLs, diags = applyJMSBrokerURLs(ctx, t, home, plan, state, private, apim.BrokerPortsOf(ports))
			return diags
		},
		func() (diags diag.Diagnostics) {
			if nothingWS && plan.ManageWSEndpoint.ValueBool() {
				return nil
			}
			plan.GatewayWSEndpoint, diags = applyGatewayWSEndpoint(ctx, t, home, plan, state, private, ports["websocket"])
			return diags
		},
	)
}

// readCarbonURLs sets state's values as the home's files hold them.
func readCarbonURLs(ctx context.Context, t target.Target, home string, private privateState, state *instancePortsModel, found homeRead) diag.Diagnostics {
	var diags, d diag.Diagnostics
	state.JMSBrokerURLs, diags = readJMSBrokerURLs(ctx, t, home, private, state.ManageJMSBrokerURLs, found)
	state.GatewayWSEndpoint, d = readGatewayWSEndpoint(ctx, t, home, private, state.ManageWSEndpoint, found)
	return append(diags, d...)
}

// restoreCarbonURLs puts them back as first found, on destroy.
func restoreCarbonURLs(ctx context.Context, t target.Target, home string, private privateState, state instancePortsModel) diag.Diagnostics {
	return allAtOnce(
		func() diag.Diagnostics {
			if !state.ManageJMSBrokerURLs.ValueBool() {
				return nil
			}
			return restoreJMSBrokerURLs(ctx, t, filePath(home, apim.JNDIProperties), private)
		},
		func() diag.Diagnostics {
			if !state.ManageWSEndpoint.ValueBool() {
				return nil
			}
			return restoreGatewayWSEndpoint(ctx, t, filePath(home, apim.APIManagerXML), private)
		},
	)
}

// planRead is a file of the home (rel) as the plan sees it: as planHome
// read it with the home (a new resource), else read now; t is its host.
// known is false when it cannot be read now (the host is not known yet).
func (r *instancePortsResource) planRead(ctx context.Context, plan instancePortsModel, placeKnown bool, found homeRead, withHome fileRead, rel string) (f fileRead, t target.Target, known bool) {
	if !found.read && (!placeKnown || plan.APIMHome.IsUnknown()) {
		return fileRead{}, nil, false
	}
	t, diags := r.hosts.target(plan.SSH)
	if diags.HasError() {
		return fileRead{}, nil, false
	}
	if found.read {
		return withHome, t, true
	}
	doc, err := t.ReadFile(ctx, filePath(plan.APIMHome.ValueString(), rel))
	return fileRead{doc, err}, t, true
}

// urlFileError is fileError for a file whose URL a manage_ switch keeps in
// step, saying how to leave the file alone.
func urlFileError(summary string, t target.Target, file string, err error, manage string) diag.Diagnostic {
	d := fileError(summary, t, file, err)
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+" To leave the file alone, set "+manage+" = false.")
}
