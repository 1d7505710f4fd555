package apim

import (
	"github.com/portoffset/terraform-provider-apim/internal/tomledit"
	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// Endpoint is one WebSocket inbound endpoint of the gateway.
type Endpoint struct {
	// File is the endpoint's definition, relative to the APIM home.
	File string
	// BasePort is the port the file ships with, and the default of
	// PortKey.
	BasePort int64
	// PortKey is the deployment.toml setting from which the config mapper
	// renders the port into File, where a template renders File (3.x and
	// later; see EndpointPortOf).
	PortKey tomledit.Key
	// PortName is the endpoint's port in Ports.
	PortName string
}

// The two WebSocket inbound endpoints. The secure one ships from
// 2.1.0-update11 and 2.2.0 on.
var (
	WebSocket       = Endpoint{File: inboundEndpoints + "WebSocketInboundEndpoint.xml", BasePort: 9099, PortKey: tomledit.NewKey("apim.ws", "port"), PortName: "websocket"}
	SecureWebSocket = Endpoint{File: inboundEndpoints + "SecureWebSocketInboundEndpoint.xml", BasePort: 8099, PortKey: tomledit.NewKey("apim.wss", "port"), PortName: "websocket_secure"}
)

// Template is the config mapper's template of the endpoint's file,
// relative to the APIM home: where a 3.x or 4.x home has it, the file is
// rendered from it at every start, so an edit of the file is undone.
func (e Endpoint) Template() string { return templates + e.File + ".j2" }

// Parameter names in an inbound endpoint definition. While UseOffsetParam is
// true the runtime adds the carbon.xml offset to PortParam itself.
const (
	PortParam      = "inbound.ws.port"
	UseOffsetParam = "ws.use.port.offset"
)

// ParametersPath is the <parameters> element of an inbound endpoint.
var ParametersPath = xmledit.Path{{Space: synapseNS, Local: "inboundEndpoint"}, {Space: synapseNS, Local: "parameters"}}

// Parameter is the <parameter name="..."> step for one parameter.
func Parameter(name string) xmledit.Step {
	return xmledit.Step{Space: synapseNS, Local: "parameter", AttrName: "name", AttrValue: name}
}

// ParameterPath is the path of one parameter of an inbound endpoint.
func ParameterPath(name string) xmledit.Path {
	return append(ParametersPath[:len(ParametersPath):len(ParametersPath)], Parameter(name))
}

// EffectivePort is the port the runtime listens on for an endpoint whose file
// says port, with useOffset the ws.use.port.offset flag, on an instance with
// the given carbon.xml offset.
func EffectivePort(port int64, useOffset bool, carbonOffset int64) int64 {
	if useOffset {
		return port + carbonOffset
	}
	return port
}
