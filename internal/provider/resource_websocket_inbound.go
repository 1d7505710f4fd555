package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

var (
	_ resource.ResourceWithConfigure      = (*webSocketInboundResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*webSocketInboundResource)(nil)
	_ resource.ResourceWithValidateConfig = (*webSocketInboundResource)(nil)
	_ resource.ResourceWithImportState    = (*webSocketInboundResource)(nil)
)

// webSocketInboundResource manages the port of one WebSocket inbound
// endpoint of an APIM gateway, without the double shift.
type webSocketInboundResource struct {
	hosts *hosts
}

// NewWebSocketInboundResource is the apim_websocket_inbound constructor.
func NewWebSocketInboundResource() resource.Resource {
	return &webSocketInboundResource{}
}

type webSocketInboundModel struct {
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

func (r *webSocketInboundResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = webSocketInboundType
}

func (r *webSocketInboundResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The port of one WebSocket inbound endpoint of a WSO2 API Manager gateway, set so that the endpoint listens on `base_port` + `offset` and is never shifted twice. " +
			"Where the endpoint's XML file is read as it is (APIM 2.x; the `ws` endpoint up to 4.0 and the `wss` endpoint of 3.0), the file is made to state the real port: `inbound.ws.port` is set to `port` and `ws.use.port.offset` to `false`, so the runtime does not add the instance's offset again. " +
			"Where the config mapper renders the file from a template at every start (the `ws` endpoint from 4.1, `wss` from 3.1: the home has `" + apim.WebSocket.Template() + "` or its secure twin), the XML file is left alone and `[apim.ws] port` or `[apim.wss] port` in deployment.toml is set instead, to `port` less the `[server] offset` the runtime adds (so, with the instance's offset, to `base_port`; an absent key that already gives `port` stays absent).",
		Attributes: map[string]schema.Attribute{
			"id":        idAttribute("The APIM home for local files, `ssh://host:port/apim/home` for a remote host, followed by `" + secureSuffix + "` for the secure endpoint."),
			"apim_home": apimHomeAttribute(),
			"offset": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: fmt.Sprintf("The instance's port offset: the endpoint listens on `base_port` + `offset`. Not negative, and `base_port` + `offset` at most %d. On a templated endpoint the runtime adds `[server] offset` itself, so give it the offset `apim_instance_ports` sets, by reference (`apim_instance_ports.<name>.offset`) so that the offset is applied first; apply warns when they differ.", apim.MaxPort),
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"secure": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: fmt.Sprintf("Which endpoint (default: `false`): `false` is the `ws` endpoint in `%s`, base port %d; `true` is the `wss` endpoint in `%s`, base port %d, shipped from APIM 2.1.0-update11 and 2.2.0 on. Changing it replaces the resource.",
					apim.WebSocket.File, apim.WebSocket.BasePort, apim.SecureWebSocket.File, apim.SecureWebSocket.BasePort),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"base_port": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: fmt.Sprintf("The endpoint's port at offset 0 (default: %d, or %d when `secure` is `true`).",
					apim.WebSocket.BasePort, apim.SecureWebSocket.BasePort),
				Validators: []validator.Int64{int64validator.Between(1, apim.MaxPort)},
			},
			"on_destroy": onDestroyAttribute(),
			"ssh":        sshResourceAttribute(),
			"port": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The port the endpoint really listens on: `base_port` + `offset`, known at plan time. Read reports it by the runtime's rule for the home: `inbound.ws.port`, plus the instance's offset while `ws.use.port.offset` is `true`, for a static file; `[apim.ws] port` / `[apim.wss] port` (default 9099 / 8099) plus `[server] offset` for a templated one. So a hand edit of any of them shows as drift.",
			},
			"config_file": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Absolute path of the file that holds the port: the endpoint's XML file where it is static, `repository/conf/deployment.toml` where it is rendered from a template. Unknown at plan time when the home cannot be read then.",
			},
		},
	}
}

func (r *webSocketInboundResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.hosts = configuredHosts(req.ProviderData, &resp.Diagnostics)
}

// endpoint is the endpoint a model names.
func (m webSocketInboundModel) endpoint() apim.Endpoint {
	if m.Secure.ValueBool() {
		return apim.SecureWebSocket
	}
	return apim.WebSocket
}

// basePort is base_port, or the endpoint's shipped port when unset.
func (m webSocketInboundModel) basePort() int64 {
	if m.BasePort.IsNull() || m.BasePort.IsUnknown() {
		return m.endpoint().BasePort
	}
	return m.BasePort.ValueInt64()
}

func (m webSocketInboundModel) id(place string) string {
	id := instanceID(place, m.APIMHome.ValueString())
	if m.Secure.ValueBool() {
		id += secureSuffix
	}
	return id
}

