# Quick start: one WSO2 API Manager 2.x home on this machine, moved to port
# offset 2, with its WebSocket endpoint following it, and the resulting ports
# handed to a (stand-in) load balancer. `make demo` applies this directory to
# a sample APIM 2.1.0 home.
#
#   terraform init
#   terraform apply -var apim_home=/opt/wso2am-2.1.0

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

# No ssh host: files are edited on the machine running Terraform.
provider "apim" {}

# carbon.xml <Offset> = 2, and the workflow callback URL moved to 9445.
resource "apim_instance_ports" "apim" {
  apim_home = var.apim_home
  offset    = 2
}

# The ws endpoint: inbound.ws.port = 9101 and ws.use.port.offset = false, so
# the runtime does not add the offset a second time.
resource "apim_websocket_inbound" "ws" {
  apim_home = apim_instance_ports.apim.apim_home
  offset    = apim_instance_ports.apim.offset
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

output "load_balancer_backends" {
  value = terraform_data.load_balancer.output.backends
}
