package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// The lifecycle every managed value goes through, written once: record
// the original the first time the file is seen (recordSetting), set it in
// the resource's edit, read it back in Read, and on destroy put the
// original bytes back (restoreSetting).

// recordSetting keeps s's original as doc holds it, unless one is kept
// already: the first one recorded is the one destroy restores.
func recordSetting(ctx context.Context, p privateState, s apim.Setting, doc []byte) error {
	return recordOriginal(ctx, p, s.Name(), doc, s.Original)
}

// restoreSetting puts s back in file as its kept original records it, and
// does nothing, without opening the file, when none is kept or the one kept
// recorded nothing to put back. An error leaveAlone accepts (the file is
// gone, or no longer holds the setting) is not reported.
func restoreSetting(ctx context.Context, t target.Target, p privateState, file string, s apim.Setting, summary string, leaveAlone func(error) bool) diag.Diagnostics {
	var orig json.RawMessage
	kept, diags := loadOriginal(ctx, p, s.Name(), &orig)
	if !kept || diags.HasError() {
		return diags
	}
	if o, ok := s.(apim.OptionalSetting); ok && !o.Restores(orig) {
		return diags
	}
	err := editFile(ctx, t, file, func(doc []byte) ([]byte, error) { return s.Restore(doc, orig) })
	if err != nil && !leaveAlone(err) {
		diags.Append(fileError(summary, t, file, err))
	}
	return diags
}
