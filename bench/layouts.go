package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/portoffset/terraform-provider-apim/bench/internal/benchhome"
	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

// homeLayout is one kind of APIM home the benchmark lays out (-homes): the
// files every home gets, the Ansible playbook that does the same edits,
// and, by resource kind, what a plan reads, how an operator edits it by
// hand and how to tell that the work was done.
type homeLayout struct {
	// version is the -homes value.
	version string
	// home is what the homes are, for offsets that run side by side.
	home apim.Home
	// files are the files every home gets (shared with the floor's tests).
	files *benchhome.Layout
	// playbook is the Ansible playbook of this layout.
	playbook string
	// kinds are the resource kinds' ways with such a home.
	kinds map[string]kindLayout
}

// kindLayout is what one resource kind does with a home of a layout.
type kindLayout struct {
	// filesRead are the files a plan reads for the instance once it is
	// applied, as far as they exist: what raw OpenSSH reads in its place.
	filesRead []string
	// handEdit is the file an operator edits by hand for the plan that
	// must find drift, and the edit: the instance's value moved by 1000.
	handEdit func(in instance) (rel string, edit func(doc []byte) ([]byte, error))
	// applied checks that the home holds the instance's configured values;
	// f is the shipped content, for files that must be left as they were.
	applied func(in instance, f fixtures) error
}

// layouts are the -homes values.
var layouts = map[string]*homeLayout{
	"2.1.0": layout21,
	"4.2.0": layout42,
}

