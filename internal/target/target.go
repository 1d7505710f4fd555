// Package target is where configuration files live: the local filesystem or a
// host reached over SSH, behind one small interface.
//
// The provider often writes with more privilege than the account that owns
// the files (root, or root through sudo, editing a home owned by the account
// APIM runs as). Every implementation keeps one rule: the provider never
// gives a less privileged account more than it already has. A path is
// resolved once, one entry at a time, and the resolution is refused when an
// account that could change where it leads could not replace the file it
// leads to (trust.go); after that the file is read and replaced only through
// what was resolved (an open directory, a working directory), never through
// the path again.
package target

import "context"

// MaxFileSize is the largest file ReadFile and EditFile accept. The largest
// real APIM configuration file (carbon.xml) is under 40 KiB; a larger file is
// refused before its content is read, so a huge or sparse file cannot
// exhaust the memory of the machine running Terraform.
const MaxFileSize = 16 << 20

// Target reads and atomically replaces files on one host.
//
// Errors for a missing file satisfy errors.Is(err, fs.ErrNotExist); errors for
// a file the login user may not read or write satisfy
// errors.Is(err, fs.ErrPermission); the other kinds the provider advises on
// are the sentinels in errors.go.
type Target interface {
	// ReadFile returns the content of the regular file at path, following
	// symbolic links under the rule of trust.go. A directory, FIFO, device
	// or socket, and a file larger than MaxFileSize, are errors found
	// before any content is read.
	ReadFile(ctx context.Context, path string) ([]byte, error)

	// ReadFiles reads every path as ReadFile does, at once: on a remote
	// host in one script, so that the files one operation needs cost one
	// round trip of the network, not one each. The results hold
	// one content or one error per path, in order.
	ReadFiles(ctx context.Context, paths []string) ([][]byte, []error)

	// EditFile reads the regular file at path as ReadFile does, passes its
	// content to edit and, when edit returns other bytes, replaces exactly
	// the file it read with them, atomically: the new content goes to a
	// temporary file in the same directory as the file (the link target
	// when path is a symbolic link, so the link stays a link), which is
	// synced, given the original's mode, owner, extended attributes and
	// ACLs (copied from the file that was read, never from a path), and
	// renamed over it. The file is only ever the old or the new content.
	//
	// When the name no longer refers to the file that was read by the
	// time the new content would replace it, nothing is written and the
	// error satisfies errors.Is(err, ErrReplaced). An error from edit is
	// returned as it is, and nothing is written.
	//
	// changed reports whether the file was replaced. A failed write
	// removes its temporary directory; one that cannot (the connection to
	// the host is gone, the process was killed) leaves it to a later
	// write of that file, which removes it once it is a minute old, or at
	// once when it is the leftover of an attempt the same provider process
	// made.
	EditFile(ctx context.Context, path string, edit func(old []byte) ([]byte, error)) (changed bool, err error)

	// Lock serializes edits of one file on this host within the process: it
	// blocks until no other holder has the lock for path and returns the
	// function that releases it.
	Lock(path string) (unlock func())

	// String names the host for diagnostics: "the local host" or
	// "user@host:port".
	String() string
}
