package apim

// The start scripts the APIM distributions ship in bin/, relative to the
// home (product-apim's startup-scripts/, which bin.xml copies there).
const (
	// wso2serverSH starts 2.x and 3.x.
	wso2serverSH = "bin/wso2server.sh"
	// apiManagerSH starts 4.x, and the all-in-one distribution from 4.5.
	apiManagerSH = "bin/api-manager.sh"
	// The scripts of the other 4.5+ distributions: the API Control Plane
	// (which also ships key-manager.sh, to run it as a key manager only),
	// the Universal Gateway and the Traffic Manager.
	apiCPSH          = "bin/api-cp.sh"
	gatewaySH        = "bin/gateway.sh"
	trafficManagerSH = "bin/traffic-manager.sh"
)

// StartScripts lists the script that starts an instance of h, relative to
// the home: the first of them the home has is the one. 2.x and 3.x ship
// wso2server.sh, 4.0 to 4.4 api-manager.sh (whatever profile it runs), and
// each 4.5+ distribution exactly one of api-manager.sh, api-cp.sh,
// gateway.sh and traffic-manager.sh, so those are all listed (a 4.5+
// all-in-one pack may run a gateway's server role and still starts with
// api-manager.sh). A 3.x/4.x home whose version no file names is taken to
// be current.
func StartScripts(h Home) []string {
	switch {
	case h.Generation == Carbon2, h.Version.Known() && !h.Version.AtLeast(4, 0):
		return []string{wso2serverSH}
	case h.Version.Known() && !h.Version.AtLeast(4, 5):
		return []string{apiManagerSH}
	}
	return []string{apiManagerSH, apiCPSH, gatewaySH, trafficManagerSH}
}
