// Package benchhome is what the benchmark lays out in each APIM home (the
// files, by -homes value) and what such a home is to the provider (Facts):
// the bench tells the floor provider the Facts of its homes, so that the
// floor plans the values the real provider plans without reading a file.
package benchhome

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// Layout is the files every home of one -homes value gets.
type Layout struct {
	// Version is the -homes value.
	Version string
	// FixtureDir holds the shipped files at their paths in a home,
	// relative to the repository root.
	FixtureDir string
	// Shipped are the files every home gets from FixtureDir.
	Shipped []string
	// Written are files every home gets that the fixtures do not hold.
	Written map[string][]byte
}

// Layouts are the -homes values.
var Layouts = map[string]*Layout{
	// An APIM 2.1.0 home: carbon.xml, axis2.xml, jndi.properties,
	// api-manager.xml, WorkflowCallbackService.xml and
	// WebSocketInboundEndpoint.xml, as they ship.
	"2.1.0": {
		Version:    "2.1.0",
		FixtureDir: "testdata/wso2/apim-2.1.0",
		Shipped:    []string{apim.CarbonXML, apim.Axis2XML, apim.JNDIProperties, apim.APIManagerXML, apim.WorkflowCallbackService, apim.WebSocket.File},
	},
	// An APIM 4.2.0 home: deployment.toml, the ws endpoint's XML and the
	// template the config mapper renders it from, as they ship, and
	// updates/product.txt. No carbon.xml (rendered at the first start), no
	// WorkflowCallbackService.xml (4.2.0 ships none).
	"4.2.0": {
		Version:    "4.2.0",
		FixtureDir: "testdata/wso2/apim-4.2.0",
		Shipped:    []string{apim.DeploymentTOML, apim.WebSocket.File, apim.WebSocket.Template()},
		Written:    map[string][]byte{apim.ProductTxt: []byte("wso2am-4.2.0\n")},
	},
}

// Read returns the content of the layout's files by path relative to the
// home; root is the repository root.
func (l *Layout) Read(root string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, rel := range l.Shipped {
		b, err := os.ReadFile(filepath.Join(root, l.FixtureDir, rel))
		if err != nil {
			return nil, err
		}
		files[rel] = b
	}
	for rel, b := range l.Written {
		files[rel] = b
	}
	return files, nil
}

// EnvVar is the environment variable the bench gives the floor provider
// the Facts of its homes in, as JSON (Encode). Without it the floor plans
// as the real provider does for a home it cannot read: every value that
// depends on the home unknown.
const EnvVar = "APIM_BENCH_FLOOR_HOME"

// Facts are what the real provider's plan learns by reading a new
// resource's home, for homes that are all alike: its ModifyPlan's
// detectHome, planWorkflowURL, planGatewayURLs and detectEndpoint read the
// files and compute from them exactly these; every planned value is then a
// pure function of them and the configuration (see bench/floor).
type Facts struct {
	Generation   apim.Generation   `json:"generation"`
	Version      string            `json:"version,omitempty"` // "" when no file names one
	Distribution apim.Distribution `json:"distribution"`
	// Bases are the port bases deployment.toml sets (apim.PortBases); nil
	// on 2.x.
	Bases map[string]int64 `json:"bases,omitempty"`
	// WorkflowCallbackURL is the callback URL WorkflowCallbackService.xml
	// holds as shipped, when the provider manages it (it points at the
	// instance itself); "" when it does not (no file, another host).
	WorkflowCallbackURL string `json:"workflow_callback_url,omitempty"`
	// GatewayURLs are the gateway URLs of deployment.toml the provider
	// manages, as the file holds them (apim.GatewayURLs); nil on 2.x.
	GatewayURLs map[string]string `json:"gateway_urls,omitempty"`
	// EndpointFiles is, by endpoint (its apim.Endpoint.File), the file
	// that holds its port (apim.EndpointPortOf), relative to the home.
	EndpointFiles map[string]string `json:"endpoint_files"`
	// HazelcastMember is the Hazelcast member port while clustering is on
	// (apim.HazelcastMember), 0 while it is off.
	HazelcastMember int64 `json:"hazelcast_member,omitempty"`
	// JMSBrokerURLs are the brokerlists of 2.x's jndi.properties
	// (apim.JMSBrokerURLs); nil without the file, or on 3.x and later.
	JMSBrokerURLs map[string]string `json:"jms_broker_urls,omitempty"`
	// GatewayWSEndpoint is 2.x's <GatewayWSEndpoint> when the provider
	// manages it (apim.ReadGatewayWSEndpoint); "" when it does not.
	GatewayWSEndpoint string `json:"gateway_ws_endpoint,omitempty"`
}

