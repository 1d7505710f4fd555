package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// The shipped brokerlists of jndi.properties (2.1.0 = 2.6.0) and the
// shipped <GatewayWSEndpoint> of 2.6.0's api-manager.xml.
const (
	topicBrokerlist    = "clientid/carbon?brokerlist='tcp://localhost:5672'"
	queueBrokerlist    = "clientID/test?brokerlist='tcp://localhost:5672'"
	shippedWSEndpoint  = "<GatewayWSEndpoint>ws://${carbon.local.ip}:9099</GatewayWSEndpoint>"
	wsEndpointAtOffset = "<GatewayWSEndpoint>ws://${carbon.local.ip}:%d</GatewayWSEndpoint>"
)

// newCarbonURLsHome is newHome with the real jndi.properties (the same
// blob in 2.1.0 and 2.6.0) and the api-manager.xml of version (2.1.0,
// without <GatewayWSEndpoint>, or 2.6.0, with it); the other files stand
// in from 2.1.0.
func newCarbonURLsHome(t *testing.T, version string) string {
	t.Helper()
	home := newHome(t)
	copyFile(t, filepath.Join(fixtures, "apim-2.1.0", apim.JNDIProperties), filepath.Join(home, apim.JNDIProperties))
	copyFile(t, filepath.Join(fixtures, "apim-"+version, apim.APIManagerXML), filepath.Join(home, apim.APIManagerXML))
	return home
}

// jndiAt is the shipped jndi.properties with both brokers' port at port.
func jndiAt(t *testing.T, shipped []byte, port int) []byte {
	t.Helper()
	at := func(s string) string {
		return regexp.MustCompile(`:5672'$`).ReplaceAllString(s, fmt.Sprintf(":%d'", port))
	}
	return replaceOnce(t, replaceOnce(t, shipped, topicBrokerlist, at(topicBrokerlist)), queueBrokerlist, at(queueBrokerlist))
}

// wsEndpointAt is the shipped 2.6.0 api-manager.xml with its WebSocket
// endpoint's port at port.
func wsEndpointAt(t *testing.T, shipped []byte, port int) []byte {
	t.Helper()
	return replaceOnce(t, shipped, shippedWSEndpoint, fmt.Sprintf(wsEndpointAtOffset, port))
}

// brokerURLs is jms_broker_urls with both factories on url.
func brokerURLs(url string) knownvalue.Check {
	return knownvalue.MapExact(map[string]knownvalue.Check{
		"TopicConnectionFactory": knownvalue.StringExact(url),
		"QueueConnectionFactory": knownvalue.StringExact(url),
	})
}

var (
	jmsBrokerURLs     = tfjsonpath.New("jms_broker_urls")
	gatewayWSEndpoint = tfjsonpath.New("gateway_ws_endpoint")
)

