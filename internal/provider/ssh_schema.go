package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	datasourceschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// sshFieldKind is the Terraform type of one SSH setting.
type sshFieldKind int

const (
	sshString sshFieldKind = iota
	sshNumber
	sshBool
)

// sshField is one attribute of the ssh object. The provider's and each
// resource's ssh object are built from the same list, so they cannot drift.
type sshField struct {
	name      string
	kind      sshFieldKind
	sensitive bool
	bastion   bool // also an attribute of ssh.bastion
	doc       string
}

var sshFields = []sshField{
	{name: "host", kind: sshString, bastion: true, doc: "Host name or address of the machine running APIM. Without a `host` here or in the provider's `ssh`, files are on the local filesystem. In a resource, a change of `host` replaces the resource: it is another instance."},
	{name: "port", kind: sshNumber, bastion: true, doc: "SSH port (default: `22`). In a resource, a change of `port` replaces the resource."},
	{name: "user", kind: sshString, bastion: true, doc: "Login user (default: the name of the local user running Terraform)."},
	{name: "private_key", kind: sshString, sensitive: true, bastion: true, doc: "Private key in PEM or OpenSSH format, for public-key authentication."},
	{name: "private_key_path", kind: sshString, bastion: true, doc: "Path of a private key file on the machine running Terraform, for public-key authentication."},
	{name: "private_key_passphrase", kind: sshString, sensitive: true, doc: "Passphrase of an encrypted `private_key` or `private_key_path`."},
	{name: "password", kind: sshString, sensitive: true, bastion: true, doc: "Password, for password or keyboard-interactive authentication."},
	{name: "agent", kind: sshBool, bastion: true, doc: "Whether to authenticate with the keys of the SSH agent at `SSH_AUTH_SOCK` (default: `true` when `SSH_AUTH_SOCK` is set)."},
	{name: "certificate", kind: sshString, doc: "OpenSSH user certificate (the `-cert.pub` line) for the private key, for certificate authentication."},
	{name: "certificate_path", kind: sshString, doc: "Path of an OpenSSH user certificate file for the private key."},
	{name: "host_key", kind: sshString, bastion: true, doc: "Expected host key, pinned: one or more public key lines in `authorized_keys` format, or a `@cert-authority <key>` line to accept host certificates signed by that CA. When set, `known_hosts_file` is not used."},
	{name: "known_hosts_file", kind: sshString, bastion: true, doc: "OpenSSH `known_hosts` file the host key is verified against (default: `~/.ssh/known_hosts`). An unknown or changed key is an error and nothing is read or written."},
	{name: "insecure_ignore_host_key", kind: sshBool, bastion: true, doc: "Accept any host key without checking it (default: `false`). Dangerous: anyone able to intercept the connection can read and change the APIM configuration; use only on throw-away test hosts."},
	{name: "sudo", kind: sshBool, doc: "Reach the files through `sudo -n` when the login user cannot read or write them (default: `false`). Needs passwordless sudo for `sh`: each file operation is a short POSIX shell script run as `sudo -n sh -c ...`. A sudo that asks for a password is an error, never a hang."},
	{name: "timeout", kind: sshString, doc: "How long to wait to connect and for each operation, as a Go duration such as `30s` or `2m` (default: `30s`)."},
}

const (
	sshDescription     = "How to reach the host over SSH. Each attribute set here overrides the same attribute of the provider's `ssh`; without a `host` in either, files are on the local filesystem. Host keys are always verified unless `insecure_ignore_host_key` is `true`."
	bastionDescription = "A jump host to connect through. Its unset `user`, credentials and `agent` take the value of the same attribute of the enclosing `ssh`; `port` defaults to `22`; `host_key` and `known_hosts_file` come from the enclosing `ssh` only when the bastion sets neither; `insecure_ignore_host_key` is never inherited (default: `false`)."
)

// sshProviderAttribute is the provider's ssh object: the defaults.
func sshProviderAttribute() providerschema.SingleNestedAttribute {
	attrs, bastion := sshAttributes(providerAttribute)
	attrs["bastion"] = providerschema.SingleNestedAttribute{Optional: true, MarkdownDescription: bastionDescription, Attributes: bastion}
	return providerschema.SingleNestedAttribute{
		Optional:            true,
		MarkdownDescription: "Default SSH settings for every resource; a resource's own `ssh` overrides them attribute by attribute. Without a `host`, files are on the local filesystem. Credentials set here never reach the state.",
		Attributes:          attrs,
	}
}

