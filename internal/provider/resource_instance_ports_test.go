package provider

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

const shippedCallback = `uri="https://localhost:9443/store/site/blocks/workflow/workflow-listener/ajax/workflow-listener.jag"`

func callbackAt(port int) string {
	return fmt.Sprintf(`uri="https://localhost:%d/store/site/blocks/workflow/workflow-listener/ajax/workflow-listener.jag"`, port)
}

func instancePortsConfig(home string, offset int, extra string) string {
	return fmt.Sprintf(`
resource "apim_instance_ports" "test" {
  apim_home = %q
  offset    = %d
  %s
}
`, home, offset, extra)
}

// allPorts is every port a 2.x instance opens shifted by offset, and null
// for the others (the webhook ports of 4.x), as the ports object must hold.
func allPorts(offset int64) knownvalue.Check { return expectedPorts(apim.CarbonHome, offset) }

func TestInstancePorts_portsKnownAtPlanTime(t *testing.T) {
	home := newHome(t)
	config := instancePortsConfig(home, 7, "") + `
resource "terraform_data" "load_balancer" {
  input = {
    gateway_https = apim_instance_ports.test.ports.gateway_https
    servlet_https = apim_instance_ports.test.ports.servlet_https
    callback      = apim_instance_ports.test.workflow_callback_url
  }
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("ports"), allPorts(7)),
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("id"), knownvalue.StringExact(home)),
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("config_file"),
					knownvalue.StringExact(filepath.Join(home, apim.CarbonXML))),
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("workflow_callback_url"),
					knownvalue.StringExact("https://localhost:9450/store/site/blocks/workflow/workflow-listener/ajax/workflow-listener.jag")),
				plancheck.ExpectKnownValue("terraform_data.load_balancer", tfjsonpath.New("input").AtMapKey("gateway_https"), knownvalue.Int64Exact(8250)),
				plancheck.ExpectKnownValue("terraform_data.load_balancer", tfjsonpath.New("input").AtMapKey("servlet_https"), knownvalue.Int64Exact(9450)),
				plancheck.ExpectKnownValue("terraform_data.load_balancer", tfjsonpath.New("input").AtMapKey("callback"),
					knownvalue.StringExact("https://localhost:9450/store/site/blocks/workflow/workflow-listener/ajax/workflow-listener.jag")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("ports"), allPorts(7)),
			},
		}, {
			// A new offset is known at plan time on update too.
			Config: instancePortsConfig(home, 3, "") + `
resource "terraform_data" "load_balancer" {
  input = apim_instance_ports.test.ports.gateway_http
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("ports"), allPorts(3)),
				plancheck.ExpectKnownValue("terraform_data.load_balancer", tfjsonpath.New("input"), knownvalue.Int64Exact(8283)),
			}},
		}},
	})
}

func TestInstancePorts_byteExactEdits(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	workflow := filepath.Join(home, apim.WorkflowCallbackService)
	origCarbon, origWorkflow := readFile(t, carbon), readFile(t, workflow)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 7, ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error {
					return expectFile(carbon, replaceOnce(t, origCarbon, "<Offset>0</Offset>", "<Offset>7</Offset>"))
				},
				func(*terraform.State) error {
					return expectFile(workflow, replaceOnce(t, origWorkflow, shippedCallback, callbackAt(9450)))
				},
			),
		}},
		CheckDestroy: func(*terraform.State) error {
			if err := expectFile(carbon, origCarbon); err != nil {
				return err
			}
			return expectFile(workflow, origWorkflow)
		},
	})
}

// TestInstancePorts_trickyBytes runs the edit on a carbon.xml with CRLF line
// endings, Latin-1 bytes and a commented-out <Offset> just above the real one:
// only the real value changes, and destroy gives back the original bytes.
func TestInstancePorts_trickyBytes(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	doc := readFile(t, carbon)
	doc = replaceOnce(t, doc, "<Offset>0</Offset>", "<!--<Offset>7</Offset>-->\n        <Offset>0</Offset>")
	doc = replaceOnce(t, doc, "<!-- The JMX Ports -->", "<!-- The JMX Ports, caf\xe9 \xa9 -->")
	doc = replaceOnce(t, doc, "<ServerKey>AM</ServerKey>", "<ServerKey>AM</ServerKey><!-- <![CDATA[<Offset>9</Offset>]]> -->")
	doc = bytes.ReplaceAll(doc, []byte("\n"), []byte("\r\n"))
	writeFile(t, carbon, doc)
	want := replaceOnce(t, doc, "<Offset>0</Offset>", "<Offset>12</Offset>")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 12, "manage_workflow_callback = false"),
			Check:  func(*terraform.State) error { return expectFile(carbon, want) },
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(carbon, doc) },
	})
}

