package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	apimprovider "github.com/portoffset/terraform-provider-apim/internal/provider"
)

// floorVersion is the version the floor reports, so that a log or an error
// never mistakes it for a release of the real provider.
const floorVersion = "floor"

// floorProvider lends the real provider's name and schemas and does nothing
// else. The real provider is only asked for them, never configured.
type floorProvider struct {
	real provider.Provider
}

func newFloorProvider() provider.Provider {
	return &floorProvider{real: apimprovider.New(floorVersion)()}
}

func (p *floorProvider) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.real.Metadata(ctx, req, resp)
}

func (p *floorProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.real.Schema(ctx, req, resp)
}

// Configure keeps the provider's ssh object, which the resources' ids name
// (the floor never connects), and the homes' facts the bench gives it
// (plan.go).
func (p *floorProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	c, diags := configure(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	resp.ResourceData = c
}

// Resources wraps every resource of the real provider, so a resource added
// there is in the floor too.
func (p *floorProvider) Resources(ctx context.Context) []func() resource.Resource {
	var floors []func() resource.Resource
	for _, newReal := range p.real.Resources(ctx) {
		floors = append(floors, func() resource.Resource {
			res := newReal()
			var md resource.MetadataResponse
			res.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "apim"}, &md)
			return &floorResource{real: res, typeName: md.TypeName}
		})
	}
	return floors
}

// DataSources are the real provider's, so that the schemas are the same;
// the bench's configurations use none.
func (p *floorProvider) DataSources(ctx context.Context) []func() datasource.DataSource {
	return p.real.DataSources(ctx)
}

// Functions are the real provider's, which are pure: the same schema, and
// the same work where a configuration calls one.
func (p *floorProvider) Functions(ctx context.Context) []func() function.Function {
	if withFunctions, ok := p.real.(provider.ProviderWithFunctions); ok {
		return withFunctions.Functions(ctx)
	}
	return nil
}

// floorResource has a real resource's type name and schema, with the plan
// modifiers, defaults and validators inside the schema, but none of its
// ValidateConfig or file access. Its ModifyPlan plans the values the real
// one plans, from what the bench tells it of the homes rather than from
// their files (plan.go); whatever is planned is stored as is.
type floorResource struct {
	real     resource.Resource
	typeName string
	config   *floorConfig
}

var (
	_ resource.ResourceWithConfigure  = (*floorResource)(nil)
	_ resource.ResourceWithModifyPlan = (*floorResource)(nil)
)

func (r *floorResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*floorConfig); ok {
		r.config = c
	}
}

func (r *floorResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.real.Metadata(ctx, req, resp)
}

func (r *floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.real.Schema(ctx, req, resp)
}

func (r *floorResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.Append(store(req.Plan.Raw, &resp.State)...)
}

func (r *floorResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(store(req.Plan.Raw, &resp.State)...)
}

// store makes the plan the new state, unknown values zero.
func store(plan tftypes.Value, state *tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	raw, err := knownOrZero(plan)
	if err != nil {
		diags.AddError("Floor Provider", err.Error())
		return diags
	}
	state.Raw = raw
	return diags
}

// Read keeps the state it is given: there is nothing to compare it with.
func (r *floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
}

// Delete has nothing to undo; the framework drops the resource from state.
func (r *floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// knownOrZero is plan with every unknown value replaced by the zero value
// of its type, objects with every attribute zero. Without the real
// ModifyPlan, computed attributes stay unknown in the plan, and the state
// after apply may hold no unknown value. Zero rather than null keeps the
// state as large as the real provider's (the ports object has every port),
// so that Terraform's own handling of it costs the floor what it costs us.
func knownOrZero(plan tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(plan, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return zeroOf(v.Type()), nil
		}
		return v, nil
	})
}

// zeroOf is the zero value of the types the schemas use.
func zeroOf(t tftypes.Type) tftypes.Value {
	if obj, ok := t.(tftypes.Object); ok {
		attrs := map[string]tftypes.Value{}
		for name, at := range obj.AttributeTypes {
			attrs[name] = zeroOf(at)
		}
		return tftypes.NewValue(t, attrs)
	}
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, "")
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, 0)
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, false)
	default: // collections: empty
		return tftypes.NewValue(t, nil)
	}
}
