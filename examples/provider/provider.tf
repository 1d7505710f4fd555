terraform {
  required_providers {
    apim = {
      source = "portoffset/apim"
    }
  }
}

# Without an ssh host the provider edits files on the machine running Terraform.
provider "apim" {}

# With an ssh host, every resource using this provider edits files on that host
# over SSH, unless the resource's own ssh object says otherwise.
provider "apim" {
  alias = "vm1"

  ssh = {
    host             = "apim-vm1.example.com"
    user             = "wso2"
    private_key_path = pathexpand("~/.ssh/id_ed25519")

    # Pin the host key (the content of /etc/ssh/ssh_host_ed25519_key.pub on the
    # host); without host_key it is checked against ~/.ssh/known_hosts.
    host_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILp7UQVKczj9/HttuEfWLcLzhvHRhGfJ0LrAye0cynlf"
  }
}
