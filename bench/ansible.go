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

// ansibleSide runs bench/ansible/apim.yml with Debian's ansible package:
// the playbook is the apply, --check --diff the plan.
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
	hosts := map[string]map[string]any{}
	for _, in := range ins {
		name := "localhost"
		if in.Host != nil {
			name = in.Host.srv.Host()
		}
		h, ok := hosts[name]
		if !ok {
			h = map[string]any{"instance_ports": []item{}, "websocket_inbound": []item{}}
			if in.Host == nil {
				h["ansible_connection"] = "local"
			} else {
				h["ansible_port"] = in.Host.srv.Port()
				h["ansible_user"] = in.Host.user
			}
			hosts[name] = h
		}
		list := "instance_ports"
		if in.Kind == kindWebSocket {
			list = "websocket_inbound"
		}
		h[list] = append(h[list].([]item), item{Home: in.Home, Offset: in.Offset})
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
				return noneWrong("files wrong after the playbook", wrongApplied(ins))
			}, finish: finish},
		{op: opPlan, run: s.playbookRun("--check", "--diff"), check: changed(0), finish: finish},
		{op: opPlanDrift, prepare: func() error { _, err := editByHand(ins); return err },
			run: s.playbookRun("--check", "--diff"), check: changed(editedCount(len(ins))), finish: finish},
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

// editedCount is how many files editByHand changes among n instances.
func editedCount(n int) int { return (n + 9) / 10 }

var recapChanged = regexp.MustCompile(`(?m)^\S+\s+:\s+ok=\d+\s+changed=(\d+)`)

// changed checks the total of the PLAY RECAP's changed= counts: Ansible
// counts changed tasks per host, so the check is that some change was
// found when want > 0 and none when want is 0.
func changed(want int) func([]byte) error {
	return func(out []byte) error {
		total := 0
		for _, m := range recapChanged.FindAllSubmatch(out, -1) {
			n, _ := strconv.Atoi(string(m[1]))
			total += n
		}
		if (want == 0) != (total == 0) {
			return fmt.Errorf("PLAY RECAP changed=%d in all, want %s", total, map[bool]string{true: "0", false: "some"}[want == 0])
		}
		return nil
	}
}
