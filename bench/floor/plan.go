package main

import (
	"context"
	"net"
	"os"
	pathpkg "path"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/bench/internal/benchhome"
	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// The floor's plan: the values the real provider's ModifyPlan plans for
// the benchmark's homes, computed with the same pure functions of
// internal/apim and no I/O. What the real provider learns by reading a new
// resource's home the floor is told by the bench (benchhome.Facts, in
// benchhome.EnvVar); without them it plans as the real provider plans a
// home it cannot read, every value that depends on the home unknown. So a
// plan shows Terraform the same values for both, and provider ÷ floor is
// the cost of the files and SSH alone.
//
// Only what the benchmark's configurations reach is mirrored: a new
// resource, and the same resource planned again (its values as the state
// has them). The real provider's checks that cannot fail there (a port
// above 65535, two resources claiming one file, a moved host) are left out.

// floorConfig is what the floor's resources share: the provider's ssh
// settings (for the id) and the homes' facts, nil when not told.
type floorConfig struct {
	ssh   types.Object
	facts *benchhome.Facts
}

// configure reads the provider's ssh object and the facts.
func configure(ctx context.Context, config tfsdk.Config) (*floorConfig, diag.Diagnostics) {
	c := &floorConfig{}
	diags := config.GetAttribute(ctx, path.Root("ssh"), &c.ssh)
	if s, ok := os.LookupEnv(benchhome.EnvVar); ok {
		f, err := benchhome.Decode(s)
		if err != nil {
			diags.AddError("Floor Provider", err.Error())
			return c, diags
		}
		c.facts = &f
	}
	return c, diags
}

// place is the real provider's hosts.place: "ssh://host:port" of the
// resource's ssh object laid over the provider's (port 22 by default), ""
// for local files; known is false while the host or port is unknown.
func (c *floorConfig) place(resourceSSH types.Object) (place string, known bool) {
	merged := map[string]attr.Value{}
	for _, obj := range []types.Object{c.ssh, resourceSSH} {
		if obj.IsNull() || obj.IsUnknown() {
			continue
		}
		for _, name := range []string{"host", "port"} {
			if v, ok := obj.Attributes()[name]; ok && !v.IsNull() {
				merged[name] = v
			}
		}
	}
	for _, v := range merged {
		if v.IsUnknown() {
			return "", false
		}
	}
	host, _ := merged["host"].(types.String)
	if host.ValueString() == "" {
		return "", true
	}
	port := int64(22)
	if p, ok := merged["port"].(types.Int64); ok {
		port = p.ValueInt64()
	}
	return "ssh://" + net.JoinHostPort(host.ValueString(), strconv.FormatInt(port, 10)), true
}

// secureSuffix ends the id of a secure WebSocket endpoint, as in the real
// provider.
const secureSuffix = "#secure"

// portsModel and webSocketModel are the attributes the floor plans.
type portsModel struct {
	ID                     types.String `tfsdk:"id"`
	APIMHome               types.String `tfsdk:"apim_home"`
	Offset                 types.Int64  `tfsdk:"offset"`
	ManageWorkflowCallback types.Bool   `tfsdk:"manage_workflow_callback"`
	ManageGatewayURLs      types.Bool   `tfsdk:"manage_gateway_urls"`
	OnDestroy              types.String `tfsdk:"on_destroy"`
	SSH                    types.Object `tfsdk:"ssh"`
	ConfigFile             types.String `tfsdk:"config_file"`
	APIMVersion            types.String `tfsdk:"apim_version"`
	Distribution           types.String `tfsdk:"distribution"`
	WorkflowCallbackURL    types.String `tfsdk:"workflow_callback_url"`
	GatewayURLs            types.Map    `tfsdk:"gateway_urls"`
	Ports                  types.Object `tfsdk:"ports"`
	HazelcastMemberPort    types.Int64  `tfsdk:"hazelcast_member_port"`
	ManageJMSBrokerURLs    types.Bool   `tfsdk:"manage_jms_broker_urls"`
	JMSBrokerURLs          types.Map    `tfsdk:"jms_broker_urls"`
	ManageWSEndpoint       types.Bool   `tfsdk:"manage_gateway_ws_endpoint"`
	GatewayWSEndpoint      types.String `tfsdk:"gateway_ws_endpoint"`
}

type webSocketModel struct {
	ID         types.String `tfsdk:"id"`
	APIMHome   types.String `tfsdk:"apim_home"`
	Offset     types.Int64  `tfsdk:"offset"`
	Secure     types.Bool   `tfsdk:"secure"`
	BasePort   types.Int64  `tfsdk:"base_port"`
	OnDestroy  types.String `tfsdk:"on_destroy"`
	SSH        types.Object `tfsdk:"ssh"`
	Port       types.Int64  `tfsdk:"port"`
	ConfigFile types.String `tfsdk:"config_file"`
}

func (r *floorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.config == nil {
		return
	}
	switch r.typeName {
	case "apim_instance_ports":
		r.planPorts(ctx, req, resp)
	case "apim_websocket_inbound":
		r.planWebSocket(ctx, req, resp)
	}
}

// planPorts is instancePortsResource.ModifyPlan with the home's files
// replaced by the facts.
func (r *floorResource) planPorts(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan portsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *portsModel
	if !req.State.Raw.IsNull() {
		state = &portsModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	place, placeKnown := r.config.place(plan.SSH)
	if !plan.APIMHome.IsUnknown() && placeKnown {
		plan.ID = types.StringValue(place + plan.APIMHome.ValueString())
	}
	facts := r.config.facts
	homeKnown := facts != nil && placeKnown && !plan.APIMHome.IsUnknown()
	var home apim.Home
	if homeKnown {
		home = facts.Home()
		plan.ConfigFile = types.StringValue(pathpkg.Join(plan.APIMHome.ValueString(), home.Generation.ConfigFile()))
		plan.APIMVersion = types.StringNull()
		if home.Version.Known() {
			plan.APIMVersion = types.StringValue(home.Version.String())
		}
		plan.Distribution = types.StringValue(string(home.Distribution))
		plan.HazelcastMemberPort = types.Int64Null()
		if facts.HazelcastMember != 0 {
			plan.HazelcastMemberPort = types.Int64Value(facts.HazelcastMember)
		}
	}
	if plan.ManageGatewayURLs.Equal(types.BoolValue(false)) {
		plan.GatewayURLs = types.MapNull(types.StringType)
	}
	if plan.ManageJMSBrokerURLs.Equal(types.BoolValue(false)) {
		plan.JMSBrokerURLs = types.MapNull(types.StringType)
	}
	if plan.ManageWSEndpoint.Equal(types.BoolValue(false)) {
		plan.GatewayWSEndpoint = types.StringNull()
	}
	if plan.Offset.IsUnknown() || !homeKnown {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	offset := plan.Offset.ValueInt64()
	shifted := apim.ShiftedOn(home, offset, facts.Bases)
	values := map[string]attr.Value{}
	types_ := map[string]attr.Type{}
	for _, p := range apim.Ports {
		types_[p.Name] = types.Int64Type
		values[p.Name] = types.Int64Null()
		if port, ok := shifted[p.Name]; ok {
			values[p.Name] = types.Int64Value(port)
		}
	}
	plan.Ports = types.ObjectValueMust(types_, values)

	// The same resource planned again: the real provider takes the URLs
	// from the state rather than the files.
	fromState := state != nil && !state.ConfigFile.IsNull() && state.APIMHome.Equal(plan.APIMHome)

	plan.WorkflowCallbackURL = types.StringNull()
	if plan.ManageWorkflowCallback.ValueBool() {
		if state != nil && state.ManageWorkflowCallback.ValueBool() {
			if !state.WorkflowCallbackURL.IsNull() {
				url, _ := apim.LocalURL(state.WorkflowCallbackURL.ValueString(), shifted["servlet_https"])
				plan.WorkflowCallbackURL = types.StringValue(url)
			}
		} else if url, managed := apim.LocalURL(facts.WorkflowCallbackURL, shifted["servlet_https"]); facts.WorkflowCallbackURL != "" && managed {
			plan.WorkflowCallbackURL = types.StringValue(url)
		}
	}

	switch {
	case plan.ManageGatewayURLs.IsUnknown():
		plan.GatewayURLs = types.MapUnknown(types.StringType)
	case !plan.ManageGatewayURLs.ValueBool() || home.Generation != apim.Deployment3:
		plan.GatewayURLs = types.MapNull(types.StringType)
	default:
		urls := facts.GatewayURLs
		if fromState && state.ManageGatewayURLs.ValueBool() && !state.GatewayURLs.IsNull() {
			urls = nil
			resp.Diagnostics.Append(state.GatewayURLs.ElementsAs(ctx, &urls, false)...)
		}
		elems := map[string]attr.Value{}
		for where, url := range apim.PlanGatewayURLs(urls, shifted) {
			elems[where] = types.StringValue(url)
		}
		plan.GatewayURLs = types.MapValueMust(types.StringType, elems)
	}
	plan.JMSBrokerURLs = planJMSBrokerURLs(ctx, plan, state, home, facts, shifted, &resp.Diagnostics)
	plan.GatewayWSEndpoint = planGatewayWSEndpoint(plan, state, home, facts, shifted["websocket"])
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planJMSBrokerURLs is the real provider's planJMSBrokerURLs with
// jndi.properties replaced by the facts.
func planJMSBrokerURLs(ctx context.Context, plan portsModel, state *portsModel, home apim.Home, facts *benchhome.Facts, shifted map[string]int64, diags *diag.Diagnostics) types.Map {
	urls := facts.JMSBrokerURLs
	switch {
	case plan.ManageJMSBrokerURLs.IsUnknown():
		return types.MapUnknown(types.StringType)
	case !plan.ManageJMSBrokerURLs.ValueBool() || home.Generation != apim.Carbon2:
		return types.MapNull(types.StringType)
	case state != nil && state.ManageJMSBrokerURLs.ValueBool():
		urls = nil
		if !state.JMSBrokerURLs.IsNull() {
			diags.Append(state.JMSBrokerURLs.ElementsAs(ctx, &urls, false)...)
		}
	}
	if urls == nil {
		return types.MapNull(types.StringType)
	}
	elems := map[string]attr.Value{}
	for factory, url := range apim.PlanJMSBrokerURLs(urls, apim.BrokerPortsOf(shifted)) {
		elems[factory] = types.StringValue(url)
	}
	return types.MapValueMust(types.StringType, elems)
}

// planGatewayWSEndpoint is the real provider's planGatewayWSEndpoint with
// api-manager.xml replaced by the facts.
func planGatewayWSEndpoint(plan portsModel, state *portsModel, home apim.Home, facts *benchhome.Facts, ws int64) types.String {
	url := facts.GatewayWSEndpoint
	switch {
	case plan.ManageWSEndpoint.IsUnknown():
		return types.StringUnknown()
	case !plan.ManageWSEndpoint.ValueBool() || home.Generation != apim.Carbon2:
		return types.StringNull()
	case state != nil && state.ManageWSEndpoint.ValueBool():
		url = state.GatewayWSEndpoint.ValueString()
	}
	if url == "" {
		return types.StringNull()
	}
	return types.StringValue(apim.PlanGatewayWSEndpoint(url, ws))
}

// planWebSocket is webSocketInboundResource.ModifyPlan with the home's
// files replaced by the facts.
func (r *floorResource) planWebSocket(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan webSocketModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Secure.IsUnknown() {
		return
	}
	var state *webSocketModel
	if !req.State.Raw.IsNull() {
		state = &webSocketModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	endpoint := apim.WebSocket
	if plan.Secure.ValueBool() {
		endpoint = apim.SecureWebSocket
	}
	if plan.BasePort.IsUnknown() {
		var cfg types.Int64
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("base_port"), &cfg)...)
		if cfg.IsNull() {
			plan.BasePort = types.Int64Value(endpoint.BasePort)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	place, placeKnown := r.config.place(plan.SSH)
	if !plan.APIMHome.IsUnknown() && placeKnown {
		id := place + plan.APIMHome.ValueString()
		if plan.Secure.ValueBool() {
			id += secureSuffix
		}
		plan.ID = types.StringValue(id)
	}
	switch {
	case state != nil && !state.ConfigFile.IsNull() && state.APIMHome.Equal(plan.APIMHome) && state.Secure.Equal(plan.Secure):
		plan.ConfigFile = state.ConfigFile
	case r.config.facts != nil && placeKnown && !plan.APIMHome.IsUnknown() && r.config.facts.EndpointFiles[endpoint.File] != "":
		plan.ConfigFile = types.StringValue(pathpkg.Join(plan.APIMHome.ValueString(), r.config.facts.EndpointFiles[endpoint.File]))
	default:
		plan.ConfigFile = types.StringUnknown()
	}
	if !plan.Offset.IsUnknown() && !plan.BasePort.IsUnknown() {
		plan.Port = types.Int64Value(plan.BasePort.ValueInt64() + plan.Offset.ValueInt64())
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}
