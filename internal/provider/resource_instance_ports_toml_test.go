package provider

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

// A 3.x/4.x distribution of the fixtures and what its build writes to
// updates/product.txt (../shared/research/wso2-3x-4x.md §D).
type distFixture struct {
	dir, product string
	version      string
	distribution apim.Distribution
}

var distFixtures = []distFixture{
	{"apim-3.2.0", "wso2am-3.2.0", "3.2.0", apim.AllInOne},
	{"apim-4.0.0", "wso2am-4.0.0", "4.0.0", apim.AllInOne},
	{"apim-4.2.0", "wso2am-4.2.0", "4.2.0", apim.AllInOne},
	{"apim-4.7.0", "wso2am-4.7.0", "4.7.0", apim.AllInOne},
	{"apim-4.7.0-api-control-plane", "wso2am-acp-4.7.0", "4.7.0", apim.ControlPlane},
	{"apim-4.7.0-gateway", "wso2am-universal-gw-4.7.0", "4.7.0", apim.Gateway},
	{"apim-4.7.0-traffic-manager", "wso2am-tm-4.7.0", "4.7.0", apim.TrafficManager},
}

// newDistHome lays out a 3.x/4.x home from the real files of d, with its
// updates/product.txt and a carbon.xml as a home that has started once has
// one (rendered from deployment.toml at every start; the real 2.1.0 file
// stands in for it here, since the provider must not touch it at all).
func newDistHome(t *testing.T, d distFixture) string {
	t.Helper()
	home := filepath.Join(t.TempDir(), d.dir)
	src := filepath.Join(fixtures, d.dir)
	err := filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		copyFile(t, p, filepath.Join(home, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(fixtures, "apim-2.1.0", apim.CarbonXML), filepath.Join(home, apim.CarbonXML))
	if err := os.MkdirAll(filepath.Dir(filepath.Join(home, apim.ProductTxt)), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, apim.ProductTxt), []byte(d.product+"\n"))
	return home
}

// withTOMLOffset is the shipped deployment.toml with offset n set as WSO2's
// docs say: the "#offset=0" line uncommented in place, or, in the
// distributions that ship none, "offset = n" right after [server].
func withTOMLOffset(t *testing.T, shipped []byte, n string) []byte {
	t.Helper()
	if bytes.Contains(shipped, []byte("#offset=0\n")) {
		return replaceOnce(t, shipped, "#offset=0\n", "offset="+n+"\n")
	}
	return replaceOnce(t, shipped, "[server]\n", "[server]\noffset = "+n+"\n")
}

// expectedPorts is the ports object of an instance of h at offset.
func expectedPorts(h apim.Home, offset int64) knownvalue.Check {
	return expectedPortsOn(h, offset, nil)
}

// expectedPortsOn is expectedPorts with the port bases the home's files
// set (apim.ShiftedOn).
func expectedPortsOn(h apim.Home, offset int64, bases map[string]int64) knownvalue.Check {
	shifted := apim.ShiftedOn(h, offset, bases)
	want := map[string]knownvalue.Check{}
	for _, p := range apim.Ports {
		if port, ok := shifted[p.Name]; ok {
			want[p.Name] = knownvalue.Int64Exact(port)
		} else {
			want[p.Name] = knownvalue.Null()
		}
	}
	return knownvalue.ObjectExact(want)
}

