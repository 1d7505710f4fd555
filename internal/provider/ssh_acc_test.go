package provider

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
	"golang.org/x/crypto/ssh"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// End-to-end SSH tests: the real terraform CLI drives the provider, which
// edits APIM homes through real sshd processes (internal/sshtest) on
// 127.0.0.x. All servers see this machine's filesystem, so each host gets an
// APIM home of its own and the configuration maps host to home. Behaviour of
// the SSH target alone (sudo quoting, symlinks, timeouts, reconnect after a
// kill between two target calls, ...) is in internal/target/ssh_test.go;
// these tests cover what only the provider and Terraform add: settings
// merged from provider and resource, for_each over hosts, IDs and import,
// plan/apply/refresh over one pooled connection, diagnostics as the user
// sees them, and secrets in state.

// managedFiles are the files apim_instance_ports and apim_websocket_inbound
// (ws and wss) edit, relative to the APIM home.
var managedFiles = []string{apim.CarbonXML, apim.WorkflowCallbackService, apim.WebSocket.File, apim.SecureWebSocket.File}

// apimHost is one SSH host with its own APIM home.
type apimHost struct {
	srv  *sshtest.Server
	home string
	orig map[string][]byte // managedFiles as they were before any apply
}

func newAPIMHost(t *testing.T, srv *sshtest.Server, home string) *apimHost {
	return &apimHost{srv: srv, home: home, orig: snapshot(t, home)}
}

// id is the instance's ID (and import ID): ssh://host:port/home.
func (h *apimHost) id() string { return "ssh://" + h.srv.Addr() + h.home }

// snapshot reads managedFiles under home.
func snapshot(t *testing.T, home string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, rel := range managedFiles {
		files[rel] = readFile(t, filepath.Join(home, rel))
	}
	return files
}

// applied is what the files must hold after apim_instance_ports and, when
// ws/wss, the ws and wss apim_websocket_inbound resources applied offset to
// the originals: exactly the managed values changed, computed independently
// of the provider.
func applied(t *testing.T, orig map[string][]byte, offset int, ws, wss bool) map[string][]byte {
	t.Helper()
	want := map[string][]byte{}
	for rel, b := range orig {
		want[rel] = b
	}
	want[apim.CarbonXML] = replaceOnce(t, orig[apim.CarbonXML], "<Offset>0</Offset>", fmt.Sprintf("<Offset>%d</Offset>", offset))
	want[apim.WorkflowCallbackService] = replaceOnce(t, orig[apim.WorkflowCallbackService], shippedCallback, callbackAt(9443+offset))
	inbound := func(rel string, base int) []byte {
		b := replaceOnce(t, orig[rel], wsPort(base), wsPort(base+offset))
		return replaceOnce(t, b, useOffsetTrue, useOffsetFalse)
	}
	if ws {
		want[apim.WebSocket.File] = inbound(apim.WebSocket.File, 9099)
	}
	if wss {
		want[apim.SecureWebSocket.File] = inbound(apim.SecureWebSocket.File, 8099)
	}
	return want
}

// expectFiles returns an error unless every file under home holds exactly
// the bytes in want.
func expectFiles(home string, want map[string][]byte) error {
	rels := make([]string, 0, len(want))
	for rel := range want {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	for _, rel := range rels {
		if err := expectFile(filepath.Join(home, rel), want[rel]); err != nil {
			return err
		}
	}
	return nil
}

// expectNoTemp returns an error when a temporary file of an interrupted
// write is left anywhere under home.
func expectNoTemp(home string) error {
	return filepath.WalkDir(home, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(filepath.Base(p), ".apim-tmp-") {
			return fmt.Errorf("temporary file left behind: %s", p)
		}
		return nil
	})
}

// knownHosts writes a known_hosts file with the servers' host keys.
func knownHosts(t *testing.T, servers ...*sshtest.Server) string {
	t.Helper()
	var lines []string
	for _, s := range servers {
		lines = append(lines, s.KnownHostsLine())
	}
	return sshtest.WriteFile(t, "known_hosts", strings.Join(lines, "\n")+"\n")
}

// providerSSH is a provider block whose ssh object holds attrs (HCL lines).
func providerSSH(attrs ...string) string {
	return "provider \"apim\" {\n  ssh = {\n    " + strings.Join(attrs, "\n    ") + "\n  }\n}\n"
}

// attr is one HCL attribute line, the value quoted as an HCL string (Go's
// quoting is HCL's for the keys, paths and PEM text used here).
func hclAttr(name string, value any) string {
	if s, ok := value.(string); ok {
		return fmt.Sprintf("%s = %q", name, s)
	}
	return fmt.Sprintf("%s = %v", name, value)
}