// Describe computes the Facts of a home from its files (by path relative
// to the home; an absent file is not in the map) with the functions the
// provider's plan uses.
func Describe(files map[string][]byte) (Facts, error) {
	toml, hasTOML := files[apim.DeploymentTOML]
	_, hasBackup := files[apim.DeploymentBackup]
	hf := apim.HomeFiles{
		HasDeploymentTOML:   hasTOML,
		ProductTxt:          files[apim.ProductTxt],
		VersionTxt:          files[apim.VersionTxt],
		CarbonXML:           files[apim.CarbonXML],
		HasDeploymentBackup: hasBackup,
	}
	if hasTOML {
		hf.ServerRole = apim.ServerRole(toml)
	}
	h := apim.DetectHome(hf)
	if err := h.CheckEditable(); err != nil {
		return Facts{}, err
	}
	f := Facts{Generation: h.Generation, Distribution: h.Distribution, EndpointFiles: map[string]string{}}
	if h.Version.Known() {
		f.Version = h.Version.String()
	}
	if h.Generation == apim.Deployment3 {
		bases, err := apim.PortBases(toml)
		if err != nil {
			return Facts{}, err
		}
		f.Bases = bases
		// Which URLs are managed depends on the ports the instance opens,
		// not on the offset.
		if f.GatewayURLs, err = apim.GatewayURLs(toml, apim.ShiftedOn(h, 0, bases)); err != nil {
			return Facts{}, err
		}
	}
	if doc, ok := files[apim.WorkflowCallbackService]; ok {
		uri, err := apim.ReadWorkflowCallback(doc)
		switch {
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, xmledit.ErrNotFound):
		case err != nil:
			return Facts{}, fmt.Errorf("%s: %w", apim.WorkflowCallbackService, err)
		default:
			if _, managed := apim.LocalURL(uri, 0); managed {
				f.WorkflowCallbackURL = uri
			}
		}
	}
	configDoc := files[apim.CarbonXML]
	if hasTOML {
		configDoc = toml
	}
	member, on, err := apim.HazelcastMember(h, configDoc, files[apim.Axis2XML])
	if err != nil {
		return Facts{}, err
	}
	if on {
		f.HazelcastMember = member
	}
	if doc, ok := files[apim.JNDIProperties]; ok && h.Generation == apim.Carbon2 {
		if f.JMSBrokerURLs, err = apim.JMSBrokerURLs(doc); err != nil {
			return Facts{}, fmt.Errorf("%s: %w", apim.JNDIProperties, err)
		}
	}
	if doc, ok := files[apim.APIManagerXML]; ok && h.Generation == apim.Carbon2 {
		url, managed, err := apim.ReadGatewayWSEndpoint(doc)
		if err != nil {
			return Facts{}, fmt.Errorf("%s: %w", apim.APIManagerXML, err)
		}
		if managed {
			f.GatewayWSEndpoint = url
		}
	}
	for _, e := range []apim.Endpoint{apim.WebSocket, apim.SecureWebSocket} {
		p, err := apim.EndpointPortOf(e, hasTOML, files[e.Template()])
		if err != nil {
			return Facts{}, err
		}
		f.EndpointFiles[e.File] = p.File()
	}
	return f, nil
}

// Home is the apim.Home the Facts describe.
func (f Facts) Home() apim.Home {
	h := apim.Home{Generation: f.Generation, Distribution: f.Distribution}
	if v, ok := apim.ParseVersion(f.Version); ok {
		h.Version = v
	}
	return h
}

// Encode is the Facts as EnvVar carries them.
func (f Facts) Encode() string {
	b, err := json.Marshal(f)
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return string(b)
}

// Decode reads what Encode wrote.
func Decode(s string) (Facts, error) {
	var f Facts
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return Facts{}, fmt.Errorf("%s: %w", EnvVar, err)
	}
	if f.Generation == "" || f.EndpointFiles == nil {
		return Facts{}, fmt.Errorf("%s: no generation or endpoint files in %q", EnvVar, s)
	}
	return f, nil
}
