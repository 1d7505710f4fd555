package apim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
)

// gatewayURLKeys are the [[apim.gateway.environment]] keys of
// deployment.toml that hold a literal URL of the gateway's own listener,
// each with the name of the port (in Ports) it points at. The runtime does
// not move them with the offset (../shared/research/wso2-3x-4x.md §B.2), so
// the Developer Portal and the Publisher would show ports nobody listens on
// (wso2/product-apim#8083, wso2/docs-apim#5403, #5513).
var gatewayURLKeys = []struct{ name, port string }{
	{"ws_endpoint", "websocket"},
	{"wss_endpoint", "websocket_secure"},
	{"websub_event_receiver_http_endpoint", "webhook_http"},
	{"websub_event_receiver_https_endpoint", "webhook_https"},
}

// gatewayEnvironment is the array of tables that holds them, one entry per
// gateway environment.
var gatewayEnvironment = []string{"apim", "gateway", "environment"}

// gatewayURL is one URL the provider manages.
type gatewayURL struct {
	key   tomledit.Key
	port  string // the name of the port it follows
	value tomledit.Value
}

// gatewayURLWhere names k as GatewayURLs keys its maps:
// apim.gateway.environment[0].ws_endpoint.
func gatewayURLWhere(k tomledit.Key) string {
	return fmt.Sprintf("%s[%d].%s", strings.Join(k.Table, "."), k.Entry, k.Name)
}

// parseGatewayURLWhere is the inverse of gatewayURLWhere, with the name of
// the port the key follows; ok is false for a name that is not one.
func parseGatewayURLWhere(where string) (k tomledit.Key, port string, ok bool) {
	rest, found := strings.CutPrefix(where, strings.Join(gatewayEnvironment, ".")+"[")
	index, name, cut := strings.Cut(rest, "].")
	entry, err := strconv.Atoi(index)
	if !found || !cut || err != nil || entry < 0 {
		return tomledit.Key{}, "", false
	}
	for _, gk := range gatewayURLKeys {
		if gk.name == name {
			return tomledit.Key{Table: gatewayEnvironment, Name: name, Entry: entry}, gk.port, true
		}
	}
	return tomledit.Key{}, "", false
}

// pointsAtInstance reports whether v is a URL with a literal port whose
// host is the instance itself (LocalURL's rule): a URL the provider keeps
// in step with the instance's ports.
func pointsAtInstance(v tomledit.Value) bool {
	_, port, err := v.URLPort()
	if err != nil {
		return false
	}
	_, local := LocalURL(v.Text, int64(port))
	return local
}

// managedGatewayURLs finds the URLs the provider manages in doc, on an
// instance that opens ports (by name, as ShiftedOn gives them): each key of
// gatewayURLKeys whose port the instance opens, in every gateway
// environment, that points at the instance itself. A control plane opens
// none of them, since its URLs name a separate gateway. Everything else is
// left alone, never an error, so that import does not fail on a file the
// provider does not understand: an absent key (none is added), a port the
// runtime fills in (${...}), a value that is not a URL, another host. Only
// a document that does not parse is an error.
func managedGatewayURLs(doc []byte, ports map[string]int64) ([]gatewayURL, error) {
	parsed, err := tomledit.Parse(doc)
	if err != nil {
		return nil, err
	}
	var managed []gatewayURL
	for _, gk := range gatewayURLKeys {
		if _, opens := ports[gk.port]; !opens {
			continue
		}
		vals, _ := parsed.FindAll(tomledit.Key{Table: gatewayEnvironment, Name: gk.name})
		for _, v := range vals {
			if pointsAtInstance(v) {
				k := tomledit.Key{Table: gatewayEnvironment, Name: gk.name, Entry: v.Entry}
				managed = append(managed, gatewayURL{key: k, port: gk.port, value: v})
			}
		}
	}
	return managed, nil
}

// GatewayURLs returns the URLs the provider manages in deployment.toml on
// an instance that opens ports (ShiftedOn), as the file writes them, keyed
// by where they are (apim.gateway.environment[0].ws_endpoint).
func GatewayURLs(doc []byte, ports map[string]int64) (map[string]string, error) {
	managed, err := managedGatewayURLs(doc, ports)
	if err != nil {
		return nil, err
	}
	urls := make(map[string]string, len(managed))
	for _, u := range managed {
		urls[gatewayURLWhere(u.key)] = u.value.Text
	}
	return urls, nil
}

// PlanGatewayURLs returns urls, a GatewayURLs map, with each URL's port
// set to the one its key follows in ports: what SetGatewayURLs makes of
// them. A URL whose port ports lacks is not managed, and not in the result.
func PlanGatewayURLs(urls map[string]string, ports map[string]int64) map[string]string {
	planned := make(map[string]string, len(urls))
	for where, url := range urls {
		_, name, ok := parseGatewayURLWhere(where)
		port, opens := ports[name]
		if !ok || !opens {
			continue
		}
		if u, local := LocalURL(url, port); local {
			planned[where] = u
		}
	}
	return planned
}

// SetGatewayURLs returns deployment.toml with the port of every URL the
// provider manages on an instance that opens ports (ShiftedOn) set to the
// port its key follows; only the port's digits change. When every one is
// right already, doc itself is returned.
func SetGatewayURLs(doc []byte, ports map[string]int64) ([]byte, error) {
	managed, err := managedGatewayURLs(doc, ports)
	if err != nil {
		return nil, err
	}
	for _, u := range managed {
		if doc, err = tomledit.SetURLPort(doc, u.key, int(ports[u.port])); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// GatewayURLOriginals records every URL the provider manages on an
// instance that opens ports as it stands in doc, keyed like GatewayURLs.
func GatewayURLOriginals(doc []byte, ports map[string]int64) (map[string]tomledit.Original, error) {
	managed, err := managedGatewayURLs(doc, ports)
	if err != nil {
		return nil, err
	}
	origs := make(map[string]tomledit.Original, len(managed))
	for _, u := range managed {
		origs[gatewayURLWhere(u.key)] = tomledit.Original{Raw: u.value.Raw}
	}
	return origs, nil
}

// RestoreGatewayURLs puts every URL origs (GatewayURLOriginals) records
// back as it was. Only a value that still points at the instance itself is
// put back: one a hand edit has since turned to another host, or removed,
// is no longer the provider's, and stays as it is now.
func RestoreGatewayURLs(doc []byte, origs map[string]tomledit.Original) ([]byte, error) {
	for where, o := range origs {
		k, _, ok := parseGatewayURLWhere(where)
		if !ok {
			continue
		}
		v, err := tomledit.Find(doc, k)
		if errors.Is(err, fileformat.ErrMalformed) {
			return nil, err
		}
		if err != nil || !pointsAtInstance(v) {
			continue
		}
		if doc, err = tomledit.Restore(doc, k, o); err != nil {
			return nil, err
		}
	}
	return doc, nil
}
