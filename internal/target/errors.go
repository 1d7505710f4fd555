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
	// ErrInterfered: another account renamed something over the private
	// directory EditFile had just made next to the file, before EditFile
	// could enter it. Only an account that controls the directory can,
	// and it could stop the edit in simpler ways (chmod, say), so EditFile
	// does not try again. Nothing was written.
	ErrInterfered = errors.New("another account is interfering with the edit: it renamed something over the private directory " +
		"the provider had just made next to the file, before the provider could enter it; nothing was written")
	// ErrUnsafePath: an account other than root and the one the provider
	// acts as can change where the path leads, but could not replace the
	// file it leads to (trust.go). Nothing was read or written.
	ErrUnsafePath = errors.New("the path is not safe to follow")
)