// TestInstancePorts_missingOffset: a <Ports> without <Offset> means 0 to the
// runtime; apply adds it as the first child with the siblings' indentation,
// and destroy removes it again.
func TestInstancePorts_missingOffset(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	orig := readFile(t, carbon)
	const offsetBlock = "\n        <!-- Ports offset. This entry will set the value of the ports defined below to\n         the define value + Offset.\n         e.g. Offset=2 and HTTPS port=9443 will set the effective HTTPS port to 9445\n         -->\n        <Offset>0</Offset>\n"
	withoutOffset := replaceOnce(t, orig, offsetBlock, "\n")
	writeFile(t, carbon, withoutOffset)
	want := replaceOnce(t, withoutOffset, "<Ports>\n", "<Ports>\n        <Offset>4</Offset>\n")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// Import first: the missing element reads as offset 0.
			Config:             instancePortsConfig(home, 0, ""),
			ResourceName:       "apim_instance_ports.test",
			ImportState:        true,
			ImportStateId:      home,
			ImportStatePersist: true,
			ImportStateCheck: func(s []*terraform.InstanceState) error {
				if got := s[0].Attributes["offset"]; got != "0" {
					return fmt.Errorf("imported offset %s, want 0", got)
				}
				return nil
			},
		}, {
			Config: instancePortsConfig(home, 4, "manage_workflow_callback = false"),
			Check:  func(*terraform.State) error { return expectFile(carbon, want) },
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(carbon, withoutOffset) },
	})
}

func TestInstancePorts_drift(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	workflow := filepath.Join(home, apim.WorkflowCallbackService)
	var applied, appliedWorkflow []byte
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 7, ""),
			Check: func(*terraform.State) error {
				applied, appliedWorkflow = readFile(t, carbon), readFile(t, workflow)
				return nil
			},
		}, {
			// A hand edit of carbon.xml is an in-place update, never a replacement.
			PreConfig: func() {
				writeFile(t, carbon, replaceOnce(t, applied, "<Offset>7</Offset>", "<Offset>2</Offset>"))
			},
			Config: instancePortsConfig(home, 7, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
				plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("offset"), knownvalue.Int64Exact(7)),
			}},
			Check: func(*terraform.State) error { return expectFile(carbon, applied) },
		}, {
			// A hand edit of the workflow callback port is drift too.
			PreConfig: func() {
				writeFile(t, workflow, replaceOnce(t, appliedWorkflow, callbackAt(9450), shippedCallback))
			},
			Config: instancePortsConfig(home, 7, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error { return expectFile(workflow, appliedWorkflow) },
		}, {
			// With the files right again, the plan is empty.
			Config:   instancePortsConfig(home, 7, ""),
			PlanOnly: true,
		}},
	})
}

func TestInstancePorts_import(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	workflow := filepath.Join(home, apim.WorkflowCallbackService)
	// An instance set up by hand: offset 5 and the callback port moved to match.
	writeFile(t, carbon, replaceOnce(t, readFile(t, carbon), "<Offset>0</Offset>", "<Offset>5</Offset>"))
	writeFile(t, workflow, replaceOnce(t, readFile(t, workflow), shippedCallback, callbackAt(9448)))
	before, beforeWorkflow := readFile(t, carbon), readFile(t, workflow)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// An import block with the matching configuration plans no change.
			Config:          instancePortsConfig(home, 5, ""),
			ResourceName:    "apim_instance_ports.test",
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   home,
		}, {
			Config: instancePortsConfig(home, 5, ""),
			Check: func(*terraform.State) error {
				if err := expectFile(carbon, before); err != nil {
					return err
				}
				return expectFile(workflow, beforeWorkflow)
			},
		}, {
			ResourceName:      "apim_instance_ports.test",
			ImportState:       true,
			ImportStateId:     home,
			ImportStateVerify: true,
		}},
	})
}

