# Instances on one host that this configuration does not manage: set up by
# others, or reached under another name. Keys name them in the result.
variable "host_a_offsets" {
  type = map(number)
  default = {
    store     = 0
    publisher = 10 # 8 would collide with the store on 10397 (LDAP 10389 + 8)
    gateway   = 20 # 100 would collide on 7711 and 9711 (7611 + 100, 9611 + 100)
  }
}

# Refuse the plan while two of them would want one port.
resource "terraform_data" "host_a_offsets" {
  input = var.host_a_offsets

  lifecycle {
    precondition {
      condition = length(provider::apim::offset_conflicts(var.host_a_offsets, "2.1.0")) == 0
      error_message = join("\n", [
        for c in provider::apim::offset_conflicts(var.host_a_offsets, "2.1.0") :
        "${c.a} (offset ${c.offset_a}) and ${c.b} (offset ${c.offset_b}) both listen on ${join(", ", [for p in c.ports : "${p.port} (${p.a} / ${p.b})"])}"
      ])
    }
  }
}

# A gateway and a traffic manager of 4.x open different ports: each value
# may be an object naming its own version or distribution, which default to
# the arguments. These two share none, where two all-in-ones would share 8280.
variable "host_b_instances" {
  type = map(object({ offset = number, distribution = string }))
  default = {
    gw = { offset = 0, distribution = "gateway" }
    tm = { offset = 37, distribution = "traffic-manager" }
  }
}

check "host_b_offsets" {
  assert {
    condition     = length(provider::apim::offset_conflicts(var.host_b_instances, "4.7.0")) == 0
    error_message = "Two instances on host B would listen on a common port."
  }
}
