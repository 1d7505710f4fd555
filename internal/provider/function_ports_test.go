package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// functionArgs are the arguments of a call: the fixed ones, then the
// variadic distributions as the framework passes them, in one tuple.
func functionArgs(fixed []attr.Value, distributions ...string) function.ArgumentsData {
	elemTypes := make([]attr.Type, len(distributions))
	elems := make([]attr.Value, len(distributions))
	for i, d := range distributions {
		elemTypes[i], elems[i] = types.StringType, types.StringValue(d)
	}
	return function.NewArgumentsData(append(fixed, types.TupleValueMust(elemTypes, elems)))
}

func runPorts(offset int64, version string, distributions ...string) *function.RunResponse {
	resp := &function.RunResponse{Result: function.NewResultData(types.ObjectUnknown(portAttrTypes()))}
	req := function.RunRequest{Arguments: functionArgs([]attr.Value{types.Int64Value(offset), types.StringValue(version)}, distributions...)}
	portsFunction{}.Run(context.Background(), req, resp)
	return resp
}

// portsWithout is the ports object of an instance at offset that opens
// every port but the ones named: the rule of each case written out, not
// computed by the code under test.
func portsWithout(offset int64, closed ...string) types.Object {
	values := map[string]attr.Value{}
	for _, p := range apim.Ports {
		values[p.Name] = types.Int64Value(p.Base + offset)
	}
	for _, name := range closed {
		values[name] = types.Int64Null()
	}
	return types.ObjectValueMust(portAttrTypes(), values)
}

// The ports each family does not open (research §9, wso2-3x-4x.md §A).
var (
	closedOn2x   = []string{"webhook_http", "webhook_https"}
	closedOn3x   = []string{"webhook_http", "webhook_https", "thrift_receiver", "thrift_receiver_ssl", "key_validation_thrift"}
	closedOn4x   = []string{"thrift_receiver", "thrift_receiver_ssl", "key_validation_thrift"}
	noGateway    = []string{"gateway_http", "gateway_https", "websocket", "websocket_secure"}
	closedOn4xCP = append(append([]string{"webhook_http", "webhook_https"}, closedOn4x...), noGateway...)
	closedOn3xCP = append(append([]string{}, closedOn3x...), noGateway...)
)

// TestPortsFunction: every version family and distribution gives the
// ports object apim_instance_ports reports, null where the instance does
// not open a port.
func TestPortsFunction(t *testing.T) {
	for _, tc := range []struct {
		offset        int64
		version       string
		distributions []string
		want          types.Object
		// spot checks of literal ports, null as 0
		spot map[string]int64
	}{
		{3, "2.1.0", nil, portsWithout(3, closedOn2x...), map[string]int64{"key_validation_thrift": 10400, "thrift_receiver": 7614, "servlet_https": 9446, "webhook_http": 0}},
		{3, "2.1.0", []string{"all-in-one"}, portsWithout(3, closedOn2x...), nil},
		{0, "2.6.0", nil, portsWithout(0, closedOn2x...), map[string]int64{"jmx_rmi_server": 11111}},
		{3, "3.2.0", nil, portsWithout(3, closedOn3x...), map[string]int64{"websocket": 9102, "thrift_receiver": 0, "webhook_https": 0}},
		{3, "3.2.0", []string{"control-plane"}, portsWithout(3, closedOn3xCP...), map[string]int64{"gateway_https": 0, "servlet_https": 9446}},
		{3, "3.2.0", []string{"gateway"}, portsWithout(3, closedOn3x...), map[string]int64{"gateway_https": 8246}},
		{3, "4.0.0", nil, portsWithout(3, closedOn4x...), map[string]int64{"webhook_http": 9024}},
		{3, "4.2.0", nil, portsWithout(3, closedOn4x...), map[string]int64{"webhook_http": 9024, "webhook_https": 8024, "key_validation_thrift": 0}},
		{3, "4.7.0", nil, portsWithout(3, closedOn4x...), nil},
		{3, "4.7.0", []string{"all-in-one"}, portsWithout(3, closedOn4x...), nil},
		{3, "4.7.0", []string{"control-plane"}, portsWithout(3, closedOn4xCP...), map[string]int64{"gateway_http": 0, "websocket": 0, "amqp": 5675}},
		{3, "4.7.0", []string{"gateway"}, portsWithout(3, closedOn4x...), map[string]int64{"gateway_http": 8283, "webhook_https": 8024}},
		{3, "4.7.0", []string{"traffic-manager"}, portsWithout(3, closedOn4xCP...), map[string]int64{"gateway_http": 0, "binary_receiver": 9614}},
		// the largest offset: the highest port lands on 65535
		{apim.MaxOffset(), "4.2.0", nil, portsWithout(apim.MaxOffset(), closedOn4x...), map[string]int64{"jmx_rmi_server": 65535}},
	} {
		t.Run(fmt.Sprintf("%d/%s/%v", tc.offset, tc.version, tc.distributions), func(t *testing.T) {
			resp := runPorts(tc.offset, tc.version, tc.distributions...)
			if resp.Error != nil {
				t.Fatalf("error: %s", resp.Error)
			}
			got, ok := resp.Result.Value().(types.Object)
			if !ok || !got.Equal(tc.want) {
				t.Fatalf("got %s\nwant %s", resp.Result.Value(), tc.want)
			}
			for name, port := range tc.spot {
				v, ok := got.Attributes()[name].(types.Int64)
				if !ok {
					t.Fatalf("%s is %T", name, got.Attributes()[name])
				}
				if port == 0 && !v.IsNull() || port != 0 && v.ValueInt64() != port {
					t.Errorf("%s = %s, want %d (0: null)", name, v, port)
				}
			}
		})
	}
}

