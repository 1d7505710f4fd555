package target

import (
	"errors"
	"fmt"
	"io/fs"
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
// library or the scripts' and sudo's stderr, none of which echo credentials
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

// scriptErr explains the failure code a script reported (ssh_scripts.go),
// with the names it reported in fields and the tools' messages in stderr.
// Every code is reported before the rename, or by the rename itself, which
// is atomic: an edit that fails this way has written nothing.
func (t *sshTarget) scriptErr(op, p, code string, fields []string, stderr string) error {
	e := &sshError{op: op, path: p, target: t.String()}
	field := func(i int) string {
		if i < len(fields) {
			return fields[i]
		}
		return ""
	}
	entry := field(0)
	// at names the entry the script was at when it is not just the path.
	at := func(verb string) string {
		if entry == "" || entry == cleanSSHPath(p) {
			return verb
		}
		return "leads to " + shown(entry) + ", which " + verb
	}
	nothing := "nothing was read"
	if op == "edit" {
		nothing = "nothing was written, the file was not changed"
	}
	switch code {
	case "ENOENT":
		e.kind = fs.ErrNotExist
		if entry != "" && entry != cleanSSHPath(p) {
			e.detail = fmt.Sprintf("%s does not exist", shown(entry))
		}
	case "EACCES":
		// The shell's own message (cd: can't cd to ...) says no more.
		e.kind = fs.ErrPermission
		e.detail = t.permHint(fmt.Sprintf("cannot enter or look up %s (no search permission)", shown(entry))) + "; " + nothing
	case "ENOTDIR":
		e.detail = fmt.Sprintf("%s is %s, not a directory, so the path leads nowhere; %s", shown(entry), typeName(field(1)), nothing)
	case "ENOTREG":
		e.detail = fmt.Sprintf("%s, not a regular file; the provider reads and edits regular files only; %s",
			at("is "+typeName(field(1))), nothing)
	case "ELOOP":
		e.detail = fmt.Sprintf("more than %d symbolic links on the way (at %s): a loop?; %s", shMaxLinks, shown(entry), nothing)
	case "TOOBIG":
		e.kind = ErrTooLarge
		e.detail = fmt.Sprintf("%s bytes, more than the %d bytes (16 MiB) the provider reads of a configuration file; %s",
			at("has "+field(1)), MaxFileSize, nothing)
	case "UNSAFE":
		e.err = fmt.Errorf("%w; nothing was read or written", unsafeFromScript(fields))
	case "REPLACED":
		e.kind = ErrReplaced
		e.detail = fmt.Sprintf("%s no longer refers to the file that was read; nothing was written. "+
			"Run the edit again to edit the file as it is now", shown(entry))
	case "MOVED":
		e.kind = ErrReplaced
		e.detail = fmt.Sprintf("a directory on the way to %s was replaced while the path was being checked; %s",
			shown(entry), nothing)
	case "EMKDIR":
		e.detail = fmt.Sprintf("cannot create the private directory in %s in which the new content is prepared%s",
			shown(entry), stderrPart(stderr))
		if strings.Contains(stderr, "Read-only file system") {
			e.detail += "; the file system is mounted read-only"
		} else if isPermissionText(stderr) {
			e.kind = fs.ErrPermission
			e.detail = t.permHint(e.detail)
		}
		e.detail += "; " + nothing
	case "EPRIV":
		e.err = ErrInterfered
		e.detail = fmt.Sprintf("in the directory of %s", shown(entry))
	case "ELINK":
		// Root may link any file, and anyone a file of their own
		// (fs.protected_hardlinks): then only the file itself refuses,
		// which no permission or sudo changes.
		if t.isRoot() || field(1) == field(2) {
			e.detail = fmt.Sprintf("cannot pin %s with a hard link in the private directory%s: the file itself is protected "+
				"(immutable or append-only, see lsattr; not even root may replace it; remove the attribute with chattr if the change is intended), "+
				"or its file system has no hard links; %s", shown(entry), stderrPart(stderr), nothing)
		} else {
			e.kind = fs.ErrPermission
			e.detail = t.permHint(fmt.Sprintf("cannot pin %s with a hard link in the private directory%s "+
				"(Linux lets a user link only files it owns or may read and write, fs.protected_hardlinks); %s",
				shown(entry), stderrPart(stderr), nothing))
		}
	case "ENOREAD":
		e.kind = fs.ErrPermission
		e.detail = t.permHint(fmt.Sprintf("may not read %s", shown(entry))) + "; " + nothing
	case "EREAD":
		e.detail = fmt.Sprintf("cannot read %s%s", shown(entry), stderrPart(stderr))
		if isPermissionText(stderr) {
			e.kind = fs.ErrPermission
			e.detail = t.permHint(e.detail)
		}
		e.detail += "; " + nothing
	case "EWRITE":
		e.detail = fmt.Sprintf("cannot write the new content next to %s%s (is the disk full?); %s", shown(entry), stderrPart(stderr), nothing)
	case "SHORT":
		e.detail = fmt.Sprintf("the new content arrived incomplete (%s of %s bytes; did the connection break?); %s", field(1), field(2), nothing)
	case "ATTRS":
		t.attrsErr(e, stderr)
	case "OWNER":
		e.kind = fs.ErrPermission
		e.detail = fmt.Sprintf("the new file got owner %s:%s mode %s instead of the original's %s:%s mode %s",
			field(4), field(5), field(6), field(1), field(2), field(3))
		if !t.isRoot() {
			e.detail += fmt.Sprintf("; %s cannot create a file with the original's owner; set sudo = true to edit the file as root", t.cfg.User)
		}
		e.detail += "; " + nothing
	case "EMV":
		e.detail = fmt.Sprintf("cannot rename the new file over %s%s", shown(entry), stderrPart(stderr))
		if isPermissionText(stderr) {
			e.kind = fs.ErrPermission
			if t.isRoot() {
				e.detail += ": the file is protected (immutable or append-only, see lsattr)"
			} else {
				e.detail = t.permHint(e.detail + " (in a sticky directory only the file's owner may)")
			}
		}
		e.detail += "; " + nothing
	default:
		e.detail = fmt.Sprintf("the script on the host failed (%s%s)%s", code, stderrPart(stderr), t.unchanged(op))
	}
	return e
}

// unsafeFromScript builds the UnsafePathError of an UNSAFE report: the
// controller token, the entry it can replace, the file, the controller's
// name on the host.
func unsafeFromScript(fields []string) *UnsafePathError {
	get := func(i int) string {
		if i < len(fields) {
			return strings.ToValidUTF8(fields[i], "\uFFFD")
		}
		return ""
	}
	c, name := controller(get(0)), strings.TrimSpace(get(3))
	return &UnsafePathError{controller: c, entry: get(1), file: get(2), names: func(kind byte, id string) string {
		if c != everyone && len(c) > 2 && c[0] == kind && string(c[2:]) == id && !strings.ContainsFunc(name, isControl) {
			return name
		}
		return ""
	}}
}

// typeName names a file type from the S_IFMT bits the scripts report (in
// decimal, as sh arithmetic prints them).
func typeName(ifmt string) string {
	switch ifmt {
	case "16384":
		return "a directory"
	case "4096":
		return "a FIFO"
	case "8192":
		return "a character device"
	case "24576":
		return "a block device"
	case "49152":
		return "a socket"
	case "40960":
		return "a symbolic link"
	case "32768":
		return "a regular file"
	}
	return "not a regular file (type " + ifmt + ")"
}

// cleanSSHPath is how the scripts spell the absolute path p when no link
// is followed: for telling when the entry a script reports is just p.
func cleanSSHPath(p string) string {
	var parts []string
	for c := range strings.SplitSeq(p, "/") {
		if c != "" && c != "." {
			parts = append(parts, c)
		}
	}
	return "/" + strings.Join(parts, "/")
}

func isPermissionText(s string) bool {
	return strings.Contains(s, "Permission denied") || strings.Contains(s, "Operation not permitted")
}

// isRoot reports whether the scripts run as root: through sudo, or logged
// in as root.
func (t *sshTarget) isRoot() bool { return t.cfg.Sudo || t.cfg.User == "root" }

// permHint adds what to do about a permission failure.
func (t *sshTarget) permHint(what string) string {
	if t.isRoot() {
		return what + "; even root may not do this there (a root-squashed NFS mount, an SELinux or AppArmor policy?)"
	}
	return fmt.Sprintf("%s; the login user %s may not do this; set sudo = true to edit the file as root", what, t.cfg.User)
}

// notRun explains a script that ended before printing outputMarker: sudo
// refused, or the host did not run the command at all.
func (t *sshTarget) notRun(op, p string, status int, stderr string) error {
	e := &sshError{op: op, path: p, target: t.String()}
	switch {
	case strings.Contains(stderr, "password is required"), strings.Contains(stderr, "terminal is required"):
		e.kind = ErrSudoPassword
		e.detail = fmt.Sprintf("sudo -n refused to run without a password (%s); give %s passwordless sudo "+
			"(a NOPASSWD rule in /etc/sudoers.d) or log in as a user who can edit the file", stderr, t.cfg.User)
	case strings.Contains(stderr, "must have a tty"):
		e.kind = ErrSudoPassword
		e.detail = fmt.Sprintf("sudo insists on a terminal (%s); remove \"Defaults requiretty\" for %s from sudoers", stderr, t.cfg.User)
	case strings.Contains(stderr, "not in the sudoers"), strings.Contains(stderr, "not allowed to"):
		e.kind = fs.ErrPermission
		e.detail = fmt.Sprintf("%s may not use sudo (%s)", t.cfg.User, stderr)
	case status == 127:
		e.detail = fmt.Sprintf("sh, sudo or a basic tool is missing on the host (%s)", stderr)
	default:
		got := fmt.Sprintf("exit status %d%s", status, stderrPart(stderr))
		e.detail = fmt.Sprintf("the host did not run the command that does the %s (%s); does %s log in to SFTP only "+
			"(a ForceCommand such as internal-sftp, or a restricted shell)? The provider reads and edits through POSIX sh scripts; "+
			"allow %s to run commands", op, got, t.cfg.User, t.cfg.User)
	}
	if op == "edit" {
		e.detail += "; nothing was written, the file was not changed"
	}
	return e
}
