package apim

import (
	"errors"
	"fmt"
	"strings"

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
// unset or not a string, for DetectHome.
func ServerRole(doc []byte) string {
	v, err := tomledit.Find(doc, serverRoleKey)
	if err != nil || v.Type != tomledit.String {
		return ""
	}
	return v.Text
}

// PortBases returns the bases deployment.toml sets for the ports that have
// a BaseKey, by port name; a port whose key is absent is not in the map
// (its shipped base applies). The runtime adds the offset to the base the
// file sets, so [transport.https.properties] port = 9543 with offset 3
// listens on 9546. A base that is not a whole number from 1 to MaxPort is
// an error naming the key: the provider cannot tell where that port is.
func PortBases(doc []byte) (map[string]int64, error) {
	parsed, err := tomledit.Parse(doc)
	if err != nil {
		return nil, err
	}
	bases := map[string]int64{}
	for _, p := range Ports {
		if p.BaseKey == "" {
			continue
		}
		i := strings.LastIndexByte(p.BaseKey, '.')
		v, err := parsed.Find(tomledit.NewKey(p.BaseKey[:i], p.BaseKey[i+1:]))
		if errors.Is(err, tomledit.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		n, err := v.WholeNumber(MaxPort)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, &ValueError{fmt.Sprintf("%s is 0, not a port: the provider cannot tell where %s listens", p.BaseKey, p.Name)}
		}
		bases[p.Name] = n
	}
	return bases, nil
}