// TestInstancePortsTOML: on every 3.x/4.x distribution the offset goes to
// [server] offset of deployment.toml, byte for byte, with the gateway URLs
// of an all-in-one home, carbon.xml and every other file are left alone, version, distribution and the distribution's
// own ports are known at plan time and consumed by another resource, a
// hand edit is drift that apply repairs, and destroy gives back the
// shipped bytes.
func TestInstancePortsTOML(t *testing.T) {
	for _, d := range distFixtures {
		t.Run(d.dir, func(t *testing.T) {
			home := newDistHome(t, d)
			toml := filepath.Join(home, apim.DeploymentTOML)
			carbon := filepath.Join(home, apim.CarbonXML)
			shipped, shippedCarbon := readFile(t, toml), readFile(t, carbon)
			v, _ := apim.ParseVersion(d.version)
			h := apim.Home{Generation: apim.Deployment3, Version: v, Distribution: d.distribution}
			// 3.0 to 4.1 ship the callback hard-coded to 9443 in
			// <http uri-template>; 4.2 and later ship no such file.
			workflow := filepath.Join(home, apim.WorkflowCallbackService)
			shippedWorkflow, _ := os.ReadFile(workflow)
			var wantWorkflow knownvalue.Check = knownvalue.Null()
			appliedWorkflow := shippedWorkflow
			if shippedWorkflow != nil {
				wantWorkflow = knownvalue.StringExact("https://localhost:9446/api/am/admin/v0.17/workflows/update-workflow-status?workflowReferenceId={uri.var.workflowRef}")
				appliedWorkflow = replaceOnce(t, shippedWorkflow, "localhost:9443/api/am", "localhost:9446/api/am")
			}
			applied := withGatewayURLs(t, d, withTOMLOffset(t, shipped, "3"), 3)
			config := instancePortsConfig(home, 3, "") + `
resource "terraform_data" "load_balancer" {
  input = {
    servlet_https = apim_instance_ports.test.ports.servlet_https
    version       = apim_instance_ports.test.apim_version
  }
}
`
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("ports"), expectedPorts(h, 3)),
						plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("config_file"), knownvalue.StringExact(toml)),
						plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("apim_version"), knownvalue.StringExact(d.version)),
						plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("distribution"), knownvalue.StringExact(string(d.distribution))),
						plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("workflow_callback_url"), wantWorkflow),
						plancheck.ExpectKnownValue("terraform_data.load_balancer", tfjsonpath.New("input").AtMapKey("servlet_https"), knownvalue.Int64Exact(9446)),
						plancheck.ExpectKnownValue("terraform_data.load_balancer", tfjsonpath.New("input").AtMapKey("version"), knownvalue.StringExact(d.version)),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("ports"), expectedPorts(h, 3)),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						func(*terraform.State) error { return expectFile(toml, applied) },
						func(*terraform.State) error { return expectFile(carbon, shippedCarbon) },
						func(*terraform.State) error {
							if shippedWorkflow == nil {
								return nil
							}
							return expectFile(workflow, appliedWorkflow)
						},
					),
				}, {
					// A hand edit of deployment.toml is drift, repaired
					// in place.
					PreConfig: func() {
						writeFile(t, toml, withTOMLOffset(t, shipped, "5"))
					},
					Config: config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
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
					if shippedWorkflow != nil {
						if err := expectFile(workflow, shippedWorkflow); err != nil {
							return err
						}
					}
					return expectFile(carbon, shippedCarbon)
				},
			})
		})
	}
}

// TestInstancePortsTOML_import: a 4.2.0 instance set up by hand (offset 4,
// written as WSO2's Puppet module writes it, a quoted string, and the
// gateway URLs moved with it) is adopted:
// an import block with the matching configuration plans no change, a new
// offset keeps the quoting, and destroy puts the hand-set value back.
func TestInstancePortsTOML_import(t *testing.T) {
	d := distFixtures[2]
	home := newDistHome(t, d)
	toml := filepath.Join(home, apim.DeploymentTOML)
	shipped := readFile(t, toml)
	byHand := withGatewayURLs(t, d, replaceOnce(t, shipped, "#offset=0\n", "offset = \"4\"\n"), 4)
	writeFile(t, toml, byHand)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:          instancePortsConfig(home, 4, ""),
			ResourceName:    "apim_instance_ports.test",
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   home,
		}, {
			Config: instancePortsConfig(home, 4, ""),
			Check:  func(*terraform.State) error { return expectFile(toml, byHand) },
		}, {
			ResourceName:      "apim_instance_ports.test",
			ImportState:       true,
			ImportStateId:     home,
			ImportStateVerify: true,
		}, {
			Config: instancePortsConfig(home, 6, ""),
			Check: func(*terraform.State) error {
				return expectFile(toml, withGatewayURLs(t, d, replaceOnce(t, shipped, "#offset=0\n", "offset = \"6\"\n"), 6))
			},
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(toml, byHand) },
	})
}

