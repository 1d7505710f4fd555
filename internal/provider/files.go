package provider

import (
	"context"
	"errors"
	"io/fs"
	"path"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// filePath is a managed file's absolute path under an APIM home.
func filePath(home, rel string) string {
	return path.Join(home, rel)
}

// isNotExist reports an error that says the file is not there.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// editFile lets edit compute the new content of file and has the target
// replace exactly the file it read when the content changed, all under the
// file's lock, so two resources editing one file in the same run never lose
// each other's edit.
func editFile(ctx context.Context, t target.Target, file string, edit func(doc []byte) ([]byte, error)) error {
	unlock := t.Lock(file)
	defer unlock()
	changed, err := t.EditFile(ctx, file, edit)
	if err != nil {
		return err
	}
	if !changed {
		tflog.Debug(ctx, "file already right, not written", map[string]any{"host": t.String(), "file": file})
		return nil
	}
	tflog.Info(ctx, "file written", map[string]any{"host": t.String(), "file": file})
	return nil
}
