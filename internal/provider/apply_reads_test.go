package provider

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// countingTarget is the local target, counting per path the reads and the
// edits the provider asks of it.
type countingTarget struct {
	target.Target
	mu    sync.Mutex
	reads map[string]int
	edits map[string]int
}

func newCountingTarget() *countingTarget {
	return &countingTarget{Target: target.NewLocal(), reads: map[string]int{}, edits: map[string]int{}}
}

func (c *countingTarget) ReadFile(ctx context.Context, path string) ([]byte, error) {
	c.count(c.reads, path)
	return c.Target.ReadFile(ctx, path)
}

func (c *countingTarget) ReadFiles(ctx context.Context, paths []string) ([][]byte, []error) {
	for _, p := range paths {
		c.count(c.reads, p)
	}
	return c.Target.ReadFiles(ctx, paths)
}

func (c *countingTarget) EditFile(ctx context.Context, path string, edit func([]byte) ([]byte, error)) (bool, error) {
	c.count(c.edits, path)
	return c.Target.EditFile(ctx, path, edit)
}

func (c *countingTarget) count(m map[string]int, path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m[path]++
}

// counts is a copy of the counts so far.
func (c *countingTarget) counts() (reads, edits map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.reads), maps.Clone(c.edits)
}

// planCheckFunc runs f on the plan as a plan check: here, to take the
// counts between the plan and the apply.
type planCheckFunc func()

func (f planCheckFunc) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// TestApplyReadsOnce: applying a saved plan of an instance and a WebSocket
// endpoint on APIM 4.2.0 homes asks the host for nothing it already knows.
// Terraform plans each resource again just before applying it, and that
// plan reads the home once; the endpoint's apply then uses what that plan
// found (which file holds the port) instead of reading the same files a
// second time, and the instance's apply does not try to edit the workflow
// callback file its plan found absent (4.2 ships none). Every edited file
// is edited once.
func TestApplyReadsOnce(t *testing.T) {
	portsHome, wsHome := newDistHome(t, distFixtures[2]), newDistHome(t, distFixtures[2])
	counting := newCountingTarget()
	providers := map[string]func() (tfprotov6.ProviderServer, error){
		"apim": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(&apimProvider{version: "test", hosts: &hosts{local: counting, pool: target.NewPool()}})()
		},
	}
	config := fmt.Sprintf(`
resource "apim_instance_ports" "test" {
  apim_home = %q
  offset    = 3
}

resource "apim_websocket_inbound" "test" {
  apim_home = %q
  offset    = 0
}
`, portsHome, wsHome)
	template := filepath.Join(wsHome, apim.WebSocket.Template())
	workflow := filepath.Join(portsHome, apim.WorkflowCallbackService)
	var readsBefore, editsBefore map[string]int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providers,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				planCheckFunc(func() { readsBefore, editsBefore = counting.counts() }),
			}},
			Check: func(*terraform.State) error {
				reads, edits := counting.counts()
				if n := reads[template] - readsBefore[template]; n != 1 {
					return fmt.Errorf("the apply read %s %d times; want once (its plan of the endpoint)", template, n)
				}
				if n := edits[workflow] - editsBefore[workflow]; n != 0 {
					return fmt.Errorf("the apply edited %s, which its plan found absent, %d times; want none", workflow, n)
				}
				for _, f := range []string{filepath.Join(portsHome, apim.DeploymentTOML), filepath.Join(wsHome, apim.DeploymentTOML)} {
					if n := edits[f] - editsBefore[f]; n != 1 {
						return fmt.Errorf("the apply edited %s %d times; want once", f, n)
					}
				}
				return nil
			},
		}},
	})
}
