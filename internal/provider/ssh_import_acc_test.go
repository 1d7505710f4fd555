package provider

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// TestSSHImportProviderSSH imports remote instances by IDs that name more,
// or less, of the ssh settings than the resources' own ssh objects do, the
// rest coming from the provider's ssh. The ID says where the instance is;
// as long as it names the same host, port and user as the configuration
// with the provider's defaults, the import plans no change, with an import
// block and with the import command followed by a plan.
func TestSSHImportProviderSSH(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	h := startHosts(t, 1, login, key, sshtest.Options{})[0]
	// An instance set up by hand at offset 5.
	handSet := applied(t, h.orig, 5, true, false)
	for rel, b := range handSet {
		writeFile(t, filepath.Join(h.home, rel), b)
	}
	credentials := []string{
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, h.srv)),
		hclAttr("agent", false),
	}
	user, host, port := hclAttr("user", login.Name), hclAttr("host", h.srv.Host()), hclAttr("port", h.srv.Port())
	addr := h.srv.Addr()

	for _, tc := range []struct {
		name         string
		providerSSH  []string // besides the credentials
		resourceSSH  []string // nil: the resources have no ssh of their own
		importPrefix string   // the ID without the home
	}{{
		// The case of the issue: the user in the ID is the provider's.
		name:         "user from the provider",
		providerSSH:  []string{user},
		resourceSSH:  []string{host, port},
		importPrefix: "ssh://" + login.Name + "@" + addr,
	}, {
		name:         "port from the provider",
		providerSSH:  []string{user, port},
		resourceSSH:  []string{host},
		importPrefix: "ssh://" + addr,
	}, {
		// The ID leaves the port to the provider, the configuration repeats it.
		name:         "neither user nor port in the ID",
		providerSSH:  []string{user, port},
		resourceSSH:  []string{host, port},
		importPrefix: "ssh://" + h.srv.Host(),
	}, {
		name:         "everything from the provider",
		providerSSH:  []string{user, host, port},
		importPrefix: "ssh://" + login.Name + "@" + addr,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			config := providerSSH(append(append([]string(nil), tc.providerSSH...), credentials...)...) +
				importedInstance(h.home, tc.resourceSSH)
			id := tc.importPrefix + h.home
			var configuredSSH knownvalue.Check = knownvalue.Null()
			if tc.resourceSSH != nil {
				configuredSSH = knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"host": knownvalue.StringExact(h.srv.Host()),
					"port": knownvalue.Null(),
					"user": knownvalue.Null(),
				})
				if slices.Contains(tc.resourceSSH, port) {
					configuredSSH = knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"host": knownvalue.StringExact(h.srv.Host()),
						"port": knownvalue.Int64Exact(int64(h.srv.Port())),
						"user": knownvalue.Null(),
					})
				}
			}
			// An import block's plan must be a no-op import. (Each is a test
			// case's first step: a later one would copy a state there is not.)
			for _, name := range []string{"apim_instance_ports.test", "apim_websocket_inbound.test"} {
				resource.UnitTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviders,
					Steps: []resource.TestStep{{
						Config:          config,
						ResourceName:    name,
						ImportState:     true,
						ImportStateKind: resource.ImportBlockWithID,
						ImportStateId:   id,
					}},
				})
			}
			// After the import command, the next plan must be empty.
			var command []resource.TestStep
			for _, name := range []string{"apim_instance_ports.test", "apim_websocket_inbound.test"} {
				command = append(command, resource.TestStep{
					Config:             config,
					ResourceName:       name,
					ImportState:        true,
					ImportStateId:      id,
					ImportStatePersist: true,
				})
			}
			command = append(command, resource.TestStep{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkFiles(h, handSet),
			}, resource.TestStep{
				// With a real change, the state takes the configuration's
				// ssh as it is written.
				Config: strings.ReplaceAll(config, "offset    = 5", "offset    = 6"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("apim_instance_ports.test", tfjsonpath.New("ssh"), configuredSSH),
					statecheck.ExpectKnownValue("apim_websocket_inbound.test", tfjsonpath.New("ssh"), configuredSSH),
				},
				Check: checkFiles(h, applied(t, h.orig, 6, true, false)),
			})
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    command,
				CheckDestroy:             checkFiles(h, handSet),
			})
		})
	}
}

// importedInstance is an apim_instance_ports and a ws apim_websocket_inbound
// named test at offset 5 in home, with sshAttrs (HCL lines) as their ssh
// object, or none when sshAttrs is nil.
func importedInstance(home string, sshAttrs []string) string {
	sshObj := ""
	if sshAttrs != nil {
		sshObj = "  ssh = {\n    " + strings.Join(sshAttrs, "\n    ") + "\n  }\n"
	}
	return fmt.Sprintf(`
resource "apim_instance_ports" "test" {
  apim_home = %[1]q
  offset    = 5
%[2]s}

resource "apim_websocket_inbound" "test" {
  apim_home = %[1]q
  offset    = 5
%[2]s}
`, home, sshObj)
}
