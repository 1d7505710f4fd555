package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

var _ datasource.DataSourceWithConfigure = (*instanceDataSource)(nil)

// instanceDataSource reads what an APIM home is and where it listens,
// managing nothing.
type instanceDataSource struct {
	hosts *hosts
}

// NewInstanceDataSource is the apim_instance constructor.
func NewInstanceDataSource() datasource.DataSource {
	return &instanceDataSource{}
}

type instanceModel struct {
	APIMHome            types.String `tfsdk:"apim_home"`
	SSH                 types.Object `tfsdk:"ssh"`
	SystemdUnit         types.String `tfsdk:"systemd_unit"`
	APIMVersion         types.String `tfsdk:"apim_version"`
	Distribution        types.String `tfsdk:"distribution"`
	ConfigFile          types.String `tfsdk:"config_file"`
	FileOffset          types.Int64  `tfsdk:"file_offset"`
	Offset              types.Int64  `tfsdk:"offset"`
	OffsetSource        types.String `tfsdk:"offset_source"`
	Ports               types.Object `tfsdk:"ports"`
	WebSocketPort       types.Int64  `tfsdk:"websocket_port"`
	WebSocketSecurePort types.Int64  `tfsdk:"websocket_secure_port"`
}

func (d *instanceDataSource) Metadata(_ context.Context, _ datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = instanceType
}

func (d *instanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	sources := make([]string, len(apim.OffsetSources))
	for i, s := range apim.OffsetSources {
		sources[i] = string(s)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an existing WSO2 API Manager home, on the local filesystem or over SSH, without managing anything: its version and distribution, the offset it really runs at (the config file's, unless its start script or systemd unit passes `-DportOffset`), every port that offset moves, and where its WebSocket endpoints listen. For load balancers in front of instances set up by others, and for checks.",
		Attributes: map[string]schema.Attribute{
			"apim_home": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Absolute path of the APIM installation directory (the APIM home) on the target host. Use `abspath()` for a path relative to the configuration.",
				Validators:          []validator.String{absolutePathValidator{what: "APIM Home"}},
			},
			"ssh": sshDataSourceAttribute(),
			"systemd_unit": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Absolute path of the systemd unit file that starts the instance, such as `/etc/systemd/system/apim.service`, to read for a `-DportOffset` as well (default: no unit is read). The provider cannot find the unit by itself: nothing in the home names it, and the units of a host name the home only in their `ExecStart=` lines. " +
					"Its `[Service]` section counts: `JAVA_OPTS` or `JVM_MEM_OPTS` in `Environment=` (or as `NAME=value` in `ExecStart=`), and the arguments in `ExecStart=`; drop-ins (`<unit>.d/*.conf`) and `EnvironmentFile=` are not read. A unit that does not exist or cannot be read is an error.",
				Validators: []validator.String{absolutePathValidator{what: "Systemd Unit"}},
			},
			"apim_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: versionDescription,
			},
			"distribution": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: distributionDescription(),
			},
			"config_file": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Absolute path of the file that holds the offset: `repository/conf/deployment.toml` on APIM 3.x and later, `repository/conf/carbon.xml` on 2.x.",
			},
			"file_offset": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The offset `config_file` sets (`[server] offset` or `<Offset>`; 0 where it sets none, as the runtime reads it).",
			},
			"offset": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The offset the instance runs at: `file_offset`, unless the start script or `systemd_unit` passes `-DportOffset=N`, a Java system property that Carbon reads instead of the file's offset (see `offset_source`).",
			},
			"offset_source": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Where `offset` comes from, one of `" + strings.Join(sources, "`, `") + "`. " +
					"The start script is the one the home ships in `bin/`: `wso2server.sh` on 2.x and 3.x, `api-manager.sh` on 4.0 to 4.4, and on 4.5 and later the first of `api-manager.sh`, `api-cp.sh`, `gateway.sh` and `traffic-manager.sh` the home has (a control plane started with `key-manager.sh` is not covered). " +
					"A `-DportOffset=N` counts where it is active: in a `JAVA_OPTS` the script sets or on its java command line, not in a comment (from a `#` at the start of a word to the end of the line), or in `systemd_unit` as said there (not on a line starting with `#` or `;`). " +
					"When several do, the one latest on the java command line wins, as in the JVM and Carbon's launcher: the unit's `ExecStart=` arguments (which the script passes after the main class) over the script's own (after `$JAVA_OPTS`) over the unit's `Environment=`; within one file, the last one. " +
					"A value that is not a number (`-DportOffset=$N`) is an error: the provider does not follow variables. Where a start script or unit overrides the file, reading warns.",
			},
			"ports": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every port that moves with the offset, each its base (the shipped one, or the one deployment.toml sets) plus `offset`: the same object as `apim_instance_ports.ports`. A port the instance's version or distribution does not open is null. Hazelcast's 4000 and 45564 do not move with the offset and are not here.",
				Attributes: portAttributes(func(description string) schema.Attribute {
					return schema.Int64Attribute{Computed: true, MarkdownDescription: description}
				}),
			},
			"websocket_port": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: fmt.Sprintf("The port the `ws` WebSocket inbound endpoint listens on, by the runtime's rule for the home, at `offset`: `inbound.ws.port` of `%s`, plus `offset` while `ws.use.port.offset` is `true`, where that file is static (2.x, and 3.x to 4.0); `[apim.ws] port` of deployment.toml (default %d) plus `offset` where a template renders the file (4.1 and later). Null where the distribution opens no WebSocket endpoint (a control plane or traffic manager) or the home has no such file.",
					apim.WebSocket.File, apim.WebSocket.BasePort),
			},
			"websocket_secure_port": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: fmt.Sprintf("The port the `wss` WebSocket inbound endpoint listens on, by the same rule: `inbound.ws.port` of `%s`, plus `offset` while `ws.use.port.offset` is `true`, where that file is static (2.x and 3.0); `[apim.wss] port` of deployment.toml (default %d) plus `offset` where a template renders the file (3.1 and later). Null where the distribution opens no WebSocket endpoint or the home has no such file (2.1.0 GA ships none).",
					apim.SecureWebSocket.File, apim.SecureWebSocket.BasePort),
			},
		},
	}
}

