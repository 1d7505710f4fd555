# An instance on the machine running Terraform: the ID is the absolute path of
# the APIM home.
terraform import apim_instance_ports.store /opt/wso2am-2.1.0

# An instance on a remote host: ssh://[user@]host[:port]/absolute/apim/home.
# Keys, host keys, the bastion and sudo come from the provider's ssh settings.
terraform import apim_instance_ports.gateway_b ssh://wso2@apim-vm1.example.com:22/opt/wso2am-2.1.0-b