// TestPortsFunctionErrors: each bad argument is an error on that argument
// naming what is allowed.
func TestPortsFunctionErrors(t *testing.T) {
	for _, tc := range []struct {
		offset        int64
		version       string
		distributions []string
		argument      int64
		text          string
	}{
		{-1, "2.1.0", nil, 0, "Expected a whole number from 0 to 54424, got -1: 54424 is the largest offset that keeps the highest port, jmx_rmi_server (11111 + offset), at or below 65535"},
		{apim.MaxOffset() + 1, "4.2.0", nil, 0, "Expected a whole number from 0 to 54424, got 54425: 54424 is the largest offset"},
		{0, "4.2", nil, 1, `Expected a version major.minor.patch with major 2, 3 or 4, such as "2.1.0", "3.2.0" or "4.2.0", got "4.2"`},
		{0, "v4.2.0", nil, 1, `got "v4.2.0"`},
		{0, "4.2.0-SNAPSHOT", nil, 1, `got "4.2.0-SNAPSHOT"`},
		{0, "latest", nil, 1, `got "latest"`},
		{0, "", nil, 1, `got ""`},
		{0, "1.10.0", nil, 1, `got "1.10.0"`},
		{0, "5.0.0", nil, 1, `got "5.0.0"`},
		{0, "4.2.0", []string{"worker"}, 2, `Expected a distribution, one of "all-in-one", "control-plane", "gateway", "traffic-manager", got "worker"`},
		{0, "4.2.0", []string{"Gateway"}, 2, `got "Gateway"`},
		{0, "2.1.0", []string{"gateway"}, 2, `APIM 2.1.0 has only the "all-in-one" distribution, got "gateway"`},
		{0, "4.2.0", []string{"gateway", "traffic-manager"}, 3, `At most one distribution may be given, got 2: "gateway", "traffic-manager"`},
	} {
		t.Run(fmt.Sprintf("%d/%s/%v", tc.offset, tc.version, tc.distributions), func(t *testing.T) {
			resp := runPorts(tc.offset, tc.version, tc.distributions...)
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

// functionsSupported: provider functions need Terraform 1.8 (OpenTofu
// 1.7); an older CLI cannot parse provider::apim:: calls at all. The check
// compares the number the CLI reports, and OpenTofu reports its own: 1.12.6
// runs these tests, and only an OpenTofu 1.7.x would skip them needlessly.
var functionsSupported = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

// TestPortsFunction_acceptance calls provider::apim::ports from a
// configuration through the real terraform CLI, and checks that it gives
// exactly what apim_instance_ports reports as ports for real homes of each
// family (2.1.0, 3.2.0, 4.2.0 and the 4.7.0 traffic manager), read from
// their files.
func TestPortsFunction_acceptance(t *testing.T) {
	homes := map[string]string{"v210": newHome(t)}
	for _, d := range distFixtures {
		switch d.dir {
		case "apim-3.2.0", "apim-4.2.0", "apim-4.7.0-traffic-manager":
			homes["v"+strings.NewReplacer("apim-", "", ".", "", "-", "_").Replace(d.dir)] = newDistHome(t, d)
		}
	}
	var config strings.Builder
	for i, name := range slices.Sorted(maps.Keys(homes)) {
		// Offsets 3 to 6: instances on one host whose ports meet are
		// refused at plan time.
		offset := 3 + i
		fmt.Fprintf(&config, `
resource "apim_instance_ports" %[1]q {
  apim_home = %[2]q
  offset    = %[3]d
}

output "same_%[1]s" {
  value = provider::apim::ports(%[3]d, apim_instance_ports.%[1]s.apim_version, apim_instance_ports.%[1]s.distribution) == apim_instance_ports.%[1]s.ports
}
`, name, homes[name], offset)
	}
	config.WriteString(`
output "v210" {
  value = provider::apim::ports(3, "2.1.0")
}

output "v470_gateway" {
  value = provider::apim::ports(0, "4.7.0", "gateway")
}
`)
	v470, _ := apim.ParseVersion("4.7.0")
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValue("v210", expectedPorts(apim.CarbonHome, 3)),
		statecheck.ExpectKnownOutputValue("v470_gateway", expectedPorts(apim.Home{Generation: apim.Deployment3, Version: v470, Distribution: apim.Gateway}, 0)),
	}
	for name := range homes {
		checks = append(checks, statecheck.ExpectKnownOutputValue("same_"+name, knownvalue.Bool(true)))
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionsSupported,
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: config.String(), ConfigStateChecks: checks}},
	})
}

