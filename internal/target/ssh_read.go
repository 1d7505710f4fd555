package target

import (
	"context"
	"fmt"
	"io"
)

// ReadFile returns the content of the regular file at p through
// shReadScript, as root with Sudo and as the login user without: the path is
// resolved under the rule of trust.go either way, since a login user other
// than the home's owner (root, a deploy account) is more privileged than the
// owner too, and reading is where an edit begins.
func (t *sshTarget) ReadFile(ctx context.Context, p string) ([]byte, error) {
	if err := t.checkSSHPath("read", p); err != nil {
		return nil, err
	}
	var data []byte
	err := t.do(ctx, "read", p, func(c *sshConn) error {
		var err error
		data, err = t.scriptRead(c, p)
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