func TestInstancePorts_onDestroyKeep(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	want := replaceOnce(t, readFile(t, carbon), "<Offset>0</Offset>", "<Offset>9</Offset>")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 9, `on_destroy = "keep"`),
		}},
		CheckDestroy: func(*terraform.State) error { return expectFile(carbon, want) },
	})
}

func TestInstancePorts_offsetOutOfRange(t *testing.T) {
	home := newHome(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      instancePortsConfig(home, 54425, ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)jmx_rmi_server \(11111\), to 65536.*largest offset allowed is 54424`),
		}, {
			Config:      instancePortsConfig(home, -1, ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`must not be negative`),
		}, {
			Config: `resource "apim_instance_ports" "test" {
  apim_home = "relative/home"
  offset    = 1
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`apim_home must be an absolute path`),
		}, {
			Config: `resource "apim_instance_ports" "test" {
  apim_home = "/opt/wso2am\n; touch /tmp/pwned"
  offset    = 1
}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Control Character in APIM Home.*holds a control character`),
		}},
	})
}

// TestInstancePorts_badInput: each bad file is reported with the file's name
// and what is wrong, and left byte for byte as it was.
func TestInstancePorts_badInput(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(t *testing.T, carbon string, orig []byte)
		want    string
	}{
		{"malformed XML", func(t *testing.T, c string, orig []byte) {
			writeFile(t, c, replaceOnce(t, orig, "</Ports>", "</Portz>"))
		}, `(?s)carbon\.xml.*(malformed|syntax|line)`},
		{"no Ports", func(t *testing.T, c string, orig []byte) {
			doc := replaceOnce(t, orig, "<Ports>", "<PortsX>")
			writeFile(t, c, replaceOnce(t, doc, "</Ports>", "</PortsX>"))
		}, `(?s)carbon\.xml.*Ports.*not found`},
		{"non-numeric Offset", func(t *testing.T, c string, orig []byte) {
			writeFile(t, c, replaceOnce(t, orig, "<Offset>0</Offset>", "<Offset>two</Offset>"))
		}, `(?s)carbon\.xml.*"two", not a whole number`},
		{"empty file", func(t *testing.T, c string, _ []byte) { writeFile(t, c, nil) }, `(?s)carbon\.xml.*`},
		{"directory", func(t *testing.T, c string, _ []byte) {
			if err := os.Remove(c); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(c, 0o755); err != nil {
				t.Fatal(err)
			}
		}, `(?s)carbon\.xml.*directory`},
		{"missing carbon.xml", func(t *testing.T, c string, _ []byte) {
			if err := os.Remove(c); err != nil {
				t.Fatal(err)
			}
		}, `(?s)carbon\.xml.*(no such file|not exist).*apim_home`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := newHome(t)
			carbon := filepath.Join(home, apim.CarbonXML)
			tc.corrupt(t, carbon, readFile(t, carbon))
			before, _ := os.ReadFile(carbon)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      instancePortsConfig(home, 3, ""),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
			if after, _ := os.ReadFile(carbon); !bytes.Equal(before, after) {
				t.Errorf("%s was changed by a failed apply", carbon)
			}
		})
	}
}

// TestInstancePorts_workflowCallbackLeftAlone: a missing
// WorkflowCallbackService.xml is skipped, and a callback URL naming another
// host is not touched; workflow_callback_url is null in both cases.
func TestInstancePorts_workflowCallbackLeftAlone(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, workflow string)
	}{
		{"missing file", func(t *testing.T, w string) {
			if err := os.Remove(w); err != nil {
				t.Fatal(err)
			}
		}},
		{"another host", func(t *testing.T, w string) {
			writeFile(t, w, replaceOnce(t, readFile(t, w), "localhost:9443", "store.example.com:9443"))
		}},
		{"a file of another shape", func(t *testing.T, w string) {
			writeFile(t, w, []byte(`<proxy xmlns="http://ws.apache.org/ns/synapse" name="WorkflowCallbackService"><target/></proxy>`+"\n"))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := newHome(t)
			workflow := filepath.Join(home, apim.WorkflowCallbackService)
			tc.setup(t, workflow)
			before, _ := os.ReadFile(workflow)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: instancePortsConfig(home, 2, ""),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("workflow_callback_url"), knownvalue.Null()),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("workflow_callback_url"), knownvalue.Null()),
					},
				}},
			})
			if after, _ := os.ReadFile(workflow); !bytes.Equal(before, after) {
				t.Errorf("%s was changed", workflow)
			}
		})
	}
}