func (r *webSocketInboundResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg webSocketInboundModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.Offset.IsUnknown() || cfg.Offset.IsNull() || cfg.BasePort.IsUnknown() || cfg.Secure.IsUnknown() {
		return
	}
	base := cfg.basePort()
	if err := apim.CheckOffset(cfg.Offset.ValueInt64(), "base_port", base); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("offset"), "Invalid Port Offset", capitalize(err.Error())+".")
	}
}

func (r *webSocketInboundResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.hosts == nil {
		return
	}
	var plan webSocketInboundModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Secure.IsUnknown() {
		return
	}
	var state *webSocketInboundModel
	if !req.State.Raw.IsNull() {
		state = &webSocketInboundModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if r.hosts.moved(state.SSH, plan.SSH) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ssh"))
		}
	}
	if plan.BasePort.IsUnknown() {
		var cfg types.Int64
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("base_port"), &cfg)...)
		if cfg.IsNull() {
			plan.BasePort = types.Int64Value(plan.endpoint().BasePort)
		}
	}
	place, placeKnown := r.hosts.place(plan.SSH)
	if !plan.APIMHome.IsUnknown() && placeKnown {
		plan.ID = types.StringValue(plan.id(place))
	}
	plan.ConfigFile = r.planConfigFile(ctx, plan, state, placeKnown, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.Offset.IsUnknown() && !plan.BasePort.IsUnknown() {
		plan.Port = types.Int64Value(plan.BasePort.ValueInt64() + plan.Offset.ValueInt64())
		if placeKnown && !plan.APIMHome.IsUnknown() &&
			!r.hosts.claimPlan(webSocketInboundType, place, filePath(plan.APIMHome.ValueString(), plan.endpoint().File), fmt.Sprint(plan.Port.ValueInt64())) {
			resp.Diagnostics.Append(duplicateError(webSocketInboundType, plan.id(place)))
			return
		}
		if placeKnown && !plan.APIMHome.IsUnknown() {
			resp.Diagnostics.Append(r.hosts.plannedInstances().planEndpoint(place, plan.APIMHome.ValueString(), plan.endpoint().PortName, plan.Port.ValueInt64())...)
			if resp.Diagnostics.HasError() {
				return
			}
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	r.hosts.keepStateSSH(ctx, req, resp)
}

// planConfigFile is the file that will hold the endpoint's port: as the
// state records it while the resource stays the same endpoint, else found
// by reading the home now (a new resource). Unknown, never guessed, when
// the home cannot be read at plan time (the host does not exist yet).
func (r *webSocketInboundResource) planConfigFile(ctx context.Context, plan webSocketInboundModel, state *webSocketInboundModel, placeKnown bool, diags *diag.Diagnostics) types.String {
	if state != nil && !state.ConfigFile.IsNull() && state.APIMHome.Equal(plan.APIMHome) && state.Secure.Equal(plan.Secure) && !r.hosts.moved(state.SSH, plan.SSH) {
		return state.ConfigFile
	}
	if !placeKnown || plan.APIMHome.IsUnknown() {
		return types.StringUnknown()
	}
	t, targetDiags := r.hosts.target(plan.SSH)
	if targetDiags.HasError() {
		return types.StringUnknown()
	}
	found, err := detectEndpoint(ctx, t, plan.APIMHome.ValueString(), plan.endpoint(), false)
	if err == nil {
		err = found.editable
	}
	var ve *apim.ValueError
	switch {
	case err == nil:
		place, _ := r.hosts.place(plan.SSH)
		r.hosts.endpointReads().keep(endpointReadKey(place, plan.APIMHome.ValueString(), plan.endpoint()), found)
		return types.StringValue(found.file)
	case errors.Is(err, apim.ErrProfileOptimized):
		diags.Append(fileError("Cannot Manage the APIM Home", t, filePath(plan.APIMHome.ValueString(), apim.DeploymentBackup), err))
	case errors.Is(err, target.ErrUnsafePath), errors.Is(err, target.ErrTooLarge), errors.As(err, &ve):
		// Not a host that is not there yet: a home no apply could use,
		// said now as apply would say it.
		diags.Append(fileError("Cannot Read the APIM Home", t, found.file, err))
	}
	// The host may not exist yet: apply reports any error in full.
	return types.StringUnknown()
}

func (r *webSocketInboundResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, req.Plan, resp.Private, &resp.State, &resp.Diagnostics)
}

func (r *webSocketInboundResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, req.Plan, resp.Private, &resp.State, &resp.Diagnostics)
}

// write applies the plan and records it as the new state: Create and Update
// do the same, since the file is made to state the planned port either way.
func (r *webSocketInboundResource) write(ctx context.Context, planned tfsdk.Plan, private privateState, state *tfsdk.State, diags *diag.Diagnostics) {
	var plan webSocketInboundModel
	diags.Append(planned.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	r.apply(ctx, &plan, private, diags)
	if diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, &plan)...)
}

