# An instance someone else set up, on a remote VM, started by a systemd unit:
# the data source reads what it is and where it listens, and changes nothing.
data "apim_instance" "legacy" {
  apim_home    = "/opt/wso2am-4.2.0"
  systemd_unit = "/etc/systemd/system/wso2am.service"

  ssh = {
    host             = "apim-vm2.example.com"
    user             = "wso2"
    private_key_path = pathexpand("~/.ssh/id_ed25519")
    known_hosts_file = pathexpand("~/.ssh/known_hosts")
  }
}

# The ports a load balancer in front of it needs, at the offset the instance
# really runs at (a -DportOffset in its start script or unit included).
output "legacy_upstreams" {
  value = {
    gateway_https = data.apim_instance.legacy.ports.gateway_https
    servlet_https = data.apim_instance.legacy.ports.servlet_https
    websocket     = data.apim_instance.legacy.websocket_port
  }
}

# A check that fails the plan when the instance's files do not say where it
# listens: the start script or the unit overrides the config file's offset.
check "offset_in_one_place" {
  assert {
    condition     = data.apim_instance.legacy.offset_source == "config_file"
    error_message = "The instance runs at offset ${data.apim_instance.legacy.offset}, set by its ${data.apim_instance.legacy.offset_source}, not at the ${data.apim_instance.legacy.file_offset} of ${data.apim_instance.legacy.config_file}."
  }
}
