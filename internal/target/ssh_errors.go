package target

import (
	"errors"
	"strings"
)

// Sentinel errors of the SSH target, for errors.Is. Each kind calls for a
// different fix, so the provider phrases its diagnostic by kind; the error
// text itself already names user@host:port, the path and what to do.
//
// Permission problems wrap fs.ErrPermission and missing files fs.ErrNotExist,
// as the Target contract says, rather than having sentinels of their own.
var (
	// ErrAuthFailed: the server rejected every credential offered, or the
	// credentials could not be used (bad key, wrong passphrase). Never
	// retried: repeating a rejected login only feeds fail2ban.
	ErrAuthFailed = errors.New("authentication failed")
	// ErrUnreachable: no SSH server answered in time (DNS, refused,
	// unroutable, timed out) or the connection broke and one reconnect did
	// not help.
	ErrUnreachable = errors.New("host unreachable")
	// ErrHostKeyUnknown: the host presented a key that neither the known
	// hosts file nor host_key vouches for. Nothing was read or written.
	ErrHostKeyUnknown = errors.New("host key unknown")
	// ErrHostKeyChanged: the host presented a key other than the one on
	// record for it: a reinstalled host, or someone in the middle.
	ErrHostKeyChanged = errors.New("host key changed")
	// ErrSudoPassword: Sudo is set but sudo wants a password (or a tty),
	// which a non-interactive provider cannot give.
	ErrSudoPassword = errors.New("sudo requires a password")
)

// sshError is every error the SSH target returns: what was being done, to
// which file on which host, the kind (a sentinel above, fs.ErrNotExist,
// fs.ErrPermission, or nil), a human explanation, and the underlying cause.
// The explanation and cause never contain secrets: causes come from the SSH
// library, the SFTP server or sudo's stderr, none of which echo credentials
// or file content.
type sshError struct {
	op     string // "read", "write"; "" for a config error
	path   string
	target string // user@host:port
	kind   error
	detail string
	err    error
}

func (e *sshError) Error() string {
	var b strings.Builder
	b.WriteString(e.target)
	if e.op != "" {
		b.WriteString(": ")
		b.WriteString(e.op)
		if e.path != "" {
			b.WriteString(" ")
			b.WriteString(e.path)
		}
	}
	if e.kind != nil {
		b.WriteString(": ")
		b.WriteString(e.kind.Error())
	}
	if e.detail != "" {
		b.WriteString(": ")
		b.WriteString(e.detail)
	}
	if e.err != nil {
		b.WriteString(": ")
		b.WriteString(e.err.Error())
	}
	return b.String()
}

func (e *sshError) Unwrap() []error {
	var errs []error
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.err != nil {
		errs = append(errs, e.err)
	}
	return errs
}

// connError is a failure to establish a connection, before any op or path is
// known; the op wraps it with its path via withOp.
type connError struct {
	kind   error
	detail string
	err    error
	// hangup: the server closed the connection during authentication,
	// which is how some servers reject (MaxAuthTries, DenyUsers) but also
	// what a connection broken at that moment looks like.
	hangup bool
}

func (e *connError) Error() string {
	s := e.kind.Error()
	if e.detail != "" {
		s += ": " + e.detail
	}
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

func (e *connError) Unwrap() []error {
	if e.err == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.err}
}

// withOp turns a connError into an sshError naming the op and path; other
// errors pass through unchanged.
func withOp(err error, op, path, target string) error {
	var ce *connError
	if errors.As(err, &ce) {
		return &sshError{op: op, path: path, target: target, kind: ce.kind, detail: ce.detail, err: ce.err}
	}
	return err
}