// instanceOn is an apim_instance_ports and, with inbound, a ws and a wss
// apim_websocket_inbound on h, each named name, with sshAttrs (HCL lines)
// in the resources' ssh object after host and port.
func instanceOn(name string, h *apimHost, offset int, inbound bool, sshAttrs ...string) string {
	sshObj := "{\n    " + strings.Join(append([]string{hclAttr("host", h.srv.Host()), hclAttr("port", h.srv.Port())}, sshAttrs...), "\n    ") + "\n  }"
	cfg := fmt.Sprintf(`
resource "apim_instance_ports" %[1]q {
  apim_home = %[2]q
  offset    = %[3]d
  ssh = %[4]s
}
`, name, h.home, offset, sshObj)
	if inbound {
		cfg += fmt.Sprintf(`
resource "apim_websocket_inbound" "%[1]s_ws" {
  apim_home = %[2]q
  offset    = %[3]d
  ssh = %[4]s
}

resource "apim_websocket_inbound" "%[1]s_wss" {
  apim_home = %[2]q
  offset    = %[3]d
  secure    = true
  ssh = %[4]s
}
`, name, h.home, offset, sshObj)
	}
	return cfg
}

// diagText matches the given literal pieces of a diagnostic in order.
// Terraform wraps diagnostic text at spaces and prefixes each line with
// "│ ", so within a piece every space matches any run of spaces, newlines
// and box-drawing bars.
func diagText(pieces ...string) *regexp.Regexp {
	quoted := make([]string, len(pieces))
	for i, p := range pieces {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

// checkFiles is a TestCheckFunc comparing h's files with want.
func checkFiles(h *apimHost, want map[string][]byte) resource.TestCheckFunc {
	return func(*terraform.State) error { return expectFiles(h.home, want) }
}

// unchanged fails the test unless h's files are as they were at the start.
func unchanged(t *testing.T, h *apimHost) {
	t.Helper()
	if err := expectFiles(h.home, h.orig); err != nil {
		t.Errorf("files changed: %v", err)
	}
	if err := expectNoTemp(h.home); err != nil {
		t.Error(err)
	}
}

// startHosts starts n sshd servers that accept key for every user, each
// with an APIM home of its own that login owns (ownedHome).
//
// The tests log in as sshtest.LoginUser, whose shell is /bin/sh, unless they
// need root, and none here does: what a root login changes (SFTP writes of
// files another user owns) is the SSH target's, tested in internal/target.
// root's login shell on the test machines is bash, which sources ~/.bashrc
// for every command sshd runs, one per SFTP write; a .bashrc running pyenv
// init makes each of them slow, and after a root session killed during a
// pyenv rehash (a stale lock) stalls each for a minute.
func startHosts(t *testing.T, n int, login sshtest.User, key *sshtest.Key, opts sshtest.Options) []*apimHost {
	t.Helper()
	opts.AuthorizedKeys = append(opts.AuthorizedKeys, key.AuthorizedKey())
	hosts := make([]*apimHost, n)
	for i := range hosts {
		hosts[i] = newAPIMHost(t, sshtest.Start(t, opts), ownedHome(t, login))
	}
	return hosts
}

// ownedHome is a copy of newHome that u owns, in a directory every user can
// traverse: a home u edits over SSH without sudo.
func ownedHome(t *testing.T, u sshtest.User) string {
	t.Helper()
	home := filepath.Join(sshtest.TempDir(t), "wso2am-2.1.0")
	if err := os.CopyFS(home, os.DirFS(newHome(t))); err != nil {
		t.Fatal(err)
	}
	chownTree(t, home, u.UID, u.GID, 0o644)
	return home
}

// filesCheck is a state check comparing h's files with want. (The legacy
// Check functions cannot be used with for_each: terraform-plugin-testing's
// state shim rejects string instance keys.)
type filesCheck struct {
	h    *apimHost
	want map[string][]byte
}

func (c filesCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if err := expectFiles(c.h.home, c.want); err != nil {
		resp.Error = err
		return
	}
	resp.Error = expectNoTemp(c.h.home)
}

// captureValues is a state check that copies the attribute values of the
// resource at address into *into, or, when *into is already set, fails
// unless they are equal: ImportStateVerify for a for_each instance.
type captureValues struct {
	address string
	into    *map[string]any
}

func (c captureValues) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("%s: no state", c.address)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.address {
			continue
		}
		if *c.into == nil {
			*c.into = r.AttributeValues
			return
		}
		if !reflect.DeepEqual(*c.into, r.AttributeValues) {
			resp.Error = fmt.Errorf("%s: attributes\n%v\nwant (as applied)\n%v", c.address, r.AttributeValues, *c.into)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the state", c.address)
}

// expectImportNoop is a plan check: every resource change is an import
// that changes nothing.
type expectImportNoop struct{ count int }

func (e expectImportNoop) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	n := 0
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change == nil || rc.Change.Importing == nil || !rc.Change.Actions.NoOp() {
			resp.Error = fmt.Errorf("%s: want a no-op import, got %v (importing: %v)", rc.Address, rc.Change.Actions, rc.Change.Importing != nil)
			return
		}
		n++
	}
	if n != e.count {
		resp.Error = fmt.Errorf("%d imports planned, want %d", n, e.count)
	}
}

