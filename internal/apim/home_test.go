package apim

import (
	"os"
	"testing"
)

// The product.txt and version.txt lines are what each distribution's build
// writes (product-apim bin.xml and filter.properties at each tag, see
// ../shared/research/wso2-3x-4x.md §D); carbon.xml is the real 2.1.0 file.
func TestDetectHome(t *testing.T) {
	carbon210, err := os.ReadFile("../../testdata/wso2/apim-2.1.0/" + CarbonXML)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		files HomeFiles
		want  Home
	}{
		{"2.1.0 carbon.xml only", HomeFiles{CarbonXML: carbon210},
			Home{Generation: Carbon2, Version: Version{2, 1, 0}, Distribution: AllInOne}},
		{"2.x without any version", HomeFiles{},
			Home{Generation: Carbon2, Version: Version{}, Distribution: AllInOne}},
		{"3.2.0 product.txt", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("wso2am-3.2.0\n"), ServerRole: "default"},
			Home{Generation: Deployment3, Version: Version{3, 2, 0}, Distribution: AllInOne}},
		{"4.2.0 version.txt only", HomeFiles{HasDeploymentTOML: true, VersionTxt: []byte("WSO2 API Manager v4.2.0\n")},
			Home{Generation: Deployment3, Version: Version{4, 2, 0}, Distribution: AllInOne}},
		{"product.txt wins over version.txt", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("wso2am-4.1.0"), VersionTxt: []byte("WSO2 API Manager v4.0.0")},
			Home{Generation: Deployment3, Version: Version{4, 1, 0}, Distribution: AllInOne}},
		{"4.0 control-plane profile", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("wso2am-4.0.0"), ServerRole: "control-plane"},
			Home{Generation: Deployment3, Version: Version{4, 0, 0}, Distribution: ControlPlane}},
		{"4.2 gateway-worker profile", HomeFiles{HasDeploymentTOML: true, VersionTxt: []byte("WSO2 API Manager v4.2.0"), ServerRole: "gateway-worker"},
			Home{Generation: Deployment3, Version: Version{4, 2, 0}, Distribution: Gateway}},
		{"3.2 traffic-manager profile", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("wso2am-3.2.0"), ServerRole: "traffic-manager"},
			Home{Generation: Deployment3, Version: Version{3, 2, 0}, Distribution: TrafficManager}},
		{"3.2 key manager profile has no gateway", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("wso2am-3.2.0"), ServerRole: "api-key-manager"},
			Home{Generation: Deployment3, Version: Version{3, 2, 0}, Distribution: ControlPlane}},
		{"4.7 control plane distribution", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("wso2am-acp-4.7.0\n"), ServerRole: "default"},
			Home{Generation: Deployment3, Version: Version{4, 7, 0}, Distribution: ControlPlane}},
		{"4.7 gateway distribution says default", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("wso2am-universal-gw-4.7.0\n"), ServerRole: "default"},
			Home{Generation: Deployment3, Version: Version{4, 7, 0}, Distribution: Gateway}},
		{"4.6 traffic manager from version.txt", HomeFiles{HasDeploymentTOML: true, VersionTxt: []byte("WSO2 Traffic Manager v4.6.0\n")},
			Home{Generation: Deployment3, Version: Version{4, 6, 0}, Distribution: TrafficManager}},
		{"4.6 control plane from version.txt", HomeFiles{HasDeploymentTOML: true, VersionTxt: []byte("WSO2 API Control Plane v4.6.0")},
			Home{Generation: Deployment3, Version: Version{4, 6, 0}, Distribution: ControlPlane}},
		{"4.6 universal gateway from version.txt", HomeFiles{HasDeploymentTOML: true, VersionTxt: []byte("WSO2 Universal Gateway v4.6.0")},
			Home{Generation: Deployment3, Version: Version{4, 6, 0}, Distribution: Gateway}},
		{"garbage product.txt falls back to version.txt", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("hello"), VersionTxt: []byte("WSO2 API Manager v4.4.0")},
			Home{Generation: Deployment3, Version: Version{4, 4, 0}, Distribution: AllInOne}},
		{"4.2 home optimised for a profile", HomeFiles{HasDeploymentTOML: true, ProductTxt: []byte("wso2am-4.2.0"), ServerRole: "gateway-worker", HasDeploymentBackup: true},
			Home{Generation: Deployment3, Version: Version{4, 2, 0}, Distribution: Gateway, ProfileOptimized: true}},
		{"a deployment.toml.backup beside carbon.xml alone is no profile", HomeFiles{CarbonXML: carbon210, HasDeploymentBackup: true},
			Home{Generation: Carbon2, Version: Version{2, 1, 0}, Distribution: AllInOne}},
		{"3.x home that has started: carbon.xml version", HomeFiles{HasDeploymentTOML: true, CarbonXML: carbon210},
			Home{Generation: Deployment3, Version: Version{2, 1, 0}, Distribution: AllInOne}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectHome(tc.files); got != tc.want {
				t.Fatalf("DetectHome = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestGenerationConfigFile(t *testing.T) {
	if Carbon2.ConfigFile() != "repository/conf/carbon.xml" || Deployment3.ConfigFile() != "repository/conf/deployment.toml" {
		t.Fatalf("config files: %q, %q", Carbon2.ConfigFile(), Deployment3.ConfigFile())
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]Version{
		"4.2.0": {4, 2, 0}, "2.1.0-update11": {2, 1, 0}, "10.20.30": {10, 20, 30},
	} {
		if got, ok := ParseVersion(in); !ok || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "4.2", "v4.2.0", "x"} {
		if _, ok := ParseVersion(in); ok {
			t.Errorf("ParseVersion(%q) accepted", in)
		}
	}
	if v := (Version{4, 2, 0}); v.String() != "4.2.0" || !v.AtLeast(4, 1) || v.AtLeast(4, 3) || !v.AtLeast(3, 9) {
		t.Errorf("Version{4,2,0}: String %q, AtLeast wrong", v.String())
	}
	if (Version{}).String() != "" || (Version{}).Known() {
		t.Error("the zero Version must be unknown and print as empty")
	}
}
