package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSameSSH(t *testing.T) {
	host, user := types.StringValue("gw1.example"), types.StringValue("wso2")
	defaults := sshObject(t, map[string]attr.Value{"user": user, "private_key_path": types.StringValue("/keys/id")}, nil)
	for _, tc := range []struct {
		name        string
		state, plan map[string]attr.Value
		bastion     map[string]attr.Value // of the plan
		want        bool
	}{
		{"user repeated", map[string]attr.Value{"host": host}, map[string]attr.Value{"host": host, "user": user}, nil, true},
		{"default port written out", map[string]attr.Value{"host": host, "port": types.Int64Value(22)}, map[string]attr.Value{"host": host}, nil, true},
		{"another user", map[string]attr.Value{"host": host}, map[string]attr.Value{"host": host, "user": types.StringValue("root")}, nil, false},
		{"another port", map[string]attr.Value{"host": host}, map[string]attr.Value{"host": host, "port": types.Int64Value(2203)}, nil, false},
		{"another host", map[string]attr.Value{"host": host}, map[string]attr.Value{"host": types.StringValue("gw2.example")}, nil, false},
		{"a credential of its own", map[string]attr.Value{"host": host}, map[string]attr.Value{"host": host, "private_key_path": types.StringValue("/keys/id")}, nil, false},
		{"a bastion", map[string]attr.Value{"host": host}, map[string]attr.Value{"host": host}, map[string]attr.Value{"host": types.StringValue("jump.example")}, false},
		{"port not yet known", map[string]attr.Value{"host": host}, map[string]attr.Value{"host": host, "port": types.Int64Unknown()}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &hosts{defaults: defaults}
			if got := h.sameSSH(sshObject(t, tc.state, nil), sshObject(t, tc.plan, tc.bastion)); got != tc.want {
				t.Errorf("sameSSH = %v, want %v", got, tc.want)
			}
		})
	}
	h := &hosts{defaults: defaults}
	if h.sameSSH(types.ObjectNull(sshAttrTypes()), sshObject(t, map[string]attr.Value{"user": user}, nil)) {
		t.Error("a null ssh in state is the same as one repeating the provider's user: the plan cannot keep a null for a set attribute")
	}
}

func TestImportedSSH(t *testing.T) {
	defaults := sshObject(t, map[string]attr.Value{
		"host": types.StringValue("gw1.example"), "user": types.StringValue("wso2"), "private_key_path": types.StringValue("/keys/id"),
	}, nil)
	h := &hosts{defaults: defaults}
	for _, tc := range []struct {
		name     string
		named    map[string]attr.Value // what the import ID names
		want     map[string]attr.Value
		wantNull bool
	}{
		{name: "all given by the provider", named: map[string]attr.Value{"host": types.StringValue("gw1.example"), "user": types.StringValue("wso2"), "port": types.Int64Value(22)}, wantNull: true},
		{name: "another host", named: map[string]attr.Value{"host": types.StringValue("gw2.example"), "user": types.StringValue("wso2")}, want: map[string]attr.Value{"host": types.StringValue("gw2.example")}},
		{name: "another user and port", named: map[string]attr.Value{"host": types.StringValue("gw1.example"), "user": types.StringValue("root"), "port": types.Int64Value(2203)}, want: map[string]attr.Value{"user": types.StringValue("root"), "port": types.Int64Value(2203)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := h.importedSSH(sshObject(t, tc.named, nil))
			want := types.ObjectNull(sshAttrTypes())
			if !tc.wantNull {
				want = sshObject(t, tc.want, nil)
			}
			if !got.Equal(want) {
				t.Errorf("importedSSH = %v, want %v", got, want)
			}
		})
	}
	// While the provider's ssh is not known, the ID's fields are kept.
	named := sshObject(t, map[string]attr.Value{"host": types.StringValue("gw1.example")}, nil)
	unknown := &hosts{defaults: types.ObjectUnknown(sshAttrTypes())}
	if got := unknown.importedSSH(named); !got.Equal(named) {
		t.Errorf("importedSSH with unknown provider ssh = %v, want %v", got, named)
	}
}
