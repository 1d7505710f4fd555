package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
)

var _ function.Function = portsFunction{}

// portsFunction is provider::apim::ports: the ports object of
// apim_instance_ports for an instance the configuration does not manage,
// computed from its offset, version and distribution alone.
type portsFunction struct{}

// NewPortsFunction is the provider::apim::ports constructor.
func NewPortsFunction() function.Function { return portsFunction{} }

func (portsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "ports"
}

func (portsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The ports an APIM instance of a version and distribution listens on at an offset.",
		MarkdownDescription: "Returns the object `apim_instance_ports` reports as `ports` for an instance of `version` and `distribution` at `offset`, " +
			"from those three values alone, without reading any file: each port is its shipped base plus `offset`, and a port the version or distribution does not open is null. " +
			"For instances this configuration does not manage (set up by others, on hosts it cannot reach) whose ports a load balancer, firewall rule or check needs. " +
			"It knows the shipped bases only: an instance whose deployment.toml moves a base (such as `[transport.https.properties] port`) listens elsewhere, as `apim_instance_ports` would report. " +
			"The same arguments always give the same result; an invalid argument is an error naming the allowed values.",
		Parameters: []function.Parameter{
			offsetParameter("The instance's port offset, " + offsetRange() + "."),
			versionParameter("The instance's APIM version."),
		},
		VariadicParameter: distributionParameter("what the instance runs"),
		Return:            function.ObjectReturn{AttributeTypes: portAttrTypes()},
	}
}

func (portsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var offset int64
	var version string
	var distributions []string
	if resp.Error = req.Arguments.Get(ctx, &offset, &version, &distributions); resp.Error != nil {
		return
	}
	if err := checkFunctionOffset(offset); err != nil {
		resp.Error = function.NewArgumentFuncError(0, capitalize(err.Error()))
		return
	}
	home, err := versionHome(version)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, capitalize(err.Error()))
		return
	}
	distribution, funcErr := distributionArgument(distributions, 2)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	if home, err = withDistribution(home, distribution); err != nil {
		resp.Error = function.NewArgumentFuncError(2, capitalize(err.Error()))
		return
	}
	resp.Error = resp.Result.Set(ctx, portsValue(home, offset, nil))
}

// The arguments both functions take, read and checked alike.

func offsetParameter(description string) function.Int64Parameter {
	return function.Int64Parameter{Name: "offset", MarkdownDescription: description}
}

func versionParameter(description string) function.StringParameter {
	return function.StringParameter{
		Name:                "version",
		MarkdownDescription: description + " " + capitalize(versionForms) + ": the form `apim_instance_ports` reports as `apim_version`. 2.x is one all-in-one distribution that keeps its offset in carbon.xml; 3.x and 4.x open the ports of their distribution, the WebSub/WebHook ports from 4.0.",
	}
}

// distributionParameter is the optional last argument: Terraform functions
// have no optional parameters, so it is variadic, given at most once.
func distributionParameter(description string) function.StringParameter {
	return function.StringParameter{
		Name: "distribution",
		MarkdownDescription: "Optional, at most one: " + description + ", which decides the ports it opens, one of `" + strings.Join(distributionNames(), "`, `") + "` (default: `" + string(apim.AllInOne) + "`), the values `apim_instance_ports` reports as `distribution`. " +
			"APIM 2.x has only `" + string(apim.AllInOne) + "`. A variadic parameter because Terraform functions have no optional ones: leave it out, or give one value.",
	}
}

// versionForms says which versions the functions take.
const versionForms = `a version major.minor.patch with major 2, 3 or 4, such as "2.1.0", "3.2.0" or "4.2.0"`

// versionHome is the home of an all-in-one instance of version: 2.x keeps
// its offset in carbon.xml (Carbon2), 3.x and 4.x in deployment.toml
// (Deployment3). Only the exact form apim_version takes is accepted, so a
// typo is an error rather than a near version.
func versionHome(version string) (apim.Home, error) {
	v, ok := apim.ParseVersion(version)
	if !ok || v.String() != version || v.Major < 2 || v.Major > 4 {
		return apim.Home{}, fmt.Errorf("expected %s, got %q", versionForms, version)
	}
	h := apim.Home{Generation: apim.Deployment3, Version: v, Distribution: apim.AllInOne}
	if v.Major == 2 {
		h.Generation = apim.Carbon2
	}
	return h, nil
}

// withDistribution is h running distribution.
func withDistribution(h apim.Home, distribution string) (apim.Home, error) {
	d := apim.Distribution(distribution)
	if !slices.Contains(apim.Distributions, d) {
		return apim.Home{}, fmt.Errorf("expected a distribution, one of %s, got %q", quotedList(distributionNames()), distribution)
	}
	if h.Generation == apim.Carbon2 && d != apim.AllInOne {
		return apim.Home{}, fmt.Errorf("APIM %s has only the %q distribution, got %q", h.Version, apim.AllInOne, distribution)
	}
	h.Distribution = d
	return h, nil
}

// distributionArgument is the distribution the variadic arguments at
// position name: all-in-one when none is given.
func distributionArgument(distributions []string, position int64) (string, *function.FuncError) {
	switch len(distributions) {
	case 0:
		return string(apim.AllInOne), nil
	case 1:
		return distributions[0], nil
	default:
		return "", function.NewArgumentFuncError(position+1,
			fmt.Sprintf("At most one distribution may be given, got %d: %s", len(distributions), quotedList(distributions)))
	}
}

// quotedList is "a", "b", "c".
func quotedList(s []string) string {
	quoted := make([]string, len(s))
	for i, v := range s {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(quoted, ", ")
}

// offsetRange says which offsets the functions take.
func offsetRange() string {
	h := apim.Highest()
	return fmt.Sprintf("a whole number from 0 to %d, the largest that keeps the highest port, %s (%d + offset), at or below %d",
		apim.MaxOffset(), h.Name, h.Base, apim.MaxPort)
}

// checkFunctionOffset rejects an offset no instance could use: the rule of
// the offset attribute (offsetValidator). The functions know the shipped
// bases only, and the highest of them opens on every version and
// distribution, so no port of any instance passes 65535 within the range.
func checkFunctionOffset(offset int64) error {
	if offset < 0 || offset > apim.MaxOffset() {
		h := apim.Highest()
		return fmt.Errorf("expected a whole number from 0 to %d, got %d: %d is the largest offset that keeps the highest port, %s (%d + offset), at or below %d",
			apim.MaxOffset(), offset, apim.MaxOffset(), h.Name, h.Base, apim.MaxPort)
	}
	return nil
}
