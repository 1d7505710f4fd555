package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"

	"github.com/pkg/sftp"
)

// ReadFile returns the content of the regular file at p: with Sudo through
// shReadScript (the path resolved under the rule of trust.go), without it
// over SFTP as the login user.
func (t *sshTarget) ReadFile(ctx context.Context, p string) ([]byte, error) {
	if err := t.checkSSHPath("read", p); err != nil {
		return nil, err
	}
	var data []byte
	err := t.do(ctx, "read", p, func(c *sshConn) error {
		var err error
		if t.cfg.Sudo {
			data, err = t.scriptRead(c, p)
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

// scriptRead runs shReadScript: one session, whose output after "R" is the
// file's content, at most MaxFileSize+1 bytes.
func (t *sshTarget) scriptRead(c *sshConn, p string) ([]byte, error) {
	r, err := t.startScript(c, shReadScript, p)
	if err != nil {
		return nil, err
	}
	defer r.end() //nolint:errcheck // a no-op once ended below
	m, err := r.next()
	if err != nil || m.kind != 'R' {
		return nil, r.failure("read", p, m, err)
	}
	data, err := io.ReadAll(io.LimitReader(r.out, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, &sshError{op: "read", path: p, target: t.String(), kind: ErrTooLarge, detail: fmt.Sprintf(
			"it grew past %d bytes (16 MiB) while it was read, and a configuration file is never that large", MaxFileSize)}
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	if r.status != 0 {
		return nil, &sshError{op: "read", path: p, target: t.String(), detail: fmt.Sprintf(
			"reading the file failed (exit status %d%s)", r.status, stderrPart(r.stderr.String()))}
	}
	return data, nil
}

// sftpRead reads p over SFTP. It stats the file (following links) before it
// opens it, so that a FIFO, which would block the SFTP server for good, a
// device, and a file larger than MaxFileSize are refused before anything is
// opened or read, and it reads at most MaxFileSize+1 bytes, in case the file
// grew since. The login user reads only what it may read anyway, so no
// trust rule applies.
func (t *sshTarget) sftpRead(c *sshConn, p string) ([]byte, error) {
	sc, err := c.sftpClient()
	if err != nil {
		return nil, err
	}
	fi, err := sc.Stat(p)
	if err != nil {
		return nil, t.fileErr(p, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &sshError{op: "read", path: p, target: t.String(), detail: fmt.Sprintf(
			"is %s, not a regular file (following symbolic links); the provider reads regular files only; nothing was read",
			modeName(fi.Mode()))}
	}
	if fi.Size() > MaxFileSize {
		return nil, &sshError{op: "read", path: p, target: t.String(), kind: ErrTooLarge, detail: fmt.Sprintf(
			"it has %d bytes, more than the %d bytes (16 MiB) the provider reads of a configuration file; nothing was read",
			fi.Size(), MaxFileSize)}
	}
	f, err := sc.Open(p)
	if err != nil {
		return nil, t.fileErr(p, err)
	}
	defer f.Close()
	// One byte more than the size: a read that fills it found a file that
	// grew, read on up to the limit. pkg/sftp reads a large buffer with
	// many requests in flight, a small one with one request and one more
	// for the end of file.
	buf := make([]byte, fi.Size()+1)
	n, err := io.ReadFull(f, buf)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return buf[:n], nil
	case err != nil:
		return nil, t.fileErr(p, err)
	}
	rest, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1-int64(n)))
	if err != nil {
		return nil, t.fileErr(p, err)
	}
	data := slices.Concat(buf, rest)
	if len(data) > MaxFileSize {
		return nil, &sshError{op: "read", path: p, target: t.String(), kind: ErrTooLarge, detail: fmt.Sprintf(
			"it grew past %d bytes (16 MiB) while it was read, and a configuration file is never that large", MaxFileSize)}
	}
	return data, nil
}

// modeName names the type of a file that is not regular.
func modeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return fmt.Sprintf("not a regular file (mode %v)", m)
}

// fileErr classifies a failed SFTP read: missing, permission (with the
// hint that sudo exists), or another answer of the SFTP server. Anything
// else (the connection broke) is returned as it is, for sshTarget.do to
// reconnect.
func (t *sshTarget) fileErr(p string, err error) error {
	var st *sftp.StatusError
	if !errors.As(err, &st) && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
		return err
	}
	e := &sshError{op: "read", path: p, target: t.String(), err: err}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		e.kind, e.err = fs.ErrNotExist, nil
	case errors.Is(err, fs.ErrPermission):
		e.kind, e.err = fs.ErrPermission, nil
		e.detail = fmt.Sprintf("the login user %s may not read it; set sudo = true to read the file as root", t.cfg.User)
	}
	return e
}
