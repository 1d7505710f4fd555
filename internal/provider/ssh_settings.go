package provider

import (
	"fmt"
	"os/user"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// sshSettings are SSH attributes by name: a resource's ssh object laid over
// the provider's, field by field.
type sshSettings map[string]attr.Value

// mergeSSH lays the resource's ssh attributes over the provider's defaults.
// A null or unknown attribute of the resource keeps the default.
func mergeSSH(defaults, resource types.Object) sshSettings {
	merged := sshSettings{}
	for _, obj := range []types.Object{defaults, resource} {
		if obj.IsNull() || obj.IsUnknown() {
			continue
		}
		for name, v := range obj.Attributes() {
			if name == "bastion" {
				continue
			}
			if !v.IsNull() {
				merged[name] = v
			}
		}
	}
	return merged
}

// bastionOf returns the bastion attributes, the resource's laid over the
// provider's, or nil when neither sets a bastion.
func bastionOf(defaults, resource types.Object) sshSettings {
	var merged sshSettings
	for _, obj := range []types.Object{defaults, resource} {
		if obj.IsNull() || obj.IsUnknown() {
			continue
		}
		b, ok := obj.Attributes()["bastion"].(types.Object)
		if !ok || b.IsNull() || b.IsUnknown() {
			continue
		}
		if merged == nil {
			merged = sshSettings{}
		}
		for name, v := range b.Attributes() {
			if !v.IsNull() {
				merged[name] = v
			}
		}
	}
	return merged
}

func (s sshSettings) str(name string) string {
	if v, ok := s[name].(types.String); ok {
		return v.ValueString()
	}
	return ""
}

func (s sshSettings) num(name string, fallback int64) int64 {
	if v, ok := s[name].(types.Int64); ok && !v.IsNull() && !v.IsUnknown() {
		return v.ValueInt64()
	}
	return fallback
}

func (s sshSettings) flag(name string) *bool {
	if v, ok := s[name].(types.Bool); ok && !v.IsNull() && !v.IsUnknown() {
		b := v.ValueBool()
		return &b
	}
	return nil
}

// host is the remote host, or "" for the local filesystem.
func (s sshSettings) host() string { return s.str("host") }

// port is the SSH port with its default.
func (s sshSettings) port() int64 { return s.num("port", 22) }

// user is the login user with its default, the local user's name.
func (s sshSettings) user() string {
	if u := s.str("user"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// config turns the settings, with the bastion's (whose unset fields fall back
// to the outer ones), into the target's connection settings.
func (s sshSettings) config(bastion sshSettings) (target.SSHConfig, error) {
	timeout := 30 * time.Second
	if t := s.str("timeout"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil {
			return target.SSHConfig{}, fmt.Errorf("ssh.timeout %q is not a duration such as 30s or 2m", t)
		}
		timeout = d
	}
	cfg := target.SSHConfig{
		Host:                  s.host(),
		Port:                  int(s.port()),
		User:                  s.user(),
		PrivateKey:            s.str("private_key"),
		PrivateKeyPath:        s.str("private_key_path"),
		PrivateKeyPassphrase:  s.str("private_key_passphrase"),
		Password:              s.str("password"),
		Agent:                 s.flag("agent"),
		Certificate:           s.str("certificate"),
		CertificatePath:       s.str("certificate_path"),
		HostKey:               s.str("host_key"),
		KnownHostsFile:        s.str("known_hosts_file"),
		InsecureIgnoreHostKey: s.flag("insecure_ignore_host_key") != nil && *s.flag("insecure_ignore_host_key"),
		Sudo:                  s.flag("sudo") != nil && *s.flag("sudo"),
		Timeout:               timeout,
	}
	if bastion != nil && bastion.host() != "" {
		outer := sshSettings{}
		for name, v := range s {
			outer[name] = v
		}
		delete(outer, "port")
		delete(outer, "host")
		// Switching off the APIM host's check must not switch off the
		// bastion's: a bastion is insecure only when it says so itself.
		delete(outer, "insecure_ignore_host_key")
		// Host-key settings go together: a bastion with its own must not be
		// checked against the APIM host's pinned key as well.
		if bastion.str("host_key") != "" || bastion.str("known_hosts_file") != "" {
			delete(outer, "host_key")
			delete(outer, "known_hosts_file")
		}
		for name, v := range bastion {
			outer[name] = v
		}
		b, err := outer.config(nil)
		if err != nil {
			return target.SSHConfig{}, err
		}
		cfg.Bastion = &b
	}
	return cfg, nil
}
