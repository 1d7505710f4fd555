package provider

import (
	"context"
	"encoding/json"
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
	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
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
	ManageGatewayURLs      types.Bool   `tfsdk:"manage_gateway_urls"`
	ManageJMSBrokerURLs    types.Bool   `tfsdk:"manage_jms_broker_urls"`
	ManageWSEndpoint       types.Bool   `tfsdk:"manage_gateway_ws_endpoint"`
	OnDestroy              types.String `tfsdk:"on_destroy"`
	SSH                    types.Object `tfsdk:"ssh"`
	ConfigFile             types.String `tfsdk:"config_file"`
	APIMVersion            types.String `tfsdk:"apim_version"`
	Distribution           types.String `tfsdk:"distribution"`
	WorkflowCallbackURL    types.String `tfsdk:"workflow_callback_url"`
	GatewayURLs            types.Map    `tfsdk:"gateway_urls"`
	JMSBrokerURLs          types.Map    `tfsdk:"jms_broker_urls"`
	GatewayWSEndpoint      types.String `tfsdk:"gateway_ws_endpoint"`
	Ports                  types.Object `tfsdk:"ports"`
	HazelcastMemberPort    types.Int64  `tfsdk:"hazelcast_member_port"`
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

// portAttributes are the attributes of the ports object, made by attr from
// each one's description, for the schema package of a resource or a data
// source.
func portAttributes[A any](attr func(description string) A) map[string]A {
	ports := map[string]A{}
	for _, p := range apim.Ports {
		ports[p.Name] = attr(fmt.Sprintf("%d + `offset`, null where the instance does not open it. %s", p.Base, p.Purpose))
	}
	return ports
}

func (r *instancePortsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	ports := portAttributes(func(description string) schema.Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: description}
	})
	h := apim.Highest()
	resp.Schema = schema.Schema{
		MarkdownDescription: "The port offset of one WSO2 API Manager instance, which moves every port the instance opens: `[server] offset` in `repository/conf/deployment.toml` on APIM 3.x and 4.x, `<Server><Ports><Offset>` in `repository/conf/carbon.xml` on 2.x; the resource tells which from the home's files. On 2.x it also keeps in step the workflow callback URL that APIM 2.1.0 hard-codes to port 9443, the JMS broker URLs of jndi.properties (`manage_jms_broker_urls`) and 2.6.0's `<GatewayWSEndpoint>` (`manage_gateway_ws_endpoint`), on 3.x and 4.x the gateway's WebSocket and WebSub URLs in deployment.toml (`manage_gateway_urls`). Every shifted port is known at plan time whenever the home can be read then, so load-balancer resources in the same configuration can use them.",
		Attributes: map[string]schema.Attribute{
			"id":        idAttribute("The APIM home for local files, `ssh://host:port/apim/home` for a remote host."),
			"apim_home": apimHomeAttribute(),
			"offset": schema.Int64Attribute{
				Required: true,
				MarkdownDescription: fmt.Sprintf("The port offset written to `config_file`: every port the instance opens is its default plus this number. From 0 to %d, so that the highest port, %s (%d), stays at or below %d.",
					apim.MaxPort-h.Base, h.Name, h.Base, apim.MaxPort),
				Validators: []validator.Int64{offsetValidator{}},
			},
			"manage_workflow_callback": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether to keep the port of the workflow callback URL in `" + apim.WorkflowCallbackService + "` equal to `ports.servlet_https` (default: `true`). " +
					"APIM 2.x hard-codes `https://localhost:9443/store/...` there (in `<address uri>`), APIM 3.0 to 4.1 `https://localhost:9443/api/am/admin/...` (in `<http uri-template>`), and the offset does not move it. Only a URL whose host is `localhost` or `127.0.0.1` is changed; a missing file (4.2 and later ship none) or one that keeps its URL elsewhere is left alone.",
			},
			"manage_gateway_urls": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether to keep the ports of the gateway URLs in `[[apim.gateway.environment]]` of `repository/conf/deployment.toml` equal to the instance's own (default: `true`; `true` or `false`): `ws_endpoint` follows `ports.websocket`, `wss_endpoint` `ports.websocket_secure`, `websub_event_receiver_http_endpoint` `ports.webhook_http` and `websub_event_receiver_https_endpoint` `ports.webhook_https`, in every entry. " +
					"APIM 3.x and 4.x ship them as literals (`ws://localhost:9099`, ...) that the offset does not move, so the Developer Portal would show ports nobody listens on. Only a URL whose host is `localhost` or `127.0.0.1` and whose port is a literal number is changed, and only where the instance opens that port: a URL naming another host (a load balancer), a placeholder port or a missing key is left alone, and so is every URL of a control plane or traffic manager, where these URLs name a separate gateway and must carry that gateway's ports, which this resource does not know. APIM 2.x has no deployment.toml and is left alone. " +
					"Turning it to `false` puts the URLs back as they were first found.",
			},
			"on_destroy": onDestroyAttribute(),
			"ssh":        sshResourceAttribute(),
			"config_file": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Absolute path of the file that holds the offset: `repository/conf/deployment.toml` on APIM 3.x and later (from which the runtime renders carbon.xml at every start, so carbon.xml is left alone), `repository/conf/carbon.xml` on 2.x. Unknown at plan time when the home cannot be read then.",
			},
			"apim_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: versionDescription,
			},
			"distribution": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: distributionDescription(),
			},
			"workflow_callback_url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The workflow callback URL the instance uses, with its port managed; null when `manage_workflow_callback` is `false`, the file does not exist, or the URL names another host.",
			},
			"gateway_urls": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The gateway URLs `manage_gateway_urls` keeps in step, as deployment.toml holds them, keyed by where they are: `apim.gateway.environment[<entry, from 0>].<key>`, such as `apim.gateway.environment[0].ws_endpoint` = `ws://localhost:9102`. Known at plan time whenever the home can be read then; empty when none is managed (a control plane, a gateway or traffic manager distribution without an environment); null when `manage_gateway_urls` is `false` or the home is APIM 2.x.",
			},
			"manage_jms_broker_urls":     manageJMSBrokerURLsAttribute(),
			"jms_broker_urls":            jmsBrokerURLsAttribute(),
			"manage_gateway_ws_endpoint": manageGatewayWSEndpointAttribute(),
			"gateway_ws_endpoint":        gatewayWSEndpointAttribute(),
			"ports": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every port that moves with the offset, each the default plus `offset`, known at plan time whenever the home can be read then; a port the instance's version or distribution does not open is null. Hazelcast's cluster member port (4000, see `hazelcast_member_port`) and multicast port (45564) are not here: Carbon uses them as configured, whatever the offset.",
				Attributes:          ports,
			},
			"hazelcast_member_port": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The Hazelcast cluster member port the instance opens while clustering is on (2.x: `<clustering enable=\"true\">` in `repository/conf/axis2/axis2.xml`, its `localMemberPort`; 3.x and later: `[clustering] membership_scheme` set in deployment.toml, its `local_member_port`; `4000` when not set); null while clustering is off. It does not move with the offset, so two clustered instances on one host need different ones: the plan refuses two that share it, as it refuses any other shared port.",
			},
		},
	}
}

