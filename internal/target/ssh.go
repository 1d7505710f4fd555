package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/pkg/sftp"
)

// sshTarget is a host reached over SSH, made by Pool.Target. Without Sudo it
// works through the connection's SFTP client as the login user; with Sudo
// through "sudo -n" shell commands (ssh_sudo.go).
type sshTarget struct {
	cfg   SSHConfig // normalized
	entry *poolEntry
}

var _ Target = (*sshTarget)(nil)

// String is "user@host:port".
func (t *sshTarget) String() string { return t.cfg.display() }

// Lock serializes edits of path on this host within the process. The key is
// the host, not the login: two logins editing the same file must wait for
// each other too. Symbolic links are not resolved (that would need a round
// trip and Lock cannot fail); resources name files by their real path.
func (t *sshTarget) Lock(p string) (unlock func()) {
	return lockFile("ssh:"+t.cfg.addr(), p)
}

// ReadFile returns the content of the regular file at p, following symbolic
// links.
func (t *sshTarget) ReadFile(ctx context.Context, p string) ([]byte, error) {
	var data []byte
	err := t.do(ctx, "read", p, func(c *sshConn) error {
		var err error
		if t.cfg.Sudo {
			data, err = t.sudoRead(c, p)
		} else {
			data, err = t.sftpRead(c, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return data, nil
}

// WriteFile atomically replaces the regular file at p (the link target when p
// is a symbolic link) with data, keeping its owner, group, mode, POSIX ACL
// and extended attributes (ssh_attrs.go).
func (t *sshTarget) WriteFile(ctx context.Context, p string, data []byte) error {
	// stale names the temporary file of an attempt, from before the file
	// may exist until the attempt has removed or renamed it: its path on
	// the SFTP path, its DIGITS (tempname.go) on the sudo path, where the
	// directory is only known on the host. When the connection breaks
	// mid-write, the file stays behind; stale then goes to the host's
	// orphans, which the retry on the new connection (or, if that breaks
	// too, the next write on the host) removes.
	var stale string
	adopt := func() {
		if stale == "" {
			return
		}
		o := orphanTemp{sudo: t.cfg.Sudo, path: stale}
		if t.cfg.Sudo {
			o.path, o.suffix = p, stale
		}
		t.entry.addOrphan(o)
		stale = ""
	}
	err := t.do(ctx, "write", p, func(c *sshConn) error {
		adopt()
		t.removeOrphans(c)
		if t.cfg.Sudo {
			return t.sudoWrite(c, p, data, &stale)
		}
		return t.sftpWrite(c, p, data, &stale)
	})
	adopt()
	return err
}

// removeOrphans removes the temporary files that earlier attempts left on
// this host when their connection broke. One whose removal got no answer
// (the connection broke again) stays on the list; one the host refused to
// remove is left to the age-based sweep.
func (t *sshTarget) removeOrphans(c *sshConn) {
	for _, o := range t.entry.takeOrphans(t.cfg.Sudo) {
		var err error
		if o.sudo {
			_, err = t.shell(c, "write", o.path, sudoRemoveTempScript, o.path, o.suffix)
		} else {
			var sc *sftp.Client
			if sc, err = c.sftpClient(); err == nil {
				err = sc.Remove(o.path)
			}
		}
		if !hostAnswered(err) {
			t.entry.addOrphan(o)
		}
	}
}

// hostAnswered reports whether err (from a script or an SFTP request) is
// the host's answer, as opposed to a session or connection that failed
// before one came.
func hostAnswered(err error) bool {
	var se *sshError
	var st *sftp.StatusError
	return err == nil || errors.As(err, &se) || errors.As(err, &st) ||
		errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission)
}

// do runs op on the connection within Timeout. When op fails because the
// connection died (the server restarted, a NAT forgot us) it reconnects once
// and runs op once more; file errors and timeouts are not retried.
func (t *sshTarget) do(ctx context.Context, opName, p string, op func(*sshConn) error) error {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()

	c, err := t.entry.get()
	if err != nil {
		return withOp(err, opName, p, t.String())
	}
	err = t.run(ctx, c, op)
	if err != nil && ctx.Err() == nil && t.connectionLost(c, err) {
		if c, err = t.entry.reconnect(c); err != nil {
			return withOp(err, opName, p, t.String())
		}
		err = t.run(ctx, c, op)
		if err != nil && ctx.Err() == nil && t.connectionLost(c, err) {
			return &sshError{op: opName, path: p, target: t.String(), kind: ErrUnreachable,
				detail: "the connection broke again right after reconnecting", err: err}
		}
	}
	if err == nil {
		return nil
	}
	var se *sshError
	var ce *connError
	switch {
	case errors.As(err, &se):
		return err
	case errors.As(err, &ce):
		return withOp(err, opName, p, t.String())
	default:
		return &sshError{op: opName, path: p, target: t.String(), err: err}
	}
}

// run calls op and waits for it or for ctx. SFTP requests and sessions
// cannot be cancelled one by one, so on timeout or cancellation the
// connection is closed, which fails every request in flight, and run waits
// for op to return: when WriteFile returns, nothing of it is still running
// (the caller's Lock is still meaningful). The next operation reconnects.
func (t *sshTarget) run(ctx context.Context, c *sshConn, op func(*sshConn) error) error {
	done := make(chan error, 1)
	go func() { done <- op(c) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		c.close()
		// op's error is only the closed connection's; ctx says why.
		<-done //nolint:errcheck // dropped on purpose; "_ = <-done" trips staticcheck S1005
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &connError{kind: ErrUnreachable, detail: fmt.Sprintf(
				"no answer within %s; the connection was dropped", t.cfg.Timeout)}
		}
		return ctx.Err()
	}
}

// connectionLost reports whether err came from the connection failing rather
// than from the file. Classified file errors never are; anything else is
// checked with a keepalive round trip.
func (t *sshTarget) connectionLost(c *sshConn, err error) bool {
	var se *sshError
	if errors.As(err, &se) && se.kind != nil {
		return false
	}
	if c.isClosed() {
		return true
	}
	return !c.ping(t.cfg.Timeout)
}

// resolve follows symbolic links from p to the file they end at and returns
// that path and its attributes. A ReadLink loop rather than RealPath, whose
// treatment of links varies between SFTP servers.
func resolve(sc *sftp.Client, p string) (string, os.FileInfo, error) {
	for range 40 { // the kernel's own limit on link hops
		fi, err := sc.Lstat(p)
		if err != nil {
			return "", nil, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, fi, nil
		}
		dest, err := sc.ReadLink(p)
		if err != nil {
			return "", nil, err
		}
		if !path.IsAbs(dest) {
			dest = path.Join(path.Dir(p), dest)
		}
		p = dest
	}
	return "", nil, errors.New("too many levels of symbolic links")
}

func (t *sshTarget) sftpRead(c *sshConn, p string) ([]byte, error) {
	sc, err := c.sftpClient()
	if err != nil {
		return nil, err
	}
	resolved, fi, err := resolve(sc, p)
	if err != nil {
		return nil, t.fileErr("read", p, err, "")
	}
	if !fi.Mode().IsRegular() {
		return nil, t.notRegular("read", p, resolved, fi)
	}
	f, err := sc.Open(resolved)
	if err != nil {
		return nil, t.fileErr("read", p, err, "")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, t.fileErr("read", p, err, "")
	}
	return data, nil
}

// sftpWrite writes data to a temporary file next to the real file, gives it
// the original's attributes, syncs it and renames it over the original with
// posix-rename@openssh.com, which, unlike SFTP's own rename, replaces an
// existing file atomically.
//
// The order: create the temporary file (O_EXCL, under a name chosen here so
// that *stale knows it before it exists); remove stale temporary files of
// earlier, killed runs; give it the original's owner (failing early, before
// any upload, when the login user may not) and the original's owner
// permissions only, so content is never readable by more users than the
// original's owner while it is incomplete; upload; copy owner, xattrs, ACL
// and the full mode from the original with one command on the host
// (copyAttrsScript); check owner and mode; sync; rename.
func (t *sshTarget) sftpWrite(c *sshConn, p string, data []byte, stale *string) (err error) {
	sc, err := c.sftpClient()
	if err != nil {
		return err
	}
	resolved, fi, err := resolve(sc, p)
	if err != nil {
		return t.fileErr("write", p, err, "")
	}
	if !fi.Mode().IsRegular() {
		return t.notRegular("write", p, resolved, fi)
	}
	st, ok := fi.Sys().(*sftp.FileStat)
	if !ok {
		return fmt.Errorf("the SFTP server did not report the owner of %s", resolved)
	}
	wantMode := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)

	dir, base := path.Dir(resolved), path.Base(resolved)
	tmp := path.Join(dir, tempPrefix(base)+newTempSuffix())
	*stale = tmp
	var f *sftp.File
	renamed := false
	defer func() {
		if f != nil {
			f.Close()
		}
		if !renamed {
			if rmErr := sc.Remove(tmp); rmErr == nil || errors.Is(rmErr, fs.ErrNotExist) {
				*stale = ""
			}
		}
	}()
	f, err = sc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		doing := fmt.Sprintf("cannot create a temporary file in %s (the new content is written there, then renamed over the file)", dir)
		if vfs, verr := sc.StatVFS(dir); verr == nil && vfs.Flag&statvfsReadOnly != 0 {
			doing += "; the file system is mounted read-only"
		}
		return t.fileErr("write", p, err, doing)
	}
	tfi, err := f.Stat()
	if err != nil {
		return err
	}
	// The new file's mtime is the host's clock: stale files are judged by
	// it, not by ours.
	removeStaleTempsSFTP(sc, dir, base, tfi.ModTime())

	// Owner first: chown clears set-id bits; the attribute copy sets them.
	if tst, ok := tfi.Sys().(*sftp.FileStat); !ok || tst.UID != st.UID || tst.GID != st.GID {
		if err := f.Chown(int(st.UID), int(st.GID)); err != nil {
			return t.fileErr("write", p, err, fmt.Sprintf(
				"%s is owned by uid %d gid %d and %s cannot create a file with that owner", resolved, st.UID, st.GID, t.cfg.User))
		}
	}
	if err := f.Chmod(wantMode & 0o700); err != nil {
		return t.fileErr("write", p, err, "")
	}
	// Many WRITE requests in flight rather than one round trip per 32 KiB:
	// a 10 MB file over a 50 ms link takes a second, not sixteen. A failed
	// request can leave a hole, which does not matter in a file that is
	// then removed; the size is checked below.
	if _, err := f.ReadFromWithConcurrency(bytes.NewReader(data), 0); err != nil {
		return t.fileErr("write", p, err, "")
	}
	if err := t.copyAttrs(c, p, resolved, tmp); err != nil {
		return err
	}
	// Verify instead of trusting: cp silently skips an owner it may not
	// set as non-root (the chown above makes that unlikely, not
	// impossible: the file may have changed owner since).
	tfi, err = f.Stat()
	if err != nil {
		return t.fileErr("write", p, err, "")
	}
	tst, ok := tfi.Sys().(*sftp.FileStat)
	if !ok {
		return fmt.Errorf("the SFTP server did not report the owner of %s", tmp)
	}
	gotMode := tfi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if tst.UID != st.UID || tst.GID != st.GID || gotMode != wantMode {
		return &sshError{op: "write", path: p, target: t.String(), detail: fmt.Sprintf(
			"the new file got owner %d:%d mode %v instead of the original's %d:%d mode %v; the file was not changed",
			tst.UID, tst.GID, gotMode, st.UID, st.GID, wantMode)}
	}
	if tfi.Size() != int64(len(data)) {
		return &sshError{op: "write", path: p, target: t.String(), detail: fmt.Sprintf(
			"the new file has %d bytes instead of %d; the file was not changed", tfi.Size(), len(data))}
	}
	// Data and attributes on disk before the rename makes them visible.
	if err := f.Sync(); err != nil && !isUnsupported(err) {
		return t.fileErr("write", p, err, "")
	}
	cerr := f.Close()
	f = nil
	if cerr != nil {
		return t.fileErr("write", p, cerr, "")
	}
	if err := injectFault(stageTempWritten); err != nil {
		return fmt.Errorf("%s: %w", stageTempWritten, err)
	}
	if err := sc.PosixRename(tmp, resolved); err != nil {
		// The rename may have happened with only the answer lost; the
		// deferred Remove then finds nothing, which is fine.
		return t.fileErr("write", p, err, "replacing the file (posix-rename@openssh.com), although the temporary file could be created next to it: "+
			"the file itself is protected (immutable or append-only, see lsattr) or in a sticky directory")
	}
	renamed = true
	*stale = ""
	if err := injectFault(stageRenamed); err != nil {
		return t.afterRename(p, err)
	}
	return nil
}

