# An instance on the machine running Terraform, moved to offset 2:
# HTTPS servlet 9445, gateway 8282/8245, and so on.
resource "apim_instance_ports" "store" {
  apim_home = "/opt/wso2am-2.1.0"
  offset    = 2
}

# A second instance on a remote VM. Destroying this resource leaves the
# files as they are instead of restoring the original offset.
resource "apim_instance_ports" "gateway_b" {
  apim_home  = "/opt/wso2am-2.1.0-b"
  offset     = 3
  on_destroy = "keep"

  ssh = {
    host             = "apim-vm1.example.com"
    user             = "wso2"
    private_key_path = pathexpand("~/.ssh/id_ed25519")
    known_hosts_file = pathexpand("~/.ssh/known_hosts")
  }
}

# Every moved port is known at plan time.
output "store_https_port" {
  value = apim_instance_ports.store.ports.servlet_https # 9445
}

output "gateway_b_ports" {
  value = apim_instance_ports.gateway_b.ports
}
