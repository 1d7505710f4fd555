package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Replacing a file through what was resolved.
//
// The new content must be prepared under some name in the file's
// directory, so that a rename can put it in place atomically. A name in a
// directory another account can change is theirs to swap for a link at any
// moment, and every later use of that name (open, chown, chmod, setxattr)
// would then act on whatever the link points at. So EditFile first makes a
// private directory there (mode 0700, owned by the provider, named like the
// temporary files of earlier versions, see tempname.go), enters it without
// following links, and checks it is its own: nobody else can create, rename
// or replace anything inside it, so the temporary file "new" in it is safe
// to use by name. The new file gets its owner, attributes and mode from the
// original through the descriptor it was read from; just before the rename
// the name of the file must still refer to that file (the same device and
// inode), or nothing is written and the edit fails with ErrReplaced. The
// rename itself goes from the private directory to the pinned directory of
// the file: if the directory's owner put something else under the file's
// name in the instant since that check, the rename replaces it, which is
// harmless, as that name is theirs to change anyway.

// newFileName is the temporary file's name in the private directory.
const newFileName = "new"

func localEdit(ctx context.Context, path string, edit func([]byte) ([]byte, error)) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("edit %s: not started: %w", path, err)
	}
	writer := uint32(os.Geteuid())
	f, err := walkLocal("edit", path, writer)
	if err != nil {
		return false, err
	}
	defer f.close()
	orig, old, err := f.readPinned()
	if err != nil {
		return false, walkError("edit", path, f.resolved(), err)
	}
	defer unix.Close(orig)
	data, err := edit(old)
	if err != nil {
		return false, err
	}
	if bytes.Equal(data, old) {
		return false, nil
	}
	if len(data) > MaxFileSize {
		return false, fmt.Errorf("edit %s: %w: the new content would have %d bytes, more than the %d bytes (16 MiB) the provider reads of a configuration file; nothing was written",
			path, ErrTooLarge, len(data), MaxFileSize)
	}
	w := localWrite{path: path, f: f, orig: orig, writer: writer}
	return w.replace(ctx, data)
}

// localWrite is one replacement of the file f, read through orig.
type localWrite struct {
	path   string // as configured, for messages
	f      *localFile
	orig   int // the original, open for reading
	writer uint32
}

func (w *localWrite) fail(step string, err error) error {
	return fmt.Errorf("edit %s: %s: %w", w.path, step, err)
}

func (w *localWrite) replace(ctx context.Context, data []byte) (changed bool, err error) {
	f := w.f
	sweepStaleTemps(f.dir, f.base, w.writer, time.Now())

	priv, name, err := makePrivateDir(f.dir, f.base, w.writer)
	if errors.Is(err, ErrInterfered) {
		return false, w.fail("preparing the new file in "+quoteForMessage(f.dirRes), err)
	}
	if err != nil {
		return false, w.fail(fmt.Sprintf("cannot create a temporary file in %s (the directory must be writable to replace the file atomically)",
			quoteForMessage(f.dirRes)), err)
	}
	tmpPath := quoteForMessage(joinPath(joinPath(f.dirRes, name), newFileName))
	created, renamed := false, false
	defer func() {
		if created && !renamed {
			_ = unix.Unlinkat(priv, newFileName, 0)
		}
		removePrivateDir(f.dir, name, priv)
		unix.Close(priv)
	}()

	tmp, err := unix.Openat(priv, newFileName, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return false, w.fail("creating the temporary file "+tmpPath, err)
	}
	created = true
	tmpOpen := true
	defer func() {
		if tmpOpen {
			unix.Close(tmp)
		}
	}()
	if err := injectFault(stageTempCreated); err != nil {
		return false, w.fail(stageTempCreated, err)
	}
	if err := writeFull(tmp, data); err != nil {
		return false, w.fail("writing the temporary file "+tmpPath, err)
	}
	if err := w.copyAttrs(tmp); err != nil {
		return false, err
	}
	// Data and metadata must be on disk before the rename makes them
	// visible under the real name, or a crash could leave an empty file.
	if err := unix.Fsync(tmp); err != nil {
		return false, w.fail("syncing the temporary file "+tmpPath, err)
	}
	tmpOpen = false
	if err := unix.Close(tmp); err != nil {
		return false, w.fail("closing the temporary file "+tmpPath, err)
	}
	if err := injectFault(stageTempWritten); err != nil {
		return false, w.fail(stageTempWritten, err)
	}
	if err := ctx.Err(); err != nil {
		return false, w.fail("cancelled before replacing the file", err)
	}
	if err := w.stillTheFileRead(); err != nil {
		return false, err
	}
	if err := unix.Renameat(priv, newFileName, f.dir, f.base); err != nil {
		if errors.Is(err, unix.EPERM) {
			if perr := protectedFile(w.orig); perr != nil {
				err = perr
			}
		}
		return false, w.fail("replacing the file", err)
	}
	renamed = true

	afterRename := func(err error) error {
		return fmt.Errorf("edit %s: the file has the new content, but the replacement may not be durable: %w", w.path, err)
	}
	if err := injectFault(stageRenamed); err != nil {
		return true, afterRename(err)
	}
	if err := syncDirFD(f.dir); err != nil {
		return true, afterRename(fmt.Errorf("syncing directory %s: %w", quoteForMessage(f.dirRes), err))
	}
	return true, nil
}