// TestSSHForEachHosts drives three hosts from one configuration with
// for_each over a map of host to port, APIM home and offset: apply, drift
// on one host, removal (restore), then the same fleet adopted with for_each
// import blocks by ssh://host:port/home IDs (skipped below Terraform 1.7).
func TestSSHForEachHosts(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	hosts := startHosts(t, 3, login, key, sshtest.Options{})
	a, b, c := hosts[0], hosts[1], hosts[2]
	offsets := map[*apimHost]int{a: 1, b: 2, c: 3}

	var entries []string
	for _, h := range hosts {
		entries = append(entries, fmt.Sprintf("    %q = { port = %d, home = %q, offset = %d }", h.srv.Host(), h.srv.Port(), h.home, offsets[h]))
	}
	provider := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, a.srv, b.srv, c.srv)),
		hclAttr("agent", false),
	) + `
locals {
  hosts = {
` + strings.Join(entries, "\n") + `
  }
}
`
	config := provider + `
resource "apim_instance_ports" "gw" {
  for_each  = local.hosts
  apim_home = each.value.home
  offset    = each.value.offset
  ssh       = { host = each.key, port = each.value.port }
}

resource "apim_websocket_inbound" "ws" {
  for_each  = local.hosts
  apim_home = each.value.home
  offset    = each.value.offset
  ssh       = { host = each.key, port = each.value.port }
}
`
	gw := func(h *apimHost) string { return fmt.Sprintf("apim_instance_ports.gw[%q]", h.srv.Host()) }
	ws := func(h *apimHost) string { return fmt.Sprintf("apim_websocket_inbound.ws[%q]", h.srv.Host()) }

	want := map[*apimHost]map[string][]byte{}
	var appliedChecks, originalChecks []statecheck.StateCheck
	for _, h := range hosts {
		want[h] = applied(t, h.orig, offsets[h], true, false)
		appliedChecks = append(appliedChecks, filesCheck{h, want[h]})
		originalChecks = append(originalChecks, filesCheck{h, h.orig})
	}
	firstChecks := append([]statecheck.StateCheck(nil), appliedChecks...)
	for _, h := range hosts {
		firstChecks = append(firstChecks,
			statecheck.ExpectKnownValue(gw(h), tfjsonpath.New("id"), knownvalue.StringExact(h.id())),
			statecheck.ExpectKnownValue(ws(h), tfjsonpath.New("id"), knownvalue.StringExact(h.id())),
			statecheck.ExpectKnownValue(gw(h), tfjsonpath.New("ports").AtMapKey("servlet_https"), knownvalue.Int64Exact(int64(9443+offsets[h]))),
		)
	}
	// The state of two instances as applied, to compare with the state
	// import makes.
	var gwB, wsC map[string]any
	firstChecks = append(firstChecks, captureValues{gw(b), &gwB}, captureValues{ws(c), &wsC})
	// The hand edit of b's carbon.xml in the drift step.
	drifted := replaceOnce(t, want[b][apim.CarbonXML], "<Offset>2</Offset>", "<Offset>9</Offset>")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:            config,
			ConfigStateChecks: firstChecks,
		}, {
			// Drift on one host is an update of that host's instance only.
			PreConfig: func() { writeFile(t, filepath.Join(b.home, apim.CarbonXML), drifted) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(gw(b), plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction(gw(a), plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction(gw(c), plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction(ws(a), plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction(ws(b), plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction(ws(c), plancheck.ResourceActionNoop),
			}},
			ConfigStateChecks: appliedChecks,
		}, {
			// Removing the resources restores every host's files. (The
			// framework's own post-test destroy and CheckDestroy read the
			// state through a shim that rejects for_each keys.)
			Config:            provider,
			ConfigStateChecks: originalChecks,
		}},
	})

	// The same fleet, set up by hand, adopted with for_each import blocks.
	for _, h := range hosts {
		for rel, b := range want[h] {
			writeFile(t, filepath.Join(h.home, rel), b)
		}
	}
	imports := `
import {
  for_each = local.hosts
  to       = apim_instance_ports.gw[each.key]
  id       = "ssh://${each.key}:${each.value.port}${each.value.home}"
}

import {
  for_each = local.hosts
  to       = apim_websocket_inbound.ws[each.key]
  id       = "ssh://${each.key}:${each.value.port}${each.value.home}"
}
`
	resource.UnitTest(t, resource.TestCase{
		// for_each in an import block is Terraform 1.7's (OpenTofu 1.7's);
		// the for_each resources above run on every CLI the provider supports.
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_7_0)},
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// Each import plans no change, and the imported state is the
			// state apply made: the ssh object holds host and port, which
			// the ID names and the configuration sets.
			Config: config + imports,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				expectImportNoop{count: 6},
			}},
			ConfigStateChecks: append([]statecheck.StateCheck{captureValues{gw(b), &gwB}, captureValues{ws(c), &wsC}}, appliedChecks...),
		}, {
			Config:   config,
			PlanOnly: true,
		}, {
			// Removal puts back the values found at import: no change.
			Config:            provider,
			ConfigStateChecks: appliedChecks,
		}},
	})
}

