package apim

import "github.com/portoffset/terraform-provider-apim/internal/xmledit"

// Paths of the managed files, relative to the APIM home.
const (
	CarbonXML               = "repository/conf/carbon.xml"
	WorkflowCallbackService = "repository/deployment/server/synapse-configs/default/proxy-services/WorkflowCallbackService.xml"
	inboundEndpoints        = "repository/deployment/server/synapse-configs/default/inbound-endpoints/"
	// templates holds, on 3.x and later, the config mapper's Jinja2
	// templates, each at the path of the file it renders.
	templates = "repository/resources/conf/templates/"
)

// Namespaces of the managed documents' root elements.
const (
	carbonNS  = "http://wso2.org/projects/carbon/carbon.xml"
	synapseNS = "http://ws.apache.org/ns/synapse"
)

// PortsPath is the <Server><Ports> element of carbon.xml.
var PortsPath = xmledit.Path{{Space: carbonNS, Local: "Server"}, {Space: carbonNS, Local: "Ports"}}

// OffsetElement is the <Offset> child of <Ports>; it is added as the first
// child when missing, and a missing one means offset 0 to the runtime.
var OffsetElement = xmledit.Step{Space: carbonNS, Local: "Offset"}

// OffsetPath is <Server><Ports><Offset> in carbon.xml.
var OffsetPath = append(PortsPath[:len(PortsPath):len(PortsPath)], OffsetElement)

// WorkflowAddressPath is the <address> element whose uri attribute holds the
// workflow callback URL in WorkflowCallbackService.xml.
var WorkflowAddressPath = xmledit.Path{
	{Space: synapseNS, Local: "proxy"},
	{Space: synapseNS, Local: "target"},
	{Space: synapseNS, Local: "inSequence"},
	{Space: synapseNS, Local: "send"},
	{Space: synapseNS, Local: "endpoint"},
	{Space: synapseNS, Local: "address"},
}

// WorkflowAddressAttr is the attribute of WorkflowAddressPath holding the URL.
const WorkflowAddressAttr = "uri"

// WorkflowHTTPPath is the <http> endpoint whose uri-template attribute
// holds the workflow callback URL in the WorkflowCallbackService.xml of
// APIM 3.0 to 4.1 (https://localhost:9443/api/am/admin/...).
var WorkflowHTTPPath = append(WorkflowAddressPath[:len(WorkflowAddressPath)-1:len(WorkflowAddressPath)-1],
	xmledit.Step{Space: synapseNS, Local: "http"})

// WorkflowHTTPAttr is the attribute of WorkflowHTTPPath holding the URL.
const WorkflowHTTPAttr = "uri-template"