// TestInstancePortsTOML_badInput: a deployment.toml the runtime could not
// read is reported with the file's name and what is wrong, and left byte
// for byte as it was.
func TestInstancePortsTOML_badInput(t *testing.T) {
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"syntax error", "[server]\n", "[server\n", "line 1"},
		{"server twice", "[super_admin]\n", "[server]\n[super_admin]\n", "defined twice"},
		{"not a number", "#offset=0\n", "offset = \"abc\"\n", "not a whole number from 0 to 54424"},
		{"a fraction", "#offset=0\n", "offset = 2.5\n", "not a whole number from 0 to 54424"},
		{"negative", "#offset=0\n", "offset = -1\n", "not a whole number from 0 to 54424"},
		{"too large", "#offset=0\n", "offset = 99999999999\n", "not a whole number from 0 to 54424"},
		{"an array", "#offset=0\n", "offset = [1]\n", "not a whole number from 0 to 54424"},
		{"key twice", "#offset=0\n", "offset = 1\noffset = 2\n", "defined twice, at line 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := newDistHome(t, distFixtures[2])
			toml := filepath.Join(home, apim.DeploymentTOML)
			bad := replaceOnce(t, readFile(t, toml), tc.from, tc.to)
			writeFile(t, toml, bad)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      instancePortsConfig(home, 3, ""),
					ExpectError: diagText(toml, tc.want),
				}},
			})
			if got := readFile(t, toml); !bytes.Equal(got, bad) {
				t.Fatalf("%s was changed", toml)
			}
			if _, err := os.Stat(filepath.Join(home, "repository", "conf")); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSSHInstancePortsTOML: a 4.2.0 home on a host reached over SSH, owned
// by the login user: the plan reads it to learn what it is, apply sets
// [server] offset and the gateway URLs in deployment.toml byte for byte
// (carbon.xml untouched),
// the plan after is empty, and destroy gives back the shipped bytes.
func TestSSHInstancePortsTOML(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	d := distFixtures[2]
	home := filepath.Join(sshtest.TempDir(t), d.dir)
	if err := os.CopyFS(home, os.DirFS(newDistHome(t, d))); err != nil {
		t.Fatal(err)
	}
	chownTree(t, home, login.UID, login.GID, 0o644)
	toml := filepath.Join(home, apim.DeploymentTOML)
	carbon := filepath.Join(home, apim.CarbonXML)
	shipped, shippedCarbon := readFile(t, toml), readFile(t, carbon)
	config := sshInstanceAt(t, srv, key, login, home, 3)
	v, _ := apim.ParseVersion(d.version)
	h := apim.Home{Generation: apim.Deployment3, Version: v, Distribution: d.distribution}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("ports"), expectedPorts(h, 3)),
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("apim_version"), knownvalue.StringExact("4.2.0")),
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("config_file"), knownvalue.StringExact(toml)),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error {
					return expectFile(toml, withGatewayURLs(t, d, withTOMLOffset(t, shipped, "3"), 3))
				},
				func(*terraform.State) error { return expectFile(carbon, shippedCarbon) },
			),
		}, {
			Config:   config,
			PlanOnly: true,
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(toml, shipped) },
	})
}

