package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// terraformSide is a side driven by the terraform CLI: our provider, the
// floor provider, or terraform_data.
type terraformSide struct {
	dir string
	env []string
	// providerLog is where the provider wrapper writes its figures; "" for
	// terraform_data, which has no provider process.
	providerLog string
	// files is set for our provider, the only side whose work shows in
	// the files: they are laid out before apply, checked after it, edited
	// by hand before the second plan and compared with the shipped bytes
	// after destroy.
	files *fixtures
}

// providerBinary installs a provider binary for dev_overrides in dir, as a
// wrapper that runs it under GNU time so its peak RSS and CPU time are
// known; it returns the CLI configuration file that selects it.
func providerBinary(dir, binary string) (cliConfig string, err error) {
	wrapper := fmt.Sprintf("#!/bin/sh\nexec /usr/bin/time -a -o \"$BENCH_PROVIDER_LOG\" -f '%%M %%U %%S' %q \"$@\"\n", binary)
	if err := os.WriteFile(filepath.Join(dir, "terraform-provider-apim"), []byte(wrapper), 0o755); err != nil {
		return "", err
	}
	cliConfig = filepath.Join(dir, "terraform.tfrc")
	tfrc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"portoffset/apim\" = %q\n  }\n  direct {}\n}\n", dir)
	return cliConfig, os.WriteFile(cliConfig, []byte(tfrc), 0o644)
}

// apimConfig is the configuration of our provider and of the floor: one
// resource block of each type, for_each over the instances.
func apimConfig(access *sshAccess) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    apim = { source = "portoffset/apim" }
  }
}

locals {
  instances = jsondecode(file("${path.module}/instances.json"))
}
`)
	sshAttr := ""
	if access != nil {
		fmt.Fprintf(&b, `
provider "apim" {
  ssh = {
    user             = "apimtest"
    private_key_path = %q
    known_hosts_file = %q
  }
}
`, access.keyFile, access.knownHostsFile)
		sshAttr = "\n  ssh       = { host = each.value.host, port = each.value.port }"
	} else {
		b.WriteString("\nprovider \"apim\" {}\n")
	}
	for _, r := range []struct{ typ, kind string }{{"apim_instance_ports", kindPorts}, {"apim_websocket_inbound", kindWebSocket}} {
		fmt.Fprintf(&b, `
resource %q "bench" {
  for_each  = { for name, i in local.instances : name => i if i.kind == %q }
  apim_home = each.value.home
  offset    = each.value.offset%s
}
`, r.typ, r.kind, sshAttr)
	}
	return b.String()
}

// terraformDataConfig is the same number of terraform_data resources.
const terraformDataConfig = `locals {
  instances = jsondecode(file("${path.module}/instances.json"))
}

resource "terraform_data" "bench" {
  for_each = local.instances
  input    = each.value
}
`

// writeTerraformDir writes a configuration and the instances it iterates.
func writeTerraformDir(dir, config string, ins []instance) error {
	type entry struct {
		Kind   string `json:"kind"`
		Home   string `json:"home"`
		Offset int64  `json:"offset"`
		Host   string `json:"host,omitempty"`
		Port   int    `json:"port,omitempty"`
	}
	entries := map[string]entry{}
	for _, in := range ins {
		e := entry{Kind: in.Kind, Home: in.Home, Offset: in.Offset}
		if in.Host != nil {
			e.Host, e.Port = in.Host.srv.Host(), in.dialPort()
		}
		entries[in.Name] = e
	}
	js, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "instances.json"), js, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644)
}

// steps are apply, plan, plan after hand edits, destroy.
func (s *terraformSide) steps(ins []instance) []step {
	driftExit := 0
	if s.files != nil {
		driftExit = 2 // our provider finds the hand edits; the others read nothing
	}
	return []step{
		{op: opApply, prepare: s.layOut(ins), run: s.terraform(0, "apply", "-auto-approve"), check: s.applied(ins)},
		{op: opPlan, run: s.terraform(0, "plan", "-detailed-exitcode"), check: nothingToCheck},
		{op: opPlanDrift, prepare: s.editByHand(ins), run: s.terraform(driftExit, "plan", "-detailed-exitcode"), check: nothingToCheck},
		{op: opDestroy, run: s.terraform(0, "destroy", "-auto-approve"), check: s.restored(ins)},
	}
}

func (s *terraformSide) terraform(wantExit int, args ...string) func() ([]byte, error) {
	args = append(args, "-input=false", "-no-color")
	return func() ([]byte, error) {
		out, code, err := command(s.dir, s.env, "terraform", args...)
		if err == nil && code != wantExit {
			err = fmt.Errorf("terraform %s: exit code %d, want %d", args[0], code, wantExit)
		}
		return out, err
	}
}

func (s *terraformSide) layOut(ins []instance) func() error {
	if s.files == nil {
		return nil
	}
	return func() error { return s.files.layOut(ins) }
}

func (s *terraformSide) editByHand(ins []instance) func() error {
	if s.files == nil {
		return nil
	}
	return func() error { return editByHand(ins) }
}

func (s *terraformSide) applied(ins []instance) func([]byte) error {
	if s.files == nil {
		return nothingToCheck
	}
	return func([]byte) error { return noneWrong("files wrong after apply", s.files.wrongApplied(ins)) }
}

func (s *terraformSide) restored(ins []instance) func([]byte) error {
	if s.files == nil {
		return nothingToCheck
	}
	return func([]byte) error {
		return noneWrong("files not restored after destroy", s.files.changedFromShipped(ins))
	}
}

func nothingToCheck([]byte) error { return nil }

// noneWrong fails with the first few of a list of wrong files.
func noneWrong(what string, wrong []string) error {
	if len(wrong) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %d, e.g. %s", what, len(wrong), strings.Join(wrong[:min(3, len(wrong))], "; "))
}
