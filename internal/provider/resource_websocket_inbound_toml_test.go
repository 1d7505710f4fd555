package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// The endpoints of the 3.x/4.x fixtures and where each keeps its port, by
// the research's table A.4: the static XML for ws up to 4.0, deployment.toml
// where a template renders the file (ws from 4.1, wss from 3.1).
var endpointFixtures = []struct {
	dist      distFixture
	secure    bool
	templated bool
}{
	{distFixtures[0], false, false}, // 3.2.0 ws
	{distFixtures[0], true, true},   // 3.2.0 wss
	{distFixtures[1], false, false}, // 4.0.0 ws
	{distFixtures[1], true, true},   // 4.0.0 wss
	{distFixtures[2], false, true},  // 4.2.0 ws
	{distFixtures[2], true, true},   // 4.2.0 wss
	{distFixtures[3], false, true},  // 4.7.0 ws
	{distFixtures[3], true, true},   // 4.7.0 wss
	{distFixtures[5], false, true},  // 4.7.0 gateway ws
	{distFixtures[5], true, true},   // 4.7.0 gateway wss
}

// allFiles reads every file of a home, by path.
func allFiles(t *testing.T, home string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(home, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		files[p] = readFile(t, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// expectAllFiles checks that every file of before but those in changed still
// holds the same bytes, and that those in changed hold theirs.
func expectAllFiles(before, changed map[string][]byte) error {
	for p, b := range before {
		want, ok := changed[p]
		if !ok {
			want = b
		}
		if err := expectFile(p, want); err != nil {
			return err
		}
	}
	return nil
}

// TestWebSocketInboundTOML: on every 3.x/4.x endpoint of the fixtures, on
// an instance at [server] offset 3, the endpoint is made to listen on
// base + 3 by the version's means: a static file states the real port with
// the flag off; for a templated one nothing needs writing (the runtime adds
// [server] offset to the shipped [apim.ws] port), so every file, the
// generated XML above all, is left byte for byte. The port and the file
// are known at plan time; destroy gives every byte back.
func TestWebSocketInboundTOML(t *testing.T) {
	for _, tc := range endpointFixtures {
		e := apim.WebSocket
		if tc.secure {
			e = apim.SecureWebSocket
		}
		t.Run(fmt.Sprintf("%s secure=%t", tc.dist.dir, tc.secure), func(t *testing.T) {
			home := newDistHome(t, tc.dist)
			toml := filepath.Join(home, apim.DeploymentTOML)
			writeFile(t, toml, withTOMLOffset(t, readFile(t, toml), "3"))
			before := allFiles(t, home)
			xml := filepath.Join(home, e.File)
			wantFile, changed := toml, map[string][]byte{}
			if !tc.templated {
				wantFile = xml
				changed[xml] = replaceOnce(t, replaceOnce(t, before[xml], wsPort(int(e.BasePort)), wsPort(int(e.BasePort)+3)), useOffsetTrue, useOffsetFalse)
			}
			config := webSocketConfig(home, 3, fmt.Sprintf("secure = %t", tc.secure)) + `
resource "terraform_data" "load_balancer" {
  input = apim_websocket_inbound.test.port
}
`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("apim_websocket_inbound.test", tfjsonpath.New("config_file"), knownvalue.StringExact(wantFile)),
						plancheck.ExpectKnownValue("terraform_data.load_balancer", tfjsonpath.New("input"), knownvalue.Int64Exact(e.BasePort+3)),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr("apim_websocket_inbound.test", "port", fmt.Sprint(e.BasePort+3)),
						func(*terraform.State) error { return expectAllFiles(before, changed) },
					),
				}, {
					Config:   config,
					PlanOnly: true,
				}},
				CheckDestroy: func(*terraform.State) error { return expectAllFiles(before, nil) },
			})
		})
	}
}