// TestInstancePortsTOML_bases: a port base deployment.toml sets moves that
// port's entry in ports, at plan time, on create and on update (the
// runtime adds the offset to the file's base); a base that is not a port is
// an error naming the file, which is left as it was.
func TestInstancePortsTOML_bases(t *testing.T) {
	home := newDistHome(t, distFixtures[2])
	toml := filepath.Join(home, apim.DeploymentTOML)
	withBase := append(readFile(t, toml), "\n[transport.https.properties]\nport = 9543\n"...)
	writeFile(t, toml, withBase)
	https := tfjsonpath.New("ports").AtMapKey("servlet_https")
	http := tfjsonpath.New("ports").AtMapKey("servlet_http")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 3, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", https, knownvalue.Int64Exact(9546)),
				plancheck.ExpectKnownValue("apim_instance_ports.test", http, knownvalue.Int64Exact(9766)),
			}},
		}, {
			Config: instancePortsConfig(home, 4, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", https, knownvalue.Int64Exact(9547)),
			}},
		}, {
			// The file's base changed by hand: the refresh shows it.
			PreConfig: func() {
				writeFile(t, toml, bytes.Replace(readFile(t, toml), []byte("port = 9543"), []byte("port = 9643"), 1))
			},
			Config:   instancePortsConfig(home, 4, ""),
			PlanOnly: true,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("apim_instance_ports.test", https, knownvalue.Int64Exact(9647)),
			},
			ExpectNonEmptyPlan: false,
		}},
	})

	bad := newDistHome(t, distFixtures[2])
	badToml := filepath.Join(bad, apim.DeploymentTOML)
	badDoc := append(readFile(t, badToml), "\n[transport.https.properties]\nport = \"${https.port}\"\n"...)
	writeFile(t, badToml, badDoc)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      instancePortsConfig(bad, 3, ""),
			ExpectError: diagText(badToml, "[transport.https.properties] port", "not a whole number"),
		}},
	})
	if !bytes.Equal(readFile(t, badToml), badDoc) {
		t.Fatalf("%s was changed", badToml)
	}
}

