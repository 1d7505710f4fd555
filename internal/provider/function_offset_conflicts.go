package provider

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

var _ function.Function = offsetConflictsFunction{}

// offsetConflictsFunction is provider::apim::offset_conflicts: the pairs
// of instances on one host that would listen on the same port, for
// instances the provider cannot see (not managed here, or on a host known
// by another name), so that a precondition can refuse them.
type offsetConflictsFunction struct{}

// NewOffsetConflictsFunction is the provider::apim::offset_conflicts
// constructor.
func NewOffsetConflictsFunction() function.Function { return offsetConflictsFunction{} }

func (offsetConflictsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "offset_conflicts"
}

// The attributes of offset_conflicts' elements and of their ports.
var (
	conflictPortAttrTypes = map[string]attr.Type{"port": types.Int64Type, "a": types.StringType, "b": types.StringType}
	conflictAttrTypes     = map[string]attr.Type{
		"a": types.StringType, "b": types.StringType,
		"offset_a": types.Int64Type, "offset_b": types.Int64Type,
		"ports": types.ListType{ElemType: types.ObjectType{AttrTypes: conflictPortAttrTypes}},
	}
)

func (offsetConflictsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The pairs of APIM instances on one host whose offsets make them listen on the same port.",
		MarkdownDescription: "Returns, for instances meant to run on one host, every pair that would listen on a common port, so that the second to start would fail with \"Address already in use\"; an empty list when they can run side by side. " +
			"The default ports of one instance sit at fixed distances from each other, so two offsets that differ by such a distance collide: with APIM 2.1.0, offsets 0 and 8 both open 10397, 0 and 37 both 8280, 0 and 100 both 7711 and 9711. " +
			"Each instance's ports are those `provider::apim::ports` gives for its offset, version and distribution, so a gateway next to a traffic manager is checked with their own sets. " +
			"Hazelcast's member port (4000), which does not move with the offset, is not checked: give each clustered instance its own `localMemberPort`. " +
			"Each element is an object: `a` and `b`, the keys of the two instances (`a` first in key order), `offset_a` and `offset_b`, their offsets, and `ports`, the common ports ascending, each `{ port, a, b }` with `a` and `b` the names of what listens there on each side (the attribute names of `ports`). " +
			"Elements are ordered by `a`, then `b`. The same arguments always give the same result; an invalid argument is an error naming the allowed values.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "offsets",
				MarkdownDescription: "The instances, as a map or object keyed by names you choose (`{ store = 0, gateway = 8 }`, or a `map(number)` variable), which the result uses for `a` and `b` and sorts by; or as a list, whose indexes (`\"0\"`, `\"1\"`, ...) the result uses instead, sorted as numbers. " +
					"Each value is the instance's offset, " + offsetRange() + ", or an object `{ offset = 37, version = \"4.2.0\", distribution = \"traffic-manager\" }` whose `version` and `distribution` are optional and default to the arguments below, for instances of different versions or distributions on one host. " +
					"An unknown value gives an unknown result.",
			},
			versionParameter("The APIM version of every instance whose value does not name its own."),
		},
		VariadicParameter: distributionParameter("what every instance whose value does not name its own runs"),
		Return:            function.ListReturn{ElementType: types.ObjectType{AttrTypes: conflictAttrTypes}},
	}
}

func (offsetConflictsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var offsets types.Dynamic
	var version string
	var distributions []string
	if resp.Error = req.Arguments.Get(ctx, &offsets, &version, &distributions); resp.Error != nil {
		return
	}
	defaults, err := versionHome(version)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, capitalize(err.Error()))
		return
	}
	distribution, funcErr := distributionArgument(distributions, 2)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	if _, err := withDistribution(defaults, distribution); err != nil {
		resp.Error = function.NewArgumentFuncError(2, capitalize(err.Error()))
		return
	}
	instances, known, err := conflictInstances(offsets.UnderlyingValue(), version, distribution)
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "offsets[") {
			// Not the value it names, offsets["store"], which stays as
			// the configuration writes it.
			msg = capitalize(msg)
		}
		resp.Error = function.NewArgumentFuncError(0, msg)
		return
	}
	elemType := types.ObjectType{AttrTypes: conflictAttrTypes}
	if !known {
		resp.Error = resp.Result.Set(ctx, types.ListUnknown(elemType))
		return
	}
	conflicts := []attr.Value{}
	for i, a := range instances {
		for _, b := range instances[i+1:] {
			if shared := apim.SharedPorts(a.listeners, b.listeners); shared != nil {
				conflicts = append(conflicts, conflictValue(a, b, shared))
			}
		}
	}
	resp.Error = resp.Result.Set(ctx, types.ListValueMust(elemType, conflicts))
}