// apply makes the endpoint listen on the planned port by the means the
// home's version has (apim.EndpointPort), recording the values found first
// so that destroy can restore them.
func (r *webSocketInboundResource) apply(ctx context.Context, plan *webSocketInboundModel, private privateState, diags *diag.Diagnostics) {
	t, d := r.hosts.target(plan.SSH)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	place, _ := r.hosts.place(plan.SSH)
	id := plan.id(place)
	home := plan.APIMHome.ValueString()
	const summary = "Cannot Set the WebSocket Port"
	if !r.hosts.claim(webSocketInboundType, place, filePath(home, plan.endpoint().File)) {
		diags.Append(duplicateError(webSocketInboundType, id))
		return
	}
	found, planned := r.hosts.endpointReads().take(endpointReadKey(place, home, plan.endpoint()))
	if !planned {
		var err error
		if found, err = detectEndpoint(ctx, t, home, plan.endpoint(), false); err != nil {
			diags.Append(fileError(summary, t, found.file, err))
			return
		}
	}
	if found.editable != nil {
		diags.Append(fileError(summary, t, filePath(home, apim.DeploymentBackup), found.editable))
		return
	}
	base, offset := plan.basePort(), plan.Offset.ValueInt64()
	var warning string
	err := editFile(ctx, t, found.file, func(doc []byte) ([]byte, error) {
		if err := recordSetting(ctx, private, found.port, doc); err != nil {
			return nil, err
		}
		out, w, err := found.port.Set(doc, base, offset)
		warning = w
		return out, err
	})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && plan.Secure.ValueBool() {
			err = fmt.Errorf("%w (the secure WebSocket endpoint ships with APIM 2.1.0-update11, 2.2.0 and later, not with 2.1.0 GA)", err)
		} else if errors.Is(err, fs.ErrNotExist) && found.generation3 {
			err = fmt.Errorf("%w (a control plane or traffic manager opens no WebSocket endpoint: manage the endpoint on the gateway's home)", err)
		}
		diags.Append(fileError(summary, t, found.file, err))
		return
	}
	if warning != "" {
		diags.AddAttributeWarning(path.Root("offset"), "WebSocket Port Follows the Instance's Offset", "On "+t.String()+", "+found.file+": "+warning)
	}
	plan.BasePort = types.Int64Value(base)
	plan.Port = types.Int64Value(base + offset)
	plan.ConfigFile = types.StringValue(found.file)
	plan.ID = types.StringValue(id)
}

func (r *webSocketInboundResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state webSocketInboundModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t, diags := r.hosts.target(state.SSH)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	const summary = "Cannot Read the WebSocket Port"
	found, err := detectEndpoint(ctx, t, state.APIMHome.ValueString(), state.endpoint(), true)
	if err != nil {
		resp.Diagnostics.Append(fileError(summary, t, found.file, err))
		return
	}
	if found.doc == nil {
		// The endpoint's file is gone, and with it the endpoint.
		resp.State.RemoveResource(ctx)
		return
	}
	err = recordSetting(ctx, resp.Private, found.port, found.doc)
	var port int64
	if err == nil {
		port, err = found.port.Listening(found.doc, found.instanceOffset)
	}
	if err != nil {
		resp.Diagnostics.Append(fileError(summary, t, found.file, err))
		return
	}
	state.BasePort = types.Int64Value(state.basePort())
	state.Port = types.Int64Value(port)
	state.Offset = types.Int64Value(port - state.basePort())
	state.ConfigFile = types.StringValue(found.file)
	place, _ := r.hosts.place(state.SSH)
	state.ID = types.StringValue(state.id(place))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *webSocketInboundResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webSocketInboundModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.OnDestroy.ValueString() == onDestroyKeep {
		return
	}
	t, diags := r.hosts.target(state.SSH)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	const summary = "Cannot Restore the WebSocket Port"
	found, err := detectEndpoint(ctx, t, state.APIMHome.ValueString(), state.endpoint(), false)
	if err != nil {
		resp.Diagnostics.Append(fileError(summary, t, found.file, err))
		return
	}
	resp.Diagnostics.Append(restoreSetting(ctx, t, req.Private, found.file, found.port, summary, isNotExist)...)
}

func (r *webSocketInboundResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, secure := strings.CutSuffix(req.ID, secureSuffix)
	it, err := parseImportID(id)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", capitalize(err.Error())+". Add "+secureSuffix+" for the secure (wss) endpoint.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("apim_home"), it.home)...)
	ssh := it.ssh
	if r.hosts != nil {
		ssh = r.hosts.importedSSH(ssh)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ssh"), ssh)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("secure"), secure)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("on_destroy"), onDestroyRestore)...)
}
