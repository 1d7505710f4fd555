# Quick start: a WSO2 API Manager 2.x home on this machine moved to port
# offset 2, with its WebSocket endpoint following it, and, when given, a 4.x
# home beside it at offset 3; the resulting ports are handed to a (stand-in)
# load balancer. `make demo` applies this directory to sample APIM 2.1.0 and
# 4.2.0 homes.
#
#   terraform init
#   terraform apply -var apim_home=/opt/wso2am-2.1.0 -var apim4_home=/opt/wso2am-4.2.0

terraform {
  required_version = ">= 1.5"

  required_providers {
    apim = {
      source = "portoffset/apim"
    }
  }
}

variable "apim_home" {
  type        = string
  description = "Absolute path of a WSO2 API Manager 2.x home on this machine."
}

variable "apim4_home" {
  type        = string
  default     = null
  description = "Absolute path of a WSO2 API Manager 3.x or 4.x home on this machine (optional)."
}

# No ssh host: files are edited on the machine running Terraform.
provider "apim" {}

# carbon.xml <Offset> = 2, and the workflow callback URL moved to 9445.
resource "apim_instance_ports" "apim" {
  apim_home = var.apim_home
  offset    = 2
}

# On 3.x/4.x the same resource sets [server] offset = 3 in deployment.toml,
# from which the runtime renders carbon.xml at every start.
resource "apim_instance_ports" "apim4" {
  count     = var.apim4_home == null ? 0 : 1
  apim_home = var.apim4_home
  offset    = 3
}

# The ws endpoint: inbound.ws.port = 9101 and ws.use.port.offset = false, so
# the runtime does not add the offset a second time.
resource "apim_websocket_inbound" "ws" {
  apim_home = apim_instance_ports.apim.apim_home
  offset    = apim_instance_ports.apim.offset
}

# On 4.1 and later the ws endpoint file is rendered from a template at every
# start, and the runtime adds [server] offset to [apim.ws] port itself: with
# the instance's own offset, by reference so that it is applied first,
# nothing needs writing, and port is 9102.
resource "apim_websocket_inbound" "ws4" {
  count     = var.apim4_home == null ? 0 : 1
  apim_home = apim_instance_ports.apim4[0].apim_home
  offset    = apim_instance_ports.apim4[0].offset
}

# Stands in for a real load balancer (see ../load-balancer): its input is built
# from the computed ports, which are known at plan time, so the plan already
# shows the backends it will get.
resource "terraform_data" "load_balancer" {
  input = {
    backends = {
      https     = "127.0.0.1:${apim_instance_ports.apim.ports.gateway_https}"
      http      = "127.0.0.1:${apim_instance_ports.apim.ports.gateway_http}"
      websocket = "127.0.0.1:${apim_websocket_inbound.ws.port}"
      portal    = "127.0.0.1:${apim_instance_ports.apim.ports.servlet_https}"
    }
  }
}

output "ports" {
  description = "Every port the instance listens on at offset 2."
  value       = apim_instance_ports.apim.ports
}

output "websocket_port" {
  description = "Port of the ws inbound endpoint."
  value       = apim_websocket_inbound.ws.port
}

output "workflow_callback_url" {
  description = "The workflow callback URL, moved to the instance's HTTPS servlet port."
  value       = apim_instance_ports.apim.workflow_callback_url
}

output "apim4" {
  description = "The 4.x instance at offset 3: its version, distribution, HTTPS port, gateway URLs and WebSocket port."
  value = var.apim4_home == null ? null : {
    version       = apim_instance_ports.apim4[0].apim_version
    distribution  = apim_instance_ports.apim4[0].distribution
    config_file   = apim_instance_ports.apim4[0].config_file
    servlet_https = apim_instance_ports.apim4[0].ports.servlet_https
    gateway_urls  = apim_instance_ports.apim4[0].gateway_urls
    websocket     = apim_websocket_inbound.ws4[0].port
  }
}

output "load_balancer_backends" {
  value = terraform_data.load_balancer.output.backends
}