// TestWebSocketInboundTOML_port: on a templated endpoint a base port other
// than the shipped one is written to [apim.ws] port (the runtime adds the
// offset, so the key holds the base, never base + offset); Read reports
// the key plus [server] offset, so a hand edit of either is drift that
// apply repairs; an endpoint offset other than the instance's makes up the
// difference in the key; destroy gives the file back byte for byte.
func TestWebSocketInboundTOML_port(t *testing.T) {
	home := newDistHome(t, distFixtures[2])
	toml := filepath.Join(home, apim.DeploymentTOML)
	atOffset3 := withTOMLOffset(t, readFile(t, toml), "3")
	writeFile(t, toml, atOffset3)
	xml := filepath.Join(home, apim.WebSocket.File)
	shippedXML := readFile(t, xml)
	withKey := func(port int) []byte {
		return append(append([]byte{}, atOffset3...), fmt.Sprintf("\n\n[apim.ws]\nport = %d", port)...)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: webSocketConfig(home, 3, "base_port = 9100"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("apim_websocket_inbound.test", "port", "9103"),
				resource.TestCheckResourceAttr("apim_websocket_inbound.test", "config_file", toml),
				// The 4.2.0 file has no final newline; the new table
				// goes after its last line and a blank one, as its
				// tables are, and the file keeps having none.
				func(*terraform.State) error { return expectFile(toml, withKey(9100)) },
				func(*terraform.State) error { return expectFile(xml, shippedXML) },
			),
		}, {
			// A hand edit of the key moves the endpoint: drift.
			PreConfig: func() { writeFile(t, toml, withKey(9300)) },
			Config:    webSocketConfig(home, 3, "base_port = 9100"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_websocket_inbound.test", plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error { return expectFile(toml, withKey(9100)) },
		}, {
			// So does a hand edit of the instance's offset, which the
			// runtime adds to the key.
			PreConfig: func() {
				writeFile(t, toml, replaceOnce(t, withKey(9100), "offset=3\n", "offset=5\n"))
			},
			Config: webSocketConfig(home, 3, "base_port = 9100"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_websocket_inbound.test", plancheck.ResourceActionUpdate),
			}},
			// The endpoint offset (3) is not the instance's (5): the key
			// makes up the difference, 9100 + 3 - 5, so the endpoint
			// still listens on 9103.
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("apim_websocket_inbound.test", "port", "9103"),
				func(*terraform.State) error {
					return expectFile(toml, replaceOnce(t, withKey(9098), "offset=3\n", "offset=5\n"))
				},
			),
		}, {
			PreConfig: func() { writeFile(t, toml, withKey(9100)) },
			Config:    webSocketConfig(home, 3, "base_port = 9100"),
			Check:     func(*terraform.State) error { return expectFile(toml, withKey(9100)) },
		}},
		CheckDestroy: func(*terraform.State) error {
			if err := expectFile(toml, atOffset3); err != nil {
				return err
			}
			return expectFile(xml, shippedXML)
		},
	})
}

// TestWebSocketInboundTOML_import adopts endpoints set up by hand: a 4.0.0
// static ws endpoint with the shipped flag on, which listens on 9099 +
// [server] offset, and a templated wss endpoint whose [apim.wss] port is
// written out.
// An import block with the matching configuration plans no change, and
// ImportStateVerify agrees with what apply would record.
func TestWebSocketInboundTOML_import(t *testing.T) {
	for _, tc := range []struct {
		secure bool
		port   string
	}{{false, "9101"}, {true, "8101"}} {
		t.Run(fmt.Sprintf("secure=%t", tc.secure), func(t *testing.T) {
			home := newDistHome(t, distFixtures[1])
			toml := filepath.Join(home, apim.DeploymentTOML)
			writeFile(t, toml, append(withTOMLOffset(t, readFile(t, toml), "2"), "\n[apim.wss]\nport = 8099\n"...))
			before := allFiles(t, home)
			id := home
			if tc.secure {
				id += secureSuffix
			}
			config := webSocketConfig(home, 2, fmt.Sprintf("secure = %t", tc.secure))
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:          config,
					ResourceName:    "apim_websocket_inbound.test",
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithID,
					ImportStateId:   id,
				}, {
					Config: config,
					Check:  resource.TestCheckResourceAttr("apim_websocket_inbound.test", "port", tc.port),
				}, {
					ResourceName:      "apim_websocket_inbound.test",
					ImportState:       true,
					ImportStateId:     id,
					ImportStateVerify: true,
				}},
				CheckDestroy: func(*terraform.State) error {
					// The static file was made to state the port with
					// the flag off; destroy puts it back as it was.
					return expectAllFiles(before, nil)
				},
			})
		})
	}
}

