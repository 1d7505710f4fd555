package apim

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/portoffset/terraform-provider-apim/internal/fileformat"
	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// APIManagerXML is the API Manager configuration of 2.x, relative to the
// APIM home.
const APIManagerXML = "repository/conf/api-manager.xml"

// GatewayWSEndpointPath is the gateway environment's WebSocket URL in
// api-manager.xml, which the Store shows for WebSocket APIs. APIM 2.6.0
// ships it as ws://${carbon.local.ip}:9099, a literal port the offset does
// not move (carbon-apimgt PR #5472, for wso2/product-apim#3422); 2.1.0 and
// 2.2.0 have no such element.
var GatewayWSEndpointPath = xmledit.Path{
	{Local: "APIManager"},
	{Local: "APIGateway"},
	{Local: "Environments"},
	{Local: "Environment"},
	{Local: "GatewayWSEndpoint"},
}

// gatewayWSEndpoint is the <GatewayWSEndpoint> the provider keeps in step,
// and where its URL is in the element's text.
type gatewayWSEndpoint struct {
	v   xmledit.Value
	url urlAt
}

// text is the URL as the element holds it, without surrounding blanks.
func (g gatewayWSEndpoint) text() string { return strings.TrimSpace(g.v.Text) }

// findGatewayWSEndpoint returns the <GatewayWSEndpoint> of api-manager.xml
// when the provider keeps it in step: there is one, its text is written as
// it reads (no reference, no CDATA), and it is a URL on the instance
// itself (localhost, 127.0.0.1 or ${carbon.local.ip}) with a literal port.
// managed is false for anything else, never an error, so that import does
// not fail on a file the provider does not manage: no such element (2.1.0),
// several gateway environments with one each (which one attribute cannot
// tell apart), another host, a placeholder port (${...}). A document that
// is not well-formed, and a URL on the instance whose port is missing or
// not a number, are errors.
func findGatewayWSEndpoint(doc []byte) (g gatewayWSEndpoint, managed bool, err error) {
	v, err := xmledit.FindText(doc, GatewayWSEndpointPath)
	if errors.Is(err, xmledit.ErrNotFound) || errors.Is(err, xmledit.ErrAmbiguous) || errors.Is(err, xmledit.ErrNotText) {
		return g, false, nil
	}
	if err != nil || v.Raw != v.Text {
		return g, false, err
	}
	lead := len(v.Text) - len(strings.TrimLeft(v.Text, " \t\r\n"))
	u, ok := parseURLAt(v.Text, lead, "/?# \t\r\n")
	if !ok || !u.onInstance() || u.hasPort && u.placeholder(v.Text) {
		return g, false, nil
	}
	g = gatewayWSEndpoint{v, u}
	if !u.hasPort {
		return g, false, &ValueError{fmt.Sprintf("<GatewayWSEndpoint> holds %s, which has no port; write the port (WSO2 ships ws://${carbon.local.ip}:9099)", g.text())}
	}
	if !u.literalPort(v.Text) {
		return g, false, &ValueError{fmt.Sprintf("<GatewayWSEndpoint> holds %s, whose port %q is not a number from 1 to %d; write the port (WSO2 ships ws://${carbon.local.ip}:9099)",
			g.text(), v.Text[u.portStart:u.end], MaxPort)}
	}
	return g, true, nil
}

// ReadGatewayWSEndpoint returns the URL of <GatewayWSEndpoint>; managed is
// false when the provider does not keep it in step (findGatewayWSEndpoint).
func ReadGatewayWSEndpoint(doc []byte) (url string, managed bool, err error) {
	g, managed, err := findGatewayWSEndpoint(doc)
	if !managed || err != nil {
		return "", false, err
	}
	return g.text(), true, nil
}

// PlanGatewayWSEndpoint returns url, a ReadGatewayWSEndpoint URL, with its
// port set to port: what SetGatewayWSEndpoint makes of it.
func PlanGatewayWSEndpoint(url string, port int64) string {
	planned, _ := withInstancePort(url, port)
	return planned
}

// SetGatewayWSEndpoint returns api-manager.xml with the port of
// <GatewayWSEndpoint> set to port, the instance's WebSocket port, and the
// URL; only the port's digits change. managed is false, and doc is returned
// as it is, when the provider does not keep it in step.
func SetGatewayWSEndpoint(doc []byte, port int64) (out []byte, url string, managed bool, err error) {
	g, managed, err := findGatewayWSEndpoint(doc)
	if !managed || err != nil {
		return doc, "", false, err
	}
	digits := strconv.FormatInt(port, 10)
	start, end := g.v.Start+g.url.portStart, g.v.Start+g.url.end
	if port := (fileformat.Value{Start: start, End: end, Raw: string(doc[start:end])}); port.Raw != digits {
		doc = fileformat.Replace(doc, port, digits)
	}
	url, _, err = ReadGatewayWSEndpoint(doc)
	return doc, url, true, err
}

// gatewayWSEndpointOriginal records <GatewayWSEndpoint> as it stands when
// the provider keeps it in step; an empty Original otherwise, for which
// restore has nothing to put back.
func gatewayWSEndpointOriginal(doc []byte) (Original, error) {
	g, managed, err := findGatewayWSEndpoint(doc)
	if !managed || err != nil {
		return Original{}, err
	}
	return Original{Raw: g.v.Raw}, nil
}

// restoreGatewayWSEndpoint puts <GatewayWSEndpoint> back as orig records
// it, when the element is still one the provider keeps in step: one a hand
// edit has since turned to another host, or removed, stays as it is now.
func restoreGatewayWSEndpoint(doc []byte, orig Original) ([]byte, error) {
	if orig.Raw == "" {
		return doc, nil
	}
	g, managed, err := findGatewayWSEndpoint(doc)
	if !managed || err != nil || g.v.Raw == orig.Raw {
		return doc, err
	}
	return xmledit.Replace(doc, g.v, orig.Raw), nil
}

// GatewayWSEndpoint is <GatewayWSEndpoint> of api-manager.xml as a
// Setting, for its original and its restore.
var GatewayWSEndpoint Setting = gatewayWSEndpointSetting{}

type gatewayWSEndpointSetting struct{}

func (gatewayWSEndpointSetting) Name() string { return "gateway_ws_endpoint_original" }
func (gatewayWSEndpointSetting) File() string { return APIManagerXML }
func (gatewayWSEndpointSetting) Original(doc []byte) (json.RawMessage, error) {
	return originalJSON(doc, gatewayWSEndpointOriginal)
}
func (gatewayWSEndpointSetting) Restore(doc []byte, original json.RawMessage) ([]byte, error) {
	return restoreJSON(doc, original, restoreGatewayWSEndpoint)
}
func (gatewayWSEndpointSetting) Restores(original json.RawMessage) bool {
	return restoresJSON(original, func(o Original) bool { return o.Raw != "" })
}
