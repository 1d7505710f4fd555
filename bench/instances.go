package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// The resource kinds, half of the instances each.
const (
	kindPorts     = "ports"
	kindWebSocket = "websocket"
)

// instance is one resource and the APIM home it manages.
type instance struct {
	Name   string
	Kind   string
	Home   string
	Offset int64
	// Host is nil for local files.
	Host *host
	// RTT is the round trip in milliseconds the clients are given to the
	// host (through a latency proxy above 0; see latency.go).
	RTT int
	// layout is the kind of home it is.
	layout *homeLayout
}

// kind is what the instance's resource kind does with its home.
func (in instance) kind() kindLayout { return in.layout.kinds[in.Kind] }

// filesRead are the files a plan reads for the instance once it is applied
// (as far as they exist; see the layouts).
func (in instance) filesRead() []string { return in.kind().filesRead }

// instances are n resources, alternately apim_instance_ports and
// apim_websocket_inbound, each with its own home of the layout under root
// (or under its host's root, the hosts taken in turn, reached at rtt
// milliseconds) and its own offset, one that shares no port with the other
// instances on its host (the provider refuses those that would).
func instances(n int, root string, hosts []*host, rtt int, l *homeLayout) []instance {
	out := make([]instance, n)
	// Not offset 0, which the homes ship with: every instance has work.
	offsets := apim.SideBySide(l.home, n+1)[1:]
	for i := range out {
		// The instances are dealt to the hosts in turn: the i-th on a host
		// takes its i-th offset.
		onHost := i
		if len(hosts) > 0 {
			onHost = i / len(hosts)
		}
		in := instance{Name: fmt.Sprintf("i%03d", i), Kind: kindPorts, Offset: offsets[onHost], RTT: rtt, layout: l}
		if i%2 == 1 {
			in.Kind = kindWebSocket
		}
		dir := root
		if len(hosts) > 0 {
			in.Host = hosts[i%len(hosts)]
			dir = in.Host.root
		}
		in.Home = filepath.Join(dir, fmt.Sprintf("n%d", n), in.Name)
		out[i] = in
	}
	return out
}

// dialPort is the port clients dial for the instance's host.
func (in instance) dialPort() int { return in.Host.dialPort(in.RTT) }

// layOut writes the shipped files into every home, owned by the host's login
// user for remote homes.
func (f fixtures) layOut(ins []instance) error {
	for _, in := range ins {
		for rel, b := range f {
			p := filepath.Join(in.Home, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				return err
			}
		}
		if in.Host != nil {
			if err := chownTree(in.Home, in.Host.uid, in.Host.gid); err != nil {
				return err
			}
		}
	}
	return nil
}

func chownTree(root string, uid, gid int) error {
	return filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// editedByHand says whether instance i is one of the tenth editByHand
// edits: one in every ten, taking apim_instance_ports (even i) and
// apim_websocket_inbound (odd i) in turn, i = 0, 11, 20, 31, ...
func editedByHand(i int) bool { return i%10 == (i/10)%2 }

// editByHand changes a tenth of the instances' values as an operator's hand
// edit would, for the plan that must find the drift (see the layouts: on
// 2.1.0 <Offset> for apim_instance_ports, inbound.ws.port for
// apim_websocket_inbound; on 4.2.0 [server] offset and [apim.ws] port).
func editByHand(ins []instance) error {
	for i, in := range ins {
		if !editedByHand(i) {
			continue
		}
		rel, edit := in.kind().handEdit(in)
		if err := editFile(filepath.Join(in.Home, rel), edit); err != nil {
			return err
		}
	}
	return nil
}

// editFile rewrites a file in place, keeping its owner (the benchmark runs
// as root; a new file would be root's).
func editFile(p string, edit func([]byte) ([]byte, error)) error {
	doc, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	out, err := edit(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return os.WriteFile(p, out, 0o644)
}

// wrongApplied lists the homes whose files do not hold the configured
// values: the check that a side really did the work it was timed for.
func (f fixtures) wrongApplied(ins []instance) []string {
	var wrong []string
	for _, in := range ins {
		if err := in.kind().applied(in, f); err != nil {
			wrong = append(wrong, fmt.Sprintf("%s: %v", in.Home, err))
		}
	}
	return wrong
}

// changedFromShipped lists the files that differ from the shipped bytes:
// after destroy, none may.
func (f fixtures) changedFromShipped(ins []instance) []string {
	var changed []string
	for _, in := range ins {
		for rel := range f {
			if f.unchanged(in.Home, rel) != nil {
				changed = append(changed, filepath.Join(in.Home, rel))
			}
		}
	}
	return changed
}
