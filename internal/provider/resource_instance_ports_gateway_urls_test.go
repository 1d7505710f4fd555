package provider

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// shippedGatewayURLs are the literals 3.x/4.x all-in-one homes ship in
// [[apim.gateway.environment]] (the WebSub ones from 4.0), with the port
// base each names.
var shippedGatewayURLs = []struct {
	key, scheme string
	base        int
}{
	{"ws_endpoint", "ws", 9099},
	{"wss_endpoint", "wss", 8099},
	{"websub_event_receiver_http_endpoint", "http", 9021},
	{"websub_event_receiver_https_endpoint", "https", 8021},
}

// gatewayURLLine is the line that sets key to scheme://host:port.
func gatewayURLLine(key, scheme, host string, port int) string {
	return fmt.Sprintf("%s = \"%s://%s:%d\"", key, scheme, host, port)
}

// withGatewayURLs is doc with the ports of the shipped gateway URLs of an
// all-in-one home at offset, as manage_gateway_urls sets them; doc itself
// for the other distributions, whose URLs are not the instance's own.
func withGatewayURLs(t *testing.T, d distFixture, doc []byte, offset int) []byte {
	t.Helper()
	if d.distribution != apim.AllInOne {
		return doc
	}
	for _, u := range shippedGatewayURLs {
		shipped := gatewayURLLine(u.key, u.scheme, "localhost", u.base)
		if bytes.Contains(doc, []byte(shipped)) {
			doc = replaceOnce(t, doc, shipped, gatewayURLLine(u.key, u.scheme, "localhost", u.base+offset))
		}
	}
	return doc
}

// gatewayURL is the path of one gateway_urls entry of apim_instance_ports.test.
func gatewayURL(where string) tfjsonpath.Path {
	return tfjsonpath.New("gateway_urls").AtMapKey(where)
}

// TestInstancePortsGatewayURLs: on the 3.2.0, 4.0.0, 4.2.0 and 4.7.0
// all-in-one homes at offset 3, the one edit of deployment.toml changes the
// offset line and the ports' digits of the shipped gateway URLs (3.2.0 has
// ws and wss only) and nothing else; carbon.xml is untouched; gateway_urls
// is known at plan time, and consumed by another resource; a hand edit of
// a URL's port is drift that apply repairs; destroy gives back the shipped
// file byte for byte.
func TestInstancePortsGatewayURLs(t *testing.T) {
	const env = "apim.gateway.environment[0]."
	ws := map[string]knownvalue.Check{
		env + "ws_endpoint":  knownvalue.StringExact("ws://localhost:9102"),
		env + "wss_endpoint": knownvalue.StringExact("wss://localhost:8102"),
	}
	all := map[string]knownvalue.Check{
		env + "websub_event_receiver_http_endpoint":  knownvalue.StringExact("http://localhost:9024"),
		env + "websub_event_receiver_https_endpoint": knownvalue.StringExact("https://localhost:8024"),
	}
	for k, v := range ws {
		all[k] = v
	}
	for _, tc := range []struct {
		fixture distFixture
		want    map[string]knownvalue.Check
	}{
		{distFixtures[0], ws},
		{distFixtures[1], all},
		{distFixtures[2], all},
		{distFixtures[3], all},
	} {
		t.Run(tc.fixture.dir, func(t *testing.T) {
			home := newDistHome(t, tc.fixture)
			toml := filepath.Join(home, apim.DeploymentTOML)
			carbon := filepath.Join(home, apim.CarbonXML)
			shipped, shippedCarbon := readFile(t, toml), readFile(t, carbon)
			applied := withTOMLOffset(t, shipped, "3")
			applied = replaceOnce(t, applied, `ws_endpoint = "ws://localhost:9099"`, `ws_endpoint = "ws://localhost:9102"`)
			applied = replaceOnce(t, applied, `wss_endpoint = "wss://localhost:8099"`, `wss_endpoint = "wss://localhost:8102"`)
			if len(tc.want) == 4 {
				applied = replaceOnce(t, applied, `http_endpoint = "http://localhost:9021"`, `http_endpoint = "http://localhost:9024"`)
				applied = replaceOnce(t, applied, `https_endpoint = "https://localhost:8021"`, `https_endpoint = "https://localhost:8024"`)
			}
			config := instancePortsConfig(home, 3, "") + `
resource "terraform_data" "developer_portal" {
  input = apim_instance_ports.test.gateway_urls["apim.gateway.environment[0].wss_endpoint"]
}
`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("gateway_urls"), knownvalue.MapExact(tc.want)),
						plancheck.ExpectKnownValue("terraform_data.developer_portal", tfjsonpath.New("input"), knownvalue.StringExact("wss://localhost:8102")),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("gateway_urls"), knownvalue.MapExact(tc.want)),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						func(*terraform.State) error { return expectFile(toml, applied) },
						func(*terraform.State) error { return expectFile(carbon, shippedCarbon) },
					),
				}, {
					// ws_endpoint put back to the shipped port by hand.
					PreConfig: func() {
						writeFile(t, toml, replaceOnce(t, applied, "ws://localhost:9102", "ws://localhost:9099"))
					},
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayURL(env+"ws_endpoint"), knownvalue.StringExact("ws://localhost:9102")),
					}},
					Check: func(*terraform.State) error { return expectFile(toml, applied) },
				}, {
					Config:   config,
					PlanOnly: true,
				}},
				CheckDestroy: func(*terraform.State) error {
					if err := expectFile(toml, shipped); err != nil {
						return err
					}
					return expectFile(carbon, shippedCarbon)
				},
			})
		})
	}
}

