# Two APIM instances sharing one VM (offsets 1 and 2), and an nginx in front of
# them whose upstreams are rendered from the instances' computed ports. Because
# the ports are known at plan time, one `terraform apply` moves the instances
# and rewrites the load balancer to match. See README.md: this example is not
# run by the project's tests.

terraform {
  required_version = ">= 1.5"

  required_providers {
    apim = {
      source = "portoffset/apim"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
  }
}

variable "apim_host" {
  type        = string
  description = "Host name or address of the VM running the APIM instances."
}

variable "apim_host_key" {
  type        = string
  description = "The VM's SSH host key, e.g. the content of /etc/ssh/ssh_host_ed25519_key.pub."
}

variable "nginx_conf_dir" {
  type        = string
  description = "Directory nginx includes configuration from, on the load balancer running Terraform."
  default     = "/etc/nginx/conf.d"
}

variable "instances" {
  type        = map(object({ apim_home = string, offset = number }))
  description = "The APIM instances on the VM, by name."
  default = {
    apim1 = { apim_home = "/opt/wso2am-2.1.0-1", offset = 1 }
    apim2 = { apim_home = "/opt/wso2am-2.1.0-2", offset = 2 }
  }
}

provider "apim" {
  ssh = {
    host             = var.apim_host
    host_key         = var.apim_host_key
    user             = "wso2"
    private_key_path = pathexpand("~/.ssh/id_ed25519")
  }
}

resource "apim_instance_ports" "this" {
  for_each = var.instances

  apim_home = each.value.apim_home
  offset    = each.value.offset
}

resource "apim_websocket_inbound" "ws" {
  for_each = var.instances

  apim_home = apim_instance_ports.this[each.key].apim_home
  offset    = apim_instance_ports.this[each.key].offset
}

locals {
  upstreams = {
    apim_gateway_https = [for i in apim_instance_ports.this : "${var.apim_host}:${i.ports.gateway_https}"]
    apim_gateway_http  = [for i in apim_instance_ports.this : "${var.apim_host}:${i.ports.gateway_http}"]
    apim_portal_https  = [for i in apim_instance_ports.this : "${var.apim_host}:${i.ports.servlet_https}"]
    apim_websocket     = [for w in apim_websocket_inbound.ws : "${var.apim_host}:${w.port}"]
  }
}

# nginx upstream blocks, one per kind of traffic, with every instance as a server.
resource "local_file" "nginx_upstreams" {
  filename        = "${var.nginx_conf_dir}/apim-upstreams.conf"
  file_permission = "0644"
  content         = templatefile("${path.module}/nginx-upstreams.conf.tftpl", { upstreams = local.upstreams })
}

# Check and reload nginx whenever the rendered upstreams change.
resource "terraform_data" "nginx_reload" {
  triggers_replace = [local_file.nginx_upstreams.content_sha256]

  provisioner "local-exec" {
    command = "nginx -t && nginx -s reload"
  }
}

output "upstreams" {
  value = local.upstreams
}
