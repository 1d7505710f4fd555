package target

import (
	"context"
	"path/filepath"
)

// Local is the Target for files on the machine the provider runs on.
// It has no state; the zero value is ready to use.
//
// Locally the provider usually runs as root, editing a home that belongs to
// the account APIM runs as (wso2). That account can change anything in its
// home at any moment: rename a link over a name the provider is about to
// use, point carbon.xml at /etc/shadow right after the provider read it,
// swap the file for a copy. The provider must never give it more than it
// already has: no write, chmod, chown or open of a file it could not
// already change, whatever it does to the directory meanwhile. So, on Linux
// (local_walk_linux.go, local_edit_linux.go), a path is resolved once, one
// entry at a time through file descriptors, under the rule of trust.go;
// from then on everything goes through the directory and the file that
// were opened, never through the path again: the new content is prepared
// in a directory only the provider can change, its attributes are copied
// from the open original, and it replaces the original only if the name
// still refers to the file that was read. Other systems have no local
// target (local_other.go): they are managed over SSH.
type Local struct{}

// NewLocal returns the Target for the local filesystem.
func NewLocal() Local { return Local{} }

var _ Target = Local{}

// localHostKey identifies the local machine in the process-wide lock table.
// The colon-free word cannot collide with an SSH key of the form
// "ssh:host:port".
const localHostKey = "local"

// String names the host for diagnostics.
func (Local) String() string { return "the local host" }

// Lock serializes edits of path within this process (see lockFile).
//
// The path is made absolute and its symbolic links are resolved when it
// exists, so "conf/deployment.toml", "./conf/deployment.toml" and a symlink to
// the same file all take the same lock; EditFile writes the link target, so
// that is the file that must be serialized. The resolution here only picks
// a key for an in-process mutex: it opens nothing, and EditFile resolves
// the path again, safely, on its own.
func (Local) Lock(path string) (unlock func()) {
	return lockFile(localHostKey, lockKeyPath(path))
}

func lockKeyPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		return resolved
	}
	// A file that does not exist yet (or a dangling link): the lexical path
	// is the best identity there is, and EditFile will refuse it anyway.
	return abs
}

// ReadFile returns the content of the regular file at path, following
// symbolic links under the rule of trust.go. Errors name path; a missing
// file satisfies errors.Is(err, fs.ErrNotExist), a forbidden one
// errors.Is(err, fs.ErrPermission), a file over MaxFileSize ErrTooLarge and a
// path refused by the rule ErrUnsafePath. A directory, FIFO, device or
// socket is refused without being opened for reading.
func (Local) ReadFile(ctx context.Context, path string) ([]byte, error) {
	return localRead(ctx, path)
}

// EditFile reads the file at path as ReadFile does and, when edit returns
// other bytes, replaces exactly that file with them (see Target.EditFile):
// the link target when path is a symbolic link, with the original's owner,
// group, extended attributes (POSIX ACLs, SELinux label, file capabilities,
// user.*) and full mode including setuid, setgid and sticky bits.
//
// Ownership is never changed: if the new file cannot be given the
// original's uid and gid (as non-root, for a file owned by someone else),
// EditFile fails and leaves the file alone, rather than replace it by one
// owned by the login user. The same applies to a mode bit the kernel
// refuses (a non-root caller setting setgid for a group it is not in).
//
// Any error before the replacement leaves the original byte-for-byte as it
// was and no temporary file behind. An error after it (only making it
// durable can fail there) says so: the file already has the new content,
// but the replacement may not survive a power loss.
//
// Hard links to the file are not followed: like every atomic rename, the
// replacement gives path a new inode and other names of the old inode keep
// the old content.
//
// EditFile does not take Lock; callers hold it around the edit.
func (Local) EditFile(ctx context.Context, path string, edit func(old []byte) ([]byte, error)) (changed bool, err error) {
	return localEdit(ctx, path, edit)
}

// writeFault is the fault-injection seam for tests of EditFile: when non-nil
// it is called at each stage in writeStages, and an error it returns is
// handled exactly like an I/O error at that point (temporary file removed,
// original untouched when before the rename). It is nil in production; only
// tests in this package set it. It is a variable rather than a build tag so
// the tested code is the shipped code.
var writeFault func(stage string) error

// The stages at which writeFault is called, in order.
const (
	// The temporary file exists and is empty; nothing has been written.
	stageTempCreated = "after-temp-created"
	// The temporary file holds all data with the original's owner,
	// extended attributes and mode, is synced and closed; the check that
	// the file is still the one read, and the rename, are next.
	stageTempWritten = "after-temp-written"
	// The temporary file has replaced the original; the directory sync
	// that makes the rename durable is next.
	stageRenamed = "after-rename"
)

var writeStages = []string{stageTempCreated, stageTempWritten, stageRenamed}

func injectFault(stage string) error {
	if writeFault == nil {
		return nil
	}
	return writeFault(stage)
}

// ReadFiles reads every path as ReadFile does; locally there is no round
// trip to save, so one after the other.
func (l Local) ReadFiles(ctx context.Context, paths []string) ([][]byte, []error) {
	docs := make([][]byte, len(paths))
	errs := make([]error, len(paths))
	for i, p := range paths {
		docs[i], errs[i] = l.ReadFile(ctx, p)
	}
	return docs, errs
}
