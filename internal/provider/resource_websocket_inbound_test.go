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
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

func webSocketConfig(home string, offset int, extra string) string {
	return fmt.Sprintf(`
resource "apim_websocket_inbound" "test" {
  apim_home = %q
  offset    = %d
  %s
}
`, home, offset, extra)
}

const (
	useOffsetTrue  = `<parameter name="ws.use.port.offset">true</parameter>`
	useOffsetFalse = `<parameter name="ws.use.port.offset">false</parameter>`
)

func wsPort(port int) string {
	return fmt.Sprintf(`<parameter name="inbound.ws.port">%d</parameter>`, port)
}

func TestWebSocketInbound_portKnownAtPlanTime(t *testing.T) {
	home := newHome(t)
	config := webSocketConfig(home, 2, "") + `
resource "apim_websocket_inbound" "secure" {
  apim_home = "` + home + `"
  offset    = 2
  secure    = true
}

resource "terraform_data" "load_balancer" {
  input = [apim_websocket_inbound.test.port, apim_websocket_inbound.secure.port]
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("apim_websocket_inbound.test", tfjsonpath.New("port"), knownvalue.Int64Exact(9101)),
				plancheck.ExpectKnownValue("apim_websocket_inbound.secure", tfjsonpath.New("port"), knownvalue.Int64Exact(8101)),
				plancheck.ExpectKnownValue("apim_websocket_inbound.test", tfjsonpath.New("id"), knownvalue.StringExact(home)),
				plancheck.ExpectKnownValue("apim_websocket_inbound.secure", tfjsonpath.New("id"), knownvalue.StringExact(home+"#secure")),
				plancheck.ExpectKnownValue("apim_websocket_inbound.secure", tfjsonpath.New("config_file"),
					knownvalue.StringExact(filepath.Join(home, apim.SecureWebSocket.File))),
				plancheck.ExpectKnownValue("terraform_data.load_balancer", tfjsonpath.New("input"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(9101), knownvalue.Int64Exact(8101)})),
			}},
		}},
	})
}

// TestWebSocketInbound_noDoubleShift covers the trap for both endpoints and
// for ws.use.port.offset true, false and absent: the file ends up stating the
// real port with the flag off, changed only in those bytes.
func TestWebSocketInbound_noDoubleShift(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secure bool
		flag   string // the flag parameter as it stands before apply, "" when absent
	}{
		{"ws flag true", false, useOffsetTrue},
		{"ws flag false", false, useOffsetFalse},
		{"ws flag absent", false, ""},
		{"wss flag true", true, useOffsetTrue},
		{"wss flag false", true, useOffsetFalse},
		{"wss flag absent", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := newHome(t)
			// The two shipped files indent differently.
			endpoint, base, indent, closer := apim.WebSocket, 9099, "      ", "   </parameters>"
			if tc.secure {
				endpoint, base, indent, closer = apim.SecureWebSocket, 8099, "        ", "    </parameters>"
			}
			file := filepath.Join(home, endpoint.File)
			orig := readFile(t, file)
			start := replaceOnce(t, orig, useOffsetTrue, tc.flag)
			if tc.flag == "" {
				// Drop the whole line, as a file without the parameter has it.
				start = replaceOnce(t, orig, "\n"+indent+useOffsetTrue, "")
			}
			writeFile(t, file, start)
			want := replaceOnce(t, start, wsPort(base), wsPort(base+3))
			switch tc.flag {
			case useOffsetTrue:
				want = replaceOnce(t, want, useOffsetTrue, useOffsetFalse)
			case "":
				want = replaceOnce(t, want, "</parameter>\n"+closer, "</parameter>\n"+indent+useOffsetFalse+"\n"+closer)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: webSocketConfig(home, 3, fmt.Sprintf("secure = %t", tc.secure)),
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttr("apim_websocket_inbound.test", "port", fmt.Sprint(base+3)),
						func(*terraform.State) error { return expectFile(file, want) },
					),
				}},
				CheckDestroy: func(*terraform.State) error { return expectFile(file, start) },
			})
		})
	}
}

// TestWebSocketInbound_drift: Read reports inbound.ws.port plus the carbon.xml
// offset while ws.use.port.offset is true, so a hand edit of either parameter
// plans an update, and apply repairs it.
func TestWebSocketInbound_drift(t *testing.T) {
	home := newHome(t)
	carbon := filepath.Join(home, apim.CarbonXML)
	writeFile(t, carbon, replaceOnce(t, readFile(t, carbon), "<Offset>0</Offset>", "<Offset>2</Offset>"))
	file := filepath.Join(home, apim.WebSocket.File)
	var applied []byte
	config := webSocketConfig(home, 2, "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check:  func(*terraform.State) error { applied = readFile(t, file); return nil },
		}, {
			// The docs' double shift by hand: flag back on, port already moved.
			PreConfig: func() { writeFile(t, file, replaceOnce(t, applied, useOffsetFalse, useOffsetTrue)) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_websocket_inbound.test", plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error { return expectFile(file, applied) },
		}, {
			PreConfig: func() { writeFile(t, file, replaceOnce(t, applied, wsPort(9101), wsPort(9099))) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_websocket_inbound.test", plancheck.ResourceActionUpdate),
			}},
			Check: func(*terraform.State) error { return expectFile(file, applied) },
		}, {
			Config:   config,
			PlanOnly: true,
		}},
	})
}

func TestWebSocketInbound_import(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(fmt.Sprintf("secure=%t", secure), func(t *testing.T) {
			home := newHome(t)
			carbon := filepath.Join(home, apim.CarbonXML)
			writeFile(t, carbon, replaceOnce(t, readFile(t, carbon), "<Offset>0</Offset>", "<Offset>4</Offset>"))
			id, wantPort := home, int64(9103)
			if secure {
				// Set up by hand the way this resource would: the port stated, the flag off.
				file := filepath.Join(home, apim.SecureWebSocket.File)
				doc := replaceOnce(t, readFile(t, file), wsPort(8099), wsPort(8103))
				writeFile(t, file, replaceOnce(t, doc, useOffsetTrue, useOffsetFalse))
				id, wantPort = home+"#secure", 8103
			}
			// Otherwise the shipped ws file follows the offset through its flag.
			config := webSocketConfig(home, 4, fmt.Sprintf("secure = %t", secure))
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					// An import block with the matching configuration plans no change.
					Config:          config,
					ResourceName:    "apim_websocket_inbound.test",
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithID,
					ImportStateId:   id,
				}, {
					Config: config,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("apim_websocket_inbound.test", tfjsonpath.New("port"), knownvalue.Int64Exact(wantPort)),
					},
				}, {
					ResourceName:      "apim_websocket_inbound.test",
					ImportState:       true,
					ImportStateId:     id,
					ImportStateVerify: true,
				}},
			})
		})
	}
}

func TestWebSocketInbound_badInput(t *testing.T) {
	home := newHome(t)
	file := filepath.Join(home, apim.WebSocket.File)
	writeFile(t, file, replaceOnce(t, readFile(t, file), wsPort(9099), `<parameter name="inbound.ws.port">90x9</parameter>`))
	before := readFile(t, file)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      webSocketConfig(home, 1, ""),
			ExpectError: regexp.MustCompile(`(?s)WebSocketInboundEndpoint\.xml.*"90x9", not a whole number`),
		}, {
			Config:      webSocketConfig(home, 60000, ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)largest offset allowed is 56436`),
		}},
	})
	if err := expectFile(file, before); err != nil {
		t.Error(err)
	}
}

// TestWebSocketInbound_secureOnGA: APIM 2.1.0 GA has no secure endpoint; the
// error says so.
func TestWebSocketInbound_secureOnGA(t *testing.T) {
	home := newHome(t)
	if err := os.Remove(filepath.Join(home, apim.SecureWebSocket.File)); err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      webSocketConfig(home, 1, "secure = true"),
			ExpectError: regexp.MustCompile(`(?s)SecureWebSocketInboundEndpoint\.xml.*2\.1\.0-update11, 2\.2\.0 and later`),
		}},
	})
}
