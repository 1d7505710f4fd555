package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/portoffset/terraform-provider-apim/bench/internal/benchhome"
	apimprovider "github.com/portoffset/terraform-provider-apim/internal/provider"
)

// planned records the planned values of every resource of a plan: after,
// and which of them are unknown.
type planned struct{ into *map[string]any }

func (p planned) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	m := map[string]any{}
	for _, rc := range req.Plan.ResourceChanges {
		m[rc.Address] = map[string]any{"after": rc.Change.After, "after_unknown": rc.Change.AfterUnknown}
	}
	*p.into = m
}

// planOf lays out one home per resource of the bench's layout under dir
// and returns what Terraform plans for a new apim_instance_ports and a new
// apim_websocket_inbound on them (as `terraform plan -json` would show it),
// then applies and destroys as the bench does.
func planOf(t *testing.T, p func() provider.Provider, files map[string][]byte, dir string) map[string]any {
	t.Helper()
	for _, home := range []string{"ports", "websocket"} {
		for rel, b := range files {
			f := filepath.Join(dir, home, rel)
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var plan map[string]any
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"apim": providerserver.NewProtocol6WithError(p()),
		},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "apim" {}

resource "apim_instance_ports" "bench" {
  apim_home = %q
  offset    = 7
}

resource "apim_websocket_inbound" "bench" {
  apim_home = %q
  offset    = 8
}
`, filepath.Join(dir, "ports"), filepath.Join(dir, "websocket")),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{planned{&plan}},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
	return plan
}

// TestFloorPlansTheRealValues runs the real provider and the floor, told
// the homes' facts as the bench tells it, on homes of each of the bench's
// layouts, and compares every planned value: the floor is fair when
// Terraform is shown the same plan for both.
func TestFloorPlansTheRealValues(t *testing.T) {
	for version, l := range benchhome.Layouts {
		t.Run(version, func(t *testing.T) {
			files, err := l.Read("../..")
			if err != nil {
				t.Fatal(err)
			}
			facts, err := benchhome.Describe(files)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			want := planOf(t, apimprovider.New("test"), files, dir)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			t.Setenv(benchhome.EnvVar, facts.Encode())
			floor := planOf(t, newFloorProvider, files, dir)
			if js, _ := json.Marshal(want); testing.Verbose() {
				t.Logf("planned: %s", js)
			}
			if !reflect.DeepEqual(floor, want) {
				r, _ := json.MarshalIndent(want, "", " ")
				f, _ := json.MarshalIndent(floor, "", " ")
				t.Errorf("the floor plans other values than the real provider\nreal:\n%s\nfloor:\n%s", r, f)
			}
			// Nothing left to compute at apply: every value known.
			for addr, rc := range want {
				change, _ := rc.(map[string]any)
				if u, _ := change["after_unknown"].(map[string]any); len(u) > 0 {
					t.Errorf("%s: unknown at plan: %v", addr, u)
				}
			}
		})
	}
}

// TestFloorPlace checks the floor's ids name the host as the real
// provider's do: the resource's ssh host and port over the provider's, port
// 22 by default, nothing for local files.
func TestFloorPlace(t *testing.T) {
	obj := func(host string, port int64) types.Object {
		h, p := types.StringNull(), types.Int64Null()
		if host != "" {
			h = types.StringValue(host)
		}
		if port != 0 {
			p = types.Int64Value(port)
		}
		return types.ObjectValueMust(map[string]attr.Type{"host": types.StringType, "port": types.Int64Type},
			map[string]attr.Value{"host": h, "port": p})
	}
	null := types.ObjectNull(map[string]attr.Type{"host": types.StringType, "port": types.Int64Type})
	for _, tc := range []struct {
		provider, resource types.Object
		want               string
	}{
		{null, null, ""},
		{null, obj("127.0.0.2", 2222), "ssh://127.0.0.2:2222"},
		{obj("h.example", 0), null, "ssh://h.example:22"},
		{obj("h.example", 2200), obj("", 2222), "ssh://h.example:2222"},
		{obj("h.example", 0), obj("::1", 0), "ssh://[::1]:22"},
	} {
		c := &floorConfig{ssh: tc.provider}
		if got, known := c.place(tc.resource); got != tc.want || !known {
			t.Errorf("place(%v over %v) = %q, %v; want %q", tc.resource, tc.provider, got, known, tc.want)
		}
	}
}