func (d *instanceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.hosts = configuredHosts(req.ProviderData, &resp.Diagnostics)
}

func (d *instanceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m instanceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	t, diags := d.hosts.target(m.SSH)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	home := m.APIMHome.ValueString()
	found, err := detectHome(ctx, t, home)
	if err == nil && found.configDoc == nil {
		err = missingConfigFile(ctx, t, home, found.configFile)
	}
	if err != nil {
		resp.Diagnostics.Append(fileError("Cannot Read the APIM Home", t, orFile(found.configFile, filePath(home, apim.CarbonXML)), err))
		return
	}
	if found.home.ProfileOptimized {
		backup := filePath(home, apim.DeploymentBackup)
		resp.Diagnostics.AddWarning("Home Optimised for a Profile",
			fmt.Sprintf("On %s, %s exists: %s. The offset here is the one deployment.toml holds now; the next start with --optimize replaces it with the profile template's.", t, backup, apim.ErrProfileOptimized))
	}
	fileOffset, err := found.home.Generation.Offset().Read(found.configDoc)
	if err != nil {
		resp.Diagnostics.Append(fileError("Cannot Read the Port Offset", t, found.configFile, err))
		return
	}
	flags, files, diags := readStartOffsets(ctx, t, home, found.home, m.SystemdUnit)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	offset, source, offsetFile := fileOffset, apim.FromConfigFile, found.configFile
	if w, ok := apim.Winner(flags...); ok {
		offset, source, offsetFile = w.Offset, w.Source, files[w.Source]
		resp.Diagnostics.Append(overrideWarning(t, found.configFile, fileOffset, w, flags, files))
	}
	if err := portsInRange(found.home, offset, found.bases); err != nil {
		resp.Diagnostics.Append(fileError("Invalid Port Offset", t, offsetFile, err))
		return
	}
	// The two endpoints are read at once, a session each.
	resp.Diagnostics.Append(allAtOnce(
		func() (diags diag.Diagnostics) {
			m.WebSocketPort, diags = webSocketPort(ctx, t, home, found.home, apim.WebSocket, "websocket", offset)
			return diags
		},
		func() (diags diag.Diagnostics) {
			m.WebSocketSecurePort, diags = webSocketPort(ctx, t, home, found.home, apim.SecureWebSocket, "websocket_secure", offset)
			return diags
		},
	)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.APIMVersion = versionValue(found.home)
	m.Distribution = types.StringValue(string(found.home.Distribution))
	m.ConfigFile = types.StringValue(found.configFile)
	m.FileOffset = types.Int64Value(fileOffset)
	m.Offset = types.Int64Value(offset)
	m.OffsetSource = types.StringValue(string(source))
	m.Ports = portsValue(found.home, offset, found.bases)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// missingConfigFile is why the home has no file holding its offset (neither
// deployment.toml nor carbon.xml, as detectHome found it): carbon.xml read
// again for the error, since detectHome takes one the login user may not
// read for one that is not there.
func missingConfigFile(ctx context.Context, t target.Target, home, carbonXML string) error {
	_, err := t.ReadFile(ctx, carbonXML)
	switch {
	case err == nil:
		return fmt.Errorf("%s appeared while the home was read; read it again", carbonXML)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s is not an APIM home: neither %s (APIM 3.x and later) nor %s (2.x) exists (%w)", home, apim.DeploymentTOML, apim.CarbonXML, err)
	}
	return err
}

// unitMissing is a systemd_unit that is not there: the advice is about
// that attribute, not apim_home.
type unitMissing struct{ err error }

func (e *unitMissing) Error() string { return e.err.Error() }
func (e *unitMissing) Unwrap() error { return e.err }

// readStartOffsets reads, in one round trip, the home's start script
// (apim.StartScripts: the first one the home has; none is fine) and the
// systemd unit when one is named, and returns the -DportOffset each passes
// with the file it is in. A unit that cannot be read, or a script or unit
// that passes a value the provider cannot read, is an error.
func readStartOffsets(ctx context.Context, t target.Target, home string, h apim.Home, unit types.String) ([]apim.StartOffset, map[apim.OffsetSource]string, diag.Diagnostics) {
	var diags diag.Diagnostics
	scripts := apim.StartScripts(h)
	paths := make([]string, len(scripts), len(scripts)+1)
	for i, rel := range scripts {
		paths[i] = filePath(home, rel)
	}
	if !unit.IsNull() {
		paths = append(paths, unit.ValueString())
	}
	docs, errs := t.ReadFiles(ctx, paths)
	var flags []apim.StartOffset
	files := map[apim.OffsetSource]string{}
	scriptRead := false
	for i, p := range paths {
		isUnit := i == len(scripts)
		if !isUnit && (scriptRead || errors.Is(errs[i], fs.ErrNotExist)) {
			continue
		}
		summary, parse := "Cannot Read the Start Script", apim.ScriptOffset
		if isUnit {
			summary, parse = "Cannot Read the Systemd Unit", apim.UnitOffset
		}
		err := errs[i]
		var s apim.StartOffset
		var found bool
		if err == nil {
			s, found, err = parse(docs[i])
		}
		if isUnit && errors.Is(err, fs.ErrNotExist) {
			err = &unitMissing{err}
		}
		if err != nil {
			diags.Append(fileError(summary, t, p, err))
			return nil, nil, diags
		}
		scriptRead = scriptRead || !isUnit
		if found {
			flags = append(flags, s)
			files[s.Source] = p
		}
	}
	return flags, files, diags
}

// overrideWarning says that the start offset w, in files[w.Source], makes
// the instance ignore the offset configFile sets, and of any other start
// offset found that it does not count.
func overrideWarning(t target.Target, configFile string, fileOffset int64, w apim.StartOffset, flags []apim.StartOffset, files map[apim.OffsetSource]string) diag.Diagnostic {
	summary, fix := "Start Script Overrides the Port Offset", ""
	if w.Source == apim.FromSystemdUnit {
		summary, fix = "Systemd Unit Overrides the Port Offset", " (then run systemctl daemon-reload)"
	}
	file := files[w.Source]
	detail := fmt.Sprintf("On %s, %s passes -DportOffset=%d (line %d), which the runtime uses instead of the offset in %s (%d): the instance runs at offset %d, and offset, ports and the WebSocket ports here follow it.",
		t, file, w.Offset, w.Line, configFile, fileOffset, w.Offset)
	for _, s := range flags {
		if s != w {
			detail += fmt.Sprintf(" %s also passes -DportOffset=%d (line %d), which comes earlier on the java command line and does not count.", files[s.Source], s.Offset, s.Line)
		}
	}
	detail += fmt.Sprintf("\n\nA change of the offset in the config file, by hand or with apim_instance_ports, has no effect while the flag is there. To keep the offset in one place, remove -DportOffset from %s%s and set the offset in %s.", file, fix, configFile)
	return diag.NewWarningDiagnostic(summary, detail)
}

// webSocketPort is the port endpoint e listens on when the instance of h
// runs at offset, by the runtime's rule for the home
// (apim.EndpointPort.Listening); null where h's distribution opens no such
// endpoint (portName in apim.Ports) or the home has no file for it.
func webSocketPort(ctx context.Context, t target.Target, home string, h apim.Home, e apim.Endpoint, portName string, offset int64) (types.Int64, diag.Diagnostics) {
	var diags diag.Diagnostics
	if _, opens := apim.ShiftedOn(h, offset, nil)[portName]; !opens {
		return types.Int64Null(), diags
	}
	found, err := detectEndpoint(ctx, t, home, e, true)
	if err == nil && found.doc == nil {
		return types.Int64Null(), diags
	}
	var port int64
	if err == nil {
		port, err = found.port.Listening(found.doc, func() (int64, error) { return offset, nil })
	}
	if err != nil {
		diags.Append(fileError("Cannot Read the WebSocket Port", t, found.file, err))
		return types.Int64Null(), diags
	}
	return types.Int64Value(port), diags
}