// TestInstancePorts_managedTwice: two resources for one instance would undo
// each other's edit on every apply; the second one to apply is refused.
func TestInstancePorts_managedTwice(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	orig := readFile(t, carbon)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 2, "manage_workflow_callback = false") + fmt.Sprintf(`
resource "apim_instance_ports" "again" {
  apim_home = %q
  offset    = 2
  manage_workflow_callback = false
}
`, home),
			ExpectError: regexp.MustCompile(`(?s)Instance Managed Twice.*Another apim_instance_ports in this configuration\s+already manages`),
		}, {
			Config: webSocketConfig(home, 2, "") + fmt.Sprintf(`
resource "apim_websocket_inbound" "again" {
  apim_home = %q
  offset    = 2
}
`, home),
			ExpectError: regexp.MustCompile(`(?s)Instance Managed Twice.*apim_websocket_inbound`),
		}},
	})
	// The one resource that applied was destroyed and restored the file.
	if err := expectFile(carbon, orig); err != nil {
		t.Error(err)
	}
}

// TestInstancePorts_managedTwiceDifferently: two resources wanting different
// values in one file are refused at plan time, before anything is written.
func TestInstancePorts_managedTwiceDifferently(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	orig := readFile(t, carbon)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 2, "") + fmt.Sprintf(`
resource "apim_instance_ports" "again" {
  apim_home = "%s/"
  offset    = 3
}
`, home),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Instance Managed Twice.*apim_instance_ports`),
		}, {
			Config: webSocketConfig(home, 2, "") + fmt.Sprintf(`
resource "apim_websocket_inbound" "again" {
  apim_home = %q
  offset    = 5
}
`, home),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Instance Managed Twice.*apim_websocket_inbound`),
		}},
	})
	if err := expectFile(carbon, orig); err != nil {
		t.Error(err)
	}
}

// inode is the file's inode number: an atomic write replaces it, so an
// unchanged inode proves the file was not written.
func inode(t *testing.T, name string) uint64 {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		t.Fatalf("no inode for %s", name)
	}
	return st.Ino
}

// TestInstancePorts_noWriteWhenRight: values that are already right are not
// written at all: the files keep their inodes.
func TestInstancePorts_noWriteWhenRight(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	workflow := filepath.Join(home, apim.WorkflowCallbackService)
	inbound := filepath.Join(home, apim.WebSocket.File)
	// The ws endpoint already states its port with the flag off.
	writeFile(t, inbound, replaceOnce(t, readFile(t, inbound), useOffsetTrue, useOffsetFalse))
	before := map[string]uint64{carbon: inode(t, carbon), workflow: inode(t, workflow), inbound: inode(t, inbound)}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 0, "") + webSocketConfig(home, 0, ""),
			Check: func(*terraform.State) error {
				for name, ino := range before {
					if inode(t, name) != ino {
						return fmt.Errorf("%s was rewritten although its values were already right", name)
					}
				}
				return nil
			},
		}},
	})
}

// TestInstancePorts_carbonXMLGone: when carbon.xml disappears, Read removes
// the resource from the state, and the next plan creates it again.
func TestInstancePorts_carbonXMLGone(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 2, ""),
		}, {
			PreConfig: func() {
				if err := os.Remove(carbon); err != nil {
					t.Fatal(err)
				}
			},
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check: func(s *terraform.State) error {
				if _, ok := s.RootModule().Resources["apim_instance_ports.test"]; ok {
					return fmt.Errorf("apim_instance_ports.test is still in the state after carbon.xml was removed")
				}
				return nil
			},
		}},
	})
}
