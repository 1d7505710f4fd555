package provider

import (
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// hosts hands each resource the target its files live on: the local
// filesystem, or an SSH host through the process-wide connection pool, so
// every resource on one host shares one connection.
type hosts struct {
	defaults types.Object
	local    target.Target
	pool     *target.Pool

	mu        sync.Mutex
	planned   map[string]string // resource type + file → the values planned for it by this command
	applied   map[string]bool   // resource type + file written by this command
	instances *plannedInstances // the ports of the instances planned by this command
	endpoints *endpointReads    // what the plans of WebSocket endpoints read, for their apply
}

func newHosts() *hosts {
	return &hosts{local: target.NewLocal(), pool: target.NewPool()}
}

// configure starts a terraform command: new provider defaults and no
// instance written yet.
func (h *hosts) configure(defaults types.Object) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.defaults = defaults
	h.planned = map[string]string{}
	h.applied = map[string]bool{}
	h.instances = newPlannedInstances()
	h.endpoints = newEndpointReads()
}

// claimPlan records, while planning, the values a resource of resourceType
// plans for file at place, and reports whether they agree with those
// another resource planned for it: two resources wanting different values
// in one file are refused before anything is written. Agreeing values pass
// here (Terraform plans a replaced resource twice, with the same values);
// claim refuses the second writer when applying.
func (h *hosts) claimPlan(resourceType, place, file, values string) (agree bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := resourceType + " " + place + file
	if prior, ok := h.planned[key]; ok && prior != values {
		return false
	}
	h.planned[key] = values
	return true
}

// claim records that a command writes, as a resource of resourceType, file
// at place (hosts.place) and reports whether no other resource wrote it
// before: two resources editing the same values of one file would undo
// each other's edit. It is checked when applying, not when planning,
// because Terraform plans a replaced resource twice (once to replace it,
// once to create it). file is the path filePath cleaned, so APIM homes
// spelled differently ("/opt/am/", "/opt/./am") meet; symbolic links and
// other names of one host are not resolved.
func (h *hosts) claim(resourceType, place, file string) (first bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := resourceType + " " + place + file
	if h.applied[key] {
		return false
	}
	h.applied[key] = true
	return true
}

// plannedInstances is the record of the instances planned by this command.
func (h *hosts) plannedInstances() *plannedInstances {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.instances
}

// endpointReads is the record of what this command's plans of WebSocket
// endpoints read.
func (h *hosts) endpointReads() *endpointReads {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.endpoints
}

// place names where a resource's files are: "" for the local filesystem, or
// "ssh://host:port". ok is false while the host or port is not yet known.
func (h *hosts) place(resourceSSH types.Object) (place string, ok bool) {
	addr, ok := h.address(resourceSSH)
	if addr == "" {
		return "", ok
	}
	return "ssh://" + addr, ok
}

// address is "host:port" of a resource's ssh object laid over the
// provider's (port 22 by default), "" for the local filesystem. known is
// false while the host or port is not yet known; other settings do not
// matter.
func (h *hosts) address(resourceSSH types.Object) (addr string, known bool) {
	s := mergeSSH(h.defaults, resourceSSH)
	for _, name := range []string{"host", "port"} {
		if v, ok := s[name]; ok && v.IsUnknown() {
			return "", false
		}
	}
	if s.host() == "" {
		return "", true
	}
	return net.JoinHostPort(s.host(), strconv.FormatInt(s.port(), 10)), true
}

// moved reports whether a planned ssh object names another host or port
// than the one in state: the resource is then another instance and must be
// replaced. A host or port not yet known counts as moved, as it would for
// RequiresReplace.
func (h *hosts) moved(stateSSH, planSSH types.Object) bool {
	from, _ := h.address(stateSSH)
	to, known := h.address(planSSH)
	return !known || from != to
}

// target returns the target for a resource with the given ssh object.
func (h *hosts) target(resourceSSH types.Object) (target.Target, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := mergeSSH(h.defaults, resourceSSH)
	if s.host() == "" {
		return h.local, diags
	}
	// Not attribute errors of ssh: Terraform would quote the source lines
	// of the ssh object under them, credentials written there included (a
	// wrong private_key_passphrase showed itself and the key). The message
	// names the setting; the diagnostic points at the resource.
	cfg, err := s.config(bastionOf(h.defaults, resourceSSH))
	if err != nil {
		diags.AddError("Invalid SSH Settings", err.Error())
		return nil, diags
	}
	t, err := h.pool.Target(cfg)
	if err != nil {
		diags.AddError("Invalid SSH Settings",
			fmt.Sprintf("The SSH settings for %s cannot be used: %s", s.host(), err))
		return nil, diags
	}
	return t, diags
}
