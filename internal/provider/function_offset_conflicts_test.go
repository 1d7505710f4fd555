package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func runOffsetConflicts(offsets attr.Value, version string, distributions ...string) *function.RunResponse {
	elemType := types.ObjectType{AttrTypes: conflictAttrTypes}
	resp := &function.RunResponse{Result: function.NewResultData(types.ListUnknown(elemType))}
	req := function.RunRequest{Arguments: functionArgs([]attr.Value{types.DynamicValue(offsets), types.StringValue(version)}, distributions...)}
	offsetConflictsFunction{}.Run(context.Background(), req, resp)
	return resp
}

// A conflict and its ports as the tests write them.
type (
	wantConflict struct {
		a, b             string
		offsetA, offsetB int64
		ports            []wantPort
	}
	wantPort struct {
		port int64
		a, b string
	}
)

func conflictsValue(conflicts ...wantConflict) types.List {
	portType := types.ObjectType{AttrTypes: conflictPortAttrTypes}
	elems := []attr.Value{}
	for _, c := range conflicts {
		ports := []attr.Value{}
		for _, p := range c.ports {
			ports = append(ports, types.ObjectValueMust(conflictPortAttrTypes, map[string]attr.Value{
				"port": types.Int64Value(p.port), "a": types.StringValue(p.a), "b": types.StringValue(p.b),
			}))
		}
		elems = append(elems, types.ObjectValueMust(conflictAttrTypes, map[string]attr.Value{
			"a": types.StringValue(c.a), "b": types.StringValue(c.b),
			"offset_a": types.Int64Value(c.offsetA), "offset_b": types.Int64Value(c.offsetB),
			"ports": types.ListValueMust(portType, ports),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: conflictAttrTypes}, elems)
}

// offsetMap is a map(number) of offsets, as a typed variable passes it.
func offsetMap(offsets map[string]int64) types.Map {
	elems := map[string]attr.Value{}
	for k, o := range offsets {
		elems[k] = num(o)
	}
	return types.MapValueMust(types.NumberType, elems)
}

// offsetObject is an object of values, as a literal { a = 0, b = {...} }
// passes it.
func offsetObject(values map[string]attr.Value) types.Object {
	attrTypes := map[string]attr.Type{}
	for k, v := range values {
		attrTypes[k] = v.Type(context.Background())
	}
	return types.ObjectValueMust(attrTypes, values)
}

func offsetTuple(values ...attr.Value) types.Tuple {
	elemTypes := make([]attr.Type, len(values))
	for i, v := range values {
		elemTypes[i] = v.Type(context.Background())
	}
	return types.TupleValueMust(elemTypes, values)
}

func num(n int64) types.Number { return types.NumberValue(new(big.Float).SetInt64(n)) }

// TestOffsetConflictsFunction: the collisions of the 2.1.0 set (research
// §9), none for offsets a port distance apart of no port, per-instance
// distributions and versions, list and map keys, and the order of pairs.
func TestOffsetConflictsFunction(t *testing.T) {
	ldap := func(port int64, a, b string) wantPort { return wantPort{port, a, b} }
	for _, tc := range []struct {
		name          string
		offsets       attr.Value
		version       string
		distributions []string
		want          types.List
	}{
		{"2.1.0 0/8 share 10397", offsetMap(map[string]int64{"a": 0, "b": 8}), "2.1.0", nil,
			conflictsValue(wantConflict{"a", "b", 0, 8, []wantPort{{10397, "key_validation_thrift", "embedded_ldap"}}})},
		{"2.1.0 0/37 share 8280", offsetMap(map[string]int64{"store": 0, "gw": 37}), "2.1.0", nil,
			conflictsValue(wantConflict{"gw", "store", 37, 0, []wantPort{{8280, "gateway_https", "gateway_http"}}})},
		{"2.1.0 0/100 share 7711 and 9711", offsetMap(map[string]int64{"a": 0, "b": 100}), "2.1.0", nil,
			conflictsValue(wantConflict{"a", "b", 0, 100, []wantPort{
				{7711, "thrift_receiver_ssl", "thrift_receiver"}, {9711, "binary_receiver_ssl", "binary_receiver"},
			}})},
		{"2.1.0 0/1/2 share nothing", offsetMap(map[string]int64{"a": 0, "b": 1, "c": 2}), "2.1.0", nil, conflictsValue()},
		{"one instance", offsetMap(map[string]int64{"a": 0}), "2.1.0", nil, conflictsValue()},
		{"no instance", offsetMap(map[string]int64{}), "2.1.0", nil, conflictsValue()},
		{"4.2.0 all-in-ones 0/37 share 8280", offsetMap(map[string]int64{"a": 0, "b": 37}), "4.2.0", nil,
			conflictsValue(wantConflict{"a", "b", 0, 37, []wantPort{{8280, "gateway_http", "gateway_https"}}})},
		{"4.2.0 gateway 0 and traffic manager 37 share nothing",
			offsetObject(map[string]attr.Value{
				"gw": num(0),
				"tm": offsetObject(map[string]attr.Value{"offset": num(37), "distribution": types.StringValue("traffic-manager")}),
			}), "4.2.0", []string{"gateway"}, conflictsValue()},
		{"4.7.0 gateway 0 and traffic manager 37 share nothing, both named",
			offsetTuple(
				offsetObject(map[string]attr.Value{"offset": num(0), "distribution": types.StringValue("gateway")}),
				offsetObject(map[string]attr.Value{"offset": num(37), "distribution": types.StringValue("traffic-manager")}),
			), "4.7.0", nil, conflictsValue()},
		{"4.2.0 gateways 0/37 share 8280", offsetMap(map[string]int64{"a": 0, "b": 37}), "4.2.0", []string{"gateway"},
			conflictsValue(wantConflict{"a", "b", 0, 37, []wantPort{{8280, "gateway_http", "gateway_https"}}})},
		{"a list: keys are indexes", offsetTuple(num(0), num(8)), "2.1.0", nil,
			conflictsValue(wantConflict{"0", "1", 0, 8, []wantPort{{10397, "key_validation_thrift", "embedded_ldap"}}})},
		// Between the two, offsets further apart than any two ports of
		// one instance (11111 - 5672 = 5439).
		{"a list(number): indexes sorted as numbers",
			types.ListValueMust(types.NumberType, []attr.Value{num(6000), num(11500), num(8), num(17000), num(22500), num(28000), num(33500), num(39000), num(44500), num(50000), num(0)}),
			"2.1.0", nil,
			conflictsValue(
				wantConflict{"2", "10", 8, 0, []wantPort{{10397, "embedded_ldap", "key_validation_thrift"}}},
			)},
		{"pairs in key order", offsetMap(map[string]int64{"z": 0, "m": 8, "a": 16}), "2.1.0", nil,
			conflictsValue(
				wantConflict{"a", "m", 16, 8, []wantPort{ldap(10405, "embedded_ldap", "key_validation_thrift")}},
				wantConflict{"m", "z", 8, 0, []wantPort{ldap(10397, "embedded_ldap", "key_validation_thrift")}},
			)},
		{"a 2.1.0 and a 4.2.0 instance, versions of their own",
			offsetObject(map[string]attr.Value{
				"old": num(0),
				"new": offsetObject(map[string]attr.Value{"offset": num(8), "version": types.StringValue("4.2.0"), "distribution": types.StringNull()}),
			}), "2.1.0", nil,
			conflictsValue(wantConflict{"new", "old", 8, 0, []wantPort{{10397, "embedded_ldap", "key_validation_thrift"}}})},
		{"the same offset twice shares every port",
			offsetMap(map[string]int64{"a": 5, "b": 5}), "4.7.0", []string{"traffic-manager"},
			conflictsValue(wantConflict{"a", "b", 5, 5, trafficManagerPortsAt(5)})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := runOffsetConflicts(tc.offsets, tc.version, tc.distributions...)
			if resp.Error != nil {
				t.Fatalf("error: %s", resp.Error)
			}
			if got := resp.Result.Value(); !got.Equal(tc.want) {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// trafficManagerPortsAt is every port a 4.x traffic manager opens at
// offset, ascending, each facing itself.
func trafficManagerPortsAt(offset int64) []wantPort {
	var ports []wantPort
	for _, p := range []struct {
		name string
		base int64
	}{
		{"amqp", 5672}, {"kdc", 8000}, {"amqp_ssl", 8672}, {"servlet_https", 9443}, {"binary_receiver", 9611},
		{"binary_receiver_ssl", 9711}, {"servlet_http", 9763}, {"jmx_rmi_registry", 9999}, {"embedded_ldap", 10389},
		{"entitlement_thrift", 10500}, {"jmx_rmi_server", 11111},
	} {
		ports = append(ports, wantPort{p.base + offset, p.name, p.name})
	}
	return ports
}

// TestOffsetConflictsFunctionUnknown: while a value is unknown the
// conflicts cannot be told, and the result is unknown rather than a
// guess; a bad known value is still an error.
func TestOffsetConflictsFunctionUnknown(t *testing.T) {
	for name, offsets := range map[string]attr.Value{
		"an unknown offset": types.MapValueMust(types.NumberType, map[string]attr.Value{"a": num(0), "b": types.NumberUnknown()}),
		"an unknown distribution": offsetObject(map[string]attr.Value{
			"a": num(0),
			"b": offsetObject(map[string]attr.Value{"offset": num(8), "distribution": types.StringUnknown()}),
		}),
		"an unknown map": types.MapUnknown(types.NumberType),
	} {
		t.Run(name, func(t *testing.T) {
			resp := runOffsetConflicts(offsets, "2.1.0")
			if resp.Error != nil {
				t.Fatalf("error: %s", resp.Error)
			}
			if !resp.Result.Value().IsUnknown() {
				t.Errorf("got %s, want unknown", resp.Result.Value())
			}
		})
	}
	resp := runOffsetConflicts(types.MapValueMust(types.NumberType, map[string]attr.Value{"a": num(-1), "b": types.NumberUnknown()}), "2.1.0")
	if resp.Error == nil || !strings.Contains(resp.Error.Text, `offsets["a"]: expected a whole number from 0 to 54424, got -1`) {
		t.Errorf("a negative offset beside an unknown one: %v", resp.Error)
	}
}

// TestOffsetConflictsFunctionErrors: each bad argument is an error on that
// argument, naming the value and what is allowed.
func TestOffsetConflictsFunctionErrors(t *testing.T) {
	for _, tc := range []struct {
		name          string
		offsets       attr.Value
		version       string
		distributions []string
		argument      int64
		text          string
	}{
		{"negative offset", offsetMap(map[string]int64{"a": 0, "b": -1}), "2.1.0", nil, 0,
			`offsets["b"]: expected a whole number from 0 to 54424, got -1: 54424 is the largest offset`},
		{"offset too large", offsetTuple(num(0), num(54425)), "2.1.0", nil, 0,
			`offsets[1]: expected a whole number from 0 to 54424, got 54425`},
		{"fractional offset", offsetTuple(types.NumberValue(big.NewFloat(1.5))), "2.1.0", nil, 0,
			`offsets[0]: expected a whole number from 0 to 54424, the largest that keeps the highest port, jmx_rmi_server (11111 + offset), at or below 65535, got 1.5`},
		{"string offset", offsetObject(map[string]attr.Value{"a": types.StringValue("8")}), "2.1.0", nil, 0,
			`offsets["a"]: expected an offset, a whole number from 0 to 54424`},
		{"null offset", types.MapValueMust(types.NumberType, map[string]attr.Value{"a": types.NumberNull()}), "2.1.0", nil, 0,
			`offsets["a"] is null: expected an offset`},
		{"a set", types.SetValueMust(types.NumberType, []attr.Value{num(0), num(8)}), "2.1.0", nil, 0,
			`Expected a map or object of offsets keyed by instance name, such as { store = 0, gateway = 8 }, or a list of offsets, got a set, which has no keys to name its elements`},
		{"a number", num(8), "2.1.0", nil, 0, `got a number`},
		{"an object without offset", offsetObject(map[string]attr.Value{"a": offsetObject(map[string]attr.Value{"version": types.StringValue("4.2.0")})}), "2.1.0", nil, 0,
			`offsets["a"] has no offset: expected an object with offset and, optionally, version and distribution`},
		{"an object with another attribute", offsetObject(map[string]attr.Value{"a": offsetObject(map[string]attr.Value{"offset": num(0), "port": num(1)})}), "2.1.0", nil, 0,
			`offsets["a"] has the attribute "port": expected an object with offset`},
		{"a bad distribution of an instance", offsetTuple(offsetObject(map[string]attr.Value{"offset": num(0), "distribution": types.StringValue("worker")})), "4.2.0", nil, 0,
			`offsets[0].distribution: expected a distribution, one of "all-in-one", "control-plane", "gateway", "traffic-manager", got "worker"`},
		{"a gateway of 2.x", offsetTuple(offsetObject(map[string]attr.Value{"offset": num(0), "distribution": types.StringValue("gateway")})), "2.1.0", nil, 0,
			`offsets[0].distribution: APIM 2.1.0 has only the "all-in-one" distribution, got "gateway"`},
		{"a 2.x instance among gateways", offsetTuple(num(0), offsetObject(map[string]attr.Value{"offset": num(8), "version": types.StringValue("2.1.0")})), "4.2.0", []string{"gateway"}, 0,
			`offsets[1]: APIM 2.1.0 has only the "all-in-one" distribution, got "gateway", from the distribution argument: give this instance its own distribution = "all-in-one"`},
		{"a bad version of an instance", offsetTuple(offsetObject(map[string]attr.Value{"offset": num(0), "version": types.StringValue("4")})), "4.2.0", nil, 0,
			`offsets[0].version: expected a version major.minor.patch with major 2, 3 or 4`},
		{"a version that is not a string", offsetTuple(offsetObject(map[string]attr.Value{"offset": num(0), "version": num(4)})), "4.2.0", nil, 0,
			`offsets[0].version: expected a string, got a number`},
		{"unknown version", offsetMap(map[string]int64{"a": 0}), "4.2", nil, 1,
			`Expected a version major.minor.patch with major 2, 3 or 4, such as "2.1.0", "3.2.0" or "4.2.0", got "4.2"`},
		{"bad distribution", offsetMap(map[string]int64{"a": 0}), "4.2.0", []string{"worker"}, 2,
			`Expected a distribution, one of "all-in-one", "control-plane", "gateway", "traffic-manager", got "worker"`},
		{"a gateway of 2.x for all", offsetMap(map[string]int64{"a": 0}), "2.1.0", []string{"gateway"}, 2,
			`APIM 2.1.0 has only the "all-in-one" distribution, got "gateway"`},
		{"two distributions", offsetMap(map[string]int64{"a": 0}), "4.2.0", []string{"gateway", "gateway"}, 3,
			`At most one distribution may be given, got 2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := runOffsetConflicts(tc.offsets, tc.version, tc.distributions...)
			if resp.Error == nil {
				t.Fatalf("no error, result %s", resp.Result.Value())
			}
			if resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != tc.argument {
				t.Errorf("error on argument %v, want %d", resp.Error.FunctionArgument, tc.argument)
			}
			if !strings.Contains(resp.Error.Text, tc.text) {
				t.Errorf("error %q does not say %q", resp.Error.Text, tc.text)
			}
		})
	}
}

// TestOffsetConflictsFunction_acceptance calls provider::apim::offset_conflicts
// from a configuration through the real terraform CLI: a map literal, a
// typed map(number) variable, a list, per-instance distributions, and a
// precondition that refuses a colliding pair as the function's docs show.
func TestOffsetConflictsFunction_acceptance(t *testing.T) {
	conflict := func(a, b string, offsetA, offsetB int64, ports ...knownvalue.Check) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"a": knownvalue.StringExact(a), "b": knownvalue.StringExact(b),
			"offset_a": knownvalue.Int64Exact(offsetA), "offset_b": knownvalue.Int64Exact(offsetB),
			"ports": knownvalue.ListExact(ports),
		})
	}
	port := func(p int64, a, b string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"port": knownvalue.Int64Exact(p), "a": knownvalue.StringExact(a), "b": knownvalue.StringExact(b),
		})
	}
	const config = `
variable "offsets" {
  type    = map(number)
  default = { store = 0, gateway = 100 }
}

output "literal" {
  value = provider::apim::offset_conflicts({ store = 0, publisher = 8, gateway = 37 }, "2.1.0")
}

output "variable" {
  value = provider::apim::offset_conflicts(var.offsets, "2.1.0")
}

output "list" {
  value = provider::apim::offset_conflicts([0, 1, 2], "2.1.0")
}

output "gateway_and_traffic_manager" {
  value = provider::apim::offset_conflicts({
    gw = 0
    tm = { offset = 37, distribution = "traffic-manager" }
  }, "4.2.0", "gateway")
}
`
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionsSupported,
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("literal", knownvalue.ListExact([]knownvalue.Check{
						conflict("gateway", "store", 37, 0, port(8280, "gateway_https", "gateway_http")),
						conflict("publisher", "store", 8, 0, port(10397, "embedded_ldap", "key_validation_thrift")),
					})),
					statecheck.ExpectKnownOutputValue("variable", knownvalue.ListExact([]knownvalue.Check{
						conflict("gateway", "store", 100, 0,
							port(7711, "thrift_receiver", "thrift_receiver_ssl"), port(9711, "binary_receiver", "binary_receiver_ssl")),
					})),
					statecheck.ExpectKnownOutputValue("list", knownvalue.ListExact([]knownvalue.Check{})),
					statecheck.ExpectKnownOutputValue("gateway_and_traffic_manager", knownvalue.ListExact([]knownvalue.Check{})),
				},
			},
			{
				// The precondition of the function's docs.
				Config: `
locals {
  unmanaged = { legacy_store = 0, legacy_gateway = 37 }
}

resource "terraform_data" "host_offsets" {
  input = local.unmanaged

  lifecycle {
    precondition {
      condition = length(provider::apim::offset_conflicts(local.unmanaged, "2.1.0")) == 0
      error_message = join("; ", [
        for c in provider::apim::offset_conflicts(local.unmanaged, "2.1.0") :
        "${c.a} (offset ${c.offset_a}) and ${c.b} (offset ${c.offset_b}) both listen on ${join(", ", [for p in c.ports : p.port])}"
      ])
    }
  }
}
`,
				ExpectError: diagText("Resource precondition failed", "legacy_gateway (offset 37) and legacy_store (offset 0) both listen on 8280"),
			},
			{
				Config:      `output "c" { value = provider::apim::offset_conflicts({ a = 0, b = -8 }, "2.1.0") }`,
				ExpectError: diagText(`Invalid value for "offsets" parameter: offsets["b"]: expected a whole number from 0 to 54424, got -8`),
			},
			{
				Config:      `output "c" { value = provider::apim::offset_conflicts({ a = 0 }, "4.x") }`,
				ExpectError: diagText(`Invalid value for "version" parameter: Expected a version major.minor.patch with major 2, 3 or 4`, `got "4.x".`),
			},
			{
				Config:      `output "c" { value = provider::apim::offset_conflicts({ a = 0 }, "4.2.0", "gw") }`,
				ExpectError: diagText(`Invalid value for "distribution" parameter: Expected a distribution, one of "all-in-one", "control-plane", "gateway", "traffic-manager", got "gw".`),
			},
		},
	})
}