func (r *instancePortsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.hosts = configuredHosts(req.ProviderData, &resp.Diagnostics)
}

// portsValue is the ports object of an instance of h at offset, the bases
// its files set taken into account: null for the ports h does not open.
func portsValue(h apim.Home, offset int64, bases map[string]int64) types.Object {
	shifted := apim.ShiftedOn(h, offset, bases)
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
	if !plan.APIMHome.IsUnknown() && placeKnown {
		plan.ID = types.StringValue(instanceID(place, plan.APIMHome.ValueString()))
	}
	found, homeKnown := r.planHome(ctx, plan, state, placeKnown, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	home, bases := found.home, found.bases
	if homeKnown {
		plan.ConfigFile = types.StringValue(filePath(plan.APIMHome.ValueString(), home.Generation.ConfigFile()))
		plan.APIMVersion = versionValue(home)
		plan.Distribution = types.StringValue(string(home.Distribution))
		plan.HazelcastMemberPort = hazelcastMemberValue(found.hazelcastMember)
	}
	if plan.ManageGatewayURLs.Equal(types.BoolValue(false)) {
		plan.GatewayURLs = types.MapNull(types.StringType)
	}
	nullCarbonURLsOff(&plan)
	if plan.Offset.IsUnknown() || !homeKnown {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if err := portsInRange(home, plan.Offset.ValueInt64(), bases); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("offset"), "Invalid Port Offset", capitalize(err.Error())+".")
		return
	}
	plan.Ports = portsValue(home, plan.Offset.ValueInt64(), bases)
	if placeKnown && !plan.ConfigFile.IsUnknown() &&
		!r.hosts.claimPlan(instancePortsType, place, plan.ConfigFile.ValueString(),
			fmt.Sprint(plan.Offset.ValueInt64(), plan.ManageWorkflowCallback.ValueBool(), plan.ManageGatewayURLs.ValueBool(), plan.ManageJMSBrokerURLs.ValueBool(), plan.ManageWSEndpoint.ValueBool())) {
		resp.Diagnostics.Append(duplicateError(instancePortsType, instanceID(place, plan.APIMHome.ValueString())))
		return
	}
	if placeKnown && !plan.APIMHome.IsUnknown() {
		resp.Diagnostics.Append(r.hosts.plannedInstances().planPorts(place, plan.APIMHome.ValueString(), plan.Offset.ValueInt64(), listenersOf(home, plan.Offset.ValueInt64(), found))...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	shifted := apim.ShiftedOn(home, plan.Offset.ValueInt64(), bases)
	plan.WorkflowCallbackURL = r.planWorkflowURL(ctx, plan, state, placeKnown, found, shifted["servlet_https"])
	plan.GatewayURLs = r.planGatewayURLs(ctx, plan, state, placeKnown, found, shifted)
	resp.Diagnostics.Append(r.planCarbonURLs(ctx, &plan, state, placeKnown, found, shifted)...)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	r.hosts.keepStateSSH(ctx, req, resp)
}

// planHome is what the planned instance's home is: as the state records it
// when the resource stays the same instance (configDoc is then nil), else
// read from the home now, the one read a plan makes for a new resource.
// known is false when the home cannot be read at plan time (the host does
// not exist yet): the values that depend on it stay unknown, never guessed.
func (r *instancePortsResource) planHome(ctx context.Context, plan instancePortsModel, state *instancePortsModel, placeKnown bool, diags *diag.Diagnostics) (homeRead, bool) {
	if state != nil && !state.ConfigFile.IsNull() && state.APIMHome.Equal(plan.APIMHome) && !r.hosts.moved(state.SSH, plan.SSH) {
		return homeRead{home: homeOfState(state.ConfigFile, state.APIMVersion, state.Distribution), bases: basesOfState(state.Ports, state.Offset), hazelcastMember: state.HazelcastMemberPort.ValueInt64()}, true
	}
	if !placeKnown || plan.APIMHome.IsUnknown() {
		return homeRead{}, false
	}
	t, targetDiags := r.hosts.target(plan.SSH)
	if targetDiags.HasError() {
		return homeRead{}, false
	}
	home := plan.APIMHome.ValueString()
	found, err := detectHome(ctx, t, home)
	if err == nil {
		err = found.home.CheckEditable()
	}
	switch {
	case err == nil:
		return found, true
	case errors.Is(err, apim.ErrProfileOptimized):
		*diags = append(*diags, fileError("Cannot Manage the APIM Home", t, filePath(home, apim.DeploymentBackup), err))
		return homeRead{}, false
	case errors.Is(err, target.ErrUnsafePath), errors.Is(err, target.ErrTooLarge):
		// Not a host that is not there yet: a home no apply could use.
		// Said now, as apply would say it; and a value known at plan
		// time must not turn unknown when Terraform plans again at apply.
		*diags = append(*diags, fileError("Cannot Read the APIM Home", t, orFile(found.configFile, filePath(home, apim.DeploymentTOML)), err))
		return homeRead{}, false
	default:
		// The host may not exist yet, or a file is wrong: unknown, never
		// guessed. Apply reports the error with its full diagnostic.
		return homeRead{}, false
	}
}

// listenersOf is every port an instance of found's home at offset listens
// on: the shifted ports and, while clustering is on, the Hazelcast member
// port.
func listenersOf(h apim.Home, offset int64, found homeRead) []apim.Listener {
	l := apim.Listeners(h, offset, found.bases)
	if found.hazelcastMember != 0 {
		l = append(l, apim.Listener{Port: found.hazelcastMember, Name: apim.HazelcastMemberName})
		apim.SortListeners(l)
	}
	return l
}

// hazelcastMemberValue is the hazelcast_member_port attribute: null while
// clustering is off (port 0).
func hazelcastMemberValue(port int64) types.Int64 {
	if port == 0 {
		return types.Int64Null()
	}
	return types.Int64Value(port)
}

// plannedHome is the home as the plan found it, when the plan could read
// it: apply then edits what was planned (Terraform requires the result to
// be what was planned anyway) without reading the home a third time, the
// edit reading the file it changes. planned is false when the plan left
// it unknown.
func plannedHome(plan instancePortsModel) (homeRead, bool) {
	if plan.ConfigFile.IsUnknown() || plan.ConfigFile.IsNull() || plan.APIMVersion.IsUnknown() || plan.Distribution.IsUnknown() || plan.Ports.IsUnknown() || plan.Ports.IsNull() || plan.HazelcastMemberPort.IsUnknown() {
		return homeRead{}, false
	}
	return homeRead{
		home:       homeOfState(plan.ConfigFile, plan.APIMVersion, plan.Distribution),
		bases:      basesOfState(plan.Ports, plan.Offset),
		configFile: plan.ConfigFile.ValueString(),
		// Null (clustering off) is 0.
		hazelcastMember: plan.HazelcastMemberPort.ValueInt64(),
	}, true
}

// portsInRange reports an offset that moves a port of h, from the base its
// files set, above apim.MaxPort (the offset validator knows only the
// shipped bases).
func portsInRange(h apim.Home, offset int64, bases map[string]int64) error {
	for name, port := range apim.ShiftedOn(h, offset, bases) {
		if port > apim.MaxPort {
			return fmt.Errorf("offset %d moves %s (base %d) to %d, above %d", offset, name, port-offset, port, apim.MaxPort)
		}
	}
	return nil
}

// planWorkflowURL is the workflow callback URL after apply. When it was
// managed before, it is the URL Read found with the new port; otherwise
// the file as planHome read it with the home (a new resource), or as it is
// read now (manage_workflow_callback just turned on).
func (r *instancePortsResource) planWorkflowURL(ctx context.Context, plan instancePortsModel, state *instancePortsModel, placeKnown bool, found homeRead, httpsPort int64) types.String {
	if !plan.ManageWorkflowCallback.ValueBool() {
		return types.StringNull()
	}
	if state != nil && state.ManageWorkflowCallback.ValueBool() {
		if state.WorkflowCallbackURL.IsNull() {
			return types.StringNull()
		}
		url, _ := apim.LocalURL(state.WorkflowCallbackURL.ValueString(), httpsPort)
		return types.StringValue(url)
	}
	doc, err := found.workflowDoc, found.workflowErr
	if !found.read {
		if !placeKnown || plan.APIMHome.IsUnknown() {
			return types.StringUnknown()
		}
		t, diags := r.hosts.target(plan.SSH)
		if diags.HasError() {
			return types.StringUnknown()
		}
		doc, err = t.ReadFile(ctx, filePath(plan.APIMHome.ValueString(), apim.WorkflowCallbackService))
	}
	var uri string
	if err == nil {
		uri, err = apim.ReadWorkflowCallback(doc)
	}
	switch {
	case workflowNotManaged(err):
		return types.StringNull()
	case err != nil:
		// Apply reports the error with its full diagnostic.
		return types.StringUnknown()
	}
	if url, managed := apim.LocalURL(uri, httpsPort); managed {
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
	edited, diags := r.apply(ctx, &plan, nil, resp.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		if edited {
			resp.Diagnostics.Append(r.rollBack(ctx, plan, resp.Private)...)
		}
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
	_, diags := r.apply(ctx, &plan, &state, resp.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply writes the planned offset, gateway URL ports and workflow callback
// port, recording the values found first so that destroy can restore them.
func (r *instancePortsResource) apply(ctx context.Context, plan, state *instancePortsModel, private privateState) (edited bool, diags diag.Diagnostics) {
	t, diags := r.hosts.target(plan.SSH)
	if diags.HasError() {
		return edited, diags
	}
	home := plan.APIMHome.ValueString()
	offset := plan.Offset.ValueInt64()
	place := r.placeOf(plan.SSH)
	id := instanceID(place, home)
	found, planned := plannedHome(*plan)
	if !planned {
		// The home could not be read at plan time: read it now, and
		// check what the plan would have.
		var err error
		found, err = detectHome(ctx, t, home)
		if err == nil {
			err = portsInRange(found.home, offset, found.bases)
		}
		if err != nil {
			diags.Append(fileError("Cannot Set the Port Offset", t, orFile(found.configFile, filePath(home, apim.CarbonXML)), err))
			return edited, diags
		}
		if err := found.home.CheckEditable(); err != nil {
			diags.Append(fileError("Cannot Set the Port Offset", t, filePath(home, apim.DeploymentBackup), err))
			return edited, diags
		}
	}
	config := found.configFile
	if !r.hosts.claim(instancePortsType, place, config) {
		diags.Append(duplicateError(instancePortsType, id))
		return edited, diags
	}
	// The files are edited at once, each recording its originals.
	private = &lockedPrivate{p: private}
	edit := offsetEdit(ctx, private, found.home.Generation.Offset(), offset)
	gateway := gatewayURLsEdit{manage: plan.ManageGatewayURLs.ValueBool(), ports: apim.ShiftedOn(found.home, offset, found.bases)}
	if found.home.Generation == apim.Deployment3 {
		if !gateway.manage && state != nil && state.ManageGatewayURLs.ValueBool() {
			// Turned off: the URLs go back as first found.
			var restoreDiags diag.Diagnostics
			gateway.restore, restoreDiags = loadGatewayURLOriginals(ctx, private)
			if diags.Append(restoreDiags...); diags.HasError() {
				return edited, diags
			}
		}
		edit = gateway.after(ctx, private, edit)
	}
	// From here on a file may change: a failed Create puts back what was
	// recorded (rollBack).
	edited = true
	diags.Append(allAtOnce(
		func() diag.Diagnostics {
			if err := editFile(ctx, t, config, edit); err != nil {
				return diag.Diagnostics{fileError("Cannot Set the Port Offset", t, config, err)}
			}
			return nil
		},
		func() diag.Diagnostics {
			return applyCarbonURLs(ctx, t, home, found.home, plan, state, private, gateway.ports)
		},
		func() (diags diag.Diagnostics) {
			plan.WorkflowCallbackURL, diags = applyWorkflow(ctx, t, home, plan, state, private, gateway.ports["servlet_https"])
			return diags
		},
	)...)
	if diags.HasError() {
		return edited, diags
	}
	plan.ID = types.StringValue(id)
	plan.ConfigFile = types.StringValue(config)
	plan.APIMVersion = versionValue(found.home)
	plan.Distribution = types.StringValue(string(found.home.Distribution))
	plan.Ports = portsValue(found.home, offset, found.bases)
	plan.HazelcastMemberPort = hazelcastMemberValue(found.hazelcastMember)
	plan.GatewayURLs = gatewayURLsValue(found.home, plan.ManageGatewayURLs, gateway.urls)
	return edited, diags
}

// applyWorkflow sets the workflow callback URL's port to httpsPort,
// recording its original first, and returns workflow_callback_url; when
// manage_workflow_callback has just been turned off, it puts the URL back
// as first found.
func applyWorkflow(ctx context.Context, t target.Target, home string, plan, state *instancePortsModel, private privateState, httpsPort int64) (types.String, diag.Diagnostics) {
	workflow := filePath(home, apim.WorkflowCallbackService)
	if !plan.ManageWorkflowCallback.ValueBool() {
		if state != nil && state.ManageWorkflowCallback.ValueBool() {
			return types.StringNull(), restoreWorkflow(ctx, t, workflow, private)
		}
		return types.StringNull(), nil
	}
	if plan.WorkflowCallbackURL.IsNull() {
		// The plan found no callback to manage (no file, as in 4.2 and
		// later, or a URL of another host): the file is left alone, as
		// planned, without an edit that would only read it.
		return types.StringNull(), nil
	}
	url := types.StringNull()
	err := editFile(ctx, t, workflow, func(doc []byte) ([]byte, error) {
		if err := recordSetting(ctx, private, apim.WorkflowCallback, doc); err != nil {
			return nil, err
		}
		out, u, managed, err := apim.SetWorkflowCallback(doc, httpsPort)
		if managed {
			url = types.StringValue(u)
		}
		return out, err
	})
	if err != nil && !workflowNotManaged(err) {
		return types.StringNull(), diag.Diagnostics{fileError("Cannot Set the Workflow Callback Port", t, workflow, err)}
	}
	return url, nil
}

// offsetEdit is the edit that sets offset in the file holding it, s,
// recording the value found first so that destroy can restore it.
func offsetEdit(ctx context.Context, private privateState, s apim.OffsetSetting, offset int64) func([]byte) ([]byte, error) {
	return func(doc []byte) ([]byte, error) {
		if err := recordSetting(ctx, private, s, doc); err != nil {
			return nil, err
		}
		return s.Set(doc, offset)
	}
}

// readOffset reads the offset s holds in doc, recording it as the original
// when none is kept yet (the first Read after an import).
func readOffset(ctx context.Context, private privateState, s apim.OffsetSetting, doc []byte) (int64, error) {
	if err := recordSetting(ctx, private, s, doc); err != nil {
		return 0, err
	}
	return s.Read(doc)
}

// restoreOffset puts the offset s holds in config back as it was first
// found, when an original is kept, and, when gatewayURLs, the gateway URLs
// of deployment.toml too, in the same write.
func restoreOffset(ctx context.Context, t target.Target, private privateState, s apim.OffsetSetting, config string, gatewayURLs bool) diag.Diagnostics {
	var orig json.RawMessage
	kept, diags := loadOriginal(ctx, private, s.Name(), &orig)
	var urls map[string]tomledit.Original
	if gatewayURLs {
		var urlDiags diag.Diagnostics
		urls, urlDiags = loadGatewayURLOriginals(ctx, private)
		diags.Append(urlDiags...)
	}
	if !kept || diags.HasError() {
		return diags
	}
	restore := func(doc []byte) ([]byte, error) {
		out, err := s.Restore(doc, orig)
		if err != nil {
			return nil, err
		}
		return apim.RestoreGatewayURLs(out, urls)
	}
	if err := editFile(ctx, t, config, restore); err != nil && !isNotExist(err) {
		diags.Append(fileError("Cannot Restore the Port Offset", t, config, err))
	}
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
	found, err := detectHome(ctx, t, home)
	if err != nil {
		resp.Diagnostics.Append(fileError("Cannot Read the Port Offset", t, orFile(found.configFile, filePath(home, apim.CarbonXML)), err))
		return
	}
	if found.configDoc == nil {
		// Neither deployment.toml nor carbon.xml: the instance is gone.
		resp.State.RemoveResource(ctx)
		return
	}
	offset, err := readOffset(ctx, resp.Private, found.home.Generation.Offset(), found.configDoc)
	if err != nil {
		resp.Diagnostics.Append(fileError("Cannot Read the Port Offset", t, found.configFile, err))
		return
	}
	state.Offset = types.Int64Value(offset)
	state.Ports = portsValue(found.home, offset, found.bases)
	state.ConfigFile = types.StringValue(found.configFile)
	state.APIMVersion = versionValue(found.home)
	state.Distribution = types.StringValue(string(found.home.Distribution))
	state.HazelcastMemberPort = hazelcastMemberValue(found.hazelcastMember)
	state.ID = types.StringValue(instanceID(r.placeOf(state.SSH), home))
	urls, err := readGatewayURLs(ctx, resp.Private, state.ManageGatewayURLs, found, offset)
	if err != nil {
		resp.Diagnostics.Append(fileError("Cannot Read the Gateway URLs", t, found.configFile, err))
		return
	}
	state.GatewayURLs = gatewayURLsValue(found.home, state.ManageGatewayURLs, urls)
	if resp.Diagnostics.Append(readCarbonURLs(ctx, t, home, resp.Private, &state, found)...); resp.Diagnostics.HasError() {
		return
	}

	state.WorkflowCallbackURL = types.StringNull()
	if state.ManageWorkflowCallback.ValueBool() {
		workflow := filePath(home, apim.WorkflowCallbackService)
		doc, err := found.workflowDoc, found.workflowErr
		if err == nil {
			err = recordSetting(ctx, resp.Private, apim.WorkflowCallback, doc)
		}
		var uri string
		if err == nil {
			uri, err = apim.ReadWorkflowCallback(doc)
		}
		switch {
		case workflowNotManaged(err):
		case err != nil:
			resp.Diagnostics.Append(fileError("Cannot Read the Workflow Callback URL", t, workflow, err))
			return
		default:
			if _, managed := apim.LocalURL(uri, 0); managed {
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
	resp.Diagnostics.Append(restoreAll(ctx, t, req.Private, state)...)
}

// restoreAll puts back every value m manages as private recorded it
// first; a value with no record is left as it is.
// The files are restored at once, as apply edits them.
func restoreAll(ctx context.Context, t target.Target, private privateState, m instancePortsModel) diag.Diagnostics {
	private = &lockedPrivate{p: private}
	home := m.APIMHome.ValueString()
	h := homeOfState(m.ConfigFile, m.APIMVersion, m.Distribution)
	offset := h.Generation.Offset()
	return allAtOnce(
		func() diag.Diagnostics {
			return restoreOffset(ctx, t, private, offset, filePath(home, offset.File()), m.ManageGatewayURLs.ValueBool())
		},
		func() diag.Diagnostics {
			if !m.ManageWorkflowCallback.ValueBool() {
				return nil
			}
			return restoreWorkflow(ctx, t, filePath(home, apim.WorkflowCallbackService), private)
		},
		func() diag.Diagnostics { return restoreCarbonURLs(ctx, t, home, private, m) },
	)
}

// rollBack undoes a Create that failed after it had changed files, from
// the originals it recorded: the resource is not created, so nothing
// would remember them, and the next apply would record the values this
// one wrote as the originals for destroy to "restore". (A failed Create
// that returned a state would be kept tainted, but Terraform gives the
// Delete that replaces a tainted object no private state.)
func (r *instancePortsResource) rollBack(ctx context.Context, plan instancePortsModel, private privateState) diag.Diagnostics {
	t, diags := r.hosts.target(plan.SSH)
	if diags.HasError() {
		return diags
	}
	if diags = restoreAll(ctx, t, private, plan); diags.HasError() {
		return append(diags, diag.NewErrorDiagnostic("Apply Stopped Partway",
			"Files this apply had already set could not be put back, as the errors before this one say: correct those files by hand."))
	}
	return diag.Diagnostics{diag.NewWarningDiagnostic("Apply Stopped Partway",
		"The files this apply had already set were put back as they were found: the instance is as it was before this apply.")}
}

// restoreWorkflow puts the workflow callback URL back as it was first found.
func restoreWorkflow(ctx context.Context, t target.Target, workflow string, private privateState) diag.Diagnostics {
	return restoreSetting(ctx, t, private, workflow, apim.WorkflowCallback, "Cannot Restore the Workflow Callback URL", workflowNotManaged)
}

// workflowNotManaged reports a workflow callback the resource leaves alone
// rather than fails on: no WorkflowCallbackService.xml (4.2 and later ship
// none), or one that keeps its URL in neither known place (a file of
// another shape, which import must not fail on).
func workflowNotManaged(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, xmledit.ErrNotFound)
}

func (r *instancePortsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	it, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", capitalize(err.Error())+".")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("apim_home"), it.home)...)
	ssh := it.ssh
	if r.hosts != nil {
		ssh = r.hosts.importedSSH(ssh)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ssh"), ssh)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("manage_workflow_callback"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("manage_gateway_urls"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("manage_jms_broker_urls"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("manage_gateway_ws_endpoint"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("on_destroy"), onDestroyRestore)...)
}