// TestInstancePortsCarbonURLs: at offset 10, the real 2.1.0 jndi.properties
// gets both brokers' port 5682 and the real 2.6.0 api-manager.xml its
// <GatewayWSEndpoint> port 9109, each file compared whole with the
// shipped one so changed (2.1.0's api-manager.xml, which has no such
// element, is left as it is and gateway_ws_endpoint is null); both values
// are known at plan time and consumed by another resource; a hand edit of
// either port is drift that apply repairs; destroy gives back the shipped
// files byte for byte.
func TestInstancePortsCarbonURLs(t *testing.T) {
	for _, version := range []string{"2.6.0", "2.1.0"} {
		t.Run(version, func(t *testing.T) {
			home := newCarbonURLsHome(t, version)
			jndi, apiManager := filepath.Join(home, apim.JNDIProperties), filepath.Join(home, apim.APIManagerXML)
			shippedJNDI, shippedAPIManager := readFile(t, jndi), readFile(t, apiManager)
			appliedJNDI, appliedAPIManager := jndiAt(t, shippedJNDI, 5682), shippedAPIManager
			var ws knownvalue.Check = knownvalue.Null()
			if version == "2.6.0" {
				appliedAPIManager = wsEndpointAt(t, shippedAPIManager, 9109)
				ws = knownvalue.StringExact("ws://${carbon.local.ip}:9109")
			}
			config := instancePortsConfig(home, 10, "") + `
resource "terraform_data" "throttling" {
  input = {
    broker    = apim_instance_ports.test.jms_broker_urls["TopicConnectionFactory"]
    websocket = apim_instance_ports.test.gateway_ws_endpoint
  }
}
`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, brokerURLs("tcp://localhost:5682")),
						plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, ws),
						plancheck.ExpectKnownValue("terraform_data.throttling", tfjsonpath.New("input").AtMapKey("broker"), knownvalue.StringExact("tcp://localhost:5682")),
						plancheck.ExpectKnownValue("terraform_data.throttling", tfjsonpath.New("input").AtMapKey("websocket"), ws),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, brokerURLs("tcp://localhost:5682")),
						statecheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, ws),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						func(*terraform.State) error { return expectFile(jndi, appliedJNDI) },
						func(*terraform.State) error { return expectFile(apiManager, appliedAPIManager) },
					),
				}, {
					// Both put back to the shipped ports by hand.
					PreConfig: func() {
						writeFile(t, jndi, replaceOnce(t, appliedJNDI, "clientid/carbon?brokerlist='tcp://localhost:5682'", topicBrokerlist))
						writeFile(t, apiManager, shippedAPIManager)
					},
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, brokerURLs("tcp://localhost:5682")),
						plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, ws),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						func(*terraform.State) error { return expectFile(jndi, appliedJNDI) },
						func(*terraform.State) error { return expectFile(apiManager, appliedAPIManager) },
					),
				}, {
					Config:   config,
					PlanOnly: true,
				}},
				CheckDestroy: func(*terraform.State) error {
					if err := expectFile(jndi, shippedJNDI); err != nil {
						return err
					}
					return expectFile(apiManager, shippedAPIManager)
				},
			})
		})
	}
}

// TestInstancePortsCarbonURLs_import: a 2.6.0 instance set up by hand at
// offset 4, its brokers and WebSocket endpoint moved with it, is adopted:
// an import block plans no change, import passes ImportStateVerify, a new
// offset moves both, and destroy puts the hand-set files back.
func TestInstancePortsCarbonURLs_import(t *testing.T) {
	home := newCarbonURLsHome(t, "2.6.0")
	jndi, apiManager := filepath.Join(home, apim.JNDIProperties), filepath.Join(home, apim.APIManagerXML)
	shippedJNDI, shippedAPIManager := readFile(t, jndi), readFile(t, apiManager)
	carbon := filepath.Join(home, apim.CarbonXML)
	writeFile(t, carbon, replaceOnce(t, readFile(t, carbon), "<Offset>0</Offset>", "<Offset>4</Offset>"))
	workflow := filepath.Join(home, apim.WorkflowCallbackService)
	writeFile(t, workflow, replaceOnce(t, readFile(t, workflow), shippedCallback, callbackAt(9447)))
	byHandJNDI, byHandAPIManager := jndiAt(t, shippedJNDI, 5676), wsEndpointAt(t, shippedAPIManager, 9103)
	writeFile(t, jndi, byHandJNDI)
	writeFile(t, apiManager, byHandAPIManager)
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
				statecheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, brokerURLs("tcp://localhost:5676")),
				statecheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, knownvalue.StringExact("ws://${carbon.local.ip}:9103")),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return expectFile(jndi, byHandJNDI) },
				func(*terraform.State) error { return expectFile(apiManager, byHandAPIManager) },
			),
		}, {
			ResourceName:      "apim_instance_ports.test",
			ImportState:       true,
			ImportStateId:     home,
			ImportStateVerify: true,
		}, {
			Config: instancePortsConfig(home, 6, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, brokerURLs("tcp://localhost:5678")),
				plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, knownvalue.StringExact("ws://${carbon.local.ip}:9105")),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return expectFile(jndi, jndiAt(t, shippedJNDI, 5678)) },
				func(*terraform.State) error { return expectFile(apiManager, wsEndpointAt(t, shippedAPIManager, 9105)) },
			),
		}},
		CheckDestroy: func(*terraform.State) error {
			if err := expectFile(jndi, byHandJNDI); err != nil {
				return err
			}
			return expectFile(apiManager, byHandAPIManager)
		},
	})
}

