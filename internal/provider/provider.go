package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ provider.Provider              = (*apimProvider)(nil)
	_ provider.ProviderWithFunctions = (*apimProvider)(nil)
)

// The names Terraform knows the provider and its resources by.
const (
	providerTypeName     = "apim"
	instancePortsType    = providerTypeName + "_instance_ports"
	webSocketInboundType = providerTypeName + "_websocket_inbound"
	instanceType         = providerTypeName + "_instance"
)

// apimProvider serves the apim resources. One process serves one terraform
// command, so its connection pool lives as long as that command.
type apimProvider struct {
	version string
	hosts   *hosts
}

type apimProviderModel struct {
	SSH types.Object `tfsdk:"ssh"`
}

// New returns the constructor Terraform's plugin server calls.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &apimProvider{version: version, hosts: newHosts()}
	}
}

func (p *apimProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
	resp.Version = p.version
}

func (p *apimProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages the port offsets of WSO2 API Manager instances: `<Offset>` in carbon.xml, the hard-coded ports that the offset does not move, and every shifted port, known at plan time so load balancers can follow. Files are edited in place, byte for byte, on the local filesystem or over SSH.",
		Attributes: map[string]schema.Attribute{
			"ssh": sshProviderAttribute(),
		},
	}
}

func (p *apimProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg apimProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p.hosts.configure(cfg.SSH)
	resp.ResourceData = p.hosts
	resp.DataSourceData = p.hosts
}

func (p *apimProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewInstancePortsResource,
		NewWebSocketInboundResource,
	}
}

func (p *apimProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewInstanceDataSource,
	}
}

// Functions are pure: they read no file and need no configuration.
func (p *apimProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewPortsFunction,
		NewOffsetConflictsFunction,
	}
}
