package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// serveProviderEnv makes the test binary serve the provider instead of
// running tests: the real terraform CLI then starts it as a plugin process,
// as it would start a released provider.
const serveProviderEnv = "APIM_TEST_SERVE_PROVIDER"

func TestMain(m *testing.M) {
	if os.Getenv(serveProviderEnv) == "1" {
		QuietUnseenLogs() // as main does
		err := providerserver.Serve(context.Background(), New("test"), providerserver.ServeOpts{
			Address: "registry.terraform.io/portoffset/apim",
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// terraformCLI runs terraform in a working directory with this test binary
// installed as the apim provider through dev_overrides, so that Terraform
// starts, stops and restarts provider processes exactly as it does for the
// released binary (the in-process servers of resource.UnitTest live across
// a whole command and hide that).
type terraformCLI struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// cliBinary is the CLI the run selects, as terraform-plugin-testing picks it
// for resource.UnitTest: TF_ACC_TERRAFORM_PATH when set (scripts/clis.sh sets
// it to Terraform 1.5.7 or OpenTofu), terraform on PATH otherwise.
func cliBinary() string {
	if path := os.Getenv("TF_ACC_TERRAFORM_PATH"); path != "" {
		return path
	}
	return "terraform"
}

func newTerraformCLI(t *testing.T) *terraformCLI {
	t.Helper()
	self, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	pluginDir := t.TempDir()
	if err := os.Symlink(self, filepath.Join(pluginDir, "terraform-provider-apim")); err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	// Both registry host names: a bare "portoffset/apim" is
	// registry.terraform.io's for Terraform and registry.opentofu.org's for
	// OpenTofu.
	writeFile(t, cliConfig, fmt.Appendf(nil, `provider_installation {
  dev_overrides {
    "registry.terraform.io/portoffset/apim" = %[1]q
    "registry.opentofu.org/portoffset/apim" = %[1]q
  }
  direct {}
}
`, pluginDir))
	env := []string{}
	for _, kv := range os.Environ() {
		// Nothing from the caller's Terraform setup, and no agent.
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "SSH_AUTH_SOCK=") {
			env = append(env, kv)
		}
	}
	env = append(env,
		serveProviderEnv+"=1",
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	)
	return &terraformCLI{t: t, bin: cliBinary(), dir: t.TempDir(), env: env}
}

// with returns a copy of c that adds the environment variables kv.
func (c *terraformCLI) with(kv ...string) *terraformCLI {
	d := *c
	d.env = append(append([]string(nil), c.env...), kv...)
	return &d
}

// writeConfig writes main.tf: config, with the provider's source.
func (c *terraformCLI) writeConfig(config string) {
	c.t.Helper()
	writeFile(c.t, filepath.Join(c.dir, "main.tf"), []byte(`terraform {
  required_providers {
    apim = { source = "portoffset/apim" }
  }
}
`+config))
}

// run runs terraform with args and returns its stdout and exit code; it
// fails the test on any other failure to run.
func (c *terraformCLI) run(args ...string) (stdout string, code int) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// Options go before a positional argument such as a plan file.
	full := []string{args[0], "-no-color"}
	if args[0] != "show" { // the one command used here that takes no -input
		full = append(full, "-input=false")
	}
	full = append(full, args[1:]...)
	cmd := exec.CommandContext(ctx, c.bin, full...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String() + errOut.String(), code
}

// mustRun runs terraform and fails the test unless it exits with want.
func (c *terraformCLI) mustRun(want int, args ...string) string {
	c.t.Helper()
	out, code := c.run(args...)
	if code != want {
		c.t.Fatalf("terraform %s exited with %d, want %d:\n%s", strings.Join(args, " "), code, want, out)
	}
	return out
}

// TestSSHCLILoginsPerCommand counts sshd logins per host for each terraform
// command, with the provider run by the real terraform CLI as a plugin
// process: a plan, the apply of that saved plan, and a plan refreshing
// everything each log in exactly once per host, however many resources the
// host has. It also checks what a plain `terraform apply` and `terraform
// destroy` cost, and that no secret of the configuration reaches plan
// output.
func TestSSHCLILoginsPerCommand(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	key := sshtest.NewKey(t)
	protected := sshtest.NewKey(t)
	const passphrase = "cli test passphrase 4b7"
	hosts := startHosts(t, 3, login, key, sshtest.Options{AuthorizedKeys: []string{protected.AuthorizedKey()}})
	a := hosts[0]
	provider := providerSSH(
		hclAttr("user", login.Name),
		hclAttr("private_key_path", sshtest.WriteFile(t, "id_ed25519", key.PEM(t))),
		hclAttr("known_hosts_file", knownHosts(t, hosts[0].srv, hosts[1].srv, hosts[2].srv)),
		hclAttr("agent", false),
	)
	// Host a logs in with a passphrase-protected key given inline in the
	// resources' ssh, so that secrets are part of every plan.
	secretPEM := protected.EncryptedPEM(t, passphrase)
	config := func(offset int) string {
		cfg := provider
		for i, h := range hosts {
			var secrets []string
			if h == a {
				secrets = []string{hclAttr("private_key", secretPEM), hclAttr("private_key_passphrase", passphrase)}
			}
			cfg += instanceOn(fmt.Sprintf("h%d", i), h, offset+i, true, secrets...)
		}
		return cfg
	}
	cli := newTerraformCLI(t)
	cli.writeConfig(config(1))

	// Terraform's and the provider's logs, at the most verbose level.
	logPath := filepath.Join(t.TempDir(), "terraform.log")
	cli = cli.with("TF_LOG=trace", "TF_LOG_PATH="+logPath)

	// step runs terraform and returns the logins each host saw meanwhile.
	step := func(want int, args ...string) (string, []int) {
		before := make([]int, len(hosts))
		for i, h := range hosts {
			before[i] = h.srv.CountAccepted()
		}
		out := cli.mustRun(want, args...)
		logins := make([]int, len(hosts))
		for i, h := range hosts {
			logins[i] = h.srv.CountAccepted() - before[i]
		}
		return out, logins
	}
	expectLogins := func(what string, got []int, want int) {
		t.Helper()
		t.Logf("%s: logins per host %v", what, got)
		for i, n := range got {
			if n != want {
				t.Errorf("%s: %d logins to host %d (%s), want %d", what, n, i, hosts[i].srv.Addr(), want)
			}
		}
	}
	expectNoSecrets := func(what, out string) {
		t.Helper()
		for _, secret := range append(strings.Split(strings.TrimSpace(secretPEM), "\n"), passphrase) {
			if len(secret) >= 8 && strings.Contains(out, secret) {
				t.Errorf("%s: output contains a secret (%q):\n%s", what, secret, out)
			}
		}
	}
	expectAll := func(offset int) {
		t.Helper()
		for i, h := range hosts {
			if err := expectFiles(h.home, applied(t, h.orig, offset+i, true, true)); err != nil {
				t.Error(err)
			}
		}
	}

	// plan: the workflow callback URL is read at plan time, so a first
	// plan already logs in, once per host.
	out, logins := step(2, "plan", "-out=tfplan", "-detailed-exitcode")
	expectLogins("terraform plan -out", logins, 1)
	expectNoSecrets("terraform plan", out)
	if !strings.Contains(out, "private_key_passphrase = (sensitive value)") {
		t.Errorf("the plan does not show the resources' ssh settings as sensitive:\n%s", out)
	}
	for _, h := range hosts {
		unchanged(t, h)
	}

	// apply of the saved plan: nine resources, three hosts, one login each.
	out, logins = step(0, "apply", "tfplan")
	expectLogins("terraform apply tfplan", logins, 1)
	expectNoSecrets("terraform apply", out)
	expectAll(1)

	// plan refreshing all nine resources: one login per host.
	out, logins = step(0, "plan", "-detailed-exitcode")
	expectLogins("terraform plan (refresh)", logins, 1)
	expectNoSecrets("terraform plan (refresh)", out)

	// A plain apply is two graph walks, plan then apply, and Terraform
	// starts a fresh provider process for each walk (the plan's provider
	// is closed before the apply walk starts its own), so each host sees
	// two logins: one for the refresh and plan, one for the writes.
	cli.writeConfig(config(4))
	out, logins = step(0, "apply", "-auto-approve")
	expectLogins("terraform apply -auto-approve", logins, 2)
	expectNoSecrets("terraform apply -auto-approve", out)
	expectAll(4)

	// destroy is a plan walk and an apply walk too.
	_, logins = step(0, "destroy", "-auto-approve")
	expectLogins("terraform destroy -auto-approve", logins, 2)
	for _, h := range hosts {
		unchanged(t, h)
	}

	log := readFile(t, logPath)
	if !bytes.Contains(log, []byte("file written")) {
		t.Errorf("%s holds no log of the provider", logPath)
	}
	expectNoSecrets("TF_LOG=trace log", string(log))
}
