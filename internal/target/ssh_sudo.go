package target

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// With Sudo, file operations are shell scripts run as root by "sudo -n sh -c
// SCRIPT apim ARGS...". The path travels as a positional argument, so the
// script never interpolates it; the whole command line is shell-quoted once
// for the login shell. -n makes sudo fail at once instead of prompting for a
// password nobody will type. The scripts report failures they can name with
// "apim:CODE" lines on stderr.

// sudoReadScript prints the file at $1 after following links.
const sudoReadScript = `p=$(readlink -f -- "$1") && [ -e "$p" ] || { echo apim:ENOENT >&2; exit 3; }
[ -f "$p" ] || { echo apim:ENOTREG >&2; exit 4; }
exec cat -- "$p"`

// sudoWriteScript replaces the file at $1 (after following links) with its
// stdin, which must be $2 bytes long: the same steps as the SFTP path, with
// mktemp for the temporary file and --reference to copy owner then mode
// before any content lands. The length check matters: if the connection
// dies mid-upload, cat sees a plain end of input, and without the check a
// truncated file would be renamed into place. The EXIT trap removes the
// temporary file on every failure, including a hangup.
const sudoWriteScript = `p=$(readlink -f -- "$1") && [ -e "$p" ] || { echo apim:ENOENT >&2; exit 3; }
[ -f "$p" ] || { echo apim:ENOTREG >&2; exit 4; }
d=$(dirname -- "$p") && b=$(basename -- "$p") && t=$(mktemp "$d/.$b.apim-tmp-XXXXXXXXXX") || exit 5
trap 'rm -f -- "$t"' EXIT
trap 'exit 1' HUP INT TERM PIPE
chown --reference="$p" -- "$t" && chmod --reference="$p" -- "$t" && cat >"$t" || exit 5
n=$(wc -c <"$t") && [ "$n" -eq "$2" ] || { echo apim:SHORT >&2; exit 6; }
sync -- "$t" 2>/dev/null || sync
mv -f -- "$t" "$p" || exit 5
trap - EXIT`

func (t *sshTarget) sudoRead(c *sshConn, p string) ([]byte, error) {
	out, err := t.sudo(c, "read", p, sudoReadScript, nil, p)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (t *sshTarget) sudoWrite(c *sshConn, p string, data []byte) error {
	_, err := t.sudo(c, "write", p, sudoWriteScript, data, p, strconv.Itoa(len(data)))
	return err
}

// sudo runs script as root with args and stdin, and classifies failures.
func (t *sshTarget) sudo(c *sshConn, op, p, script string, stdin []byte, args ...string) ([]byte, error) {
	s, release, err := c.session()
	if err != nil {
		return nil, err
	}
	defer release()

	var stdout, stderr bytes.Buffer
	s.Stdin = bytes.NewReader(stdin)
	s.Stdout = &stdout
	s.Stderr = &stderr
	cmd := "sudo -n sh -c " + shellQuote(script) + " apim"
	for _, a := range args {
		cmd += " " + shellQuote(a)
	}
	err = s.Run(cmd)
	if err == nil {
		return stdout.Bytes(), nil
	}
	var exit *ssh.ExitError
	if !errors.As(err, &exit) {
		return nil, err // the session or connection failed, not the command
	}
	return nil, t.sudoErr(op, p, exit.ExitStatus(), strings.TrimSpace(stderr.String()))
}

// sudoErr names what went wrong from the exit status and stderr of sudo and
// the script. stderr holds sudo's and the tools' messages, never file
// content.
func (t *sshTarget) sudoErr(op, p string, status int, stderr string) error {
	e := &sshError{op: op, path: p, target: t.String()}
	switch {
	case strings.Contains(stderr, "apim:ENOENT"):
		e.kind = fs.ErrNotExist
	case strings.Contains(stderr, "apim:ENOTREG"):
		e.detail = "is not a regular file"
	case strings.Contains(stderr, "apim:SHORT"):
		e.detail = "the new content arrived incomplete (connection lost?); the file was not changed"
	case strings.Contains(stderr, "password is required"),
		strings.Contains(stderr, "terminal is required"):
		e.kind = ErrSudoPassword
		e.detail = fmt.Sprintf("sudo -n refused to run without a password (%s); give %s passwordless sudo "+
			"(a NOPASSWD rule in /etc/sudoers.d) or log in as a user who can edit the file", stderr, t.cfg.User)
	case strings.Contains(stderr, "must have a tty"):
		e.kind = ErrSudoPassword
		e.detail = fmt.Sprintf("sudo insists on a terminal (%s); remove \"Defaults requiretty\" for %s from sudoers", stderr, t.cfg.User)
	case strings.Contains(stderr, "not in the sudoers"),
		strings.Contains(stderr, "not allowed to"):
		e.kind = fs.ErrPermission
		e.detail = fmt.Sprintf("%s may not use sudo (%s)", t.cfg.User, stderr)
	case status == 127:
		e.detail = fmt.Sprintf("sudo or a basic tool is missing on the host (%s)", stderr)
	case strings.Contains(stderr, "Permission denied"), strings.Contains(stderr, "Operation not permitted"):
		e.kind = fs.ErrPermission
		e.detail = fmt.Sprintf("even root may not do this (%s)", stderr)
	default:
		e.detail = fmt.Sprintf("command failed with exit status %d: %s", status, stderr)
	}
	return e
}

// shellQuote quotes s as one word for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
