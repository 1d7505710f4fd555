package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// sshObject builds an ssh object with the given attributes set, and a
// bastion when bastion is not nil.
func sshObject(t *testing.T, set map[string]attr.Value, bastion map[string]attr.Value) types.Object {
	t.Helper()
	attrTypes := sshAttrTypes()
	values := nullValues(attrTypes)
	if bastion != nil {
		bastionType, ok := attrTypes["bastion"].(types.ObjectType)
		if !ok {
			t.Fatal("ssh.bastion is not an object")
		}
		b := nullValues(bastionType.AttrTypes)
		for name, v := range bastion {
			b[name] = v
		}
		values["bastion"] = types.ObjectValueMust(bastionType.AttrTypes, b)
	}
	for name, v := range set {
		values[name] = v
	}
	return types.ObjectValueMust(attrTypes, values)
}

func TestMergeSSHOverridesFieldByField(t *testing.T) {
	defaults := sshObject(t, map[string]attr.Value{
		"user":             types.StringValue("deploy"),
		"private_key_path": types.StringValue("/keys/id"),
		"port":             types.Int64Value(2222),
		"known_hosts_file": types.StringValue("/kh"),
	}, map[string]attr.Value{"host": types.StringValue("bastion.example")})
	resource := sshObject(t, map[string]attr.Value{
		"host": types.StringValue("gw1.example"),
		"user": types.StringValue("wso2"),
	}, nil)
	s := mergeSSH(defaults, resource)
	cfg, err := s.config(bastionOf(defaults, resource))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "gw1.example" || cfg.User != "wso2" || cfg.Port != 2222 || cfg.PrivateKeyPath != "/keys/id" || cfg.KnownHostsFile != "/kh" {
		t.Errorf("merged config: %+v", cfg)
	}
	b := cfg.Bastion
	if b == nil || b.Host != "bastion.example" || b.Port != 22 || b.User != "wso2" || b.PrivateKeyPath != "/keys/id" || b.KnownHostsFile != "/kh" {
		t.Fatalf("bastion falls back to the outer fields, port to 22: %+v", b)
	}
}

func TestBastionHostKeySettingsGoTogether(t *testing.T) {
	outer := sshObject(t, map[string]attr.Value{
		"host":     types.StringValue("gw1.example"),
		"host_key": types.StringValue("ssh-ed25519 AAAA-gateway"),
	}, map[string]attr.Value{
		"host":             types.StringValue("bastion.example"),
		"known_hosts_file": types.StringValue("/bastion_known_hosts"),
	})
	cfg, err := mergeSSH(types.ObjectNull(sshAttrTypes()), outer).config(bastionOf(types.ObjectNull(sshAttrTypes()), outer))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Bastion.HostKey != "" || cfg.Bastion.KnownHostsFile != "/bastion_known_hosts" {
		t.Errorf("the bastion must be checked against its own known_hosts only: %+v", cfg.Bastion)
	}
	if cfg.HostKey != "ssh-ed25519 AAAA-gateway" {
		t.Errorf("the gateway keeps its pinned key: %q", cfg.HostKey)
	}
}

// TestBastionKeepsItsHostKeyCheck: insecure_ignore_host_key on the APIM
// host does not switch off the bastion's pinned host_key, nor its default
// known_hosts check.
func TestBastionKeepsItsHostKeyCheck(t *testing.T) {
	for name, bastion := range map[string]map[string]attr.Value{
		"pinned":   {"host": types.StringValue("bastion.example"), "host_key": types.StringValue("ssh-ed25519 AAAA")},
		"default":  {"host": types.StringValue("bastion.example")},
		"own flag": {"host": types.StringValue("bastion.example"), "insecure_ignore_host_key": types.BoolValue(true)},
	} {
		t.Run(name, func(t *testing.T) {
			outer := sshObject(t, map[string]attr.Value{
				"host":                     types.StringValue("apim.example"),
				"insecure_ignore_host_key": types.BoolValue(true),
			}, bastion)
			cfg, err := mergeSSH(types.ObjectNull(sshAttrTypes()), outer).config(bastionOf(types.ObjectNull(sshAttrTypes()), outer))
			if err != nil {
				t.Fatal(err)
			}
			if !cfg.InsecureIgnoreHostKey {
				t.Fatal("the APIM host's own insecure_ignore_host_key was lost")
			}
			want := name == "own flag"
			if cfg.Bastion.InsecureIgnoreHostKey != want {
				t.Fatalf("bastion InsecureIgnoreHostKey = %v, want %v (only the bastion's own flag may switch its check off)", cfg.Bastion.InsecureIgnoreHostKey, want)
			}
			if name == "pinned" && cfg.Bastion.HostKey != "ssh-ed25519 AAAA" {
				t.Fatalf("the bastion's pinned key was lost: %+v", cfg.Bastion)
			}
		})
	}
}