// afterRename is the error for a failure once the file was replaced.
func (t *sshTarget) afterRename(p string, err error) error {
	return &sshError{op: "write", path: p, target: t.String(),
		detail: "the file has the new content, but the write did not complete", err: err}
}

// removeStaleTempsSFTP is removeStaleTemps (local.go) over SFTP: it deletes
// leftovers of earlier, killed writes of base in dir: regular files (not
// links) named by isTempName, unmodified for staleTempAge by the host's
// clock now. Errors are ignored: cleanup must never stop a write.
func removeStaleTempsSFTP(sc *sftp.Client, dir, base string, now time.Time) {
	entries, err := sc.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !isTempName(e.Name(), base) || !e.Mode().IsRegular() || now.Sub(e.ModTime()) < staleTempAge {
			continue
		}
		_ = sc.Remove(path.Join(dir, e.Name()))
	}
}

// statvfsReadOnly is SSH_FXE_STATVFS_ST_RDONLY, the read-only bit of the
// f_flag that statvfs@openssh.com reports.
const statvfsReadOnly = 0x1

// isUnsupported reports an SFTP server without fsync@openssh.com: the data
// then reaches the disk when the server's kernel flushes it, as with cp.
func isUnsupported(err error) bool {
	var se *sftp.StatusError
	return errors.As(err, &se) && se.FxCode() == sftp.ErrSSHFxOpUnsupported
}

