package provider

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// loadHome is one APIM home of the load test: on an sshd host (srv set) or
// on the local filesystem (srv nil), under a for_each key.
type loadHome struct {
	*apimHost
	key    string
	offset int
}

// homesLocals is a locals block with a map named name of for_each key to
// host, port, APIM home and offset (host and port null for the local
// filesystem); entry(h) gives each home's apim_home and offset.
func homesLocals(name string, homes []loadHome, entry func(loadHome) (apimHome string, offset int)) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nlocals {\n  %s = {\n", name)
	for _, h := range homes {
		host, port := "null", "null"
		if h.srv != nil {
			host, port = fmt.Sprintf("%q", h.srv.Host()), fmt.Sprint(h.srv.Port())
		}
		home, offset := entry(h)
		fmt.Fprintf(&b, "    %q = { host = %s, port = %s, home = %q, offset = %d }\n", h.key, host, port, home, offset)
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// forEachResource is a resource of type typ named name for each entry of
// local.<homes>, on the entry's host (or locally), with extra HCL lines.
func forEachResource(typ, name, homes string, extra ...string) string {
	return fmt.Sprintf(`
resource %q %q {
  for_each  = local.%s
  apim_home = each.value.home
  offset    = each.value.offset
  ssh       = each.value.host == null ? null : { host = each.value.host, port = each.value.port }
  %s
}
`, typ, name, homes, strings.Join(extra, "\n  "))
}

// stateResource is one resource instance of `terraform show -json`.
type stateResource struct {
	Address         string         `json:"address"`
	Type            string         `json:"type"`
	Name            string         `json:"name"`
	Index           any            `json:"index"`
	Values          map[string]any `json:"values"`
	SensitiveValues map[string]any `json:"sensitive_values"`
}

// showState runs `terraform show -json` and returns the resource instances
// of the root module.
func (c *terraformCLI) showState() []stateResource {
	c.t.Helper()
	out := c.mustRun(0, "show", "-json")
	var st struct {
		Values struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		c.t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	return st.Values.RootModule.Resources
}

// TestLoadCLI is the parallel load of issue 4: 405 resources, an
// apim_instance_ports and a ws and a wss apim_websocket_inbound on each of
// 135 APIM homes, 27 on each of four sshd hosts and 27 on the local
// filesystem, each home with an offset of its own, planned, applied and
// destroyed with -parallelism=40 by the real terraform CLI running the real
// provider process. Every file must be byte-exact what it should be, the
// plan after the apply empty, each command must log in to each host once
// (all of a host's resources share one connection) and destroy must put
// back every original byte. Then two resources writing the same file at
// once: one is refused, the file holds the other's complete edit, and the
// refused one stays in the plan.
//
// The summary line it logs (LOAD ...) is the figure RELIABILITY.md quotes:
//
//	go test -count=1 -v -run TestLoadCLI ./internal/provider/ | grep LOAD
func TestLoadCLI(t *testing.T) {
	const (
		sshHosts       = 4
		homesPerTarget = 27
		parallelism    = "-parallelism=40"
	)
	// The hosts log in as an unprivileged user owning the files, as
	// production hosts would, whose shell is /bin/sh. (root's shell here
	// is bash, which reads ~/.bashrc for every command sshd runs; this
	// machine's runs pyenv init, some 70 processes, on each of the one
	// command per write: a third of the apply's time went there.)
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	servers := make([]*sshtest.Server, sshHosts)
	for i := range servers {
		servers[i] = sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	}
	var homes []loadHome
	sideBySide := apim.SideBySide(apim.CarbonHome, homesPerTarget+1)
	for ti := range sshHosts + 1 { // the last target is the local filesystem
		for j := range homesPerTarget {
			h := newAPIMHost(t, nil, newHome(t))
			if ti < sshHosts {
				h = newAPIMHost(t, servers[ti], ownedHome(t, login))
			}
			name := "local"
			if h.srv != nil {
				name = fmt.Sprintf("ssh%d", ti)
			}
			// Offsets whose ports do not meet on one target (the plan
			// refuses those that do), none of them the shipped 0.
			homes = append(homes, loadHome{apimHost: h, key: fmt.Sprintf("%s-%02d", name, j), offset: int(sideBySide[j+1])})
		}
	}
	provider := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, servers...)),
		hclAttr("agent", false),
	)
	config := provider + homesLocals("homes", homes, func(h loadHome) (string, int) { return h.home, h.offset }) +
		forEachResource("apim_instance_ports", "gw", "homes") +
		forEachResource("apim_websocket_inbound", "ws", "homes") +
		forEachResource("apim_websocket_inbound", "wss", "homes", "secure = true")
	resources := 3 * len(homes)

	cli := newTerraformCLI(t)
	cli.writeConfig(config)

	// step runs terraform, returning its output, how long it took and the
	// logins each sshd host saw meanwhile. cpu adds up the CPU time of
	// terraform and the provider processes it ran: on a shared machine a
	// steadier figure than the wall clock.
	var cpu time.Duration
	step := func(want int, args ...string) (string, time.Duration, []int) {
		before := make([]int, len(servers))
		for i, s := range servers {
			before[i] = s.CountAccepted()
		}
		cpuBefore := childrenCPU(t)
		start := time.Now()
		out := cli.mustRun(want, args...)
		took := time.Since(start)
		cpu += childrenCPU(t) - cpuBefore
		logins := make([]int, len(servers))
		for i, s := range servers {
			logins[i] = s.CountAccepted() - before[i]
		}
		t.Logf("terraform %s: %.1fs, logins per host %v", strings.Join(args, " "), took.Seconds(), logins)
		return out, took, logins
	}
	// wrong counts the files that do not hold want(h) and the temporary
	// files left, reporting each.
	wrong := func(want func(loadHome) map[string][]byte) (files, temps int) {
		t.Helper()
		for _, h := range homes {
			for rel, b := range want(h) {
				if err := expectFile(filepath.Join(h.home, rel), b); err != nil {
					t.Error(err)
					files++
				}
			}
			if err := expectNoTemp(h.home); err != nil {
				t.Error(err)
				temps++
			}
		}
		return files, temps
	}
	wantApplied := func(h loadHome) map[string][]byte { return applied(t, h.orig, h.offset, true, true) }
	wantOriginal := func(h loadHome) map[string][]byte { return h.orig }
	var perCommand []int // logins per host of each command that must log in once

	out, planTook, logins := step(2, "plan", parallelism, "-out=tfplan", "-detailed-exitcode")
	perCommand = append(perCommand, logins...)
	if want := fmt.Sprintf("Plan: %d to add, 0 to change, 0 to destroy.", resources); !strings.Contains(out, want) {
		t.Fatalf("the plan does not say %q:\n%s", want, lastLines(out, 20))
	}
	if files, temps := wrong(wantOriginal); files+temps > 0 {
		t.Fatalf("the plan changed %d files and left %d temporary files", files, temps)
	}

	out, applyTook, logins := step(0, "apply", parallelism, "tfplan")
	perCommand = append(perCommand, logins...)
	if want := fmt.Sprintf("Apply complete! Resources: %d added, 0 changed, 0 destroyed.", resources); !strings.Contains(out, want) {
		t.Errorf("the apply does not say %q:\n%s", want, lastLines(out, 20))
	}
	filesWrong, tempFiles := wrong(wantApplied)

	// Every resource refreshed, nothing to do.
	_, replanTook, logins := step(0, "plan", parallelism, "-detailed-exitcode")
	perCommand = append(perCommand, logins...)

	// destroy is two graph walks, each in a provider process of its own
	// (the refresh and plan, then the restores), and each process logs in
	// once: two logins per host.
	_, destroyTook, destroyLogins := step(0, "destroy", "-auto-approve", parallelism)
	restoredWrong, restoreTemps := wrong(wantOriginal)

	for i, n := range perCommand {
		if n != 1 {
			t.Errorf("%d logins to host %s during command %d (plan -out, apply tfplan, plan), want 1",
				n, servers[i%len(servers)].Addr(), i/len(servers)+1)
		}
	}
	for i, n := range destroyLogins {
		if n != 2 {
			t.Errorf("destroy: %d logins to host %s, want 2 (one per graph walk)", n, servers[i].Addr())
		}
	}
	slices.Sort(perCommand)
	perCommand = slices.Compact(perCommand)
	slices.Sort(destroyLogins)
	destroyLogins = slices.Compact(destroyLogins)
	t.Logf("LOAD resources=%d homes=%d hosts=%d+local parallelism=40 plan=%.1fs apply=%.1fs replan=%.1fs destroy=%.1fs terraform_cpu=%.1fs logins_per_host_per_command=%s destroy_logins_per_host=%s files_wrong=%d temp_files=%d restored_wrong=%d",
		resources, len(homes), sshHosts, planTook.Seconds(), applyTook.Seconds(), replanTook.Seconds(), destroyTook.Seconds(), cpu.Seconds(),
		joinInts(perCommand), joinInts(destroyLogins), filesWrong, tempFiles+restoreTemps, restoredWrong)

	t.Run("ManagedTwice", func(t *testing.T) { loadManagedTwice(t, cli, provider, homes) })
}

// loadManagedTwice: on four homes of each target, two apim_websocket_inbound
// for the same endpoint. With different offsets the plan refuses every
// pair and nothing is written. With the same offset (the plan cannot tell
// them from one resource planned twice), applied at once (-parallelism=40,
// so every pair races), one resource of each pair is refused with
// "Instance Managed Twice", the file holds exactly the other one's
// complete edit, the state holds that one, and the refused one is still
// planned: no edit is silently lost.
func loadManagedTwice(t *testing.T, cli *terraformCLI, provider string, all []loadHome) {
	var homes []loadHome
	for _, h := range all {
		if strings.HasSuffix(h.key, "-00") || strings.HasSuffix(h.key, "-01") ||
			strings.HasSuffix(h.key, "-02") || strings.HasSuffix(h.key, "-03") {
			homes = append(homes, h)
		}
	}
	const other = 1000 // b's offset is a's plus this in the first round
	// b names three of each target's four homes in another spelling of
	// the same directory.
	alias := func(h loadHome) string {
		dir, base := filepath.Dir(h.home), filepath.Base(h.home)
		switch h.key[len(h.key)-3:] {
		case "-01":
			return h.home + "/"
		case "-02":
			return dir + "/./" + base
		case "-03":
			return h.home + "/../" + base
		}
		return h.home
	}
	pairs := func(bOffset int) string {
		return provider +
			homesLocals("a", homes, func(h loadHome) (string, int) { return h.home, h.offset }) +
			homesLocals("b", homes, func(h loadHome) (string, int) { return alias(h), h.offset + bOffset }) +
			forEachResource("apim_websocket_inbound", "a", "a") +
			forEachResource("apim_websocket_inbound", "b", "b")
	}

	cli.writeConfig(pairs(other))
	out := cli.mustRun(1, "apply", "-auto-approve", "-parallelism=40")
	refusedAtPlan := len(regexp.MustCompile(`Error: Instance Managed Twice`).FindAllStringIndex(out, -1))
	if refusedAtPlan != len(homes) || strings.Contains(out, "Apply complete") || len(cli.showState()) != 0 {
		t.Errorf("%d pairs refused at plan time, want %d, and nothing applied:\n%s", refusedAtPlan, len(homes), lastLines(out, 30))
	}
	for _, h := range homes {
		unchanged(t, h.apimHost)
	}

	cli.writeConfig(pairs(0))
	out = cli.mustRun(1, "apply", "-auto-approve", "-parallelism=40")
	refused := len(regexp.MustCompile(`Error: Instance Managed Twice`).FindAllStringIndex(out, -1))
	if refused != len(homes) {
		t.Errorf("%d resources refused as Instance Managed Twice, want %d (one per pair):\n%s", refused, len(homes), out)
	}
	if !diagText("Another apim_websocket_inbound in this configuration already manages").MatchString(out) {
		t.Errorf("the error does not say what is wrong:\n%s", out)
	}

	mixed, lost := 0, 0
	inState := map[string]int{} // for_each key: offset, of the resources applied
	for _, r := range cli.showState() {
		key, _ := r.Index.(string)
		if _, dup := inState[key]; dup {
			t.Errorf("both resources of pair %s are in the state: one of the edits was overwritten", key)
			lost++
		}
		offset, ok := r.Values["offset"].(float64)
		if !ok {
			t.Fatalf("%s: offset %v in the state", r.Address, r.Values["offset"])
		}
		inState[key] = int(offset)
	}
	for _, h := range homes {
		ws := filepath.Join(h.home, apim.WebSocket.File)
		want := applied(t, h.orig, h.offset, true, false)
		switch _, ok := inState[h.key]; {
		case !ok:
			t.Errorf("%s: neither resource of the pair is in the state", h.key)
			lost++
		case expectFile(ws, want[apim.WebSocket.File]) != nil:
			t.Errorf("%s does not hold the complete edit: %v", ws, expectFile(ws, want[apim.WebSocket.File]))
			mixed++
		}
		// The other files are not the pair's.
		if err := expectFiles(h.home, map[string][]byte{
			apim.CarbonXML:               h.orig[apim.CarbonXML],
			apim.WorkflowCallbackService: h.orig[apim.WorkflowCallbackService],
			apim.SecureWebSocket.File:    h.orig[apim.SecureWebSocket.File],
		}); err != nil {
			t.Error(err)
		}
		if err := expectNoTemp(h.home); err != nil {
			t.Error(err)
		}
	}

	// The refused resources are not forgotten: the next plan creates them.
	out = cli.mustRun(2, "plan", "-detailed-exitcode", "-parallelism=40")
	planned := -1
	if m := regexp.MustCompile(`Plan: (\d+) to add, 0 to change, 0 to destroy\.`).FindStringSubmatch(out); m != nil {
		planned, _ = strconv.Atoi(m[1]) // digits
	}
	if planned != len(homes) {
		t.Errorf("after the refused apply the plan does not add the %d refused resources:\n%s", len(homes), lastLines(out, 20))
	}

	cli.mustRun(0, "destroy", "-auto-approve", "-parallelism=40")
	for _, h := range homes {
		unchanged(t, h.apimHost)
	}
	t.Logf("LOAD-TWICE pairs=%d parallelism=40 refused_at_plan=%d refused_at_apply=%d files_mixed=%d edits_lost=%d planned_after=%d",
		len(homes), refusedAtPlan, refused, mixed, lost, planned)
}

// childrenCPU is the user and system CPU time of the test process's
// children that have ended (terraform, and the provider processes it
// waited for), so far.
func childrenCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// joinInts is "1" for [1], "1,2" for [1 2].
func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

// lastLines is the last n lines of s: the end of a long terraform output,
// where the summary and the errors are.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestInstancePorts_managedTwiceAliased: an APIM home written another way
// ("/opt/am/", "/opt/./am") is the same instance. Both resources used to
// apply, the second overwriting the first's offset, and destroy then
// "restored" the other's value as the original.
func TestInstancePorts_managedTwiceAliased(t *testing.T) {
	home := newHome(t)
	orig := snapshot(t, home)
	aliased := filepath.Dir(home) + "/./" + filepath.Base(home) + "/"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: instancePortsConfig(home, 2, "") +
				strings.Replace(instancePortsConfig(aliased, 5, ""), `"test"`, `"again"`, 1),
			ExpectError: regexp.MustCompile(`(?s)Instance Managed Twice.*Another apim_instance_ports in this configuration\s+already manages`),
		}},
		CheckDestroy: func(*terraform.State) error { return expectFiles(home, orig) },
	})
}
