package apim

// Port is one port an APIM 2.x instance opens that moves with the carbon.xml
// offset: the instance listens on Base + offset.
type Port struct {
	// Name is the attribute name used in Terraform.
	Name string
	// Base is the port with offset 0.
	Base int64
	// Purpose says what listens there and where the base is defined.
	Purpose string
}

// Ports lists, in a stable order, every port that moves with the offset in
// APIM 2.1.0 (carbon-kernel 4.4.11). Hazelcast's localMemberPort (4000) and
// multicast port (45564) are deliberately absent: Carbon uses them as
// configured, whatever the offset.
var Ports = []Port{
	{"servlet_http", 9763, "HTTP servlet transport: management console, Store and Publisher over HTTP (catalina-server.xml)."},
	{"servlet_https", 9443, "HTTPS servlet transport: management console, Store, Publisher and admin services (catalina-server.xml)."},
	{"gateway_http", 8280, "Gateway API traffic over HTTP, the PassThrough transport (axis2.xml)."},
	{"gateway_https", 8243, "Gateway API traffic over HTTPS, the PassThrough transport (axis2.xml)."},
	{"websocket", 9099, "WebSocket (ws) inbound endpoint of the gateway (WebSocketInboundEndpoint.xml)."},
	{"websocket_secure", 8099, "Secure WebSocket (wss) inbound endpoint, shipped from 2.1.0-update11 and 2.2.0 on (SecureWebSocketInboundEndpoint.xml)."},
	{"binary_receiver", 9611, "Binary data receiver for throttling events (data-bridge-config.xml)."},
	{"binary_receiver_ssl", 9711, "Binary data receiver over SSL (data-bridge-config.xml)."},
	{"thrift_receiver", 7611, "Thrift data receiver (data-bridge-config.xml)."},
	{"thrift_receiver_ssl", 7711, "Thrift data receiver over SSL (data-bridge-config.xml)."},
	{"amqp", 5672, "AMQP of the embedded message broker (broker.xml)."},
	{"amqp_ssl", 8672, "AMQP over SSL of the embedded message broker (broker.xml)."},
	{"jmx_rmi_registry", 9999, "JMX RMI registry (carbon.xml `RMIRegistryPort`)."},
	{"jmx_rmi_server", 11111, "JMX RMI server (carbon.xml `RMIServerPort`)."},
	{"embedded_ldap", 10389, "Embedded LDAP server (carbon.xml `LDAPServerPort`)."},
	{"kdc", 8000, "Kerberos key distribution center (carbon.xml `KDCServerPort`)."},
	{"entitlement_thrift", 10500, "Thrift entitlement (XACML) service (carbon.xml `ThriftEntitlementReceivePort`)."},
	{"key_validation_thrift", 10397, "Thrift key validation service, while its ports stay commented out in api-manager.xml."},
}

// Shifted returns every port in Ports moved by offset, keyed by name.
func Shifted(offset int64) map[string]int64 {
	shifted := make(map[string]int64, len(Ports))
	for _, p := range Ports {
		shifted[p.Name] = p.Base + offset
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
