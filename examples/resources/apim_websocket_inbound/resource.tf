resource "apim_instance_ports" "store" {
  apim_home = "/opt/wso2am-2.2.0"
  offset    = 2
}

# The ws endpoint (WebSocketInboundEndpoint.xml, base 9099): listens on 9101.
resource "apim_websocket_inbound" "ws" {
  apim_home = apim_instance_ports.store.apim_home
  offset    = apim_instance_ports.store.offset
}

# The wss endpoint (SecureWebSocketInboundEndpoint.xml, base 8099, shipped from
# 2.1.0-update11 and 2.2.0 on), moved to a base of its own: listens on 8502.
resource "apim_websocket_inbound" "wss" {
  apim_home = apim_instance_ports.store.apim_home
  offset    = apim_instance_ports.store.offset
  secure    = true
  base_port = 8500
}

output "websocket_ports" {
  value = {
    ws  = apim_websocket_inbound.ws.port  # 9101
    wss = apim_websocket_inbound.wss.port # 8502
  }
}