// TestInstancePortsCarbonURLs_switches: with manage_jms_broker_urls and
// manage_gateway_ws_endpoint false both files are left alone and both
// values are null, at plan time too; turned on in an update, the plan reads
// the files to know the values, and apply sets them; turned off again, they
// go back to the shipped bytes.
func TestInstancePortsCarbonURLs_switches(t *testing.T) {
	home := newCarbonURLsHome(t, "2.6.0")
	jndi, apiManager := filepath.Join(home, apim.JNDIProperties), filepath.Join(home, apim.APIManagerXML)
	shippedJNDI, shippedAPIManager := readFile(t, jndi), readFile(t, apiManager)
	off := instancePortsConfig(home, 10, "manage_jms_broker_urls = false\n  manage_gateway_ws_endpoint = false")
	on := instancePortsConfig(home, 10, "manage_jms_broker_urls = true\n  manage_gateway_ws_endpoint = true")
	untouched := resource.ComposeAggregateTestCheckFunc(
		func(*terraform.State) error { return expectFile(jndi, shippedJNDI) },
		func(*terraform.State) error { return expectFile(apiManager, shippedAPIManager) },
	)
	nulls := []plancheck.PlanCheck{
		plancheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, knownvalue.Null()),
		plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, knownvalue.Null()),
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:           off,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: nulls},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, knownvalue.Null()),
				statecheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, knownvalue.Null()),
			},
			Check: untouched,
		}, {
			Config: on,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, brokerURLs("tcp://localhost:5682")),
				plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, knownvalue.StringExact("ws://${carbon.local.ip}:9109")),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return expectFile(jndi, jndiAt(t, shippedJNDI, 5682)) },
				func(*terraform.State) error { return expectFile(apiManager, wsEndpointAt(t, shippedAPIManager, 9109)) },
			),
		}, {
			Config:           off,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: nulls},
			Check:            untouched,
		}},
		CheckDestroy: untouched,
	})
}

// TestInstancePortsCarbonURLs_3x: on 3.x and 4.x the runtime renders
// jndi.properties (and api-manager.xml) from templates: a 3.2.0 home's
// jndi.properties is left alone and both values are null.
func TestInstancePortsCarbonURLs_3x(t *testing.T) {
	home := newDistHome(t, distFixtures[0])
	jndi := filepath.Join(home, apim.JNDIProperties)
	shipped := readFile(t, jndi)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 10, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, knownvalue.Null()),
				plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, knownvalue.Null()),
			}},
			Check: func(*terraform.State) error { return expectFile(jndi, shipped) },
		}, {
			Config:   instancePortsConfig(home, 10, ""),
			PlanOnly: true,
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(jndi, shipped) },
	})
}