// TestSSHImport imports remote instances by ssh://host:port/home with the
// import command (verified against the state apply made) and with an
// import block.
func TestSSHImport(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	h := startHosts(t, 1, login, key, sshtest.Options{})[0]
	// An instance set up by hand at offset 5.
	handSet := applied(t, h.orig, 5, true, true)
	for rel, b := range handSet {
		writeFile(t, filepath.Join(h.home, rel), b)
	}
	config := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, h.srv)),
		hclAttr("agent", false),
	) + instanceOn("test", h, 5, true)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:          config,
			ResourceName:    "apim_instance_ports.test",
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   h.id(),
		}, {
			Config: config,
			Check:  checkFiles(h, handSet),
		}, {
			Config:            config,
			ResourceName:      "apim_instance_ports.test",
			ImportState:       true,
			ImportStateId:     h.id(),
			ImportStateVerify: true,
		}, {
			Config:            config,
			ResourceName:      "apim_websocket_inbound.test_wss",
			ImportState:       true,
			ImportStateId:     h.id() + "#secure",
			ImportStateVerify: true,
		}, {
			Config:          config,
			ResourceName:    "apim_websocket_inbound.test_ws",
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   h.id(),
		}},
		CheckDestroy: checkFiles(h, handSet),
	})
}

// TestSSHHostKeys: an unknown or changed host key stops the apply with a
// diagnostic naming host:port, the key type and its fingerprint, and
// nothing is written; pinned keys, a pinned host CA and
// insecure_ignore_host_key let the apply through.
func TestSSHHostKeys(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	hostCA := sshtest.NewKey(t)
	hosts := startHosts(t, 1, login, key, sshtest.Options{HostCA: hostCA})
	h := hosts[0]
	keyPath := sshtest.WriteFile(t, "id_ed25519", key.PEM(t))
	base := []string{hclAttr("user", login.Name), hclAttr("private_key_path", keyPath), hclAttr("agent", false)}
	fingerprint := ssh.FingerprintSHA256(h.srv.HostPublicKey)
	other := sshtest.NewKey(t)
	missing := filepath.Join(t.TempDir(), "known_hosts") // no such file: knows no host

	refused := []struct {
		name     string
		settings []string
		want     *regexp.Regexp
	}{{
		name:     "unknown host",
		settings: []string{hclAttr("known_hosts_file", knownHosts(t, sshtest.Start(t, sshtest.Options{})))},
		want:     diagText("Cannot Set the Port Offset", login.Name+"@"+h.srv.Addr(), "host key unknown", "ssh-ed25519 key "+fingerprint),
	}, {
		name:     "missing known_hosts file",
		settings: []string{hclAttr("known_hosts_file", missing)},
		want:     diagText(login.Name+"@"+h.srv.Addr(), "host key unknown", "ssh-ed25519 key "+fingerprint),
	}, {
		name: "changed key in known_hosts",
		settings: []string{hclAttr("known_hosts_file", sshtest.WriteFile(t, "known_hosts",
			strings.Replace(h.srv.KnownHostsLine(), h.srv.HostKey, other.AuthorizedKey(), 1)+"\n"))},
		want: diagText(login.Name+"@"+h.srv.Addr(), "host key changed", "ssh-ed25519 key "+fingerprint,
			"ssh-ed25519 key "+ssh.FingerprintSHA256(other.Public)),
	}, {
		name:     "another key pinned",
		settings: []string{hclAttr("host_key", other.AuthorizedKey())},
		want:     diagText(login.Name+"@"+h.srv.Addr(), "host key changed", "ssh-ed25519 key "+fingerprint),
	}}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			start := h.srv.CountAccepted()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      providerSSH(append(base, tc.settings...)...) + instanceOn("test", h, 4, true),
					ExpectError: tc.want,
				}},
			})
			unchanged(t, h)
			if n := h.srv.CountAccepted() - start; n != 0 {
				t.Errorf("%d logins to a host whose key was refused", n)
			}
			if _, err := os.Stat(missing); err == nil {
				t.Errorf("%s was created", missing)
			}
		})
	}

	accepted := []struct {
		name     string
		settings []string
	}{
		{"pinned key", []string{hclAttr("host_key", h.srv.HostKey)}},
		{"pinned cert authority", []string{hclAttr("host_key", "@cert-authority "+h.srv.HostCertCA)}},
		{"insecure_ignore_host_key", []string{hclAttr("known_hosts_file", missing), hclAttr("insecure_ignore_host_key", true)}},
	}
	for i, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			offset := 5 + i
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config: providerSSH(append(base, tc.settings...)...) + instanceOn("test", h, offset, false),
					Check:  checkFiles(h, applied(t, h.orig, offset, false, false)),
				}},
				CheckDestroy: checkFiles(h, h.orig),
			})
		})
	}
}

