package target

import "context"

// writeAll makes the file at path hold data through EditFile, whatever it
// held: the tests' stand-in for "write this content".
func writeAll(ctx context.Context, tg Target, path string, data []byte) error {
	_, err := tg.EditFile(ctx, path, func([]byte) ([]byte, error) { return data, nil })
	return err
}
