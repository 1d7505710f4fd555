package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Local is the Target for files on the machine the provider runs on.
// It has no state; the zero value is ready to use.
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
// the same file all take the same lock; WriteFile writes the link target, so
// that is the file that must be serialized.
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
	// is the best identity there is, and WriteFile will refuse it anyway.
	return abs
}

// errIsDirectory is the cause when a path names a directory. A dedicated
// message, because "read /x: is a directory" from the kernel's EISDIR reads
// like a failure to read rather than a wrong path in the configuration.
var errIsDirectory = errors.New("is a directory, not a file")

// notRegularError is the cause for devices, FIFOs and sockets. Reading a FIFO
// would block forever and replacing a device node by a regular file would
// destroy it, so both operations refuse anything but a regular file.
type notRegularError struct{ mode fs.FileMode }

func (e notRegularError) Error() string {
	return fmt.Sprintf("is not a regular file (mode %v)", e.mode)
}

func checkRegular(mode fs.FileMode) error {
	switch {
	case mode.IsRegular():
		return nil
	case mode.IsDir():
		return errIsDirectory
	default:
		return notRegularError{mode.Type()}
	}
}

// bareErr strips the *PathError, *LinkError or *SyscallError that the os
// package wraps around an errno, because our own messages name the path the
// user configured (not a temporary file or a resolved link), and keeping the
// wrapper would print a second, confusing path. The errno stays in the chain,
// so errors.Is(err, fs.ErrNotExist / fs.ErrPermission) keeps working.
func bareErr(err error) error {
	for {
		var pe *fs.PathError
		var le *os.LinkError
		var se *os.SyscallError
		switch {
		case errors.As(err, &pe):
			err = pe.Err
		case errors.As(err, &le):
			err = le.Err
		case errors.As(err, &se):
			err = se.Err
		default:
			return err
		}
	}
}