// TestInstancePortsCarbonURLs_badInput: a file the provider refuses is a
// plan-time diagnostic that names the host, the file and the line, says
// what was found and how to leave the file alone, and nothing is written
// (every file of the home as it was); with the switch off, the same home
// applies and the refused file is left as it is.
func TestInstancePortsCarbonURLs_badInput(t *testing.T) {
	for _, tc := range []struct {
		name, file, old, replacement, manage string
		want                                 *regexp.Regexp
	}{
		{"broker port not a number", apim.JNDIProperties, topicBrokerlist, "clientid/carbon?brokerlist='tcp://localhost:56x2'", "manage_jms_broker_urls",
			diagnostic("Cannot Set the JMS Broker Port", "On the local host,", "/repository/conf/jndi.properties: connectionfactory.TopicConnectionFactory (line 19): the broker tcp://localhost:56x2 has the port \"56x2\", not a number from 1 to 65535",
				"The file was left unchanged. Correct it by hand", "To leave the file alone, set manage_jms_broker_urls = false.")},
		{"line continuation inside the broker URL", apim.JNDIProperties, topicBrokerlist, "clientid/carbon?brokerlist='tcp://local\\\n    host:5672'", "manage_jms_broker_urls",
			diagnostic("Cannot Set the JMS Broker Port", "jndi.properties: connectionfactory.TopicConnectionFactory (line 19): the broker tcp://localhost:5672 is split over lines 19 and 20 by a line continuation; write the broker's URL on one line")},
		{"malformed escape", apim.JNDIProperties, "topic.throttleData = throttleData", "topic.throttleData = \\u00zz", "manage_jms_broker_urls",
			diagnostic("Cannot Set the JMS Broker Port", "jndi.properties: line 29, column 22: \\u is not followed by four hexadecimal digits; Java refuses to load such a file", "Correct it by hand")},
		{"WebSocket port not a number", apim.APIManagerXML, shippedWSEndpoint, "<GatewayWSEndpoint>ws://${carbon.local.ip}:90x9</GatewayWSEndpoint>", "manage_gateway_ws_endpoint",
			diagnostic("Cannot Set the Gateway WebSocket Port", "/repository/conf/api-manager.xml: <GatewayWSEndpoint> holds ws://${carbon.local.ip}:90x9, whose port \"90x9\" is not a number from 1 to 65535", "set manage_gateway_ws_endpoint = false.")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := newCarbonURLsHome(t, "2.6.0")
			bad := filepath.Join(home, tc.file)
			writeFile(t, bad, replaceOnce(t, readFile(t, bad), tc.old, tc.replacement))
			before := snapshotCarbonURLsHome(t, home)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      instancePortsConfig(home, 10, ""),
					ExpectError: tc.want,
				}, {
					PreConfig: func() {
						if err := expectFiles(home, before); err != nil {
							t.Fatalf("the refused plan wrote: %v", err)
						}
					},
					Config: instancePortsConfig(home, 10, tc.manage+" = false"),
					Check:  func(*terraform.State) error { return expectFile(bad, before[tc.file]) },
				}},
				CheckDestroy: func(*terraform.State) error { return expectFiles(home, before) },
			})
		})
	}
}

// TestInstancePortsCarbonURLs_badInputLater: a managed jndi.properties
// broken by hand is a diagnostic at the next refresh, which leaves it as
// it is; once repaired, the plan is empty again.
func TestInstancePortsCarbonURLs_badInputLater(t *testing.T) {
	home := newCarbonURLsHome(t, "2.6.0")
	jndi := filepath.Join(home, apim.JNDIProperties)
	shipped := readFile(t, jndi)
	applied := jndiAt(t, shipped, 5682)
	broken := replaceOnce(t, applied, "clientID/test?brokerlist='tcp://localhost:5682'", "clientID/test?brokerlist='tcp://localhost:'")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 10, ""),
			Check:  func(*terraform.State) error { return expectFile(jndi, applied) },
		}, {
			PreConfig:   func() { writeFile(t, jndi, broken) },
			Config:      instancePortsConfig(home, 10, ""),
			ExpectError: diagnostic("Cannot Read the JMS Broker URLs", "connectionfactory.QueueConnectionFactory (line 21): the broker tcp://localhost: has the port \"\", not a number from 1 to 65535"),
		}, {
			PreConfig: func() {
				if err := expectFile(jndi, broken); err != nil {
					t.Fatal(err)
				}
				writeFile(t, jndi, applied)
			},
			Config:   instancePortsConfig(home, 10, ""),
			PlanOnly: true,
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(jndi, shipped) },
	})
}

// snapshotCarbonURLsHome reads every file of a newCarbonURLsHome.
func snapshotCarbonURLsHome(t *testing.T, home string) map[string][]byte {
	t.Helper()
	files := snapshot(t, home)
	for _, rel := range []string{apim.JNDIProperties, apim.APIManagerXML} {
		files[rel] = readFile(t, filepath.Join(home, rel))
	}
	return files
}

// diagnostic matches a diagnostic holding each of parts in order, however
// Terraform wraps its lines.
func diagnostic(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// sshInstanceAt is an apim_instance_ports at offset on home, over SSH to
// srv as login with key, the host key known.
func sshInstanceAt(t *testing.T, srv *sshtest.Server, key *sshtest.Key, login sshtest.User, home string, offset int) string {
	return providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", sshtest.WriteFile(t, "known_hosts", srv.KnownHostsLine()+"\n")),
		hclAttr("agent", false),
	) + fmt.Sprintf(`
resource "apim_instance_ports" "test" {
  apim_home = %q
  offset    = %d
  ssh = {
    host = %q
    port = %d
  }
}
`, home, offset, srv.Host(), srv.Port())
}