// TestWebSocketInboundTOML_badTemplate: a template whose port does not
// come from [apim.ws] port is refused at plan time with the template's
// name, and no file is touched: the provider never edits a template.
func TestWebSocketInboundTOML_badTemplate(t *testing.T) {
	home := newDistHome(t, distFixtures[2])
	tmpl := filepath.Join(home, apim.WebSocket.Template())
	writeFile(t, tmpl, replaceOnce(t, readFile(t, tmpl), "{{apim.ws.port}}", "9100"))
	before := allFiles(t, home)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      webSocketConfig(home, 3, ""),
			ExpectError: regexp.MustCompile(`(?s)WebSocketInboundEndpoint\.xml\.j2.*not from \[apim\.ws\] port`),
		}},
		CheckDestroy: func(*terraform.State) error { return expectAllFiles(before, nil) },
	})
}

// TestWebSocketInboundTOML_profileOptimized: a templated endpoint of a home
// the start script optimised for a profile is refused as apim_instance_ports
// refuses it: its deployment.toml is replaced again at every start with
// --optimize, so an edit of it would not last.
func TestWebSocketInboundTOML_profileOptimized(t *testing.T) {
	home := newDistHome(t, distFixtures[2])
	toml := filepath.Join(home, apim.DeploymentTOML)
	copyFile(t, toml, filepath.Join(home, apim.DeploymentBackup))
	copyFile(t, filepath.Join(fixtures, "apim-4.2.0/repository/resources/conf/deployment-templates/gateway-worker.toml"), toml)
	before := allFiles(t, home)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      webSocketConfig(home, 3, "base_port = 9100"),
			ExpectError: diagText(apim.DeploymentBackup, "optimised for a profile", "Nothing was written"),
		}},
		CheckDestroy: func(*terraform.State) error { return expectAllFiles(before, nil) },
	})
}

// TestSSHWebSocketInboundTOML: a 4.0.0 home on a host reached over SSH,
// owned by the login user, at [server] offset 2: the static ws file is made
// to state 9101 with the flag off, the templated wss endpoint with base 8100
// gets [apim.wss] port = 8100 in deployment.toml (its generated XML left
// alone), the plan after is empty, and destroy gives every byte back.
func TestSSHWebSocketInboundTOML(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	home := filepath.Join(sshtest.TempDir(t), "apim-4.0.0")
	local := newDistHome(t, distFixtures[1])
	toml := filepath.Join(local, apim.DeploymentTOML)
	writeFile(t, toml, withTOMLOffset(t, readFile(t, toml), "2"))
	if err := os.CopyFS(home, os.DirFS(local)); err != nil {
		t.Fatal(err)
	}
	chownTree(t, home, login.UID, login.GID, 0o644)
	before := allFiles(t, home)
	ws := filepath.Join(home, apim.WebSocket.File)
	toml = filepath.Join(home, apim.DeploymentTOML)
	applied := map[string][]byte{
		ws:   replaceOnce(t, replaceOnce(t, before[ws], wsPort(9099), wsPort(9101)), useOffsetTrue, useOffsetFalse),
		toml: append(append([]byte{}, before[toml]...), "\n\n[apim.wss]\nport = 8100"...), // the file has no final newline, and keeps having none
	}
	endpoint := func(name string, secure bool, base string) string {
		return fmt.Sprintf(`
resource "apim_websocket_inbound" %q {
  apim_home = %q
  offset    = 2
  secure    = %t
  %s
  ssh = {
    host = %q
    port = %d
  }
}
`, name, home, secure, base, srv.Host(), srv.Port())
	}
	config := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", sshtest.WriteFile(t, "known_hosts", srv.KnownHostsLine()+"\n")),
		hclAttr("agent", false),
	) + endpoint("ws", false, "") + endpoint("wss", true, "base_port = 8100")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_websocket_inbound.ws", tfjsonpath.New("config_file"), knownvalue.StringExact(ws)),
				plancheck.ExpectKnownValue("apim_websocket_inbound.wss", tfjsonpath.New("config_file"), knownvalue.StringExact(toml)),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("apim_websocket_inbound.ws", "port", "9101"),
				resource.TestCheckResourceAttr("apim_websocket_inbound.wss", "port", "8102"),
				func(*terraform.State) error { return expectAllFiles(before, applied) },
			),
		}, {
			Config:   config,
			PlanOnly: true,
		}},
		CheckDestroy: func(*terraform.State) error { return expectAllFiles(before, nil) },
	})
}
