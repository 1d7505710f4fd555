package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ansibleSide runs the layout's playbook (bench/ansible/apim.yml for 2.1.0
// homes, apim-4.x.yml for 4.2.0) with Debian's ansible package: the
// playbook is the apply, --check --diff the plan.
type ansibleSide struct {
	dir      string
	playbook string
	env      []string
	files    *fixtures
}

// newAnsibleSide writes the inventory and ansible.cfg for the instances:
// one inventory host per SSH host (or localhost with the local
// connection), each with its instances as host variables, and the settings
// an operator would use for speed: no fact gathering, pipelining, one
// multiplexed connection per host, as many forks as Terraform's default
// parallelism.
func newAnsibleSide(dir, playbook string, ins []instance, access *sshAccess, files *fixtures) (*ansibleSide, error) {
	type item struct {
		Home   string `json:"home"`
		Offset int64  `json:"offset"`
	}
	type hostVars struct {
		Connection       string `json:"ansible_connection,omitempty"`
		Port             int    `json:"ansible_port,omitempty"`
		User             string `json:"ansible_user,omitempty"`
		InstancePorts    []item `json:"instance_ports"`
		WebSocketInbound []item `json:"websocket_inbound"`
	}
	hosts := map[string]*hostVars{}
	for _, in := range ins {
		name := "localhost"
		if in.Host != nil {
			name = in.Host.srv.Host()
		}
		h, ok := hosts[name]
		if !ok {
			h = &hostVars{InstancePorts: []item{}, WebSocketInbound: []item{}}
			if in.Host == nil {
				h.Connection = "local"
			} else {
				h.Port, h.User = in.dialPort(), in.Host.user
			}
			hosts[name] = h
		}
		it := item{Home: in.Home, Offset: in.Offset}
		if in.Kind == kindWebSocket {
			h.WebSocketInbound = append(h.WebSocketInbound, it)
		} else {
			h.InstancePorts = append(h.InstancePorts, it)
		}
	}
	inventory, err := json.MarshalIndent(map[string]any{"apim": map[string]any{"hosts": hosts}}, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "inventory.json"), inventory, 0o644); err != nil {
		return nil, err
	}
	cfg := `[defaults]
inventory = inventory.json
forks = 10
interpreter_python = /usr/bin/python3
retry_files_enabled = False
host_key_checking = True

[ssh_connection]
pipelining = True
`
	if access != nil {
		cfg += fmt.Sprintf("ssh_args = %s -o ControlMaster=auto -o ControlPersist=60s\ncontrol_path = %s/cp-%%%%h-%%%%p-%%%%r\n",
			strings.Join(access.sshArgs(), " "), dir)
	}
	if err := os.WriteFile(filepath.Join(dir, "ansible.cfg"), []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "ANSIBLE_CONFIG="+filepath.Join(dir, "ansible.cfg"), "ANSIBLE_NOCOLOR=1")
	return &ansibleSide{dir: dir, playbook: playbook, env: env, files: files}, nil
}

// steps are the playbook, its check with nothing to change, and its check
// after hand edits. An Ansible "destroy" would be another playbook setting
// the shipped values back; it is not a thing operators have, so it is not
// measured.
func (s *ansibleSide) steps(ins []instance) []step {
	finish := func() { killControlMasters(s.dir) }
	return []step{
		{op: opApply, prepare: func() error { return s.files.layOut(ins) }, run: s.playbookRun(),
			check: func(out []byte) error {
				return noneWrong("files wrong after the playbook", s.files.wrongApplied(ins))
			}, finish: finish},
		{op: opPlan, run: s.playbookRun("--check", "--diff"), check: changed(false), finish: finish},
		{op: opPlanDrift, prepare: func() error { return editByHand(ins) },
			run: s.playbookRun("--check", "--diff"), check: changed(true), finish: finish},
	}
}

func (s *ansibleSide) playbookRun(args ...string) func() ([]byte, error) {
	args = append([]string{s.playbook}, args...)
	return func() ([]byte, error) {
		out, code, err := command(s.dir, s.env, "ansible-playbook", args...)
		if err == nil && code != 0 {
			err = fmt.Errorf("ansible-playbook: exit code %d", code)
		}
		return out, err
	}
}

var recapChanged = regexp.MustCompile(`(?m)^\S+\s+:\s+ok=\d+\s+changed=(\d+)`)

// changed checks the PLAY RECAP's changed= counts: some change must be
// found after hand edits, none without.
func changed(want bool) func([]byte) error {
	return func(out []byte) error {
		total := 0
		for _, m := range recapChanged.FindAllSubmatch(out, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			total += n
		}
		if want != (total > 0) {
			return fmt.Errorf("PLAY RECAP changed=%d in all, want %s", total, map[bool]string{false: "none", true: "some"}[want])
		}
		return nil
	}
}
