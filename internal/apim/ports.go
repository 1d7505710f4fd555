package apim

// Port is one port an APIM instance opens that moves with its offset: the
// instance listens on its base + offset.
type Port struct {
	// Name is the attribute name used in Terraform.
	Name string
	// Base is the port with offset 0, as shipped.
	Base int64
	// Purpose says what listens there and where the base is defined.
	Purpose string
	// BaseKey is, on 3.x and later, the deployment.toml setting that
	// changes the base (the config mapper's dotted key, as WSO2's docs
	// write it); "" where the base is fixed.
	BaseKey string
	// opens reports whether an instance of the home listens on the port.
	opens func(Home) bool
}

// Opens reports whether an instance of h listens on p: a port its version
// or distribution does not open is not in the instance's set.
func (p Port) Opens(h Home) bool { return p.opens(h) }

// The rules of Ports: which homes open a port.
var (
	everywhere = func(Home) bool { return true }
	// gatewayListener: the PassThrough and WebSocket listeners run only
	// where the gateway does (a control plane's and a traffic manager's
	// axis2.xml have no PassThrough listener, and their profiles remove
	// the inbound endpoints).
	gatewayListener = func(h Home) bool { return h.Distribution == AllInOne || h.Distribution == Gateway }
	// webhookListener: the WebSub/WebHook inbound endpoints ship from 4.0
	// on, with the gateway. A 3.x/4.x home whose version no file names is
	// taken to be current.
	webhookListener = func(h Home) bool {
		return h.Generation == Deployment3 && (!h.Version.Known() || h.Version.AtLeast(4, 0)) && gatewayListener(h)
	}
	// carbonOnly: opened by 2.x; on 3.x/4.x the Thrift data receivers are
	// off by default (transport.receiver.type = "binary") and there is no
	// Thrift key validation service.
	carbonOnly = func(h Home) bool { return h.Generation == Carbon2 }
)

// Ports lists, in a stable order, every port that moves with the offset in
// some APIM version (2.1.0 from carbon-kernel 4.4.11; 3.x/4.x from the
// product and kernel default.json and templates, see
// ../shared/research/wso2-3x-4x.md §A). Hazelcast's localMemberPort (4000)
// and multicast port (45564) are deliberately absent: Carbon uses them as
// configured, whatever the offset.
var Ports = []Port{
	{"servlet_http", 9763, "HTTP servlet transport: management console, Store/Developer Portal and Publisher over HTTP (catalina-server.xml).", "transport.http.properties.port", everywhere},
	{"servlet_https", 9443, "HTTPS servlet transport: management console, Store/Developer Portal, Publisher and admin services (catalina-server.xml).", "transport.https.properties.port", everywhere},
	{"gateway_http", 8280, "Gateway API traffic over HTTP, the PassThrough transport (axis2.xml).", "transport.passthru_http.listener.parameters.port", gatewayListener},
	{"gateway_https", 8243, "Gateway API traffic over HTTPS, the PassThrough transport (axis2.xml).", "transport.passthru_https.listener.parameters.port", gatewayListener},
	{"websocket", 9099, "WebSocket (ws) inbound endpoint of the gateway (WebSocketInboundEndpoint.xml).", "apim.ws.port", gatewayListener},
	{"websocket_secure", 8099, "Secure WebSocket (wss) inbound endpoint, shipped from 2.1.0-update11 and 2.2.0 on (SecureWebSocketInboundEndpoint.xml).", "apim.wss.port", gatewayListener},
	{"webhook_http", 9021, "WebSub/WebHook inbound endpoint over HTTP, from 4.0 (WebhookServer.xml).", "", webhookListener},
	{"webhook_https", 8021, "WebSub/WebHook inbound endpoint over HTTPS, from 4.0 (SecureWebhookServer.xml).", "apim.webhooks.https.port", webhookListener},
	{"binary_receiver", 9611, "Binary data receiver for throttling events (data-bridge-config.xml).", "transport.receiver.tcp_port", everywhere},
	{"binary_receiver_ssl", 9711, "Binary data receiver over SSL (data-bridge-config.xml).", "transport.receiver.ssl_port", everywhere},
	{"thrift_receiver", 7611, "Thrift data receiver, 2.x (data-bridge-config.xml); off by default from 3.0.", "", carbonOnly},
	{"thrift_receiver_ssl", 7711, "Thrift data receiver over SSL, 2.x (data-bridge-config.xml); off by default from 3.0.", "", carbonOnly},
	{"amqp", 5672, "AMQP of the embedded message broker (broker.xml).", "broker.transport.amqp.default_connection.port", everywhere},
	{"amqp_ssl", 8672, "AMQP over SSL of the embedded message broker (broker.xml).", "broker.transport.amqp.ssl_connection.port", everywhere},
	{"jmx_rmi_registry", 9999, "JMX RMI registry (carbon.xml `RMIRegistryPort`).", "monitoring.jmx.rmi_registry_port", everywhere},
	{"jmx_rmi_server", 11111, "JMX RMI server (carbon.xml `RMIServerPort`).", "monitoring.jmx.rmi_server_port", everywhere},
	{"embedded_ldap", 10389, "Embedded LDAP server (carbon.xml `LDAPServerPort`).", "", everywhere},
	{"kdc", 8000, "Kerberos key distribution center (carbon.xml `KDCServerPort`).", "", everywhere},
	{"entitlement_thrift", 10500, "Thrift entitlement (XACML) service (carbon.xml `ThriftEntitlementReceivePort`).", "", everywhere},
	{"key_validation_thrift", 10397, "Thrift key validation service of 2.x, while its ports stay commented out in api-manager.xml.", "", carbonOnly},
}

// CarbonHome is an APIM 2.x home: one all-in-one distribution.
var CarbonHome = Home{Generation: Carbon2, Distribution: AllInOne}

// ShiftedOn returns the ports an instance of h opens, moved by offset,
// keyed by name. bases holds the bases the home's files set instead of the
// shipped ones (deployment.toml's BaseKey values), by port name; nil for
// none.
func ShiftedOn(h Home, offset int64, bases map[string]int64) map[string]int64 {
	shifted := make(map[string]int64, len(Ports))
	for _, p := range Ports {
		if !p.Opens(h) {
			continue
		}
		base := p.Base
		if b, ok := bases[p.Name]; ok {
			base = b
		}
		shifted[p.Name] = base + offset
	}
	return shifted
}

// Highest returns the port with the largest base: the one that reaches 65535
// first as the offset grows.
func Highest() Port {
	highest := Ports[0]
	for _, p := range Ports[1:] {
		if p.Base > highest.Base {
			highest = p
		}
	}
	return highest
}
