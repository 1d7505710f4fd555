package target

import "errors"

// Sentinel errors of every Target, for errors.Is, besides fs.ErrNotExist and
// fs.ErrPermission. Each calls for a different fix, so the provider phrases
// its advice by kind; the error text itself names the host, the path and
// what was found.
var (
	// ErrReplaced: the file was replaced (renamed, deleted, swapped for
	// another file or link) between EditFile's read and its write. Nothing
	// was written; running the edit again reads the new file.
	ErrReplaced = errors.New("the file was replaced while it was being edited")
	// ErrTooLarge: the file is larger than MaxFileSize. Nothing was read.
	ErrTooLarge = errors.New("the file is too large")
	// ErrUnsafePath: an account other than root and the one the provider
	// acts as can change where the path leads, but could not replace the
	// file it leads to (trust.go). Nothing was read or written.
	ErrUnsafePath = errors.New("the path is not safe to follow")
)