// fileErr classifies a file-level failure: missing, permission (with the hint
// that sudo exists), or other.
func (t *sshTarget) fileErr(op, p string, err error, doing string) error {
	e := &sshError{op: op, path: p, target: t.String(), detail: doing, err: err}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		e.kind, e.err = fs.ErrNotExist, nil
	case errors.Is(err, fs.ErrPermission):
		e.kind, e.err = fs.ErrPermission, nil
		hint := fmt.Sprintf("the login user %s may not do this", t.cfg.User)
		if !t.cfg.Sudo {
			hint += "; set sudo = true to edit the file as root"
		}
		if e.detail != "" {
			e.detail += "; " + hint
		} else {
			e.detail = hint
		}
	}
	return e
}

func (t *sshTarget) notRegular(op, p, resolved string, fi os.FileInfo) error {
	what := "not a regular file"
	if fi.IsDir() {
		what = "a directory, not a regular file"
	}
	if resolved != p {
		what = fmt.Sprintf("a link to %s, which is %s", resolved, what)
	}
	return &sshError{op: op, path: p, target: t.String(), detail: "is " + what}
}

// EditFile is a stub until the one-session script lands.
func (t *sshTarget) EditFile(ctx context.Context, p string, edit func([]byte) ([]byte, error)) (bool, error) {
	old, err := t.ReadFile(ctx, p)
	if err != nil {
		return false, err
	}
	out, err := edit(old)
	if err != nil || bytes.Equal(out, old) {
		return false, err
	}
	return true, t.WriteFile(ctx, p, out)
}