// ReadFile returns the content of the regular file at path, following symbolic
// links. Errors are *fs.PathError with Op "read" and the given path; a missing
// file satisfies errors.Is(err, fs.ErrNotExist), a forbidden one
// errors.Is(err, fs.ErrPermission).
func (Local) ReadFile(ctx context.Context, path string) ([]byte, error) {
	fail := func(err error) ([]byte, error) {
		return nil, &fs.PathError{Op: "read", Path: path, Err: bareErr(err)}
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	// Stat before opening: open(2) on a FIFO blocks until a writer appears,
	// so a mistyped path must be rejected without opening it.
	info, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if err := checkRegular(info.Mode()); err != nil {
		return fail(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	// Check the opened file as well: the path may have been replaced by
	// something else between Stat and Open.
	info, err = f.Stat()
	if err != nil {
		return fail(err)
	}
	if err := checkRegular(info.Mode()); err != nil {
		return fail(err)
	}
	buf := bytes.NewBuffer(make([]byte, 0, int(info.Size())+512))
	if _, err := io.Copy(buf, f); err != nil {
		return fail(err)
	}
	return buf.Bytes(), nil
}

// writeFault is the fault-injection seam for tests of WriteFile: when non-nil
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
	// extended attributes and mode, is synced and closed; the rename is
	// next.
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

// removeStaleTemps deletes leftovers of earlier, crashed writes of the file
// base in dir. It is deliberately narrow, so it can never delete anything
// else: only regular files (not links) whose name is exactly
// tempPrefix(base) followed by the decimal digits os.CreateTemp appends
// (isTempName, shared with the SSH paths), and only when not modified for
// staleTempAge. It does not check whether another process has the file open
// (that would mean scanning /proc); if another
// process were still busy with such an old temporary file, removing it makes
// that process's rename fail, which leaves the original intact. Errors are
// ignored: cleanup must never stop a write.
func removeStaleTemps(dir, base string, now time.Time) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, name := range names {
		if !isTempName(name, base) {
			continue
		}
		p := filepath.Join(dir, name)
		info, err := os.Lstat(p)
		if err != nil || !info.Mode().IsRegular() || now.Sub(info.ModTime()) < staleTempAge {
			continue
		}
		_ = os.Remove(p)
	}
}

// WriteFile replaces the content of the existing regular file at path with
// data, atomically.
//
// Symbolic links are resolved first, so a linked configuration file stays a
// link and its target gets the new content. The data goes to a temporary file
// in the target's directory, which gets the original's owner and group, its
// extended attributes (POSIX ACLs, SELinux label, file capabilities, user.*)
// and its full mode including setuid, setgid and sticky bits; the result is
// verified, synced, renamed over the original, and the directory is synced.
//
// Ownership is never changed: if the temporary file cannot be given the
// original's uid and gid (as non-root, for a file owned by someone else),
// WriteFile fails and leaves the file alone, rather than replace it by one
// owned by the login user. The same applies to a mode bit the kernel refuses
// (a non-root caller setting setgid for a group it is not in).
//
// Any error before the rename leaves the original byte-for-byte as it was and
// no temporary file behind. An error after the rename (only the directory
// sync can fail there) says so: the file already has the new content, but
// the replacement may not survive a power loss.
//
// Hard links to the file are not followed: like every atomic rename, the
// replacement gives path a new inode and other names of the old inode keep
// the old content.
//
// WriteFile does not take Lock; callers hold it around read-modify-write.
func (Local) WriteFile(ctx context.Context, path string, data []byte) error {
	fail := func(step string, err error) error {
		return fmt.Errorf("write %s: %s: %w", path, step, bareErr(err))
	}
	if err := ctx.Err(); err != nil {
		return fail("not started", err)
	}

	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		// A missing file or a dangling link: wrap the errno so that
		// errors.Is(err, fs.ErrNotExist) holds. WriteFile only replaces,
		// it never creates.
		return &fs.PathError{Op: "write", Path: path, Err: bareErr(err)}
	}
	orig, err := os.Lstat(resolved)
	if err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: bareErr(err)}
	}
	if err := checkRegular(orig.Mode()); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: err}
	}
	ost, ok := orig.Sys().(*syscall.Stat_t)
	if !ok {
		return fail("stat", fmt.Errorf("no ownership information for %s", resolved))
	}
	wantMode := ost.Mode & 0o7777
	wantUID, wantGID := int(ost.Uid), int(ost.Gid)

	dir, base := filepath.Dir(resolved), filepath.Base(resolved)
	removeStaleTemps(dir, base, time.Now())

	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return fail(fmt.Sprintf("cannot create a temporary file in %s (the directory must be writable to replace the file atomically)", dir), err)
	}
	tmpName := tmp.Name()
	renamed := false
	defer func() {
		if !renamed {
			// Close may already have happened; a second Close only
			// returns ErrClosed. Remove is what matters.
			tmp.Close()
			os.Remove(tmpName)
		}
	}()

	if err := injectFault(stageTempCreated); err != nil {
		return fail(stageTempCreated, err)
	}
	// (*os.File).Write loops until all bytes are written or an error
	// (ENOSPC, EDQUOT, EIO) occurs.
	if _, err := tmp.Write(data); err != nil {
		return fail("writing the temporary file "+tmpName, err)
	}
	// Owner first: chown(2) clears setuid/setgid and file capabilities, so
	// attributes and mode come after it.
	if err := copyOwner(tmp, wantUID, wantGID); err != nil {
		return fail(fmt.Sprintf("cannot give the new file the original's owner %d:%d (refusing to change ownership)", wantUID, wantGID), err)
	}
	if err := copyXattrs(resolved, tmp); err != nil {
		return fail("copying extended attributes", err)
	}
	// Mode last: setting a POSIX ACL rewrites the group bits and chmod
	// rewrites the ACL mask from them; the original's mode and mask agree,
	// so ending with chmod leaves both as in the original.
	if err := unix.Fchmod(int(tmp.Fd()), wantMode); err != nil {
		return fail(fmt.Sprintf("setting mode %04o", wantMode), err)
	}
	// Verify instead of trusting: the kernel silently drops setgid when a
	// non-root caller is not in the file's group.
	var tst unix.Stat_t
	if err := unix.Fstat(int(tmp.Fd()), &tst); err != nil {
		return fail("checking the temporary file", err)
	}
	if int(tst.Uid) != wantUID || int(tst.Gid) != wantGID || tst.Mode&0o7777 != wantMode {
		return fail("checking the temporary file", fmt.Errorf(
			"it has owner %d:%d mode %04o instead of the original's %d:%d mode %04o",
			tst.Uid, tst.Gid, tst.Mode&0o7777, wantUID, wantGID, wantMode))
	}
	// Data and metadata must be on disk before the rename makes them
	// visible under the real name, or a crash could leave an empty file.
	if err := tmp.Sync(); err != nil {
		return fail("syncing the temporary file", err)
	}
	if err := tmp.Close(); err != nil {
		return fail("closing the temporary file", err)
	}
	if err := injectFault(stageTempWritten); err != nil {
		return fail(stageTempWritten, err)
	}
	if err := ctx.Err(); err != nil {
		return fail("cancelled before replacing the file", err)
	}
	if err := os.Rename(tmpName, resolved); err != nil {
		if errors.Is(err, unix.EPERM) {
			if perr := protectedFile(resolved); perr != nil {
				err = perr
			}
		}
		return fail("replacing the file", err)
	}
	renamed = true

	afterRename := func(err error) error {
		return fmt.Errorf("write %s: the file has the new content, but the replacement may not be durable: %w", path, bareErr(err))
	}
	if err := injectFault(stageRenamed); err != nil {
		return afterRename(err)
	}
	if err := syncDir(dir); err != nil {
		return afterRename(fmt.Errorf("syncing directory %s: %w", dir, bareErr(err)))
	}
	return nil
}

