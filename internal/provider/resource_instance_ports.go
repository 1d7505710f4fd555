package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

var (
	_ resource.ResourceWithConfigure   = (*instancePortsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*instancePortsResource)(nil)
	_ resource.ResourceWithImportState = (*instancePortsResource)(nil)
)

// instancePortsResource manages the port offset of one APIM instance.
type instancePortsResource struct {
	hosts *hosts
}

// NewInstancePortsResource is the apim_instance_ports constructor.
func NewInstancePortsResource() resource.Resource {
	return &instancePortsResource{}
}

type instancePortsModel struct {
	ID                     types.String `tfsdk:"id"`
	APIMHome               types.String `tfsdk:"apim_home"`
	Offset                 types.Int64  `tfsdk:"offset"`
	ManageWorkflowCallback types.Bool   `tfsdk:"manage_workflow_callback"`
	OnDestroy              types.String `tfsdk:"on_destroy"`
	SSH                    types.Object `tfsdk:"ssh"`
	ConfigFile             types.String `tfsdk:"config_file"`
	WorkflowCallbackURL    types.String `tfsdk:"workflow_callback_url"`
	Ports                  types.Object `tfsdk:"ports"`
}

func (r *instancePortsResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = instancePortsType
}

func portAttrTypes() map[string]attr.Type {
	types_ := map[string]attr.Type{}
	for _, p := range apim.Ports {
		types_[p.Name] = types.Int64Type
	}
	return types_
}

func (r *instancePortsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	ports := map[string]schema.Attribute{}
	for _, p := range apim.Ports {
		ports[p.Name] = schema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: fmt.Sprintf("%d + `offset`, null where the instance does not open it. %s", p.Base, p.Purpose),
		}
	}
	h := apim.Highest()
	resp.Schema = schema.Schema{
		MarkdownDescription: "The port offset of one WSO2 API Manager 2.x instance: `<Server><Ports><Offset>` in `repository/conf/carbon.xml`, which moves every port the instance opens, and the workflow callback URL that APIM 2.1.0 hard-codes to port 9443. Every shifted port is known at plan time, so load-balancer resources in the same configuration can use them.",
		Attributes: map[string]schema.Attribute{
			"id":        idAttribute("The APIM home for local files, `ssh://host:port/apim/home` for a remote host."),
			"apim_home": apimHomeAttribute(),
			"offset": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: fmt.Sprintf("The port offset written to `<Offset>` in carbon.xml: every port the instance opens is its default plus this number. From 0 to %d, so that the highest port, %s (%d), stays at or below %d.",
					apim.MaxPort-h.Base, h.Name, h.Base, apim.MaxPort),
				Validators: []validator.Int64{offsetValidator{}},
			},
			"manage_workflow_callback": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether to keep the port of the workflow callback URL in `" + apim.WorkflowCallbackService + "` equal to `ports.servlet_https` (default: `true`). " +
					"APIM 2.1.0 hard-codes `https://localhost:9443/...` there and the offset does not move it. Only a URL whose host is `localhost` or `127.0.0.1` is changed; a missing file is skipped.",
			},
			"on_destroy": onDestroyAttribute(),
			"ssh":        sshResourceAttribute(),
			"config_file": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Absolute path of the instance's carbon.xml.",
			},
			"workflow_callback_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The workflow callback URL the instance uses, with its port managed; null when `manage_workflow_callback` is `false`, the file does not exist, or the URL names another host.",
			},
			"ports": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every port the instance opens that moves with the offset, each the default plus `offset`, known at plan time. Hazelcast's cluster member port (4000) and multicast port (45564) are not here: Carbon uses them as configured, whatever the offset.",
				Attributes:          ports,
			},
		},
	}
}

func (r *instancePortsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.hosts = configuredHosts(req.ProviderData, &resp.Diagnostics)
}

// portsValue is the ports object of an instance of h at offset: null for
// the ports h does not open.
func portsValue(h apim.Home, offset int64) types.Object {
	shifted := apim.ShiftedOn(h, offset, nil)
	values := map[string]attr.Value{}
	for _, p := range apim.Ports {
		if port, ok := shifted[p.Name]; ok {
			values[p.Name] = types.Int64Value(port)
		} else {
			values[p.Name] = types.Int64Null()
		}
	}
	return types.ObjectValueMust(portAttrTypes(), values)
}