// layoutNames lists the -homes values.
func layoutNames() string {
	var names []string
	for k := range layouts {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// layout21 is an APIM 2.1.0 home: carbon.xml, axis2.xml, jndi.properties,
// api-manager.xml, WorkflowCallbackService.xml and
// WebSocketInboundEndpoint.xml, as they ship.
var layout21 = &homeLayout{
	version:  "2.1.0",
	home:     apim.CarbonHome,
	files:    benchhome.Layouts["2.1.0"],
	playbook: "bench/ansible/apim.yml",
	kinds: map[string]kindLayout{
		kindPorts: {
			// detectHome reads deployment.toml, updates/product.txt,
			// bin/version.txt, carbon.xml, the workflow callback file,
			// axis2.xml (whether clustering is on), jndi.properties and
			// api-manager.xml; the last five exist.
			filesRead: []string{apim.CarbonXML, apim.WorkflowCallbackService, apim.Axis2XML, apim.JNDIProperties, apim.APIManagerXML},
			handEdit: func(in instance) (string, func([]byte) ([]byte, error)) {
				return apim.CarbonXML, func(doc []byte) ([]byte, error) { return apim.SetOffset(doc, in.Offset+1000) }
			},
			applied: func(in instance, _ fixtures) error {
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
				if want := ":" + strconv.FormatInt(9443+in.Offset, 10) + "/"; err != nil || !strings.Contains(url, want) {
					return fmt.Errorf("workflow callback URL %q (%v), want port %d", url, err, 9443+in.Offset)
				}
				jndi, err := os.ReadFile(filepath.Join(in.Home, apim.JNDIProperties))
				if err != nil {
					return err
				}
				want := "brokerlist='tcp://localhost:" + strconv.FormatInt(5672+in.Offset, 10) + "'"
				if n := strings.Count(string(jndi), want); n != 2 {
					return fmt.Errorf("%d JMS brokerlists %s, want one per factory", n, want)
				}
				return nil
			},
		},
		kindWebSocket: {
			// detectEndpoint reads deployment.toml, the endpoint's
			// template, the endpoint file and carbon.xml (the instance's
			// offset, needed only while ws.use.port.offset is true, but
			// read with the others in one round trip) all at once; only the
			// last two exist on 2.x.
			filesRead: []string{apim.WebSocket.File, apim.CarbonXML},
			handEdit: func(in instance) (string, func([]byte) ([]byte, error)) {
				return apim.WebSocket.File, func(doc []byte) ([]byte, error) {
					return apim.SetInbound(doc, apim.WebSocket.BasePort+in.Offset+1000)
				}
			},
			applied: func(in instance, _ fixtures) error {
				endpoint, err := os.ReadFile(filepath.Join(in.Home, apim.WebSocket.File))
				if err != nil {
					return err
				}
				got, err := apim.ReadInbound(endpoint)
				if want := apim.WebSocket.BasePort + in.Offset; err != nil || got.Port != want || got.UseOffset {
					return fmt.Errorf("inbound %+v (%v), want port %d without offset", got, err, want)
				}
				return nil
			},
		},
	},
}

// layout42 is an APIM 4.2.0 home: deployment.toml, the ws endpoint's XML
// and the template the config mapper renders it from, as they ship, and
// updates/product.txt. There is no carbon.xml (the config mapper renders
// it at the first start) and no WorkflowCallbackService.xml (4.2.0 ships
// none).
var layout42 = &homeLayout{
	version:  "4.2.0",
	home:     apim.Home{Generation: apim.Deployment3, Version: apim.Version{Major: 4, Minor: 2}, Distribution: apim.AllInOne},
	files:    benchhome.Layouts["4.2.0"],
	playbook: "bench/ansible/apim-4.x.yml",
	kinds: map[string]kindLayout{
		kindPorts: {
			// detectHome reads deployment.toml, updates/product.txt,
			// bin/version.txt and carbon.xml at once, the last two absent;
			// Read then tries WorkflowCallbackService.xml (absent: not
			// managed).
			filesRead: []string{apim.DeploymentTOML, apim.ProductTxt},
			handEdit: func(in instance) (string, func([]byte) ([]byte, error)) {
				return apim.DeploymentTOML, func(doc []byte) ([]byte, error) { return apim.SetTOMLOffset(doc, in.Offset+1000) }
			},
			applied: func(in instance, f fixtures) error {
				toml, err := os.ReadFile(filepath.Join(in.Home, apim.DeploymentTOML))
				if err != nil {
					return err
				}
				if got, err := apim.ReadTOMLOffset(toml); err != nil || got != in.Offset {
					return fmt.Errorf("[server] offset %d (%v), want %d", got, err, in.Offset)
				}
				return f.unchanged(in.Home, apim.WebSocket.File, apim.WebSocket.Template())
			},
		},
		kindWebSocket: {
			// detectEndpoint reads deployment.toml, the template, the
			// endpoint file and carbon.xml at once, the last absent.
			filesRead: []string{apim.DeploymentTOML, apim.WebSocket.Template(), apim.WebSocket.File},
			handEdit: func(in instance) (string, func([]byte) ([]byte, error)) {
				return apim.DeploymentTOML, func(doc []byte) ([]byte, error) {
					return setTemplatedPort(in.Home, doc, in.Offset+1000)
				}
			},
			applied: func(in instance, f fixtures) error {
				toml, err := os.ReadFile(filepath.Join(in.Home, apim.DeploymentTOML))
				if err != nil {
					return err
				}
				p, err := templatedPort(in.Home)
				if err != nil {
					return err
				}
				got, err := p.Listening(toml, func() (int64, error) { return apim.ReadTOMLOffset(toml) })
				if want := apim.WebSocket.BasePort + in.Offset; err != nil || got != want {
					return fmt.Errorf("the endpoint listens on %d (%v), want %d", got, err, want)
				}
				if off, err := apim.ReadTOMLOffset(toml); err != nil || off != 0 {
					return fmt.Errorf("[server] offset %d (%v), want the shipped 0", off, err)
				}
				return f.unchanged(in.Home, apim.WebSocket.File, apim.WebSocket.Template())
			},
		},
	},
}

// templatedPort is where a 4.x home keeps the ws endpoint's port, as its
// template says: [apim.ws] port of deployment.toml.
func templatedPort(home string) (apim.EndpointPort, error) {
	template, err := os.ReadFile(filepath.Join(home, apim.WebSocket.Template()))
	if err != nil {
		return nil, err
	}
	p, err := apim.EndpointPortOf(apim.WebSocket, true, template)
	if err == nil && p.File() != apim.DeploymentTOML {
		err = fmt.Errorf("%s does not put the ws port in %s", apim.WebSocket.Template(), apim.DeploymentTOML)
	}
	return p, err
}

// setTemplatedPort makes the ws endpoint of the home's deployment.toml
// listen on 9099 + offset, as an operator's hand edit of [apim.ws] port
// would.
func setTemplatedPort(home string, doc []byte, offset int64) ([]byte, error) {
	p, err := templatedPort(home)
	if err != nil {
		return nil, err
	}
	out, _, err := p.Set(doc, apim.WebSocket.BasePort, offset)
	return out, err
}

// fixtures are the content of the files every home of a layout gets, by
// path relative to the home.
type fixtures map[string][]byte

// readFixtures reads the layout's files, from the repository root.
func (l *homeLayout) readFixtures() (fixtures, error) {
	return l.files.Read(".")
}

// unchanged checks that the files rel names in home are as shipped.
func (f fixtures) unchanged(home string, rel ...string) error {
	for _, r := range rel {
		b, err := os.ReadFile(filepath.Join(home, r))
		if err != nil {
			return err
		}
		if !bytes.Equal(b, f[r]) {
			return fmt.Errorf("%s changed", r)
		}
	}
	return nil
}
