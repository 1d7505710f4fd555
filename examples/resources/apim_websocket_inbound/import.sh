# The ws endpoint of an instance on the machine running Terraform: the ID is
# the absolute path of the APIM home.
terraform import apim_websocket_inbound.ws /opt/wso2am-2.2.0

# The wss endpoint (SecureWebSocketInboundEndpoint.xml): add #secure.
terraform import apim_websocket_inbound.wss '/opt/wso2am-2.2.0#secure'

# An endpoint on a remote host: ssh://[user@]host[:port]/absolute/apim/home,
# with #secure for the wss endpoint. Keys, host keys, the bastion and sudo come
# from the provider's ssh settings.
# Import reads the host with only what the ID names plus the provider's ssh
# settings, so the credentials must be in the provider block. The ID says where
# the instance is: a host, user or port in it that the provider's ssh already
# gives (or the default, port 22) is left to the provider, and the next plan
# shows no change whether the resource's own ssh repeats it or not.
terraform import apim_websocket_inbound.remote_wss 'ssh://wso2@apim-vm1.example.com/opt/wso2am-2.2.0#secure'
