package provider

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// portsAt is an apim_instance_ports named name, with extra HCL lines.
func portsAt(name, home string, offset int, extra ...string) string {
	return fmt.Sprintf("resource \"apim_instance_ports\" %q {\n  apim_home = %q\n  offset    = %d\n  %s\n}\n", name, home, offset, strings.Join(extra, "\n  "))
}

// collision matches the diagnostic refusing two instances at homes a and
// b, in either order, that share every one of ports.
func collision(a, b string, ports ...int64) *regexp.Regexp {
	qa, qb := regexp.QuoteMeta(a), regexp.QuoteMeta(b)
	re := `(?s)Port Collision Between Instances.*(` + qa + `.*` + qb + `|` + qb + `.*` + qa + `)`
	for _, p := range ports {
		re += fmt.Sprintf(`.*[\s│]%d[\s│]+\(`, p)
	}
	return regexp.MustCompile(re)
}

// untouched fails the test unless every home's files are as snapshot
// found them.
func untouched(t *testing.T, snapshots map[string]map[string][]byte) {
	t.Helper()
	for home, orig := range snapshots {
		if err := expectFiles(home, orig); err != nil {
			t.Errorf("a refused plan changed a file: %v", err)
		}
	}
}

// TestCollisions: two instances on the local host whose offsets differ by
// the distance between two of APIM 2.1.0's ports are refused at plan time,
// whichever resource has which offset, naming both homes and every shared
// port, with nothing written; offsets 0, 1 and 2 run side by side.
func TestCollisions(t *testing.T) {
	a, b, c := newHome(t), newHome(t), newHome(t)
	snapshots := map[string]map[string][]byte{a: snapshot(t, a), b: snapshot(t, b)}
	var steps []resource.TestStep
	for _, tc := range []struct {
		x, y  int
		ports []int64
	}{
		{0, 8, []int64{10397}},
		{0, 37, []int64{8280}},
		{0, 100, []int64{7711, 9711}},
	} {
		for _, order := range [][2]int{{tc.x, tc.y}, {tc.y, tc.x}} {
			steps = append(steps, resource.TestStep{
				Config:      portsAt("a", a, order[0]) + portsAt("b", b, order[1]),
				PlanOnly:    true,
				ExpectError: collision(a, b, tc.ports...),
			})
		}
	}
	steps = append(steps, resource.TestStep{
		Config: portsAt("a", a, 0) + portsAt("b", b, 1) + portsAt("c", c, 2),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("apim_instance_ports.b", tfjsonpath.New("ports").AtMapKey("servlet_https"), knownvalue.Int64Exact(9444)),
		},
	})
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	untouched(t, snapshots)
}

// TestCollisions_forEach: instances from a for_each over a map of offsets
// are checked against each other like any others.
func TestCollisions_forEach(t *testing.T) {
	a, b := newHome(t), newHome(t)
	config := func(offsetA, offsetB int) string {
		return fmt.Sprintf(`
resource "apim_instance_ports" "each" {
  for_each  = { %q = %d, %q = %d }
  apim_home = each.key
  offset    = each.value
}
`, a, offsetA, b, offsetB)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config(0, 100), PlanOnly: true, ExpectError: collision(a, b, 7711, 9711)},
			{Config: config(0, 1)},
			// Removed in a step of its own: the framework's post-test
			// destroy reads the state through a shim that rejects
			// for_each keys.
			{Config: "terraform {}\n"},
		},
	})
}

// TestCollisions_distributions: each instance is checked with the ports its
// own distribution opens. A 4.7.0 gateway and traffic manager share no port
// at offsets 0 and 37, where two 4.7.0 all-in-ones collide on the gateway's
// 8280.
func TestCollisions_distributions(t *testing.T) {
	aio := distFixtures[3]
	gw, tm := distFixtures[5], distFixtures[6]
	if aio.distribution != apim.AllInOne || gw.distribution != apim.Gateway || tm.distribution != apim.TrafficManager {
		t.Fatal("distFixtures changed order")
	}
	aio1, aio2 := newDistHome(t, aio), newDistHome(t, aio)
	gwHome, tmHome := newDistHome(t, gw), newDistHome(t, tm)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: portsAt("a", aio1, 0) + portsAt("b", aio2, 37), PlanOnly: true, ExpectError: collision(aio1, aio2, 8280)},
			{Config: portsAt("gw", gwHome, 0) + portsAt("tm", tmHome, 37)},
		},
	})
}

// TestCollisions_replacement: a resource whose apim_home changes is
// replaced by an instance with the same offset, which does not collide
// with the one it replaces.
func TestCollisions_replacement(t *testing.T) {
	a, b := newHome(t), newHome(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: portsAt("this", a, 5)},
			{
				Config: portsAt("this", b, 5),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("apim_instance_ports.this", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("apim_instance_ports.this", tfjsonpath.New("config_file"), knownvalue.StringExact(filepath.Join(b, apim.CarbonXML))),
				},
			},
		},
	})
}

