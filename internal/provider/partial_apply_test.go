package provider

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// readOnlyBetweenPlanAndApply is a plan check that makes dir a read-only
// bind mount of itself after the plan, before the apply, until the
// returned function undoes it: a write the plan could not foresee fails.
type readOnlyBetweenPlanAndApply struct {
	t   *testing.T
	dir string
}

func (r readOnlyBetweenPlanAndApply) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	for _, args := range [][]string{{"--bind", r.dir, r.dir}, {"-o", "remount,bind,ro", r.dir}} {
		if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
			r.t.Fatalf("mount %v: %v\n%s", args, err, out)
		}
	}
	r.t.Cleanup(r.undo)
}

// undo ends the read-only mount, if it is still there.
func (r readOnlyBetweenPlanAndApply) undo() {
	_ = exec.Command("umount", r.dir).Run()
}

// TestInstancePorts_partialApply: an apply that fails after it changed
// files (carbon.xml and jndi.properties set, then the workflow callback
// file's directory found read-only) puts them back, so the next apply
// creates the resource from the shipped files and destroy gives back the
// shipped bytes. Without that, the next apply would record the values the
// failed one wrote as the originals.
func TestInstancePorts_partialApply(t *testing.T) {
	home := newCarbonURLsHome(t, "2.1.0")
	carbon := filepath.Join(home, apim.CarbonXML)
	jndi := filepath.Join(home, apim.JNDIProperties)
	workflow := filepath.Join(home, apim.WorkflowCallbackService)
	shipped := map[string][]byte{carbon: readFile(t, carbon), jndi: readFile(t, jndi), workflow: readFile(t, workflow)}
	readOnly := readOnlyBetweenPlanAndApply{t, filepath.Dir(workflow)}
	config := instancePortsConfig(home, 10, "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{readOnly}},
				ExpectError:      regexp.MustCompile(`(?s)Cannot Set the Workflow Callback Port.*read-only`),
			},
			{
				PreConfig: func() {
					readOnly.undo()
					for file, want := range shipped {
						if err := expectFile(file, want); err != nil {
							t.Errorf("after the failed apply: %v", err)
						}
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("apim_instance_ports.test", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error { return expectFile(jndi, jndiAt(t, shipped[jndi], 5682)) },
			},
		},
		CheckDestroy: func(*terraform.State) error {
			for file, want := range shipped {
				if err := expectFile(file, want); err != nil {
					return err
				}
			}
			return nil
		},
	})
}