// TestSSHWrongKey: a key the server rejects fails the apply at once with an
// authentication error naming user@host:port; the login is not retried.
func TestSSHWrongKey(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	h := startHosts(t, 1, login, sshtest.NewKey(t), sshtest.Options{})[0]
	wrong := sshtest.NewKey(t)
	config := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", wrong.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, h.srv)),
		hclAttr("agent", false),
		hclAttr("timeout", "30s"),
	) + instanceOn("test", h, 3, true)
	start := time.Now()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: diagText(login.Name+"@"+h.srv.Addr(), "authentication failed", `the server rejected user "`+login.Name+`"`),
		}},
	})
	// The whole test case: init, plan, apply. A retry loop, or waiting for
	// the 30s timeout, would show here.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the failing apply took %v, want well under 10s", d)
	}
	// One connection per terraform command that touches the host (the
	// plan reads the workflow callback file, the apply walks three
	// resources), however many resources fail: a rejected login is not
	// retried, not even by the next resource.
	log := h.srv.LogContents()
	if n := strings.Count(log, "Connection from"); n != 2 {
		t.Errorf("%d connections, want 2 (one for plan, one for apply); sshd log:\n%s", n, log)
	}
	if n := h.srv.CountAccepted(); n != 0 {
		t.Errorf("%d logins with the wrong key", n)
	}
	unchanged(t, h)
}

// acceptedWith matches sshd's log line for a login of user by method with
// the given key (fingerprint), or any key when fp is "".
func acceptedWith(method, user, keyType, fp string) *regexp.Regexp {
	re := `Accepted ` + method + ` for ` + regexp.QuoteMeta(user) + ` from \S+ port \d+ ssh2`
	if fp != "" {
		re += `: ` + regexp.QuoteMeta(keyType) + ` ` + regexp.QuoteMeta(fp)
	}
	return regexp.MustCompile(re)
}

