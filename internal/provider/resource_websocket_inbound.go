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
		MarkdownDescription: "The port of one WebSocket inbound endpoint of a WSO2 API Manager 2.x gateway. The file is made to state the real port: `inbound.ws.port` is set to `port` and `ws.use.port.offset` to `false`, so the runtime never adds the carbon.xml offset a second time.",
		Attributes: map[string]schema.Attribute{
			"id":        idAttribute("The APIM home for local files, `ssh://host:port/apim/home` for a remote host, followed by `" + secureSuffix + "` for the secure endpoint."),
			"apim_home": apimHomeAttribute(),
			"offset": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: fmt.Sprintf("The instance's port offset: the endpoint listens on `base_port` + `offset`. Not negative, and `base_port` + `offset` at most %d.", apim.MaxPort),
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
				MarkdownDescription: "The port the endpoint really listens on: `base_port` + `offset`, known at plan time. Read reports `inbound.ws.port`, plus the instance's carbon.xml offset while `ws.use.port.offset` is `true`, so a hand edit of either parameter shows as drift.",
			},
			"config_file": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Absolute path of the endpoint's definition file.",
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
	if !req.State.Raw.IsNull() {
		var state webSocketInboundModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	if !plan.APIMHome.IsUnknown() {
		plan.ConfigFile = types.StringValue(filePath(plan.APIMHome.ValueString(), plan.endpoint().File))
		if place, ok := r.hosts.place(plan.SSH); ok {
			plan.ID = types.StringValue(plan.id(place))
		}
	}
	if !plan.Offset.IsUnknown() && !plan.BasePort.IsUnknown() {
		plan.Port = types.Int64Value(plan.BasePort.ValueInt64() + plan.Offset.ValueInt64())
		if place, ok := r.hosts.place(plan.SSH); ok && !plan.ConfigFile.IsUnknown() &&
			!r.hosts.claimPlan(webSocketInboundType, place, plan.ConfigFile.ValueString(), fmt.Sprint(plan.Port.ValueInt64())) {
			resp.Diagnostics.Append(duplicateError(webSocketInboundType, plan.id(place)))
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
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

// apply makes the endpoint file state the planned port with the offset flag
// off, recording the values found first so that destroy can restore them.
func (r *webSocketInboundResource) apply(ctx context.Context, plan *webSocketInboundModel, private privateState, diags *diag.Diagnostics) {
	t, d := r.hosts.target(plan.SSH)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	place, _ := r.hosts.place(plan.SSH)
	id := plan.id(place)
	file := filePath(plan.APIMHome.ValueString(), plan.endpoint().File)
	if !r.hosts.claim(webSocketInboundType, place, file) {
		diags.Append(duplicateError(webSocketInboundType, id))
		return
	}
	port := plan.basePort() + plan.Offset.ValueInt64()
	err := editFile(ctx, t, file, func(doc []byte) ([]byte, error) {
		if err := recordOriginal(ctx, private, keyInboundOriginals, doc, apim.InboundOriginalsOf); err != nil {
			return nil, err
		}
		return apim.SetInbound(doc, port)
	})
	if err != nil {
		summary := "Cannot Set the WebSocket Port"
		if errors.Is(err, fs.ErrNotExist) && plan.Secure.ValueBool() {
			err = fmt.Errorf("%w (the secure WebSocket endpoint ships with APIM 2.1.0-update11, 2.2.0 and later, not with 2.1.0 GA)", err)
		}
		diags.Append(fileError(summary, t, file, err))
		return
	}
	plan.BasePort = types.Int64Value(plan.basePort())
	plan.Port = types.Int64Value(port)
	plan.ConfigFile = types.StringValue(file)
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
	home := state.APIMHome.ValueString()
	file := filePath(home, state.endpoint().File)
	doc, err := t.ReadFile(ctx, file)
	if errors.Is(err, fs.ErrNotExist) {
		resp.State.RemoveResource(ctx)
		return
	}
	var in apim.Inbound
	if err == nil {
		err = recordOriginal(ctx, resp.Private, keyInboundOriginals, doc, apim.InboundOriginalsOf)
	}
	if err == nil {
		in, err = apim.ReadInbound(doc)
	}
	if err != nil {
		resp.Diagnostics.Append(fileError("Cannot Read the WebSocket Port", t, file, err))
		return
	}
	var carbonOffset int64
	if in.UseOffset {
		// The runtime adds the instance's offset itself while the flag is on.
		carbon := filePath(home, apim.CarbonXML)
		doc, err := t.ReadFile(ctx, carbon)
		if err == nil {
			carbonOffset, err = apim.ReadOffset(doc)
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			resp.Diagnostics.Append(fileError("Cannot Read the Port Offset", t, carbon, err))
			return
		}
	}
	port := apim.EffectivePort(in.Port, in.UseOffset, carbonOffset)
	state.BasePort = types.Int64Value(state.basePort())
	state.Port = types.Int64Value(port)
	state.Offset = types.Int64Value(port - state.basePort())
	state.ConfigFile = types.StringValue(file)
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
	var orig apim.InboundOriginals
	found, diags := loadOriginal(ctx, req.Private, keyInboundOriginals, &orig)
	resp.Diagnostics.Append(diags...)
	if !found || resp.Diagnostics.HasError() {
		return
	}
	t, diags := r.hosts.target(state.SSH)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	file := filePath(state.APIMHome.ValueString(), state.endpoint().File)
	err := editFile(ctx, t, file, func(doc []byte) ([]byte, error) { return apim.RestoreInbound(doc, orig) })
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		resp.Diagnostics.Append(fileError("Cannot Restore the WebSocket Port", t, file, err))
	}
}

func (r *webSocketInboundResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, secure := strings.CutSuffix(req.ID, secureSuffix)
	it, err := parseImportID(id)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", capitalize(err.Error())+". Add "+secureSuffix+" for the secure (wss) endpoint.")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("apim_home"), it.home)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ssh"), it.ssh)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("secure"), secure)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("on_destroy"), onDestroyRestore)...)
}
