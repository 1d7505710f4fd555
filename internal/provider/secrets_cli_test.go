package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// secretsIn returns the secrets found in text. A PEM key counts as its
// lines, every line of 8 or more characters a secret of its own, so a key
// leaked in part or re-wrapped is found too.
func secretsIn(text string, secrets ...string) []string {
	var found []string
	for _, s := range secrets {
		for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
			if len(line) >= 8 && strings.Contains(text, line) {
				found = append(found, line)
			}
		}
	}
	return found
}

// TestSSHCLISecrets (issue 4 item 5): with every credential attribute set,
// in the provider's ssh and in resources' (a host logging in with a
// password, one with a passphrase-protected private_key of its own, one
// with the provider's passphrase-protected key; the provider's ssh also
// carries a password), no plan, apply, refresh, destroy or failing run
// shows a secret, nor does a TF_LOG=trace / TF_LOG_PROVIDER=trace log of
// them all; the state marks the resources' credentials sensitive and holds
// none of the provider's.
func TestSSHCLISecrets(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	providerKey, resourceKey := sshtest.NewKey(t), sshtest.NewKey(t)
	const (
		providerPassphrase = "provider passphrase 9Kd2w"
		resourcePassphrase = "resource passphrase 3Vn7q"
		// Offered by every host after the key; the key is accepted first.
		providerPassword = "provider-password-8Hq3z"
		wrongPassword    = "wrong-password-5Tc1m"
		wrongPassphrase  = "wrong passphrase 2Lp6r"
	)
	providerPEM := providerKey.EncryptedPEM(t, providerPassphrase)
	resourcePEM := resourceKey.EncryptedPEM(t, resourcePassphrase)
	secrets := []string{sshtest.Password, providerPassword, wrongPassword,
		providerPassphrase, resourcePassphrase, wrongPassphrase, providerPEM, resourcePEM}

	// a: password only. b: its own key only. c: the provider's key only.
	a := newAPIMHost(t, sshtest.Start(t, sshtest.Options{PasswordAuthentication: true}), ownedHome(t, login))
	b := newAPIMHost(t, sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{resourceKey.AuthorizedKey()}}), ownedHome(t, login))
	c := newAPIMHost(t, sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{providerKey.AuthorizedKey()}}), ownedHome(t, login))
	hosts := []*apimHost{a, b, c}
	provider := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key", providerPEM),
		hclAttr("private_key_passphrase", providerPassphrase),
		hclAttr("password", providerPassword),
		hclAttr("known_hosts_file", knownHosts(t, a.srv, b.srv, c.srv)),
		hclAttr("agent", false),
	)
	config := func(password, passphrase string) string {
		return provider +
			instanceOn("a", a, 1, true, hclAttr("password", password)) +
			instanceOn("b", b, 2, true, hclAttr("private_key", resourcePEM), hclAttr("private_key_passphrase", passphrase)) +
			instanceOn("c", c, 3, true)
	}
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	cli := newTerraformCLI(t).with("TF_LOG=trace", "TF_LOG_PROVIDER=trace", "TF_LOG_PATH="+logPath)
	cli.writeConfig(config(sshtest.Password, resourcePassphrase))

	var checked []string
	leaks := 0
	run := func(want int, args ...string) string {
		t.Helper()
		what := "terraform " + strings.Join(args, " ")
		out := cli.mustRun(want, args...)
		if found := secretsIn(out, secrets...); len(found) > 0 {
			t.Errorf("%s shows secrets %q:\n%s", what, found, out)
			leaks += len(found)
		}
		checked = append(checked, what)
		return out
	}

	out := run(2, "plan", "-out=tfplan", "-detailed-exitcode")
	for _, name := range []string{"password", "private_key", "private_key_passphrase"} {
		if !regexp.MustCompile(`\+ ` + name + ` += \(sensitive value\)`).MatchString(out) {
			t.Errorf("the plan does not show ssh.%s as sensitive:\n%s", name, out)
		}
	}
	run(0, "apply", "tfplan")
	for i, h := range hosts {
		if err := expectFiles(h.home, applied(t, h.orig, i+1, true, true)); err != nil {
			t.Error(err)
		}
	}
	// Each host was logged in to by the method meant for it.
	for h, method := range map[*apimHost]string{a: "password", b: "publickey", c: "publickey"} {
		if want := fmt.Sprintf("Accepted %s for %s", method, login.Name); !strings.Contains(h.srv.LogContents(), want) {
			t.Errorf("%s logged no %q:\n%s", h.srv.Addr(), want, h.srv.LogContents())
		}
	}
	run(0, "refresh")
	run(0, "plan", "-detailed-exitcode")

	// The state: the resources' credentials are marked sensitive, ...
	wantSensitive := map[string][]string{
		"apim_instance_ports.a": {"password"}, "apim_websocket_inbound.a_ws": {"password"},
		"apim_instance_ports.b": {"private_key", "private_key_passphrase"}, "apim_websocket_inbound.b_wss": {"private_key", "private_key_passphrase"},
	}
	for _, r := range cli.showState() {
		sshMarks, _ := r.SensitiveValues["ssh"].(map[string]any)
		for _, name := range wantSensitive[r.Address] {
			if sshMarks[name] != true {
				t.Errorf("%s: ssh.%s is not marked sensitive in the state: sensitive_values %v", r.Address, name, r.SensitiveValues)
			}
		}
		delete(wantSensitive, r.Address)
	}
	if len(wantSensitive) > 0 {
		t.Errorf("not in the state: %v", wantSensitive)
	}
	// ... and the provider's never reach it. (The header and footer lines
	// are those of the resources' key, which the state holds.)
	state := string(readFile(t, filepath.Join(cli.dir, "terraform.tfstate")))
	var providerOnly []string
	for _, line := range strings.Split(providerPEM, "\n") {
		if !strings.Contains(resourcePEM, line) {
			providerOnly = append(providerOnly, line)
		}
	}
	if found := secretsIn(state, append(providerOnly, providerPassphrase, providerPassword)...); len(found) > 0 {
		t.Errorf("terraform.tfstate holds the provider's credentials %q", found)
		leaks += len(found)
	}

	// A wrong password and a wrong passphrase: the errors name the host
	// and what failed, never the credential tried.
	cli.writeConfig(config(wrongPassword, wrongPassphrase))
	out = run(1, "apply", "-auto-approve")
	for _, want := range [][]string{
		{login.Name + "@" + a.srv.Addr(), "authentication failed"},
		{"private_key_passphrase does not decrypt private_key"},
	} {
		if !diagText(want...).MatchString(out) {
			t.Errorf("the failing apply does not say %q:\n%s", want, out)
		}
	}
	for _, h := range hosts {
		if err := expectNoTemp(h.home); err != nil {
			t.Error(err)
		}
	}

	cli.writeConfig(config(sshtest.Password, resourcePassphrase))
	run(0, "destroy", "-auto-approve")
	for _, h := range hosts {
		unchanged(t, h)
	}

	log := string(readFile(t, logPath))
	for _, want := range []string{"[TRACE] provider.terraform-provider-apim", "file written", "tf_rpc=ConfigureProvider"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log holds no %q: not a trace log of the provider", want)
		}
	}
	if found := secretsIn(log, secrets...); len(found) > 0 {
		t.Errorf("the TF_LOG=trace log %s holds secrets %q", logPath, found)
		leaks += len(found)
	}
	t.Logf("SECRETS commands=%d log_bytes=%d leaks=%d (%s)", len(checked), len(log), leaks, strings.Join(checked, "; "))
}