func (r *instancePortsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.hosts == nil {
		return
	}
	var plan instancePortsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var state *instancePortsModel
	if !req.State.Raw.IsNull() {
		state = &instancePortsModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if state != nil && r.hosts.moved(state.SSH, plan.SSH) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ssh"))
	}
	place, placeKnown := r.hosts.place(plan.SSH)
	if !plan.APIMHome.IsUnknown() {
		plan.ConfigFile = types.StringValue(filePath(plan.APIMHome.ValueString(), apim.CarbonXML))
		if placeKnown {
			plan.ID = types.StringValue(instanceID(place, plan.APIMHome.ValueString()))
		}
	}
	if plan.Offset.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	plan.Ports = portsValue(apim.CarbonHome, plan.Offset.ValueInt64())
	if placeKnown && !plan.ConfigFile.IsUnknown() &&
		!r.hosts.claimPlan(instancePortsType, place, plan.ConfigFile.ValueString(),
			fmt.Sprint(plan.Offset.ValueInt64(), plan.ManageWorkflowCallback.ValueBool())) {
		resp.Diagnostics.Append(duplicateError(instancePortsType, instanceID(place, plan.APIMHome.ValueString())))
		return
	}
	plan.WorkflowCallbackURL = r.planWorkflowURL(ctx, plan, state, placeKnown)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planWorkflowURL is the workflow callback URL after apply. When it was
// managed before, it is the URL Read found with the new port; otherwise the
// file is read now, the one case where planning touches the host.
func (r *instancePortsResource) planWorkflowURL(ctx context.Context, plan instancePortsModel, state *instancePortsModel, placeKnown bool) types.String {
	if !plan.ManageWorkflowCallback.ValueBool() {
		return types.StringNull()
	}
	httpsPort := apim.ShiftedOn(apim.CarbonHome, plan.Offset.ValueInt64(), nil)["servlet_https"]
	if state != nil && state.ManageWorkflowCallback.ValueBool() {
		if state.WorkflowCallbackURL.IsNull() {
			return types.StringNull()
		}
		url, _ := apim.WorkflowCallbackURL(state.WorkflowCallbackURL.ValueString(), httpsPort)
		return types.StringValue(url)
	}
	if !placeKnown || plan.APIMHome.IsUnknown() {
		return types.StringUnknown()
	}
	t, diags := r.hosts.target(plan.SSH)
	if diags.HasError() {
		return types.StringUnknown()
	}
	doc, err := t.ReadFile(ctx, filePath(plan.APIMHome.ValueString(), apim.WorkflowCallbackService))
	if errors.Is(err, fs.ErrNotExist) {
		return types.StringNull()
	}
	if err != nil {
		// Apply reports the error with its full diagnostic.
		return types.StringUnknown()
	}
	uri, err := apim.ReadWorkflowCallback(doc)
	if err != nil {
		return types.StringUnknown()
	}
	if url, managed := apim.WorkflowCallbackURL(uri, httpsPort); managed {
		return types.StringValue(url)
	}
	return types.StringNull()
}

func (r *instancePortsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan instancePortsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, nil, resp.Private)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *instancePortsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state instancePortsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, &state, resp.Private)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply writes the planned offset and workflow callback port, recording the
// values found first so that destroy can restore them.
func (r *instancePortsResource) apply(ctx context.Context, plan, state *instancePortsModel, private privateState) diag.Diagnostics {
	t, diags := r.hosts.target(plan.SSH)
	if diags.HasError() {
		return diags
	}
	home := plan.APIMHome.ValueString()
	offset := plan.Offset.ValueInt64()
	carbon := filePath(home, apim.CarbonXML)
	place := r.placeOf(plan.SSH)
	id := instanceID(place, home)
	if !r.hosts.claim(instancePortsType, place, carbon) {
		diags.Append(duplicateError(instancePortsType, id))
		return diags
	}
	err := editFile(ctx, t, carbon, func(doc []byte) ([]byte, error) {
		if err := recordOriginal(ctx, private, keyOffsetOriginal, doc, apim.OffsetOriginal); err != nil {
			return nil, err
		}
		return apim.SetOffset(doc, offset)
	})
	if err != nil {
		diags.Append(fileError("Cannot Set the Port Offset", t, carbon, err))
		return diags
	}
	plan.ID = types.StringValue(id)
	plan.ConfigFile = types.StringValue(carbon)
	plan.Ports = portsValue(apim.CarbonHome, offset)

	workflow := filePath(home, apim.WorkflowCallbackService)
	if !plan.ManageWorkflowCallback.ValueBool() {
		plan.WorkflowCallbackURL = types.StringNull()
		if state != nil && state.ManageWorkflowCallback.ValueBool() {
			diags.Append(restoreWorkflow(ctx, t, workflow, private)...)
		}
		return diags
	}
	url := types.StringNull()
	err = editFile(ctx, t, workflow, func(doc []byte) ([]byte, error) {
		if err := recordOriginal(ctx, private, keyWorkflowOriginal, doc, apim.WorkflowCallbackOriginal); err != nil {
			return nil, err
		}
		out, u, managed, err := apim.SetWorkflowCallback(doc, apim.ShiftedOn(apim.CarbonHome, offset, nil)["servlet_https"])
		if managed {
			url = types.StringValue(u)
		}
		return out, err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		diags.Append(fileError("Cannot Set the Workflow Callback Port", t, workflow, err))
		return diags
	}
	plan.WorkflowCallbackURL = url
	return diags
}

// placeOf is where the resource's files are, once its settings are known.
func (r *instancePortsResource) placeOf(ssh types.Object) string {
	place, _ := r.hosts.place(ssh)
	return place
}

func (r *instancePortsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state instancePortsModel
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
	carbon := filePath(home, apim.CarbonXML)
	doc, err := t.ReadFile(ctx, carbon)
	if errors.Is(err, fs.ErrNotExist) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err == nil {
		err = recordOriginal(ctx, resp.Private, keyOffsetOriginal, doc, apim.OffsetOriginal)
	}
	var offset int64
	if err == nil {
		offset, err = apim.ReadOffset(doc)
	}
	if err != nil {
		resp.Diagnostics.Append(fileError("Cannot Read the Port Offset", t, carbon, err))
		return
	}
	state.Offset = types.Int64Value(offset)
	state.Ports = portsValue(apim.CarbonHome, offset)
	state.ConfigFile = types.StringValue(carbon)
	state.ID = types.StringValue(instanceID(r.placeOf(state.SSH), home))

	state.WorkflowCallbackURL = types.StringNull()
	if state.ManageWorkflowCallback.ValueBool() {
		workflow := filePath(home, apim.WorkflowCallbackService)
		doc, err := t.ReadFile(ctx, workflow)
		if err == nil {
			err = recordOriginal(ctx, resp.Private, keyWorkflowOriginal, doc, apim.WorkflowCallbackOriginal)
		}
		var uri string
		if err == nil {
			uri, err = apim.ReadWorkflowCallback(doc)
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			resp.Diagnostics.Append(fileError("Cannot Read the Workflow Callback URL", t, workflow, err))
			return
		default:
			if _, managed := apim.WorkflowCallbackURL(uri, 0); managed {
				state.WorkflowCallbackURL = types.StringValue(uri)
			}
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *instancePortsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state instancePortsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.OnDestroy.ValueString() == onDestroyKeep {
		return
	}
	t, diags := r.hosts.target(state.SSH)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	home := state.APIMHome.ValueString()
	var orig apim.Original
	found, diags := loadOriginal(ctx, req.Private, keyOffsetOriginal, &orig)
	resp.Diagnostics.Append(diags...)
	if found {
		carbon := filePath(home, apim.CarbonXML)
		err := editFile(ctx, t, carbon, func(doc []byte) ([]byte, error) { return apim.RestoreOffset(doc, orig) })
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			resp.Diagnostics.Append(fileError("Cannot Restore the Port Offset", t, carbon, err))
		}
	}
	if state.ManageWorkflowCallback.ValueBool() {
		resp.Diagnostics.Append(restoreWorkflow(ctx, t, filePath(home, apim.WorkflowCallbackService), req.Private)...)
	}
}

// restoreWorkflow puts the workflow callback URL back as it was first found.
func restoreWorkflow(ctx context.Context, t target.Target, workflow string, private privateState) diag.Diagnostics {
	var orig apim.Original
	found, diags := loadOriginal(ctx, private, keyWorkflowOriginal, &orig)
	if !found || diags.HasError() {
		return diags
	}
	err := editFile(ctx, t, workflow, func(doc []byte) ([]byte, error) { return apim.RestoreWorkflowCallback(doc, orig) })
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		diags.Append(fileError("Cannot Restore the Workflow Callback URL", t, workflow, err))
	}
	return diags
}

func (r *instancePortsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	it, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", capitalize(err.Error())+".")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("apim_home"), it.home)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ssh"), it.ssh)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("manage_workflow_callback"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("on_destroy"), onDestroyRestore)...)
}
