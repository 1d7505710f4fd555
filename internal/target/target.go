// Package target is where configuration files live: the local filesystem or a
// host reached over SSH, behind one small interface.
package target

import "context"

// Target reads and atomically replaces files on one host.
//
// Errors for a missing file satisfy errors.Is(err, fs.ErrNotExist); errors for
// a file the login user may not read or write satisfy
// errors.Is(err, fs.ErrPermission).
type Target interface {
	// ReadFile returns the content of the regular file at path, following
	// symbolic links. A directory or other non-regular file is an error.
	ReadFile(ctx context.Context, path string) ([]byte, error)

	// WriteFile replaces the content of the existing regular file at path with
	// data, atomically: data goes to a temporary file in the same directory as
	// the file (the link target when path is a symbolic link, so the link stays
	// a link), which is synced, given the original's mode, owner, extended
	// attributes and ACLs, and renamed over it. The file is only ever the old
	// or the new content. A failed write removes its temporary file; one
	// that cannot (the connection to the host is gone) leaves it to the next
	// write of that file, which removes it first.
	WriteFile(ctx context.Context, path string, data []byte) error

	// Lock serializes edits of one file on this host within the process: it
	// blocks until no other holder has the lock for path and returns the
	// function that releases it.
	Lock(path string) (unlock func())

	// String names the host for diagnostics: "the local host" or
	// "user@host:port".
	String() string
}