// copyAttrs gives the temporary file tmp the original's owner, extended
// attributes and mode, read from the open original, and verifies them.
func (w *localWrite) copyAttrs(tmp int) error {
	st := &w.f.st
	wantMode := st.Mode & 0o7777
	// Owner first: chown(2) clears setuid/setgid and file capabilities, so
	// attributes and mode come after it.
	if err := copyOwner(tmp, st.Uid, st.Gid); err != nil {
		return w.fail(fmt.Sprintf("cannot give the new file the original's owner %d:%d (refusing to change ownership)", st.Uid, st.Gid), err)
	}
	if err := copyXattrs(w.orig, tmp); err != nil {
		return w.fail("copying extended attributes", err)
	}
	// Mode last: setting a POSIX ACL rewrites the group bits and chmod
	// rewrites the ACL mask from them; the original's mode and mask agree,
	// so ending with chmod leaves both as in the original.
	if err := unix.Fchmod(tmp, wantMode); err != nil {
		return w.fail(fmt.Sprintf("setting mode %04o", wantMode), err)
	}
	// Verify instead of trusting: the kernel silently drops setgid when a
	// non-root caller is not in the file's group.
	var got unix.Stat_t
	if err := unix.Fstat(tmp, &got); err != nil {
		return w.fail("checking the temporary file", err)
	}
	if got.Uid != st.Uid || got.Gid != st.Gid || got.Mode&0o7777 != wantMode {
		return w.fail("checking the temporary file", fmt.Errorf(
			"it has owner %d:%d mode %04o instead of the original's %d:%d mode %04o",
			got.Uid, got.Gid, got.Mode&0o7777, st.Uid, st.Gid, wantMode))
	}
	return nil
}

// stillTheFileRead checks that the file's name in its pinned directory
// still refers to the file that was read; ErrReplaced otherwise.
func (w *localWrite) stillTheFileRead() error {
	var st unix.Stat_t
	err := unix.Fstatat(w.f.dir, w.f.base, &st, unix.AT_SYMLINK_NOFOLLOW)
	var now string
	switch {
	case errors.Is(err, unix.ENOENT):
		now = "no longer exists"
	case err != nil:
		return w.fail("checking that the file is still the one read", err)
	case st.Dev == w.f.st.Dev && st.Ino == w.f.st.Ino:
		return nil
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		now = "is now a symbolic link"
	default:
		now = "is now another file"
	}
	return fmt.Errorf("edit %s: %w: %s %s; nothing was written. Run the edit again to edit the file as it is now",
		w.path, ErrReplaced, quoteForMessage(w.f.resolved()), now)
}

// makePrivateDir makes and enters a new private directory for the file base
// in dir and returns its descriptor and name.
func makePrivateDir(dir int, base string, writer uint32) (int, string, error) {
	name := tempPrefix(base) + newTempSuffix()
	if err := unix.Mkdirat(dir, name, 0o700); err != nil {
		return -1, "", err
	}
	fd, err := unix.Openat(dir, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	switch {
	case errors.Is(err, unix.ELOOP), errors.Is(err, unix.ENOTDIR), errors.Is(err, unix.ENOENT):
		// A link or a file was renamed over the name, or ours moved
		// away; whatever has the name now is not ours to remove.
		return -1, "", ErrInterfered
	case err != nil:
		_ = unix.Unlinkat(dir, name, unix.AT_REMOVEDIR)
		return -1, "", err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, "", err
	}
	if !isPrivateDir(&st, writer) {
		// Another account's directory, renamed over ours.
		unix.Close(fd)
		return -1, "", ErrInterfered
	}
	return fd, name, nil
}

// isPrivateDir reports whether st is a directory only writer can change:
// its own, mode 0700. A directory another account made, or one made with a
// mode that lets others in, is not.
func isPrivateDir(st *unix.Stat_t, writer uint32) bool {
	return st.Mode&unix.S_IFMT == unix.S_IFDIR && st.Uid == writer && st.Mode&0o7777 == 0o700
}

// removePrivateDir removes the private directory name from dir if it still
// is the one open as priv (it is empty by then); if another account moved it
// meanwhile, whatever has the name now is left alone.
func removePrivateDir(dir int, name string, priv int) {
	var a, b unix.Stat_t
	if unix.Fstat(priv, &a) != nil || unix.Fstatat(dir, name, &b, unix.AT_SYMLINK_NOFOLLOW) != nil ||
		a.Dev != b.Dev || a.Ino != b.Ino {
		return
	}
	_ = unix.Unlinkat(dir, name, unix.AT_REMOVEDIR)
}

func writeFull(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// copyOwner gives fd the wanted owner and group when it does not have them
// already. Skipping the call when they match lets a non-root user write a file
// it owns without needing CAP_CHOWN; when they differ and the caller may not
// chown, the error stops the write.
func copyOwner(fd int, uid, gid uint32) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Uid == uid && st.Gid == gid {
		return nil
	}
	return unix.Fchown(fd, int(uid), int(gid))
}

// isNotSupported reports a filesystem without extended attributes (or
// without this namespace).
func isNotSupported(err error) bool {
	return errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP)
}

