package apim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
)

// DeploymentFile is a deployment.toml parsed once: detecting a 3.x/4.x home
// reads several settings of it (the server role, the port bases,
// clustering), and a parse costs far more than a lookup.
type DeploymentFile struct{ doc *tomledit.Document }

// ParseDeploymentFile parses doc, a deployment.toml; the error is
// tomledit's, for a document go-toml's decoder refuses.
func ParseDeploymentFile(doc []byte) (DeploymentFile, error) {
	parsed, err := tomledit.Parse(doc)
	if err != nil {
		return DeploymentFile{}, err
	}
	return DeploymentFile{parsed}, nil
}

// ServerRole returns [server] server_role, "" when it is unset or not a
// string.
func (f DeploymentFile) ServerRole() string {
	v, err := f.doc.Find(serverRoleKey)
	if err != nil || v.Type != tomledit.String {
		return ""
	}
	return v.Text
}

// PortBases returns the bases the file sets for the ports that have
// a BaseKey, by port name; a port whose key is absent is not in the map
// (its shipped base applies). The runtime adds the offset to the base the
// file sets, so [transport.https.properties] port = 9543 with offset 3
// listens on 9546. A base that is not a whole number from 1 to MaxPort is
// an error naming the key: the provider cannot tell where that port is.
func (f DeploymentFile) PortBases() (map[string]int64, error) {
	bases := map[string]int64{}
	for _, p := range Ports {
		if p.BaseKey == "" {
			continue
		}
		i := strings.LastIndexByte(p.BaseKey, '.')
		v, err := f.doc.Find(tomledit.NewKey(p.BaseKey[:i], p.BaseKey[i+1:]))
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
