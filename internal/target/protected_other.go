//go:build !linux

package target

// protectedFile explains a refused rename by the file's attributes; only
// Linux exposes them this way.
func protectedFile(string) error { return nil }
