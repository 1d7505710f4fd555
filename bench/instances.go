package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// The resource kinds, half of the instances each.
const (
	kindPorts     = "ports"
	kindWebSocket = "websocket"
)

// managedFiles are the files of an APIM home the benchmark lays out: every
// home gets all three, as a real one has them.
var managedFiles = []string{apim.CarbonXML, apim.WorkflowCallbackService, apim.WebSocket.File}

// instance is one resource and the APIM home it manages.
type instance struct {
	Name   string
	Kind   string
	Home   string
	Offset int64
	// Host is nil for local files.
	Host *host
}

// filesRead are the files a plan reads for the instance once it is applied:
// carbon.xml and the workflow callback file for apim_instance_ports; only
// the endpoint file for apim_websocket_inbound, whose Read needs carbon.xml
// only while ws.use.port.offset is true, and apply makes it false.
func (in instance) filesRead() []string {
	if in.Kind == kindPorts {
		return []string{apim.CarbonXML, apim.WorkflowCallbackService}
	}
	return []string{apim.WebSocket.File}
}

// instances are n resources, alternately apim_instance_ports and
// apim_websocket_inbound, each with its own home under root (or under its
// host's root, the hosts taken in turn) and its own offset.
func instances(n int, root string, hosts []*host) []instance {
	out := make([]instance, n)
	for i := range out {
		in := instance{Name: fmt.Sprintf("i%03d", i), Kind: kindPorts, Offset: int64(i + 1)}
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

// fixtures are the shipped bytes of the managed files, by relative path.
type fixtures map[string][]byte

func readFixtures(dir string) (fixtures, error) {
	f := fixtures{}
	for _, rel := range managedFiles {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return nil, err
		}
		f[rel] = b
	}
	return f, nil
}

// layOut writes the shipped files into every home, owned by the host's login
// user for remote homes.
func (f fixtures) layOut(ins []instance) error {
	for _, in := range ins {
		for _, rel := range managedFiles {
			p := filepath.Join(in.Home, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, f[rel], 0o644); err != nil {
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

// editByHand changes every tenth instance's value as an operator's hand edit
// would, for the plan that must find the drift: <Offset> for
// apim_instance_ports, inbound.ws.port for apim_websocket_inbound.
func editByHand(ins []instance) error {
	for i, in := range ins {
		if i%10 != 0 {
			continue
		}
		rel, edit := apim.CarbonXML, func(doc []byte) ([]byte, error) { return apim.SetOffset(doc, in.Offset+1000) }
		if in.Kind == kindWebSocket {
			rel, edit = apim.WebSocket.File, func(doc []byte) ([]byte, error) {
				return apim.SetInbound(doc, apim.WebSocket.BasePort+in.Offset+1000)
			}
		}
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
func wrongApplied(ins []instance) []string {
	var wrong []string
	for _, in := range ins {
		if err := checkApplied(in); err != nil {
			wrong = append(wrong, fmt.Sprintf("%s: %v", in.Home, err))
		}
	}
	return wrong
}

func checkApplied(in instance) error {
	if in.Kind == kindPorts {
		carbon, err := os.ReadFile(filepath.Join(in.Home, apim.CarbonXML))
		if err != nil {
			return err
		}
		if got, err := apim.ReadOffset(carbon); err != nil || got != in.Offset {
			return fmt.Errorf("offset %d (%v), want %d", got, err, in.Offset)
		}
		workflow, err := os.ReadFile(filepath.Join(in.Home, apim.WorkflowCallbackService))
		if err != nil {
			return err
		}
		url, err := apim.ReadWorkflowCallback(workflow)
		if want := ":" + strconv.FormatInt(9443+in.Offset, 10) + "/"; err != nil || !bytes.Contains([]byte(url), []byte(want)) {
			return fmt.Errorf("workflow callback URL %q (%v), want port %d", url, err, 9443+in.Offset)
		}
		return nil
	}
	endpoint, err := os.ReadFile(filepath.Join(in.Home, apim.WebSocket.File))
	if err != nil {
		return err
	}
	got, err := apim.ReadInbound(endpoint)
	if want := apim.WebSocket.BasePort + in.Offset; err != nil || got.Port != want || got.UseOffset {
		return fmt.Errorf("inbound %+v (%v), want port %d without offset", got, err, want)
	}
	return nil
}

// changedFromShipped lists the files that differ from the shipped bytes:
// after destroy, none may.
func (f fixtures) changedFromShipped(ins []instance) []string {
	var changed []string
	for _, in := range ins {
		for _, rel := range managedFiles {
			b, err := os.ReadFile(filepath.Join(in.Home, rel))
			if err != nil || !bytes.Equal(b, f[rel]) {
				changed = append(changed, filepath.Join(in.Home, rel))
			}
		}
	}
	return changed
}