// sshCarbonURLsHost starts an sshd that lets the login user in with a
// new key, and lays out a newCarbonURLsHome of version that user owns.
func sshCarbonURLsHost(t *testing.T, version string) (srv *sshtest.Server, key *sshtest.Key, login sshtest.User, home string) {
	login = sshtest.EnsureUsers(t).Login
	key = sshtest.NewKey(t)
	srv = sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	home = filepath.Join(sshtest.TempDir(t), "wso2am-"+version)
	if err := os.CopyFS(home, os.DirFS(newCarbonURLsHome(t, version))); err != nil {
		t.Fatal(err)
	}
	chownTree(t, home, login.UID, login.GID, 0o644)
	return srv, key, login, home
}

// TestSSHInstancePortsCarbonURLs: over SSH (a real sshd, the files the
// login user's), the same edits, read in the batch that detects the home:
// at offset 10 both files hold exactly the shifted ports, the values are
// known at plan time, a second plan is empty, and destroy restores both.
func TestSSHInstancePortsCarbonURLs(t *testing.T) {
	srv, key, login, home := sshCarbonURLsHost(t, "2.6.0")
	jndi, apiManager := filepath.Join(home, apim.JNDIProperties), filepath.Join(home, apim.APIManagerXML)
	shippedJNDI, shippedAPIManager := readFile(t, jndi), readFile(t, apiManager)
	config := sshInstanceAt(t, srv, key, login, home, 10)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", jmsBrokerURLs, brokerURLs("tcp://localhost:5682")),
				plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, knownvalue.StringExact("ws://${carbon.local.ip}:9109")),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return expectFile(jndi, jndiAt(t, shippedJNDI, 5682)) },
				func(*terraform.State) error { return expectFile(apiManager, wsEndpointAt(t, shippedAPIManager, 9109)) },
			),
		}, {
			Config:   config,
			PlanOnly: true,
		}},
		CheckDestroy: func(*terraform.State) error {
			if err := expectFile(jndi, shippedJNDI); err != nil {
				return err
			}
			return expectFile(apiManager, shippedAPIManager)
		},
	})
}

// TestSSHInstancePortsCarbonURLsNothingToKeep: a 2.1.0 api-manager.xml (no
// <GatewayWSEndpoint>) that the login user may read but not edit (another
// account's, 0644: the edit could not even pin it, fs.protected_hardlinks)
// is never opened for an edit: the plan knows gateway_ws_endpoint is null,
// so apply leaves the file alone, and destroy, whose original (recorded by
// the refresh of the second apply) has nothing to put back, too. Both
// would fail on the file if they opened it.
func TestSSHInstancePortsCarbonURLsNothingToKeep(t *testing.T) {
	srv, key, login, home := sshCarbonURLsHost(t, "2.1.0")
	users := sshtest.EnsureUsers(t)
	jndi, apiManager := filepath.Join(home, apim.JNDIProperties), filepath.Join(home, apim.APIManagerXML)
	if err := os.Chown(apiManager, users.Owner.UID, users.Owner.GID); err != nil {
		t.Fatal(err)
	}
	shippedJNDI, shippedAPIManager := readFile(t, jndi), readFile(t, apiManager)
	apiManagerUntouched := func(*terraform.State) error {
		if err := expectFile(apiManager, shippedAPIManager); err != nil {
			return err
		}
		fi, err := os.Stat(apiManager)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no syscall.Stat_t in %T", apiManager, fi.Sys())
		}
		if int(st.Uid) != users.Owner.UID || fi.Mode() != 0o644 {
			return fmt.Errorf("%s is now owned by %d with mode %v; want %s's, -rw-r--r--", apiManager, st.Uid, fi.Mode(), users.Owner.Name)
		}
		return nil
	}
	config := sshInstanceAt(t, srv, key, login, home, 10)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", gatewayWSEndpoint, knownvalue.Null()),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return expectFile(jndi, jndiAt(t, shippedJNDI, 5682)) },
				apiManagerUntouched,
			),
		}, {
			// An apply with nothing to do keeps what its refresh
			// recorded: the original of the element that is not there.
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
			Check: apiManagerUntouched,
		}},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			func(*terraform.State) error { return expectFile(jndi, shippedJNDI) },
			apiManagerUntouched,
		),
	})
}
