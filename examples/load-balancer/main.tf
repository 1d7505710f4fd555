# Two APIM instances sharing one VM (offsets 1 and 2), and an nginx in front of
# them whose upstreams are rendered from the instances' computed ports. Because
# the ports are known at plan time, one `terraform apply` moves the instances,
# rewrites the upstreams and reloads nginx. See README.md: the project's tests
# run this configuration with a real nginx (TestLoadBalancerExample).

terraform {
  required_version = ">= 1.5"

  required_providers {
    apim = {
      source = "portoffset/apim"
    }
  }
}

variable "apim_host" {
  type        = string
  description = "Address of the VM running the APIM instances, as nginx reaches it."
}

variable "apim_ssh" {
  type = object({
    host_key         = string
    user             = optional(string, "wso2")
    private_key_path = optional(string, "~/.ssh/id_ed25519")
  })
  default     = null
  description = "How Terraform logs in to apim_host: its SSH host key (e.g. the content of /etc/ssh/ssh_host_ed25519_key.pub), the login user and the private key. Null when the APIM homes are on the machine running Terraform."
}

variable "instances" {
  type        = map(object({ apim_home = string, offset = number }))
  description = "The APIM instances on the VM, by name."
  default = {
    apim1 = { apim_home = "/opt/wso2am-2.1.0-1", offset = 1 }
    apim2 = { apim_home = "/opt/wso2am-2.1.0-2", offset = 2 }
  }
}

variable "nginx_conf_dir" {
  type        = string
  description = "Directory whose *.conf files nginx includes in its http block, on the load balancer running Terraform."
  default     = "/etc/nginx/conf.d"
}

variable "nginx_prefix" {
  type        = string
  description = "nginx's prefix path (-p) for the check and the reload; Debian's nginx is built with /usr/share/nginx."
  default     = "/usr/share/nginx"
}

variable "nginx_conf" {
  type        = string
  description = "The configuration file the running nginx was started with (-c); `nginx -s reload` finds the running nginx through the pid file it names."
  default     = "/etc/nginx/nginx.conf"
}

provider "apim" {
  ssh = var.apim_ssh == null ? null : {
    host             = var.apim_host
    host_key         = var.apim_ssh.host_key
    user             = var.apim_ssh.user
    private_key_path = pathexpand(var.apim_ssh.private_key_path)
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
  # nginx upstream blocks, one per kind of traffic, with every instance as a server.
  nginx_upstreams = templatefile("${path.module}/nginx-upstreams.conf.tftpl", { upstreams = local.upstreams })
}

# Writes the upstreams into nginx_conf_dir and reloads nginx. A new content
# replaces this resource, which runs the provisioner again. A file that nginx
# -t refuses is put back as it was, and the apply fails. Values reach the
# command as environment variables, never on its command line.
resource "terraform_data" "nginx_upstreams" {
  triggers_replace = local.nginx_upstreams

  provisioner "local-exec" {
    environment = {
      UPSTREAMS    = local.nginx_upstreams
      FILE         = "${var.nginx_conf_dir}/apim-upstreams.conf"
      NGINX_PREFIX = var.nginx_prefix
      NGINX_CONF   = var.nginx_conf
    }
    command = <<-EOT
      set -eu
      printf '%s' "$UPSTREAMS" >"$FILE.new"
      if [ -e "$FILE" ]; then cp -p "$FILE" "$FILE.old"; fi
      mv -f "$FILE.new" "$FILE"
      if ! nginx -t -q -p "$NGINX_PREFIX" -c "$NGINX_CONF"; then
        if [ -e "$FILE.old" ]; then mv -f "$FILE.old" "$FILE"; else rm -f "$FILE"; fi
        exit 1
      fi
      rm -f "$FILE.old"
      nginx -s reload -p "$NGINX_PREFIX" -c "$NGINX_CONF"
    EOT
  }
}

output "upstreams" {
  value = local.upstreams
}
