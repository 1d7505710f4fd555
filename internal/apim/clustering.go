package apim

import (
	"errors"
	"strings"

	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// Axis2XML is 2.x's Axis2 configuration, whose <clustering> element turns
// Hazelcast clustering on (on 3.x and later it is rendered from
// deployment.toml's [clustering]).
const Axis2XML = "repository/conf/axis2/axis2.xml"

var (
	clusteringPath      = xmledit.Path{{Local: "axisconfig"}, {Local: "clustering"}}
	localMemberPortPath = append(clusteringPath[:len(clusteringPath):len(clusteringPath)],
		xmledit.Step{Local: "parameter", AttrName: "name", AttrValue: "localMemberPort"})
	membershipSchemeKey = tomledit.NewKey("clustering", "membership_scheme")
	localMemberPortKey  = tomledit.NewKey("clustering", "local_member_port")
)

// HazelcastMember returns the Hazelcast member port an instance of h
// listens on, from configDoc (deployment.toml on 3.x and later) or axis2
// (axis2.xml on 2.x, nil when the home has none), and on=false when
// clustering is off. On 2.x clustering is on when <clustering
// enable="true">; on 3.x and later when [clustering] membership_scheme is
// set (the templates render enable="{{clustering.membership_scheme is
// defined}}"). The port does not move with the offset.
func HazelcastMember(h Home, configDoc, axis2 []byte) (port int64, on bool, err error) {
	if h.Generation == Deployment3 {
		return tomlHazelcastMember(configDoc)
	}
	if axis2 == nil {
		return 0, false, nil
	}
	enable, err := xmledit.FindAttr(axis2, clusteringPath, "enable")
	if errors.Is(err, xmledit.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if strings.TrimSpace(enable.Text) != "true" {
		return 0, false, nil
	}
	v, err := xmledit.FindText(axis2, localMemberPortPath)
	if errors.Is(err, xmledit.ErrNotFound) {
		return HazelcastMemberPort, true, nil
	}
	if err != nil {
		return 0, false, err
	}
	port, err = parseWhole("axis2.xml's clustering localMemberPort", v.Text, MaxPort)
	return port, err == nil, err
}

func tomlHazelcastMember(doc []byte) (port int64, on bool, err error) {
	f, err := ParseDeploymentFile(doc)
	if err != nil {
		return 0, false, err
	}
	return f.HazelcastMember()
}

// HazelcastMember is HazelcastMember for the 3.x/4.x home whose
// deployment.toml f is.
func (f DeploymentFile) HazelcastMember() (port int64, on bool, err error) {
	if _, err := f.doc.Find(membershipSchemeKey); errors.Is(err, tomledit.ErrNotFound) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, err
	}
	v, err := f.doc.Find(localMemberPortKey)
	if errors.Is(err, tomledit.ErrNotFound) {
		return HazelcastMemberPort, true, nil
	}
	if err != nil {
		return 0, false, err
	}
	port, err = v.WholeNumber(MaxPort)
	return port, err == nil, err
}
