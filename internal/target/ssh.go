package target

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"

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
// is a symbolic link) with data, keeping its mode and owner.
func (t *sshTarget) WriteFile(ctx context.Context, p string, data []byte) error {
	// stale is a temporary file of an attempt whose connection died; the
	// retry on the new connection removes it.
	var stale string
	return t.do(ctx, "write", p, func(c *sshConn) error {
		if t.cfg.Sudo {
			return t.sudoWrite(c, p, data)
		}
		return t.sftpWrite(c, p, data, &stale)
	})
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
		<-done
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
	real, fi, err := resolve(sc, p)
	if err != nil {
		return nil, t.fileErr("read", p, err, "")
	}
	if !fi.Mode().IsRegular() {
		return nil, t.notRegular("read", p, real, fi)
	}
	f, err := sc.Open(real)
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
// the original's owner and mode before any content is written (a 0640
// secrets file is never readable by others, not even half-written), syncs
// it and renames it over the original with posix-rename@openssh.com, which,
// unlike SFTP's own rename, replaces an existing file atomically.
func (t *sshTarget) sftpWrite(c *sshConn, p string, data []byte, stale *string) (err error) {
	sc, err := c.sftpClient()
	if err != nil {
		return err
	}
	if *stale != "" {
		if rmErr := sc.Remove(*stale); rmErr == nil || errors.Is(rmErr, fs.ErrNotExist) {
			*stale = ""
		}
	}
	real, fi, err := resolve(sc, p)
	if err != nil {
		return t.fileErr("write", p, err, "")
	}
	if !fi.Mode().IsRegular() {
		return t.notRegular("write", p, real, fi)
	}
	st, ok := fi.Sys().(*sftp.FileStat)
	if !ok {
		return fmt.Errorf("the SFTP server did not report the owner of %s", real)
	}

	dir := path.Dir(real)
	tmp := path.Join(dir, "."+path.Base(real)+".apim-tmp-"+randomSuffix())
	f, err := sc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		doing := fmt.Sprintf("cannot create a temporary file in %s (the new content is written there, then renamed over the file)", dir)
		if vfs, verr := sc.StatVFS(dir); verr == nil && vfs.Flag&statvfsReadOnly != 0 {
			doing += "; the file system is mounted read-only"
		}
		return t.fileErr("write", p, err, doing)
	}
	*stale = tmp
	defer func() {
		if f != nil {
			f.Close()
		}
		if err != nil {
			if rmErr := sc.Remove(tmp); rmErr == nil || errors.Is(rmErr, fs.ErrNotExist) {
				*stale = ""
			}
		}
	}()

	// Owner first: chown clears set-id bits, the chmod after restores them.
	tfi, err := f.Stat()
	if err != nil {
		return err
	}
	if tst, ok := tfi.Sys().(*sftp.FileStat); !ok || tst.UID != st.UID || tst.GID != st.GID {
		if err := f.Chown(int(st.UID), int(st.GID)); err != nil {
			return t.fileErr("write", p, err, fmt.Sprintf(
				"%s is owned by uid %d gid %d and %s cannot create a file with that owner", real, st.UID, st.GID, t.cfg.User))
		}
	}
	if err := f.Chmod(fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		return t.fileErr("write", p, err, "")
	}
	if _, err := f.Write(data); err != nil {
		return t.fileErr("write", p, err, "")
	}
	if err := f.Sync(); err != nil && !isUnsupported(err) {
		return t.fileErr("write", p, err, "")
	}
	cerr := f.Close()
	f = nil
	if cerr != nil {
		return t.fileErr("write", p, cerr, "")
	}
	if err := sc.PosixRename(tmp, real); err != nil {
		return t.fileErr("write", p, err, "replacing the file (posix-rename@openssh.com), although the temporary file could be created next to it: "+
			"the file itself is protected (immutable or append-only, see lsattr) or in a sticky directory")
	}
	*stale = ""
	return nil
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

func (t *sshTarget) notRegular(op, p, real string, fi os.FileInfo) error {
	what := "not a regular file"
	if fi.IsDir() {
		what = "a directory, not a regular file"
	}
	if real != p {
		what = fmt.Sprintf("a link to %s, which is %s", real, what)
	}
	return &sshError{op: op, path: p, target: t.String(), detail: "is " + what}
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