// sshAttributes are the attributes of an ssh object and of its bastion, made
// by field for the schema package of the provider, a resource or a data
// source.
func sshAttributes[A any](field func(sshField) A) (attrs, bastion map[string]A) {
	attrs, bastion = map[string]A{}, map[string]A{}
	for _, f := range sshFields {
		attrs[f.name] = field(f)
		if f.bastion {
			bastion[f.name] = field(bastionField(f))
		}
	}
	return attrs, bastion
}

// bastionField is f as an attribute of ssh.bastion, documented for the jump
// host.
func bastionField(f sshField) sshField {
	switch f.name {
	case "host":
		f.doc = "Host name or address of the bastion (jump host)."
	case "port":
		f.doc = "SSH port of the bastion (default: `22`)."
	case "host_key", "known_hosts_file":
		f.doc = "The bastion's own `" + f.name + "`, verified like the enclosing one. When the bastion sets neither `host_key` nor `known_hosts_file`, it uses the enclosing `ssh`'s pair."
	case "insecure_ignore_host_key":
		f.doc = "Accept any host key of the bastion without checking it (default: `false`). Never taken from the enclosing `ssh`: `insecure_ignore_host_key = true` for the APIM host leaves the bastion's own check on."
	default:
		f.doc = "The bastion's `" + f.name + "` (default: the enclosing `ssh." + f.name + "`)."
	}
	return f
}

func providerAttribute(f sshField) providerschema.Attribute {
	switch f.kind {
	case sshNumber:
		return providerschema.Int64Attribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc, Validators: portValidators()}
	case sshBool:
		return providerschema.BoolAttribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc}
	default:
		return providerschema.StringAttribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc, Validators: stringValidators(f)}
	}
}

// sshResourceAttribute is a resource's ssh object. Its host and port, laid
// over the provider's, name the instance, so changing them replaces the
// resource (ModifyPlan decides, with hosts.moved); credentials do not.
func sshResourceAttribute() resourceschema.SingleNestedAttribute {
	attrs, bastion := sshAttributes(resourceAttribute)
	attrs["bastion"] = resourceschema.SingleNestedAttribute{Optional: true, MarkdownDescription: bastionDescription, Attributes: bastion}
	return resourceschema.SingleNestedAttribute{Optional: true, MarkdownDescription: sshDescription, Attributes: attrs}
}

// resourceAttribute has no RequiresReplace for host and port: the raw
// values differ for one instance spelled two ways (port 22 written out or
// left to the default, the port in the provider's ssh or the resource's, an
// import ID naming what the configuration leaves to the provider), which
// would replace, that is restore and re-apply, an instance that did not move.
func resourceAttribute(f sshField) resourceschema.Attribute {
	switch f.kind {
	case sshNumber:
		return resourceschema.Int64Attribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc, Validators: portValidators()}
	case sshBool:
		return resourceschema.BoolAttribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc}
	default:
		return resourceschema.StringAttribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc, Validators: stringValidators(f)}
	}
}

// sshDataSourceAttribute is a data source's ssh object: where the home it
// reads is.
func sshDataSourceAttribute() datasourceschema.SingleNestedAttribute {
	attrs, bastion := sshAttributes(dataSourceAttribute)
	attrs["bastion"] = datasourceschema.SingleNestedAttribute{Optional: true, MarkdownDescription: bastionDescription, Attributes: bastion}
	return datasourceschema.SingleNestedAttribute{Optional: true, MarkdownDescription: sshDescription, Attributes: attrs}
}

func dataSourceAttribute(f sshField) datasourceschema.Attribute {
	switch f.kind {
	case sshNumber:
		return datasourceschema.Int64Attribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc, Validators: portValidators()}
	case sshBool:
		return datasourceschema.BoolAttribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc}
	default:
		return datasourceschema.StringAttribute{Optional: true, Sensitive: f.sensitive, MarkdownDescription: f.doc, Validators: stringValidators(f)}
	}
}

func portValidators() []validator.Int64 {
	return []validator.Int64{int64validator.Between(1, 65535)}
}

func stringValidators(f sshField) []validator.String {
	if f.name == "timeout" {
		return []validator.String{durationValidator{}}
	}
	return nil
}

// sshAttrTypes are the Terraform types of the ssh object, for building one
// on import.
func sshAttrTypes() map[string]attr.Type {
	attrTypes := map[string]attr.Type{}
	bastion := map[string]attr.Type{}
	for _, f := range sshFields {
		attrTypes[f.name] = fieldType(f)
		if f.bastion {
			bastion[f.name] = fieldType(f)
		}
	}
	attrTypes["bastion"] = types.ObjectType{AttrTypes: bastion}
	return attrTypes
}

func fieldType(f sshField) attr.Type {
	switch f.kind {
	case sshNumber:
		return types.Int64Type
	case sshBool:
		return types.BoolType
	default:
		return types.StringType
	}
}