// copyOwner gives f the wanted owner and group when it does not have them
// already. Skipping the call when they match lets a non-root user write a file
// it owns without needing CAP_CHOWN; when they differ and the caller may not
// chown, the error stops the write.
func copyOwner(f *os.File, uid, gid int) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	if int(st.Uid) == uid && int(st.Gid) == gid {
		return nil
	}
	return unix.Fchown(int(f.Fd()), uid, gid)
}

// isNotSupported reports a filesystem without extended attributes (or
// without this namespace).
func isNotSupported(err error) bool {
	return errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP)
}

// copyXattrs makes dst's extended attributes equal to src's: it sets every
// attribute src has (skipping those dst already has with the same value, so
// an unprivileged caller is not stopped by an SELinux label the new file
// already got by default) and removes attributes dst has that src lacks (a
// default ACL on the directory gives a new file an access ACL the original
// may not have). Attributes the caller cannot see (trusted.* as non-root)
// are not listed by the kernel and so are not copied.
func copyXattrs(src string, dst *os.File) error {
	fd := int(dst.Fd())
	srcNames, err := xattrNames(func(b []byte) (int, error) { return unix.Listxattr(src, b) })
	if isNotSupported(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("listing attributes of %s: %w", src, err)
	}
	dstNames, err := xattrNames(func(b []byte) (int, error) { return unix.Flistxattr(fd, b) })
	if isNotSupported(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("listing attributes of the temporary file: %w", err)
	}

	want := make(map[string][]byte, len(srcNames))
	for _, name := range srcNames {
		v, err := xattrBytes(func(b []byte) (int, error) { return unix.Getxattr(src, name, b) })
		if errors.Is(err, unix.ENODATA) || isNotSupported(err) {
			continue // removed since listing, or a namespace we cannot read
		}
		if err != nil {
			return fmt.Errorf("reading attribute %s of %s: %w", name, src, err)
		}
		want[name] = v
	}
	for _, name := range dstNames {
		if _, ok := want[name]; ok {
			continue
		}
		err := unix.Fremovexattr(fd, name)
		if err != nil && !errors.Is(err, unix.ENODATA) && !isNotSupported(err) {
			return fmt.Errorf("removing attribute %s the original does not have: %w", name, err)
		}
	}
	for _, name := range srcNames {
		v, ok := want[name]
		if !ok {
			continue
		}
		cur, err := xattrBytes(func(b []byte) (int, error) { return unix.Fgetxattr(fd, name, b) })
		if err == nil && bytes.Equal(cur, v) {
			continue
		}
		if err := unix.Fsetxattr(fd, name, v, 0); err != nil && !isNotSupported(err) {
			return fmt.Errorf("setting attribute %s: %w", name, err)
		}
	}
	return nil
}

// xattrBytes runs the size-query-then-read protocol of getxattr/listxattr,
// retrying when the value grew between the two calls (ERANGE).
func xattrBytes(get func([]byte) (int, error)) ([]byte, error) {
	for range 8 {
		n, err := get(nil)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return []byte{}, nil
		}
		buf := make([]byte, n)
		n, err = get(buf)
		if errors.Is(err, unix.ERANGE) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return buf[:n], nil
	}
	return nil, unix.ERANGE
}

func xattrNames(list func([]byte) (int, error)) ([]string, error) {
	b, err := xattrBytes(list)
	if err != nil {
		return nil, err
	}
	var names []string
	for name := range strings.SplitSeq(string(b), "\x00") {
		if name != "" {
			names = append(names, name)
		}
	}
	return names, nil
}

// syncDir makes a rename in dir durable. Filesystems that cannot sync a
// directory (EINVAL) have nothing to sync.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, unix.EINVAL) && !isNotSupported(err) {
		return err
	}
	return nil
}

// EditFile is a stub until the fd-based rewrite lands.
func (l Local) EditFile(ctx context.Context, path string, edit func([]byte) ([]byte, error)) (bool, error) {
	old, err := l.ReadFile(ctx, path)
	if err != nil {
		return false, err
	}
	out, err := edit(old)
	if err != nil || bytes.Equal(out, old) {
		return false, err
	}
	return true, l.WriteFile(ctx, path, out)
}
