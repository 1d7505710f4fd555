package target_test

import (
	"context"

	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// writeAll makes the file at path hold data through EditFile, whatever it
// held: the tests' stand-in for "write this content".
func writeAll(ctx context.Context, tg target.Target, path string, data []byte) error {
	_, err := tg.EditFile(ctx, path, func([]byte) ([]byte, error) { return data, nil })
	return err
}
