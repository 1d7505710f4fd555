# APIM instances on several hosts of a private network, reached through a
# bastion, with every host key verified: the bastion's pinned with host_key,
# the APIM hosts' checked against the known_hosts file kept next to this
# configuration (or pinned per instance). The provider holds what all hosts
# share; each resource only names its host.

terraform {
  required_version = ">= 1.5"

  required_providers {
    apim = {
      source = "portoffset/apim"
    }
  }
}

variable "instances" {
  description = "APIM instances by name: the host they run on, the APIM home, the port offset, and optionally the host's pinned SSH host key."
  type = map(object({
    host      = string
    apim_home = string
    offset    = number
    host_key  = optional(string)
  }))
  default = {
    "vm1-store" = {
      host      = "apim-vm1.internal.example.com"
      apim_home = "/opt/wso2am-2.1.0-store"
      offset    = 1
    }
    "vm1-gateway" = {
      host      = "apim-vm1.internal.example.com"
      apim_home = "/opt/wso2am-2.1.0-gateway"
      offset    = 2
    }
    "vm2-gateway" = {
      host      = "apim-vm2.internal.example.com"
      apim_home = "/opt/wso2am-2.1.0"
      offset    = 2
      # Pinned: known_hosts is not consulted for this instance.
      host_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOLrf9zoBmpzkKiqb5VMcprwrS1mKDPMO/Vjivi1EiCy"
    }
  }
}

provider "apim" {
  ssh = {
    # Shared by every resource unless it sets its own value.
    user             = "deploy"
    private_key_path = pathexpand("~/.ssh/apim_deploy_ed25519")

    # Host keys of the APIM hosts: this file, not the user's ~/.ssh/known_hosts.
    known_hosts_file = "${path.root}/known_hosts"

    # The APIM files belong to the wso2 user: read and replace them through
    # passwordless `sudo -n` (cat, mktemp, chmod, chown, mv, readlink).
    sudo = true

    timeout = "1m"

    # The jump host. Unset attributes (here the private key) come from the
    # enclosing ssh object; its host key is pinned on its own.
    bastion = {
      host     = "bastion.example.com"
      user     = "jump"
      host_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHzyjTy7jsK0De8qrATsmVSx+Kr+WDwKj//qipKLPg0k"
    }
  }
}

resource "apim_instance_ports" "this" {
  for_each = var.instances

  apim_home = each.value.apim_home
  offset    = each.value.offset

  ssh = {
    host     = each.value.host
    host_key = each.value.host_key
  }
}

resource "apim_websocket_inbound" "ws" {
  for_each = var.instances

  apim_home = apim_instance_ports.this[each.key].apim_home
  offset    = apim_instance_ports.this[each.key].offset

  ssh = {
    host     = each.value.host
    host_key = each.value.host_key
  }
}

output "https_ports" {
  description = "HTTPS servlet port of every instance."
  value       = { for name, i in apim_instance_ports.this : name => "${var.instances[name].host}:${i.ports.servlet_https}" }
}