// TestInstancePortsGatewayURLs_hosts: a URL naming a load balancer is left
// alone and is not in gateway_urls, nor is one whose port is a
// placeholder; 127.0.0.1 is the instance itself. An environment added by
// hand later is managed too (every entry is, not only the first), and its
// original is kept with the others, so destroy gives back the file as it
// was before the provider touched each URL.
func TestInstancePortsGatewayURLs_hosts(t *testing.T) {
	d := distFixtures[3]
	home := newDistHome(t, d)
	toml := filepath.Join(home, apim.DeploymentTOML)
	doc := readFile(t, toml)
	doc = replaceOnce(t, doc, `"ws://localhost:9099"`, `"ws://lb.example.com:9099"`)
	doc = replaceOnce(t, doc, `"wss://localhost:8099"`, `"wss://127.0.0.1:8099"`)
	doc = replaceOnce(t, doc, `"http://localhost:9021"`, `"http://localhost:${http.nio.port}"`)
	writeFile(t, toml, doc)
	applied := withTOMLOffset(t, doc, "3")
	applied = replaceOnce(t, applied, `"wss://127.0.0.1:8099"`, `"wss://127.0.0.1:8102"`)
	applied = replaceOnce(t, applied, `"https://localhost:8021"`, `"https://localhost:8024"`)
	second := func(port int) string {
		return "\n\n[[apim.gateway.environment]]\nname = \"second\"\n" + gatewayURLLine("ws_endpoint", "ws", "localhost", port) + "\n"
	}
	first := map[string]knownvalue.Check{
		"apim.gateway.environment[0].wss_endpoint":                         knownvalue.StringExact("wss://127.0.0.1:8102"),
		"apim.gateway.environment[0].websub_event_receiver_https_endpoint": knownvalue.StringExact("https://localhost:8024"),
	}
	both := map[string]knownvalue.Check{"apim.gateway.environment[1].ws_endpoint": knownvalue.StringExact("ws://localhost:9102")}
	for k, v := range first {
		both[k] = v
	}
	urls := tfjsonpath.New("gateway_urls")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 3, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", urls, knownvalue.MapExact(first)),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("apim_instance_ports.test", urls, knownvalue.MapExact(first)),
			},
			Check: func(*terraform.State) error { return expectFile(toml, applied) },
		}, {
			PreConfig: func() { writeFile(t, toml, append(readFile(t, toml), second(9099)...)) },
			Config:    instancePortsConfig(home, 3, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue("apim_instance_ports.test", urls, knownvalue.MapExact(both)),
			}},
			Check: func(*terraform.State) error { return expectFile(toml, append(applied, second(9102)...)) },
		}, {
			Config:   instancePortsConfig(home, 3, ""),
			PlanOnly: true,
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(toml, append(doc, second(9099)...)) },
	})
}

