package apim

import "errors"

// Generation is how an APIM home keeps its port offset, which decides the
// file the offset is in and how the other files follow it.
type Generation string

const (
	// Carbon2 is APIM 2.x: <Ports><Offset> in repository/conf/carbon.xml,
	// which the runtime reads as it is.
	Carbon2 Generation = "2.x"
	// Deployment3 is APIM 3.x and 4.x: [server] offset in
	// repository/conf/deployment.toml, from which the config mapper renders
	// carbon.xml and the other XML files again whenever anything changed,
	// so an edit of carbon.xml is undone at the next start.
	Deployment3 Generation = "3.x+"
)

// Files that tell what a home is, relative to the APIM home.
const (
	DeploymentTOML = "repository/conf/deployment.toml"
	ProductTxt     = "updates/product.txt"
	VersionTxt     = "bin/version.txt"
	// DeploymentBackup is where the start script's profile optimisation
	// (profileSetup.sh, run by --optimize -Dprofile=...) moves
	// deployment.toml before it copies a profile's template over it.
	DeploymentBackup = "repository/conf/deployment.toml.backup"
)

// ErrProfileOptimized refuses to edit deployment.toml in a home that the
// start script has optimised for a profile.
var ErrProfileOptimized = errors.New("the home was optimised for a profile: the start script, run with --optimize -Dprofile=<profile>, " +
	"moved deployment.toml to deployment.toml.backup and copied a profile template from repository/resources/conf/deployment-templates/ over it, " +
	"and it does that again at every start with --optimize unless --skipConfigOptimization is given, undoing any offset written to deployment.toml")

// ConfigFile is the file, relative to the home, that holds the offset.
func (g Generation) ConfigFile() string { return g.Offset().File() }

// Distribution is which part of API Manager a home runs, which decides the
// ports it opens and whose URLs its files hold.
type Distribution string

const (
	// AllInOne runs every component in one instance: the only
	// distribution of 2.x, and the default one of 3.x and 4.x.
	AllInOne Distribution = "all-in-one"
	// ControlPlane runs the Publisher, Developer Portal, Admin and key
	// manager, without a gateway or WebSocket listener: the
	// "control-plane" profile of 4.0–4.4 (and the 3.x publisher, devportal
	// and key manager profiles), the "WSO2 API Control Plane" distribution
	// from 4.5.
	ControlPlane Distribution = "control-plane"
	// Gateway runs only the gateway: the "gateway-worker" profile, the
	// "WSO2 Universal Gateway" distribution from 4.5.
	Gateway Distribution = "gateway"
	// TrafficManager runs only throttling: the "traffic-manager" profile,
	// the "WSO2 Traffic Manager" distribution from 4.5.
	TrafficManager Distribution = "traffic-manager"
)

// Distributions lists every Distribution, in the order the docs give them.
var Distributions = []Distribution{AllInOne, ControlPlane, Gateway, TrafficManager}

// Home is what DetectHome learns of an APIM home from its files.
type Home struct {
	Generation   Generation
	Version      Version // the zero Version when no file says
	Distribution Distribution
	// ProfileOptimized says the start script replaced deployment.toml
	// with a profile's template (DeploymentBackup exists).
	ProfileOptimized bool
}

// CheckEditable reports why the provider must not edit the home's
// deployment.toml, or nil: an edit of a home optimised for a profile is
// lost at the next start that optimises it again, and the provider cannot
// tell from the files whether it will be.
func (h Home) CheckEditable() error {
	if h.ProfileOptimized {
		return ErrProfileOptimized
	}
	return nil
}

// HomeFiles is what DetectHome reads: the content of each file, nil when
// the home does not have it.
type HomeFiles struct {
	// DeploymentTOML is present on 3.x and later; its content is not read
	// here (ServerRole carries what detection needs of it).
	HasDeploymentTOML bool
	// ProductTxt is updates/product.txt ("wso2am-4.2.0").
	ProductTxt []byte
	// VersionTxt is bin/version.txt ("WSO2 API Manager v4.2.0").
	VersionTxt []byte
	// CarbonXML is repository/conf/carbon.xml, whose <Version> is the last
	// resort for the version.
	CarbonXML []byte
	// ServerRole is [server] server_role of deployment.toml, "" when
	// unset: on 3.x–4.4, where one distribution runs in profiles, it says
	// which part the instance runs.
	ServerRole string
	// HasDeploymentBackup says DeploymentBackup exists.
	HasDeploymentBackup bool
}

// DetectHome tells a home's generation, version and distribution from its
// files: deployment.toml present means 3.x or later; the version comes from
// updates/product.txt, else bin/version.txt, else carbon.xml's <Version>;
// the distribution from the product.txt prefix or the version.txt product
// name, and, where those name the all-in-one product, from the server role.
func DetectHome(f HomeFiles) Home {
	h := Home{Generation: Carbon2, Distribution: AllInOne}
	if f.HasDeploymentTOML {
		h.Generation = Deployment3
		h.ProfileOptimized = f.HasDeploymentBackup
	}
	named := false
	if v, d, ok := parseProductTxt(f.ProductTxt); ok {
		h.Version, h.Distribution, named = v, d, true
	} else if v, d, ok := parseVersionTxt(f.VersionTxt); ok {
		h.Version, h.Distribution, named = v, d, true
	} else if v, ok := carbonVersion(f.CarbonXML); ok {
		h.Version = v
	}
	if (!named || h.Distribution == AllInOne) && h.Generation == Deployment3 {
		h.Distribution = roleDistribution(f.ServerRole)
	}
	return h
}

// roleDistribution maps a [server] server_role to the part it runs. The
// shipped deployment.toml says "default" (every component); the
// deployment-templates and -Dprofile name the others.
func roleDistribution(role string) Distribution {
	switch role {
	case "", "default":
		return AllInOne
	case "gateway-worker":
		return Gateway
	case "traffic-manager":
		return TrafficManager
	default:
		// control-plane, and the profiles without a gateway: the key
		// manager, publisher and devportal of 3.x, the deprecated and
		// key-manager-node profiles of 4.x.
		return ControlPlane
	}
}