// TestInstancePortsTOML_refusedHomes: homes whose deployment.toml the
// provider must not edit are refused with a diagnostic naming the file and
// what to do, and nothing in them changes: a directory where the file
// should be, and a home the start script optimised for a profile (it moved
// deployment.toml to deployment.toml.backup and copied the profile's
// template over it, and does that again at every start with --optimize).
func TestInstancePortsTOML_refusedHomes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setUp func(t *testing.T, home string)
		want  []string
	}{
		{"deployment.toml is a directory", func(t *testing.T, home string) {
			toml := filepath.Join(home, apim.DeploymentTOML)
			if err := os.Remove(toml); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(toml, 0o755); err != nil {
				t.Fatal(err)
			}
		}, []string{apim.DeploymentTOML, "not a regular file"}},
		{"optimised for a profile", func(t *testing.T, home string) {
			toml := filepath.Join(home, apim.DeploymentTOML)
			copyFile(t, toml, filepath.Join(home, apim.DeploymentBackup))
			copyFile(t, filepath.Join(fixtures, "apim-4.2.0/repository/resources/conf/deployment-templates/gateway-worker.toml"), toml)
		}, []string{apim.DeploymentBackup, "optimised for a profile", "--skipConfigOptimization", "Nothing was written"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := newDistHome(t, distFixtures[2])
			tc.setUp(t, home)
			before := allFiles(t, home)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      instancePortsConfig(home, 3, ""),
					ExpectError: diagText(tc.want...),
				}},
			})
			if err := expectAllFiles(before, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestInstancePortsTOML_forms: every way a deployment.toml can hold
// [server] offset, on the real 4.2.0 file with its [server] table rewritten
// in that form, gets exactly the value's bytes changed (or, where the key
// or the table is missing, exactly one line or table added) and back on
// destroy: a dotted key, an inline table, a [server] without the shipped
// comment, and no [server] at all.
func TestInstancePortsTOML_forms(t *testing.T) {
	shippedServer := "[server]\nhostname = \"localhost\"\n#offset=0\nbase_path = \"${carbon.protocol}://${carbon.host}:${carbon.management.port}\"\n#discard_empty_caches = false\nserver_role = \"default\"\n\n"
	for _, tc := range []struct {
		name, server, applied string
	}{
		{"dotted keys",
			"server.hostname = \"localhost\"\nserver.offset = 1\nserver.server_role = \"default\"\n\n",
			"server.hostname = \"localhost\"\nserver.offset = 3\nserver.server_role = \"default\"\n\n"},
		{"inline table",
			"server = { hostname = \"localhost\", offset = 1, server_role = \"default\" }\n\n",
			"server = { hostname = \"localhost\", offset = 3, server_role = \"default\" }\n\n"},
		{"no offset line",
			"[server]\nhostname = \"localhost\"\nserver_role = \"default\"\n\n",
			"[server]\noffset = 3\nhostname = \"localhost\"\nserver_role = \"default\"\n\n"},
		{"no [server]",
			"",
			"[server]\noffset = 3\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := newDistHome(t, distFixtures[2])
			toml := filepath.Join(home, apim.DeploymentTOML)
			rest := bytes.TrimPrefix(readFile(t, toml), []byte(shippedServer))
			if len(rest) == len(readFile(t, toml)) {
				t.Fatal("the shipped file does not start with the [server] table this test rewrites")
			}
			// The gateway URLs are not this test's business.
			start := append([]byte(tc.server), rest...)
			writeFile(t, toml, start)
			want := append([]byte(tc.applied), rest...)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: instancePortsConfig(home, 3, "manage_gateway_urls = false"),
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr("apim_instance_ports.test", "offset", "3"),
						func(*terraform.State) error { return expectFile(toml, want) },
					),
				}, {
					Config:   instancePortsConfig(home, 3, "manage_gateway_urls = false"),
					PlanOnly: true,
				}},
				CheckDestroy: func(*terraform.State) error { return expectFile(toml, start) },
			})
		})
	}
}

// TestInstancePortsTOML_homeMadeInTheSameApply: a home that does not exist
// at plan time (here made by a provisioner of the same apply, as a host is
// made by a cloud resource) leaves what depends on it unknown in the plan,
// never guessed; apply then reads it, and sets and reports what it found:
// a 4.2.0 home, its offset in deployment.toml.
func TestInstancePortsTOML_homeMadeInTheSameApply(t *testing.T) {
	src := newDistHome(t, distFixtures[2])
	home := filepath.Join(t.TempDir(), "made-later")
	shipped := readFile(t, filepath.Join(src, apim.DeploymentTOML))
	config := fmt.Sprintf(`
resource "terraform_data" "host" {
  input = %q
  provisioner "local-exec" {
    command = "cp -R %s %s"
  }
}

resource "apim_instance_ports" "test" {
  apim_home           = terraform_data.host.output
  offset              = 3
  manage_gateway_urls = false
}
`, home, src, home)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue("apim_instance_ports.test", tfjsonpath.New("ports")),
				plancheck.ExpectUnknownValue("apim_instance_ports.test", tfjsonpath.New("config_file")),
				plancheck.ExpectUnknownValue("apim_instance_ports.test", tfjsonpath.New("apim_version")),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("apim_instance_ports.test", "apim_version", "4.2.0"),
				resource.TestCheckResourceAttr("apim_instance_ports.test", "ports.servlet_https", "9446"),
				resource.TestCheckResourceAttr("apim_instance_ports.test", "config_file", filepath.Join(home, apim.DeploymentTOML)),
				func(*terraform.State) error {
					return expectFile(filepath.Join(home, apim.DeploymentTOML), withTOMLOffset(t, shipped, "3"))
				},
			),
		}, {
			Config:   config,
			PlanOnly: true,
		}},
	})
}