// TestSSHAuthMethods applies through one server with each way of logging
// in, in turn: inline key, passphrase-protected key file, password, agent,
// user certificate. Each step moves the offset, so each method writes, and
// the server's log must show a login by that very method and key. The
// secrets the resource's ssh holds are sensitive in state.
func TestSSHAuthMethods(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	login := users.Login.Name
	key, protected, agentKey, certKey := sshtest.NewKey(t), sshtest.NewKey(t), sshtest.NewKey(t), sshtest.NewKey(t)
	userCA := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Options{
		AuthorizedKeys:         []string{key.AuthorizedKey(), protected.AuthorizedKey(), agentKey.AuthorizedKey()},
		PasswordAuthentication: true,
		UserCA:                 userCA, // certKey is in no authorized_keys: only its certificate gets it in
	})
	// The login user edits its own files.
	h := newAPIMHost(t, srv, ownedHome(t, users.Login))

	const passphrase = "apim test passphrase 9f3"
	agentSock := sshtest.StartAgent(t, agentKey)
	provider := providerSSH(hclAttr("user", login), hclAttr("known_hosts_file", knownHosts(t, srv)))
	addr := "apim_instance_ports.test"
	sensitive := func(name string) statecheck.StateCheck {
		return statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("ssh").AtMapKey(name))
	}
	type method struct {
		name     string
		settings []string
		login    *regexp.Regexp
		checks   []statecheck.StateCheck
	}
	methods := []method{{
		name:     "private_key",
		settings: []string{hclAttr("private_key", key.PEM(t)), hclAttr("agent", false)},
		login:    acceptedWith("publickey", login, "ED25519", ssh.FingerprintSHA256(key.Public)),
		checks:   []statecheck.StateCheck{sensitive("private_key")},
	}, {
		name: "private_key_path with passphrase",
		settings: []string{
			hclAttr("private_key_path", sshtest.WriteFile(t, "id_protected", protected.EncryptedPEM(t, passphrase))),
			hclAttr("private_key_passphrase", passphrase), hclAttr("agent", false),
		},
		login:  acceptedWith("publickey", login, "ED25519", ssh.FingerprintSHA256(protected.Public)),
		checks: []statecheck.StateCheck{sensitive("private_key_passphrase")},
	}, {
		name:     "password",
		settings: []string{hclAttr("password", sshtest.Password), hclAttr("agent", false)},
		login:    acceptedWith("password", login, "", ""),
		checks:   []statecheck.StateCheck{sensitive("password")},
	}, {
		name:     "agent",
		settings: []string{hclAttr("agent", true)},
		login:    acceptedWith("publickey", login, "ED25519", ssh.FingerprintSHA256(agentKey.Public)),
	}, {
		name: "certificate",
		settings: []string{
			hclAttr("private_key", certKey.PEM(t)),
			hclAttr("certificate", userCA.SignUserCert(t, certKey.Public, login)),
			hclAttr("agent", false),
		},
		login:  acceptedWith("publickey", login, "ED25519-CERT", ssh.FingerprintSHA256(certKey.Public)),
		checks: []statecheck.StateCheck{sensitive("private_key")},
	}}

	// The agent is there for every step; the others set agent = false so
	// that only their own credential can log in.
	t.Setenv("SSH_AUTH_SOCK", agentSock)
	var steps []resource.TestStep
	for i, m := range methods {
		offset := i + 1
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				if m.login.MatchString(srv.LogContents()) {
					t.Fatalf("%s: a login by this method before the step", m.name)
				}
			},
			Config:            provider + instanceOn("test", h, offset, false, m.settings...),
			ConfigStateChecks: m.checks,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkFiles(h, applied(t, h.orig, offset, false, false)),
				func(*terraform.State) error {
					if !m.login.MatchString(srv.LogContents()) {
						return fmt.Errorf("%s: sshd logged no login matching %q:\n%s", m.name, m.login, srv.LogContents())
					}
					return nil
				},
			),
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    steps,
		CheckDestroy:             checkFiles(h, h.orig),
	})
}

// chownTree gives every directory and file under root the owner uid:gid,
// the directories mode 0755 and the files fileMode.
func chownTree(t *testing.T, root string, uid, gid int, fileMode os.FileMode) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := fileMode
		if d.IsDir() {
			mode = 0o755
		}
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
		return os.Chmod(p, mode)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSSHBastion reaches the host through a jump host: the bastion's log
// shows the forwarded (direct-tcpip) channel to the target.
func TestSSHBastion(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	bastion := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}, LogLevel: "DEBUG1"})
	h := startHosts(t, 1, login, key, sshtest.Options{})[0]
	config := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, bastion, h.srv)),
		hclAttr("agent", false),
	) + instanceOn("test", h, 6, true, fmt.Sprintf("bastion = { host = %q, port = %d }", bastion.Host(), bastion.Port()))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkFiles(h, applied(t, h.orig, 6, true, true)),
				func(*terraform.State) error {
					// sshd at DEBUG1: "server_request_direct_tcpip: originator
					// 127.0.0.1 port N, target 127.0.0.x port P".
					const want = "direct_tcpip: originator"
					target := fmt.Sprintf("target %s port %d", h.srv.Host(), h.srv.Port())
					log := bastion.LogContents()
					if !strings.Contains(log, want) || !strings.Contains(log, target) {
						return fmt.Errorf("the bastion's log shows no forwarded channel to %s:\n%s", h.srv.Addr(), log)
					}
					if bastion.CountAccepted() == 0 || bastion.CountAccepted() != h.srv.CountAccepted() {
						return fmt.Errorf("logins: bastion %d, target %d; want one bastion login per target login",
							bastion.CountAccepted(), h.srv.CountAccepted())
					}
					return nil
				},
			),
		}},
		CheckDestroy: checkFiles(h, h.orig),
	})
}

