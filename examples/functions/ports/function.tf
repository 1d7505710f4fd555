# The ports of instances this configuration does not manage, for the load
# balancer in front of them: a 2.1.0 all-in-one at offset 3 (HTTPS servlet
# 9446, gateway 8283/8246) and a 4.7.0 Universal Gateway at offset 10.
locals {
  legacy_store = provider::apim::ports(3, "2.1.0")
  edge_gateway = provider::apim::ports(10, "4.7.0", "gateway")
}

output "legacy_store_https" {
  value = local.legacy_store.servlet_https # 9446
}

output "edge_gateway_https" {
  value = local.edge_gateway.gateway_https # 8253
}

# A port the distribution does not open is null, as in apim_instance_ports.
output "traffic_manager_gateway_http" {
  value = provider::apim::ports(0, "4.7.0", "traffic-manager").gateway_http # null
}

# The same object the resource reports, for an instance it manages.
resource "apim_instance_ports" "store" {
  apim_home = "/opt/wso2am-4.2.0"
  offset    = 2
}

check "ports_as_computed" {
  assert {
    condition     = provider::apim::ports(2, apim_instance_ports.store.apim_version, apim_instance_ports.store.distribution) == apim_instance_ports.store.ports
    error_message = "The home's deployment.toml moves a port base: its ports are not the shipped bases plus the offset."
  }
}