// conflictInstance is one instance of the offsets argument.
type conflictInstance struct {
	key       string
	offset    int64
	listeners []apim.Listener
}

func conflictValue(a, b conflictInstance, shared []apim.SharedPort) attr.Value {
	portType := types.ObjectType{AttrTypes: conflictPortAttrTypes}
	ports := make([]attr.Value, len(shared))
	for i, s := range shared {
		ports[i] = types.ObjectValueMust(conflictPortAttrTypes, map[string]attr.Value{
			"port": types.Int64Value(s.Port), "a": types.StringValue(s.A), "b": types.StringValue(s.B),
		})
	}
	return types.ObjectValueMust(conflictAttrTypes, map[string]attr.Value{
		"a": types.StringValue(a.key), "b": types.StringValue(b.key),
		"offset_a": types.Int64Value(a.offset), "offset_b": types.Int64Value(b.offset),
		"ports": types.ListValueMust(portType, ports),
	})
}

// offsetsHelp says what the offsets argument takes.
const offsetsHelp = "a map or object of offsets keyed by instance name, such as { store = 0, gateway = 8 }, or a list of offsets"

// conflictInstances reads the offsets argument, in the order of its keys:
// sorted names for a map or object, indexes for a list or tuple. known is
// false when a value is unknown (and every known one valid): the
// conflicts cannot be told yet.
func conflictInstances(offsets attr.Value, version, distribution string) (instances []conflictInstance, known bool, err error) {
	type entry struct {
		key   string
		where string // how an error names the entry: offsets["store"], offsets[0]
		value attr.Value
	}
	var entries []entry
	keyed := func(values map[string]attr.Value) {
		for _, k := range slices.Sorted(maps.Keys(values)) {
			entries = append(entries, entry{k, fmt.Sprintf("offsets[%q]", k), values[k]})
		}
	}
	indexed := func(values []attr.Value) {
		for i, v := range values {
			entries = append(entries, entry{strconv.Itoa(i), fmt.Sprintf("offsets[%d]", i), v})
		}
	}
	switch v := offsets.(type) {
	case basetypes.MapValue:
		if v.IsUnknown() {
			return nil, false, nil
		}
		keyed(v.Elements())
	case basetypes.ObjectValue:
		keyed(v.Attributes())
	case basetypes.ListValue:
		if v.IsUnknown() {
			return nil, false, nil
		}
		indexed(v.Elements())
	case basetypes.TupleValue:
		indexed(v.Elements())
	default:
		return nil, false, fmt.Errorf("expected %s, got %s", offsetsHelp, kindOf(offsets))
	}
	known = true
	for _, e := range entries {
		spec, specKnown, err := readInstanceSpec(e.where, e.value, version, distribution)
		if err != nil {
			return nil, false, err
		}
		if !specKnown {
			known = false
			continue
		}
		home, err := versionHome(spec.version)
		if err != nil {
			return nil, false, fmt.Errorf("%s.version: %w", e.where, err)
		}
		if home, err = withDistribution(home, spec.distribution); err != nil {
			if !spec.ownDistribution {
				return nil, false, fmt.Errorf("%s: %w, from the distribution argument: give this instance its own distribution = %q", e.where, err, apim.AllInOne)
			}
			return nil, false, fmt.Errorf("%s.distribution: %w", e.where, err)
		}
		instances = append(instances, conflictInstance{key: e.key, offset: spec.offset, listeners: apim.Listeners(home, spec.offset, nil)})
	}
	if !known {
		return nil, false, nil
	}
	return instances, true, nil
}

