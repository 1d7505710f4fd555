package apim

import (
	"errors"

	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
)

// The settings of repository/conf/deployment.toml the provider reads and
// manages on 3.x and later. The config mapper renders carbon.xml's
// <Offset> from [server] offset at every start, so that, and never
// carbon.xml, is where the offset of such a home is set.
var (
	serverOffsetKey = tomledit.NewKey("server", "offset")
	serverRoleKey   = tomledit.NewKey("server", "server_role")
)

// MaxOffset is the largest offset that keeps every port an instance opens
// at or below MaxPort.
func MaxOffset() int64 { return MaxPort - Highest().Base }

// ReadTOMLOffset returns the offset deployment.toml sets: 0 when [server]
// offset is absent (the shipped #offset=0 is a comment). A value that is
// not a whole number from 0 to MaxOffset is an error, as is a document
// that does not parse.
func ReadTOMLOffset(doc []byte) (int64, error) {
	v, err := tomledit.Find(doc, serverOffsetKey)
	if errors.Is(err, tomledit.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return v.WholeNumber(MaxOffset())
}

// SetTOMLOffset returns deployment.toml with [server] offset set to offset,
// keeping the value's type and quoting; an absent key is written where
// WSO2's docs have the operator write it (the shipped #offset=0 line
// uncommented in place, else right after the [server] header, else a new
// [server] table). When the offset is already what the runtime reads
// (absent counts as 0), doc itself is returned.
func SetTOMLOffset(doc []byte, offset int64) ([]byte, error) {
	// A value the runtime could not read is reported, not overwritten.
	cur, err := ReadTOMLOffset(doc)
	if err != nil {
		return nil, err
	}
	if cur == offset {
		// An absent key already means 0: nothing to write.
		return doc, nil
	}
	return tomledit.SetNumber(doc, serverOffsetKey, offset)
}

// TOMLOffsetOriginal records [server] offset as it stands in doc.
func TOMLOffsetOriginal(doc []byte) (tomledit.Original, error) {
	return tomledit.OriginalOf(doc, serverOffsetKey)
}

// RestoreTOMLOffset puts [server] offset back as orig records it: a line
// the provider uncommented comes back commented, exactly as it was.
func RestoreTOMLOffset(doc []byte, orig tomledit.Original) ([]byte, error) {
	return tomledit.Restore(doc, serverOffsetKey, orig)
}

// ServerRole returns [server] server_role of deployment.toml, "" when it is
// unset or not a string (or the document does not parse), for DetectHome.
func ServerRole(doc []byte) string {
	f, err := ParseDeploymentFile(doc)
	if err != nil {
		return ""
	}
	return f.ServerRole()
}

// PortBases returns the bases deployment.toml sets for the ports that have
// a BaseKey (DeploymentFile.PortBases), or why doc does not parse.
func PortBases(doc []byte) (map[string]int64, error) {
	f, err := ParseDeploymentFile(doc)
	if err != nil {
		return nil, err
	}
	return f.PortBases()
}