// copyXattrs makes dst's extended attributes equal to src's, both open
// files: it sets every attribute src has (skipping those dst already has
// with the same value, so an unprivileged caller is not stopped by an
// SELinux label the new file already got by default) and removes attributes
// dst has that src lacks (a default ACL on the directory gives a new file an
// access ACL the original may not have). Attributes the caller cannot see
// (trusted.* as non-root) are not listed by the kernel and so are not
// copied.
func copyXattrs(src, dst int) error {
	srcNames, err := xattrNames(func(b []byte) (int, error) { return unix.Flistxattr(src, b) })
	if isNotSupported(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("listing attributes of the original: %w", err)
	}
	dstNames, err := xattrNames(func(b []byte) (int, error) { return unix.Flistxattr(dst, b) })
	if isNotSupported(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("listing attributes of the temporary file: %w", err)
	}

	want := make(map[string][]byte, len(srcNames))
	for _, name := range srcNames {
		v, err := xattrBytes(func(b []byte) (int, error) { return unix.Fgetxattr(src, name, b) })
		if errors.Is(err, unix.ENODATA) || isNotSupported(err) {
			continue // removed since listing, or a namespace we cannot read
		}
		if err != nil {
			return fmt.Errorf("reading attribute %s of the original: %w", name, err)
		}
		want[name] = v
	}
	for _, name := range dstNames {
		if _, ok := want[name]; ok {
			continue
		}
		err := unix.Fremovexattr(dst, name)
		if err != nil && !errors.Is(err, unix.ENODATA) && !isNotSupported(err) {
			return fmt.Errorf("removing attribute %s the original does not have: %w", name, err)
		}
	}
	for _, name := range srcNames {
		v, ok := want[name]
		if !ok {
			continue
		}
		cur, err := xattrBytes(func(b []byte) (int, error) { return unix.Fgetxattr(dst, name, b) })
		if err == nil && bytes.Equal(cur, v) {
			continue
		}
		if err := unix.Fsetxattr(dst, name, v, 0); err != nil && !isNotSupported(err) {
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

// syncDirFD makes a rename in the pinned directory dir durable. A
// directory the provider cannot open for reading cannot be synced by it,
// and filesystems that cannot sync a directory (EINVAL) have nothing to
// sync: both are skipped.
func syncDirFD(dir int) error {
	fd, err := unix.Openat(dir, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil //nolint:nilerr // as documented: nothing the provider may sync
	}
	defer unix.Close(fd)
	if err := unix.Fsync(fd); err != nil && !errors.Is(err, unix.EINVAL) && !isNotSupported(err) {
		return err
	}
	return nil
}

// sweepStaleTemps removes what crashed writes of the file base left in the
// pinned directory dir: entries named tempPrefix(base) followed by digits
// (isTempName, shared with the SSH paths), unmodified for staleTempAge, that
// are either regular files (the temporary files of earlier versions) or
// private directories of writer (isPrivateDir), which are entered without
// following links and emptied of the two names the provider uses in them
// ("orig" of the SSH scripts, "new") before they are removed. Nothing else
// is ever removed and no link is followed. It does not check whether another
// process still uses such an old entry (that would mean scanning /proc); if
// one were, removing its files makes its rename fail, which leaves the
// original intact. Errors are ignored: cleanup must never stop a write.
func sweepStaleTemps(dir int, base string, writer uint32, now time.Time) {
	rd, err := unix.Openat(dir, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	d := os.NewFile(uintptr(rd), ".")
	names, _ := d.Readdirnames(-1)
	d.Close()
	stale := func(st *unix.Stat_t) bool {
		return now.Sub(time.Unix(st.Mtim.Unix())) >= staleTempAge
	}
	for _, name := range names {
		if !isTempName(name, base) {
			continue
		}
		var st unix.Stat_t
		if unix.Fstatat(dir, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || !stale(&st) {
			continue
		}
		switch {
		case st.Mode&unix.S_IFMT == unix.S_IFREG:
			_ = unix.Unlinkat(dir, name, 0)
		case isPrivateDir(&st, writer):
			fd, err := unix.Openat(dir, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err != nil {
				continue
			}
			// Check what was entered, not what was looked at: the name
			// may have been given to another directory since.
			if unix.Fstat(fd, &st) == nil && isPrivateDir(&st, writer) && stale(&st) {
				for _, n := range []string{"orig", newFileName} {
					_ = unix.Unlinkat(fd, n, 0)
				}
				removePrivateDir(dir, name, fd)
			}
			unix.Close(fd)
		}
	}
}