// instanceSpec is what one value of the offsets argument says.
type instanceSpec struct {
	offset                int64
	version, distribution string
	// ownDistribution says the value names its distribution rather than
	// taking the function's argument.
	ownDistribution bool
}

// readInstanceSpec reads the value where names: an offset, or an object
// with an offset and, optionally, a version and a distribution, which
// default to version and distribution. known is false when a part of it
// is unknown.
func readInstanceSpec(where string, v attr.Value, version, distribution string) (spec instanceSpec, known bool, err error) {
	spec = instanceSpec{version: version, distribution: distribution}
	if v.IsUnknown() {
		return spec, false, nil
	}
	obj, isObject := v.(basetypes.ObjectValue)
	if !isObject || obj.IsNull() {
		spec.offset, err = offsetOf(where, v)
		return spec, err == nil, err
	}
	attrs := obj.Attributes()
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		if name != "offset" && name != "version" && name != "distribution" {
			return spec, false, fmt.Errorf("%s has the attribute %q: expected %s", where, name, specHelp)
		}
	}
	offset, ok := attrs["offset"]
	if !ok {
		return spec, false, fmt.Errorf("%s has no offset: expected %s", where, specHelp)
	}
	known = true
	if offset.IsUnknown() {
		known = false
	} else if spec.offset, err = offsetOf(where+".offset", offset); err != nil {
		return spec, false, err
	}
	for _, field := range []struct {
		name  string
		value *string
	}{{"version", &spec.version}, {"distribution", &spec.distribution}} {
		s, err := optionalString(where+"."+field.name, attrs[field.name])
		switch {
		case err != nil:
			return spec, false, err
		case s.IsUnknown():
			known = false
		case !s.IsNull():
			*field.value = s.ValueString()
			if field.name == "distribution" {
				spec.ownDistribution = true
			}
		}
	}
	return spec, known, nil
}

// specHelp says what an object value of the offsets argument holds.
const specHelp = "an object with offset and, optionally, version and distribution"

// offsetOf reads a known offset that where names.
func offsetOf(where string, v attr.Value) (int64, error) {
	if v.IsNull() {
		return 0, fmt.Errorf("%s is null: expected an offset, %s", where, offsetRange())
	}
	n, ok := v.(basetypes.NumberValue)
	if !ok {
		return 0, fmt.Errorf("%s: expected an offset, %s, or %s; got %s", where, offsetRange(), specHelp, kindOf(v))
	}
	f := n.ValueBigFloat()
	offset, accuracy := f.Int64()
	if !f.IsInt() || accuracy != big.Exact {
		return 0, fmt.Errorf("%s: expected %s, got %s", where, offsetRange(), f.Text('g', -1))
	}
	if err := checkFunctionOffset(offset); err != nil {
		return 0, fmt.Errorf("%s: %w", where, err)
	}
	return offset, nil
}

// optionalString reads a version or distribution of an object value:
// null when it is absent or null, unknown when unknown.
func optionalString(where string, v attr.Value) (types.String, error) {
	switch {
	case v == nil || v.IsNull():
		return types.StringNull(), nil
	case v.IsUnknown():
		return types.StringUnknown(), nil
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return types.String{}, fmt.Errorf("%s: expected a string, got %s", where, kindOf(v))
	}
	return s, nil
}

// kindOf names what kind of value v is, for an error.
func kindOf(v attr.Value) string {
	switch v.(type) {
	case basetypes.NumberValue:
		return "a number"
	case basetypes.StringValue:
		return "a string"
	case basetypes.BoolValue:
		return "a bool"
	case basetypes.SetValue:
		return "a set, which has no keys to name its elements"
	case basetypes.ObjectValue, basetypes.MapValue:
		return "a map or object"
	case basetypes.ListValue, basetypes.TupleValue:
		return "a list"
	default:
		return v.Type(context.Background()).String()
	}
}
