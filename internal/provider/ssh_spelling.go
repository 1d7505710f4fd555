package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// One instance's ssh object can be written more than one way: a host, port
// or user that the provider's ssh gives (or that is the default) can be
// left out of the resource's ssh or repeated there, and an import ID names
// where the instance is whatever the configuration leaves to the provider.
// None of these spellings is a change.

// whereFields are the ssh attributes that say where an instance is and as
// whom the provider logs in: the ones an import ID can name.
var whereFields = []string{"host", "port", "user"}

// importedSSH is the ssh object for a resource imported by an ID naming
// the fields of named: those the provider's ssh already gives are left
// out, and it is null when none is left, so a configuration that leaves
// them to the provider plans no change. While the provider's ssh is not
// known, named is kept as it is.
func (h *hosts) importedSSH(named types.Object) types.Object {
	if named.IsNull() || h.defaults.IsUnknown() {
		return named
	}
	given := mergeSSH(h.defaults, types.ObjectNull(sshAttrTypes()))
	values := map[string]attr.Value{}
	for name, v := range named.Attributes() {
		values[name] = v
	}
	own := false
	for _, name := range whereFields {
		v := values[name]
		if v.IsNull() {
			continue
		}
		if whereValue(given, name) == whereValue(sshSettings{name: v}, name) {
			values[name] = nullValues(sshAttrTypes())[name]
			continue
		}
		own = true
	}
	if !own {
		return types.ObjectNull(sshAttrTypes())
	}
	obj, diags := types.ObjectValue(sshAttrTypes(), values)
	if diags.HasError() {
		return named
	}
	return obj
}

// keepStateSSH plans the state's ssh object instead of the configuration's
// when that would be the plan's only change and both say the same
// (sameSSH): a spelling alone is no change. A plan that changes anything
// else keeps the configuration's, which the state then takes.
func (h *hosts) keepStateSSH(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if resp.Diagnostics.HasError() || req.State.Raw.IsNull() {
		return
	}
	var stateSSH, planSSH types.Object
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("ssh"), &stateSSH)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("ssh"), &planSSH)...)
	if resp.Diagnostics.HasError() || !h.sameSSH(stateSSH, planSSH) {
		return
	}
	unchanged := resp.Plan
	if diags := unchanged.SetAttribute(ctx, path.Root("ssh"), stateSSH); !diags.HasError() && unchanged.Raw.Equal(req.State.Raw) {
		resp.Plan = unchanged
	}
}

// sameSSH reports whether a resource's planned ssh object says what its
// state's says in other words: both set, equal but for host, port and user,
// and those the same once laid over the provider's ssh with its defaults.
func (h *hosts) sameSSH(stateSSH, planSSH types.Object) bool {
	if stateSSH.IsNull() || stateSSH.IsUnknown() || planSSH.IsNull() || planSSH.IsUnknown() || h.defaults.IsUnknown() {
		return false
	}
	stateAttrs, planAttrs := stateSSH.Attributes(), planSSH.Attributes()
	for name, v := range planAttrs {
		if !slices.Contains(whereFields, name) && !v.Equal(stateAttrs[name]) {
			return false
		}
	}
	from, to := mergeSSH(h.defaults, stateSSH), mergeSSH(h.defaults, planSSH)
	for _, name := range whereFields {
		if v, ok := to[name]; ok && v.IsUnknown() {
			return false
		}
		if whereValue(from, name) != whereValue(to, name) {
			return false
		}
	}
	return true
}

// whereValue is s's host, port or user with its default, as the provider
// connects.
func whereValue(s sshSettings, name string) any {
	switch name {
	case "host":
		return s.host()
	case "port":
		return s.port()
	default:
		return s.user()
	}
}