// TestSSHBastionHostKeyNotInherited: insecure_ignore_host_key = true for
// the APIM host does not switch off the bastion's own pinned host_key: a
// bastion presenting another key is refused, nothing is written, and the
// APIM host is never logged in to.
func TestSSHBastionHostKeyNotInherited(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	bastion := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	h := startHosts(t, 1, login, key, sshtest.Options{})[0]
	other := sshtest.NewKey(t)
	config := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("insecure_ignore_host_key", true),
		hclAttr("agent", false),
	) + instanceOn("test", h, 6, true, fmt.Sprintf("bastion = { host = %q, port = %d, host_key = %q }",
		bastion.Host(), bastion.Port(), other.AuthorizedKey()))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: diagText("host key changed: bastion", bastion.Addr(), "does not match host_key"),
		}},
	})
	unchanged(t, h)
	if n := h.srv.CountAccepted(); n != 0 {
		t.Errorf("%d logins to the APIM host behind a bastion whose key was refused", n)
	}
}

// TestSSHSudo: a non-root login edits files owned by another user (0640, in
// that user's directories) through passwordless sudo, keeping mode and
// owner; without sudo the apply fails suggesting it; a user whose sudo
// wants a password gets a clear error at once.
func TestSSHSudo(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	key := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}, PasswordAuthentication: true})
	home := filepath.Join(sshtest.TempDir(t), "wso2am-2.1.0")
	if err := os.CopyFS(home, os.DirFS(newHome(t))); err != nil {
		t.Fatal(err)
	}
	owner := users.Owner
	chownTree(t, home, owner.UID, owner.GID, 0o640)
	h := newAPIMHost(t, srv, home)
	ownerAndMode := func() error {
		for _, rel := range managedFiles {
			p := filepath.Join(home, rel)
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			st, ok := fi.Sys().(*syscall.Stat_t)
			if !ok {
				return fmt.Errorf("%s: no syscall.Stat_t in %T", p, fi.Sys())
			}
			if int(st.Uid) != owner.UID || int(st.Gid) != owner.GID || fi.Mode() != 0o640 {
				return fmt.Errorf("%s: owner %d:%d mode %v, want %d:%d -rw-r-----", p, st.Uid, st.Gid, fi.Mode(), owner.UID, owner.GID)
			}
		}
		return nil
	}
	provider := providerSSH(hclAttr("known_hosts_file", knownHosts(t, srv)), hclAttr("agent", false))
	asLogin := []string{hclAttr("user", users.Login.Name), hclAttr("private_key", key.PEM(t))}
	var sudoPasswordTook time.Duration
	var sudoPasswordStart time.Time

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// Without sudo the login user cannot read the files.
			Config:      provider + instanceOn("test", h, 2, true, asLogin...),
			ExpectError: diagText(users.Login.Name+"@"+srv.Addr(), filepath.Join(home, apim.CarbonXML), "permission denied", "set sudo = true"),
		}, {
			// sudo that wants a password is an error, not a hang.
			PreConfig: func() { sudoPasswordStart = time.Now() },
			Config: provider + instanceOn("test", h, 2, true, hclAttr("user", users.PasswordSudo.Name),
				hclAttr("password", sshtest.Password), hclAttr("sudo", true)),
			ExpectError: diagText(users.PasswordSudo.Name+"@"+srv.Addr(), "sudo requires a password", "NOPASSWD"),
		}, {
			PreConfig: func() {
				sudoPasswordTook = time.Since(sudoPasswordStart)
				unchanged(t, h)
				if err := ownerAndMode(); err != nil {
					t.Error(err)
				}
			},
			Config: provider + instanceOn("test", h, 2, true, append(asLogin, hclAttr("sudo", true))...),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkFiles(h, applied(t, h.orig, 2, true, true)),
				func(*terraform.State) error { return ownerAndMode() },
				func(*terraform.State) error { return expectNoTemp(home) },
			),
		}},
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkFiles(h, h.orig),
			func(*terraform.State) error { return ownerAndMode() },
		),
	})
	if sudoPasswordTook > 10*time.Second {
		t.Errorf("the step with a sudo that wants a password took %v", sudoPasswordTook)
	}
}

// killSessions is a plan check that kills the sshd processes serving h's
// connections: it runs between the plan and the apply of a step.
type killSessions struct{ srv *sshtest.Server }

func (k killSessions) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	k.srv.KillSessionChildren()
}

