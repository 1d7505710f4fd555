package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
	"github.com/portoffset/terraform-provider-apim/internal/xmledit"
)

// filePath is a managed file's absolute path under an APIM home.
func filePath(home, rel string) string {
	return path.Join(home, rel)
}

// editFile reads file, lets edit compute the new content and writes it back
// atomically when it changed, all under the file's lock, so two resources
// editing one file in the same run never lose each other's edit. It returns
// the content now in the file.
func editFile(ctx context.Context, t target.Target, file string, edit func(doc []byte) ([]byte, error)) ([]byte, error) {
	unlock := t.Lock(file)
	defer unlock()
	doc, err := t.ReadFile(ctx, file)
	if err != nil {
		return nil, err
	}
	out, err := edit(doc)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(out, doc) {
		tflog.Debug(ctx, "file already right, not written", map[string]any{"host": t.String(), "file": file})
		return doc, nil
	}
	if err := t.WriteFile(ctx, file, out); err != nil {
		return nil, err
	}
	tflog.Info(ctx, "file written", map[string]any{"host": t.String(), "file": file, "bytes": len(out)})
	return out, nil
}

// fileError is the diagnostic for an operation on one file that failed: it
// names the host and the file, says what was found and what to do.
func fileError(summary string, t target.Target, file string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, fmt.Sprintf("On %s, %s: %s\n\n%s", t, file, err, advice(err)))
}

func advice(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "Check that apim_home is the APIM installation directory on that host."
	case errors.Is(err, fs.ErrPermission):
		return "The user Terraform acts as cannot read or write the file. Over SSH, set ssh.sudo = true to reach it through passwordless sudo, or give the login user access."
	case errors.Is(err, xmledit.ErrMalformed), errors.Is(err, xmledit.ErrNotFound), errors.Is(err, xmledit.ErrAmbiguous),
		errors.Is(err, xmledit.ErrNotText), errors.Is(err, xmledit.ErrEncoding), errors.As(err, new(*apim.ValueError)):
		return "The file was left unchanged. Correct it by hand (or restore it from the APIM distribution), then run Terraform again."
	default:
		return "The file was left unchanged. Fix the cause above, then run Terraform again."
	}
}