// TestPortsFunction_acceptanceErrors: a negative offset, an unknown
// version and a bad distribution fail the plan with the function's error
// on the argument, as Terraform shows it.
func TestPortsFunction_acceptanceErrors(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   functionsSupported,
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:      `output "p" { value = provider::apim::ports(-1, "2.1.0") }`,
				ExpectError: diagText(`Invalid value for "offset" parameter: Expected a whole number from 0 to 54424, got -1: 54424 is the largest offset`),
			},
			{
				Config:      `output "p" { value = provider::apim::ports(0, "4.2") }`,
				ExpectError: diagText(`Invalid value for "version" parameter: Expected a version major.minor.patch with major 2, 3 or 4`, `got "4.2".`),
			},
			{
				Config:      `output "p" { value = provider::apim::ports(0, "4.2.0", "worker") }`,
				ExpectError: diagText(`Invalid value for "distribution" parameter: Expected a distribution, one of "all-in-one", "control-plane", "gateway", "traffic-manager", got "worker".`),
			},
			{
				Config:      `output "p" { value = provider::apim::ports(0, "2.1.0", "gateway") }`,
				ExpectError: diagText(`Invalid value for "distribution" parameter: APIM 2.1.0 has only the "all-in-one" distribution, got "gateway".`),
			},
		},
	})
}

// TestPortsFunctionNullTableMatchesTheDomain: the table of null ports in
// the function's documentation says, for each version family and
// distribution, exactly the ports the function gives as null.
func TestPortsFunctionNullTableMatchesTheDomain(t *testing.T) {
	doc, err := os.ReadFile("../../templates/functions/ports.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]string{"2.x": "2.1.0", "3.x": "3.2.0", "4.x": "4.7.0"}
	rows := regexp.MustCompile(`(?m)^\| ([234]\.x) \| ([^|]+) \| ([^|]+) \|$`).FindAllSubmatch(doc, -1)
	backticked := regexp.MustCompile("`([a-z_-]+)`")
	var previous []string
	covered := map[string]bool{}
	for _, r := range rows {
		var null []string
		if strings.HasPrefix(string(r[3]), "as above") {
			null = append(null, previous...)
		}
		for _, m := range backticked.FindAllSubmatch(r[3], -1) {
			null = append(null, string(m[1]))
		}
		previous = null
		for _, m := range backticked.FindAllSubmatch(r[2], -1) {
			version, distribution := versions[string(r[1])], string(m[1])
			covered[string(r[1])+"/"+distribution] = true
			resp := runPorts(0, version, distribution)
			if resp.Error != nil {
				t.Fatalf("%s %s: %s", version, distribution, resp.Error)
			}
			got, ok := resp.Result.Value().(types.Object)
			if !ok {
				t.Fatalf("%s %s: result %T", version, distribution, resp.Result.Value())
			}
			var gotNull []string
			for name, v := range got.Attributes() {
				if v.IsNull() {
					gotNull = append(gotNull, name)
				}
			}
			slices.Sort(gotNull)
			slices.Sort(null)
			if !slices.Equal(gotNull, null) {
				t.Errorf("the docs say %s %s has null %v, the function gives %v", r[1], distribution, null, gotNull)
			}
		}
	}
	if want := 1 + 2*len(apim.Distributions); len(covered) != want {
		t.Errorf("the table covers %d version families and distributions, want %d: %v", len(covered), want, covered)
	}
}
