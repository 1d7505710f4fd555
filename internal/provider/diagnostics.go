package provider

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/propedit"
	"github.com/portoffset/terraform-provider-apim/internal/target"
	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// The diagnostics the resources share: each has a short summary and a
// detail that names the host and the file, says what was found and what to
// do, and claims only what is true.

// fileError is the diagnostic for an operation on one file that failed: it
// names the host and the file, says what was found and what to do. Errors
// from the target usually name both already; they are not said twice.
func fileError(summary string, t target.Target, file string, err error) diag.Diagnostic {
	detail := err.Error()
	if !strings.Contains(detail, file) {
		detail = file + ": " + detail
	}
	if !strings.Contains(detail, t.String()) {
		detail = "On " + t.String() + ", " + detail
	}
	return diag.NewErrorDiagnostic(summary, detail+"\n\n"+advice(err))
}

// duplicateError is the diagnostic for a second resource writing an
// instance that another resource of the same type manages.
func duplicateError(resourceType, id string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Instance Managed Twice",
		fmt.Sprintf("Another %s in this configuration already manages %s. Two resources setting the same values in the same file would undo each other's edit on every apply; keep exactly one %s per instance. The file holds the other resource's values.", resourceType, id, resourceType))
}

func advice(err error) string {
	switch {
	case errors.As(err, new(*unitMissing)):
		return "Check systemd_unit: it must be the path of the unit's file on that host, which `systemctl show -p FragmentPath <unit>` prints."
	case errors.Is(err, fs.ErrNotExist):
		return "Check that apim_home is the APIM installation directory on that host."
	case errors.Is(err, apim.ErrProfileOptimized):
		return "Nothing was written. Start the instance without --optimize, or with --skipConfigOptimization, so that deployment.toml stays as it is; set the instance's other settings again in deployment.toml if the profile template dropped them; then move deployment.toml.backup out of repository/conf and run Terraform again."
	case errors.Is(err, target.ErrReplaced):
		return "Nothing was written. Something replaced the file while the provider was editing it: another tool, an operator, or the account that owns the directory. Find out what did, then run Terraform again."
	case errors.Is(err, target.ErrInterfered):
		return "Nothing was written. A process that may write the file's directory, most likely running as the account that owns it, moved the provider's temporary directory away while the provider worked; find it before running Terraform again."
	case errors.Is(err, target.ErrUnsafePath):
		return "Nothing was read or written. The provider does not follow a path that a less privileged account can redirect to a file that account could not change itself, because it writes with more privilege than that account; see \"Privilege safety\" in the provider's documentation."
	case errors.Is(err, target.ErrTooLarge):
		return fmt.Sprintf("Nothing was read or written. No APIM configuration file comes near %d MiB: check that apim_home is the APIM installation directory and that the file is the one APIM ships.", target.MaxFileSize>>20)
	case errors.Is(err, fs.ErrPermission):
		return "The user Terraform acts as cannot read or write the file. Over SSH, set ssh.sudo = true to reach it through passwordless sudo, or give the login user access."
	case errors.Is(err, xmledit.ErrMalformed), errors.Is(err, xmledit.ErrNotFound), errors.Is(err, xmledit.ErrAmbiguous),
		errors.Is(err, xmledit.ErrNotText), errors.Is(err, xmledit.ErrEncoding), errors.As(err, new(*apim.ValueError)),
		errors.As(err, new(*propedit.Error)):
		return "The file was left unchanged. Correct it by hand (or restore it from the APIM distribution), then run Terraform again."
	default:
		return "The file was left unchanged. Fix the cause above, then run Terraform again."
	}
}

// diagSummary flattens diagnostics into one error text.
func diagSummary(d diag.Diagnostics) string {
	var parts []string
	for _, e := range d.Errors() {
		parts = append(parts, e.Summary()+": "+e.Detail())
	}
	return strings.Join(parts, "; ")
}

// capitalize starts an error text (Go style, lower case) as a sentence.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
