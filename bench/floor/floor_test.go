package main

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	apimprovider "github.com/portoffset/terraform-provider-apim/internal/provider"
)

// TestFloorSchemaIsTheReal compares what Terraform is told, so a floor that
// dropped or altered a schema, and so changed Terraform's work, fails here.
func TestFloorSchemaIsTheReal(t *testing.T) {
	schemaOf := func(serve func() tfprotov6.ProviderServer) *tfprotov6.GetProviderSchemaResponse {
		resp, err := serve().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) > 0 {
			t.Fatalf("GetProviderSchema: %+v", resp.Diagnostics)
		}
		return resp
	}
	floor := schemaOf(providerserver.NewProtocol6(newFloorProvider()))
	apim := schemaOf(providerserver.NewProtocol6(apimprovider.New(floorVersion)()))
	if !reflect.DeepEqual(floor.Provider, apim.Provider) {
		t.Error("the provider schema differs")
	}
	if len(floor.ResourceSchemas) != len(apim.ResourceSchemas) {
		t.Errorf("the floor has %d resources, the real provider %d", len(floor.ResourceSchemas), len(apim.ResourceSchemas))
	}
	for name, want := range apim.ResourceSchemas {
		if !reflect.DeepEqual(floor.ResourceSchemas[name], want) {
			t.Errorf("the schema of %s differs", name)
		}
	}
	if !reflect.DeepEqual(floor, apim) {
		t.Error("the GetProviderSchema responses differ")
	}
}

// floorResources names homes that do not exist, so the real provider would
// fail to plan them; with provider-level ssh it would also try to reach
// 203.0.113.1 (TEST-NET-3, never routed). A clean apply, an empty re-plan
// and a destroy show that the floor touched neither.
const floorResources = `
resource "apim_instance_ports" "a" {
  apim_home = "/nonexistent/home-a"
  offset    = 3
}

resource "apim_websocket_inbound" "b" {
  apim_home = "/nonexistent/home-b"
  offset    = 3
}
`

const floorSSHProvider = `
provider "apim" {
  ssh = {
    host = "203.0.113.1"
    user = "x"
  }
}
`

func TestFloorAppliesWithoutIO(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config string
	}{
		{"local", floorResources},
		{"ssh", floorSSHProvider + floorResources},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
					"apim": providerserver.NewProtocol6WithError(newFloorProvider()),
				},
				Steps: []resource.TestStep{{
					Config: tc.config,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("apim_instance_ports.a", tfjsonpath.New("offset"), knownvalue.Int64Exact(3)),
						statecheck.ExpectKnownValue("apim_websocket_inbound.b", tfjsonpath.New("offset"), knownvalue.Int64Exact(3)),
						// Without the bench's facts the floor, like the real
						// provider on a home it cannot read, leaves the ports
						// unknown; zero shows the floor's apply stored the plan,
						// with every unknown value made zero.
						statecheck.ExpectKnownValue("apim_instance_ports.a", tfjsonpath.New("ports").AtMapKey("servlet_https"), knownvalue.Int64Exact(0)),
						// The WebSocket port needs no file: base_port + offset,
						// planned as the real provider plans it.
						statecheck.ExpectKnownValue("apim_websocket_inbound.b", tfjsonpath.New("port"), knownvalue.Int64Exact(9102)),
						// Defaults in the schema still apply: the schema is the real one.
						statecheck.ExpectKnownValue("apim_instance_ports.a", tfjsonpath.New("on_destroy"), knownvalue.StringExact("restore")),
					},
				}},
			})
		})
	}
}
