package apim

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// Version is an APIM release, major.minor.patch; the zero Version is
// unknown.
type Version struct{ Major, Minor, Patch int }

// Known reports whether a file said which version the home is.
func (v Version) Known() bool { return v != Version{} }

func (v Version) String() string {
	if !v.Known() {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// AtLeast reports whether v is major.minor or later.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || v.Major == major && v.Minor >= minor
}

// ParseVersion reads "4.2.0" (a trailing qualifier such as "-SNAPSHOT" or
// ".wso2v1" is ignored).
func ParseVersion(s string) (Version, bool) {
	m := versionRE.FindStringSubmatch(s)
	if m == nil {
		return Version{}, false
	}
	return versionOf(m[1:4]), true
}

var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)`)

func versionOf(parts []string) Version {
	n := func(s string) int { i, _ := strconv.Atoi(s); return i }
	return Version{n(parts[0]), n(parts[1]), n(parts[2])}
}

// productTxtRE is updates/product.txt, "${product.wum.name}-${product.version}":
// wso2am-4.6.0, wso2am-acp-4.6.0, wso2am-universal-gw-4.6.0, wso2am-tm-4.6.0.
var productTxtRE = regexp.MustCompile(`^\s*wso2am-(?:(acp|universal-gw|tm)-)?(\d+)\.(\d+)\.(\d+)`)

var productTxtDistributions = map[string]Distribution{
	"": AllInOne, "acp": ControlPlane, "universal-gw": Gateway, "tm": TrafficManager,
}

func parseProductTxt(b []byte) (Version, Distribution, bool) {
	m := productTxtRE.FindSubmatch(b)
	if m == nil {
		return Version{}, "", false
	}
	return versionOf([]string{string(m[2]), string(m[3]), string(m[4])}), productTxtDistributions[string(m[1])], true
}

// versionTxtRE is bin/version.txt, "${product.name} v${product.version}".
var versionTxtRE = regexp.MustCompile(`^\s*WSO2 (API Manager|API Control Plane|Universal Gateway|Traffic Manager) v(\d+)\.(\d+)\.(\d+)`)

var versionTxtDistributions = map[string]Distribution{
	"API Manager": AllInOne, "API Control Plane": ControlPlane, "Universal Gateway": Gateway, "Traffic Manager": TrafficManager,
}

func parseVersionTxt(b []byte) (Version, Distribution, bool) {
	m := versionTxtRE.FindSubmatch(b)
	if m == nil {
		return Version{}, "", false
	}
	return versionOf([]string{string(m[2]), string(m[3]), string(m[4])}), versionTxtDistributions[string(m[1])], true
}

// serverVersionPath is <Server><Version> in carbon.xml.
var serverVersionPath = xmledit.Path{{Space: carbonNS, Local: "Server"}, {Space: carbonNS, Local: "Version"}}

// carbonVersion reads carbon.xml's <Version>, which 2.x homes have
// without product.txt or version.txt, and which a 3.x/4.x home has once
// it has started.
func carbonVersion(doc []byte) (Version, bool) {
	if doc == nil {
		return Version{}, false
	}
	v, err := xmledit.FindText(doc, serverVersionPath)
	if err != nil {
		return Version{}, false
	}
	return ParseVersion(strings.TrimSpace(v.Text))
}