// TestSSHReconnectMidRun: the connection to a host dies between the plan and
// the apply of a step, and again before a refresh. Terraform runs a new
// provider process per command, so to have a connection outlive a command
// here, every command of this test is served by one provider instance, and
// its pool, as if one process ran them all. The next operation must
// reconnect, once, and leave every file complete and right. The sessions
// killed are a non-root login's (see startHosts).
func TestSSHReconnectMidRun(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	hosts := startHosts(t, 1, login, key, sshtest.Options{})
	h := hosts[0]
	// A second instance on the same host: six resources share the
	// connection. Its offset is the first's plus 3, so that the two can
	// run side by side (the plan refuses instances whose ports meet).
	h2 := newAPIMHost(t, h.srv, ownedHome(t, login))
	p, ok := New("test")().(*apimProvider)
	if !ok {
		t.Fatal("New does not make an *apimProvider")
	}
	t.Cleanup(func() { p.hosts.pool.Close() })
	shared := map[string]func() (tfprotov6.ProviderServer, error){
		"apim": func() (tfprotov6.ProviderServer, error) { return providerserver.NewProtocol6WithError(p)() },
	}
	provider := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, h.srv)),
		hclAttr("agent", false),
	)
	config := func(offset int) string {
		return provider + instanceOn("one", h, offset, true) + instanceOn("two", h2, offset+3, true)
	}
	logins := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := h.srv.CountAccepted(); n != want {
				return fmt.Errorf("%d logins, want %d", n, want)
			}
			return nil
		}
	}
	filesAt := func(offset int) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(
			checkFiles(h, applied(t, h.orig, offset, true, true)),
			checkFiles(h2, applied(t, h2.orig, offset+3, true, true)),
			func(*terraform.State) error { return expectNoTemp(h.home) },
			func(*terraform.State) error { return expectNoTemp(h2.home) },
		)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: shared,
		Steps: []resource.TestStep{{
			// Every command of the step rides on one connection.
			Config: config(1),
			Check:  resource.ComposeAggregateTestCheckFunc(filesAt(1), logins(1)),
		}, {
			Config: config(2),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("apim_instance_ports.one", plancheck.ResourceActionUpdate),
				killSessions{h.srv},
			}},
			Check: resource.ComposeAggregateTestCheckFunc(filesAt(2), logins(2)),
		}, {
			// A refresh after the connection died reconnects too.
			PreConfig: h.srv.KillSessionChildren,
			Config:    config(2),
			PlanOnly:  true,
		}},
		// The destroy rides on the connection the refresh made.
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(checkFiles(h, h.orig), checkFiles(h2, h2.orig), logins(3)),
	})
}

// TestSSHInstanceIdentity: host and port identify the instance wherever they
// are set. The same host and port spelled differently (the port in the
// import ID or in the resource rather than from the provider) is the same
// instance, not changed; another host replaces the resource.
func TestSSHInstanceIdentity(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	h := startHosts(t, 1, login, key, sshtest.Options{})[0]
	other := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	provider := providerSSH(
		hclAttr("port", h.srv.Port()),
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, h.srv, other)),
		hclAttr("agent", false),
	)
	config := func(ssh string) string {
		return provider + fmt.Sprintf(`
resource "apim_instance_ports" "test" {
  apim_home = %q
  offset    = 3
  ssh       = %s
}
`, h.home, ssh)
	}
	hostOnly := config(fmt.Sprintf("{ host = %q }", h.srv.Host()))
	const addr = "apim_instance_ports.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			// The ID names the port the provider gives: the instance is the
			// same, updated for its offset only (the import leaves the port
			// to the provider). Before the fix, this planned to destroy the
			// imported resource.
			Config:             hostOnly,
			ResourceName:       addr,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithID,
			ImportStateId:      h.id(),
			ExpectNonEmptyPlan: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
			}},
		}, {
			Config: hostOnly,
			Check:  checkFiles(h, applied(t, h.orig, 3, false, false)),
		}, {
			// The port moves from the provider to the resource: same
			// instance, same settings, no change.
			Config: config(fmt.Sprintf("{ host = %q, port = %d }", h.srv.Host(), h.srv.Port())),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(h.id())),
			}},
		}, {
			// Another host is another instance. (It sees the same files: all
			// test servers run on this machine.)
			Config: config(fmt.Sprintf("{ host = %q, port = %d }", other.Host(), other.Port())),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("ssh://"+other.Addr()+h.home)),
			}},
			Check: checkFiles(h, applied(t, h.orig, 3, false, false)),
		}},
		CheckDestroy: checkFiles(h, h.orig),
	})
}