// TestCollisions_webSocketAndClustering: an apim_websocket_inbound's port
// belongs to its home's instance, and the Hazelcast member port, which no
// offset moves, collides between two clustered instances only.
func TestCollisions_webSocketAndClustering(t *testing.T) {
	a, b := newHome(t), newHome(t)
	ws := func(home string, port int) string {
		return fmt.Sprintf("resource \"apim_websocket_inbound\" \"ws\" {\n  apim_home = %q\n  offset    = %d\n}\n", home, port-9099)
	}
	clustered := func(home string) {
		axis2 := readFile(t, filepath.Join(fixtures, "apim-2.1.0", apim.Axis2XML))
		on := bytes.Replace(axis2, []byte("\n                enable=\"false\">"), []byte("\n                enable=\"true\">"), 1)
		copyFile(t, filepath.Join(fixtures, "apim-2.1.0", apim.Axis2XML), filepath.Join(home, apim.Axis2XML))
		writeFile(t, filepath.Join(home, apim.Axis2XML), on)
	}
	clustered(a)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			// b's WebSocket endpoint at 9102 meets a's at offset 3, and
			// b's own instance at offset 0 has nothing else in common.
			{Config: portsAt("a", a, 3) + portsAt("b", b, 0) + ws(b, 9102), PlanOnly: true, ExpectError: collision(a, b, 9102)},
			// One clustered instance: 4000 is its own.
			{
				Config: portsAt("a", a, 3) + portsAt("b", b, 0),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("apim_instance_ports.a", tfjsonpath.New("hazelcast_member_port"), knownvalue.Int64Exact(4000)),
					statecheck.ExpectKnownValue("apim_instance_ports.b", tfjsonpath.New("hazelcast_member_port"), knownvalue.Null()),
				},
			},
			// Both clustered: the plan (after the refresh that finds b's
			// clustering) refuses them on 4000.
			{
				PreConfig: func() { clustered(b) },
				Config:    portsAt("a", a, 3) + portsAt("b", b, 0),
				PlanOnly:  true, ExpectError: regexp.MustCompile(`(?s)Port Collision Between Instances.*[\s│]4000[\s│]+\(hazelcast_member.*localMemberPort`),
			},
		},
	})
}

// TestCollisions_hosts: the colliding pairs are refused on one SSH host,
// and pass on two.
func TestCollisions_hosts(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	hosts := startHosts(t, 2, login, key, sshtest.Options{})
	second := newAPIMHost(t, hosts[0].srv, ownedHome(t, login))
	provider := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, hosts[0].srv, hosts[1].srv)),
		hclAttr("agent", false),
	)
	on := func(name string, h *apimHost, offset int) string {
		return portsAt(name, h.home, offset, fmt.Sprintf("ssh = { host = %q, port = %d }", h.srv.Host(), h.srv.Port()))
	}
	var steps []resource.TestStep
	for _, tc := range []struct {
		offset int
		ports  []int64
	}{{8, []int64{10397}}, {37, []int64{8280}}, {100, []int64{7711, 9711}}} {
		steps = append(steps, resource.TestStep{
			Config: provider + on("a", hosts[0], 0) + on("b", second, tc.offset), PlanOnly: true, ExpectError: collision(hosts[0].home, second.home, tc.ports...),
		})
	}
	steps = append(steps, resource.TestStep{Config: provider + on("a", hosts[0], 0) + on("b", hosts[1], 100)})
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
	unchanged(t, second)
}

// TestCollisionsCLI: 40 instances on one host planned with
// -parallelism=40, one pair of them colliding, in both orders and several
// times over: refused every time, whichever is planned first.
func TestCollisionsCLI(t *testing.T) {
	const n = 40
	offsets := apim.SideBySide(apim.CarbonHome, n)
	homes := make([]string, n)
	for i := range homes {
		homes[i] = newHome(t)
	}
	partner, shared := collidingWithFirstOnly(t, offsets[:n-1])
	ports := make([]int64, len(shared))
	for i, s := range shared {
		ports[i] = s.Port
	}
	cli := newTerraformCLI(t)
	for round := range 6 {
		// The last instance takes an offset whose ports meet the first's
		// and no other's, as the last or as the first resource.
		first, last := offsets[0], partner
		if round%2 == 1 {
			first, last = last, first
		}
		var config strings.Builder
		for i, home := range homes {
			offset := offsets[i]
			switch i {
			case 0:
				offset = first
			case n - 1:
				offset = last
			}
			config.WriteString(portsAt(fmt.Sprintf("i%02d", i), home, int(offset)))
		}
		cli.writeConfig(config.String())
		out := cli.mustRun(1, "plan", "-parallelism=40")
		if got := strings.Count(out, "Error: Port Collision Between Instances"); got != 1 || !collision(homes[0], homes[n-1], ports...).MatchString(out) {
			t.Errorf("round %d: %d collisions reported, want the one of %s and %s:\n%s", round, got, homes[0], homes[n-1], lastLines(out, 30))
		}
	}
}

// collidingWithFirstOnly returns an offset whose 2.1.0 ports meet those of
// offsets[0] and of no other of offsets, with the ports they share.
func collidingWithFirstOnly(t *testing.T, offsets []int64) (int64, []apim.SharedPort) {
	t.Helper()
	first := apim.Listeners(apim.CarbonHome, offsets[0], nil)
	for x := int64(1); x <= apim.MaxOffset(); x++ {
		mine := apim.Listeners(apim.CarbonHome, x, nil)
		shared := apim.SharedPorts(first, mine)
		if shared == nil {
			continue
		}
		alone := true
		for _, o := range offsets[1:] {
			alone = alone && apim.SharedPorts(apim.Listeners(apim.CarbonHome, o, nil), mine) == nil
		}
		if alone {
			return x, shared
		}
	}
	t.Fatal("no offset collides with the first alone")
	return 0, nil
}
