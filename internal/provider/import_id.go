package provider

import (
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// secureSuffix marks the secure WebSocket endpoint in an ID.
const secureSuffix = "#secure"

// instanceID is the ID of an instance's resource: the APIM home for local
// files, ssh://host:port/home for a remote host.
func instanceID(place, home string) string {
	return place + home
}

// importTarget is what an import ID says: the APIM home and, for a remote
// instance, the parts of its ssh settings the ID names.
type importTarget struct {
	home string
	ssh  types.Object
}

// parseImportID reads "/apim/home" or "ssh://[user@]host[:port]/apim/home".
// Only the parts written in the ID go into ssh; the rest come from the
// provider's defaults, as they would for the configured resource.
func parseImportID(id string) (importTarget, error) {
	const usage = "expected an absolute APIM home path such as /opt/wso2am-2.1.0, or ssh://[user@]host[:port]/opt/wso2am-2.1.0"
	if !strings.Contains(id, "://") {
		if !path.IsAbs(id) {
			return importTarget{}, fmt.Errorf("import ID %q: %s", id, usage)
		}
		return importTarget{home: path.Clean(id), ssh: types.ObjectNull(sshAttrTypes())}, nil
	}
	u, err := url.Parse(id)
	if err != nil || u.Scheme != "ssh" || u.Hostname() == "" || !path.IsAbs(u.Path) || u.RawQuery != "" || u.Fragment != "" {
		return importTarget{}, fmt.Errorf("import ID %q: %s", id, usage)
	}
	values := nullValues(sshAttrTypes())
	values["host"] = types.StringValue(u.Hostname())
	if p := u.Port(); p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 1 || n > 65535 {
			return importTarget{}, fmt.Errorf("import ID %q: port %q is not from 1 to 65535", id, p)
		}
		values["port"] = types.Int64Value(n)
	}
	if u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			return importTarget{}, fmt.Errorf("the import ID holds a password; put none there (it would be logged): set ssh.password or use a key")
		}
		values["user"] = types.StringValue(u.User.Username())
	}
	obj, diags := types.ObjectValue(sshAttrTypes(), values)
	if diags.HasError() {
		return importTarget{}, fmt.Errorf("import ID %q: %v", id, diags)
	}
	return importTarget{home: path.Clean(u.Path), ssh: obj}, nil
}

// nullValues is a null value of each type, by attribute name: an object
// with nothing set, to set what is known on.
func nullValues(attrTypes map[string]attr.Type) map[string]attr.Value {
	values := map[string]attr.Value{}
	for name, t := range attrTypes {
		switch t := t.(type) {
		case types.ObjectType:
			values[name] = types.ObjectNull(t.AttrTypes)
		default:
			switch t {
			case types.Int64Type:
				values[name] = types.Int64Null()
			case types.BoolType:
				values[name] = types.BoolNull()
			default:
				values[name] = types.StringNull()
			}
		}
	}
	return values
}