// TestInstancePortsGatewayURLs_distributions: the 4.7.0 control plane's
// gateway URLs name the separate gateway and are left alone byte for byte
// (the offset line alone changes); the gateway and traffic manager
// distributions, which ship no environment, manage none; gateway_urls is
// the empty map, known at plan time, on all three.
func TestInstancePortsGatewayURLs_distributions(t *testing.T) {
	for _, d := range distFixtures[4:] {
		t.Run(d.dir, func(t *testing.T) {
			home := newDistHome(t, d)
			toml := filepath.Join(home, apim.DeploymentTOML)
			shipped := readFile(t, toml)
			empty := knownvalue.MapExact(map[string]knownvalue.Check{})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: instancePortsConfig(home, 3, ""),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("gateway_urls"), empty),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("gateway_urls"), empty),
					},
					Check: func(*terraform.State) error { return expectFile(toml, withTOMLOffset(t, shipped, "3")) },
				}},
				CheckDestroy: func(*terraform.State) error { return expectFile(toml, shipped) },
			})
		})
	}
}

// TestInstancePortsGatewayURLs_toggle: with manage_gateway_urls = false the
// URLs are left alone and gateway_urls is null; turned on in an update,
// the plan reads the file to know the URLs, and apply sets them; turned off
// again, they go back to the shipped bytes.
func TestInstancePortsGatewayURLs_toggle(t *testing.T) {
	d := distFixtures[2]
	home := newDistHome(t, d)
	toml := filepath.Join(home, apim.DeploymentTOML)
	shipped := readFile(t, toml)
	offsetOnly := withTOMLOffset(t, shipped, "3")
	off := instancePortsConfig(home, 3, "manage_gateway_urls = false")
	on := instancePortsConfig(home, 3, "manage_gateway_urls = true")
	urls := tfjsonpath.New("gateway_urls")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: off,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", urls, knownvalue.Null()),
			}},
			Check: func(*terraform.State) error { return expectFile(toml, offsetOnly) },
		}, {
			Config: on,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayURL("apim.gateway.environment[0].ws_endpoint"), knownvalue.StringExact("ws://localhost:9102")),
			}},
			Check: func(*terraform.State) error { return expectFile(toml, withGatewayURLs(t, d, offsetOnly, 3)) },
		}, {
			Config: off,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", urls, knownvalue.Null()),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("apim_instance_ports.test", urls, knownvalue.Null()),
			},
			Check: func(*terraform.State) error { return expectFile(toml, offsetOnly) },
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(toml, shipped) },
	})
}

// TestInstancePortsGatewayURLs_keep: on_destroy = "keep" leaves the URLs
// shifted, with the offset.
func TestInstancePortsGatewayURLs_keep(t *testing.T) {
	d := distFixtures[3]
	home := newDistHome(t, d)
	toml := filepath.Join(home, apim.DeploymentTOML)
	applied := withGatewayURLs(t, d, withTOMLOffset(t, readFile(t, toml), "3"), 3)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 3, `on_destroy = "keep"`),
			Check:  func(*terraform.State) error { return expectFile(toml, applied) },
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(toml, applied) },
	})
}

// TestInstancePortsGatewayURLs_import: a 4.7.0 instance set up by hand at
// offset 4, its gateway URLs moved with it, is adopted: an import block
// plans no change, import sets manage_gateway_urls and passes
// ImportStateVerify, a new offset moves the URLs, and destroy puts the
// hand-set file back.
func TestInstancePortsGatewayURLs_import(t *testing.T) {
	d := distFixtures[3]
	home := newDistHome(t, d)
	toml := filepath.Join(home, apim.DeploymentTOML)
	byHand := withGatewayURLs(t, d, withTOMLOffset(t, readFile(t, toml), "4"), 4)
	writeFile(t, toml, byHand)
	config := instancePortsConfig(home, 4, "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:          config,
			ResourceName:    "apim_instance_ports.test",
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   home,
		}, {
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("apim_instance_ports.test", gatewayURL("apim.gateway.environment[0].websub_event_receiver_https_endpoint"), knownvalue.StringExact("https://localhost:8025")),
			},
			Check: func(*terraform.State) error { return expectFile(toml, byHand) },
		}, {
			ResourceName:      "apim_instance_ports.test",
			ImportState:       true,
			ImportStateId:     home,
			ImportStateVerify: true,
		}, {
			Config: instancePortsConfig(home, 6, ""),
			Check: func(*terraform.State) error {
				return expectFile(toml, withGatewayURLs(t, d, withTOMLOffset(t, readFile(t, filepath.Join(fixtures, d.dir, apim.DeploymentTOML)), "6"), 6))
			},
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(toml, byHand) },
	})
}
