# An instance on the machine running Terraform: the ID is the absolute path of
# the APIM home.
terraform import apim_instance_ports.store /opt/wso2am-2.1.0

# An instance on a remote host: ssh://[user@]host[:port]/absolute/apim/home.
# Keys, host keys, the bastion and sudo come from the provider's ssh settings.
# Import reads the host with only what the ID names plus the provider's ssh
# settings, so the credentials must be in the provider block. The ID says where
# the instance is: a host, user or port in it that the provider's ssh already
# gives (or the default, port 22) is left to the provider, and the next plan
# shows no change whether the resource's own ssh repeats it or not.
terraform import apim_instance_ports.gateway_b ssh://wso2@apim-vm1.example.com:22/opt/wso2am-2.1.0-b
