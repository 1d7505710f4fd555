package target

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// With Sudo, file operations are shell scripts run as root by "sudo -n sh -c
// SCRIPT apim ARGS..." (shell). The path travels as a positional argument,
// so the script never interpolates it; the whole command line is
// shell-quoted once for the login shell. -n makes sudo fail at once instead
// of prompting for a password nobody will type. The scripts report failures
// they can name with "apim:CODE" lines on stderr. Without Sudo, shell runs
// the one script the SFTP path needs (copyAttrsScript) as the login user.

// outputMarker starts the output of a script that matters. The login
// shell runs the user's rc files before the command, and one that prints
// something (a banner, a "pyenv" warning) would otherwise end up in front of
// the file's content, and from there in the edited file.
const outputMarker = "apim:OUTPUT\n"

// afterMarker returns what follows the first outputMarker in out.
func afterMarker(out []byte) ([]byte, bool) {
	_, rest, ok := bytes.Cut(out, []byte(outputMarker))
	return rest, ok
}

// sudoReadScript prints the file at $1 after following links.
const sudoReadScript = `p=$(readlink -f -- "$1") && [ -e "$p" ] || { echo apim:ENOENT >&2; exit 3; }
[ -f "$p" ] || { echo apim:ENOTREG >&2; exit 4; }
printf '` + outputMarker + `' && exec cat -- "$p"`

// A sudo write is two scripts in two sessions, with the fault seam between
// them, as on the SFTP path:
//
// sudoPrepareScript resolves $1 and writes its stdin, which must be $2
// bytes long, to the temporary file named by the digits $3 (tempname.go),
// created exclusively with umask 077 (only root can read the content while
// it is incomplete), after removing the stale ones of earlier runs
// (shTempSweep). Then it copies the original's owner, mode, ACL and
// extended attributes (ssh_attrs.go), syncs, and prints the resolved path
// after outputMarker.
// The length check matters: if the connection dies mid-upload, cat sees a
// plain end of input, and without the check a truncated file would be
// renamed into place. The EXIT trap removes the temporary file on every
// failure, including a hangup or an output nobody reads any more.
//
// sudoCommitScript renames the prepared file $2 over $1.
//
// Two sessions rather than one script that renames at its end: the rename
// happens only when the client, still connected, asks for it. When the
// connection dies during the upload, the script killed with it (or finding
// the end of its input) never renames, so a write that the client retried
// or gave up cannot land later and overwrite a newer one.
var sudoPrepareScript = `p=$(readlink -f -- "$1") && [ -e "$p" ] || { echo apim:ENOENT >&2; exit 3; }
[ -f "$p" ] || { echo apim:ENOTREG >&2; exit 4; }
d=$(dirname -- "$p") && b=$(basename -- "$p") || exit 5
case $3 in ''|*[!0-9]*) exit 5;; esac
` + shTempSweep + `
t="$d/.$b` + tempMarker + `$3"
trap 'exit 1' HUP INT TERM PIPE
(umask 077 && set -C && : >"$t") || exit 5
trap 'rm -f -- "$t"' EXIT
cat >"$t" || exit 5
n=$(wc -c <"$t") && [ "$n" -eq "$2" ] || { echo apim:SHORT >&2; exit 6; }
` + copyAttrsLine(`"$p"`, `"$t"`) + `
sync -- "$t" 2>/dev/null || sync
printf '` + outputMarker + `%s' "$p"
trap - EXIT`

// sudoCommitScript: mv -T, so a directory that appeared at $1 since the
// prepare step is an error rather than a place to move the file into. The
// directory sync makes the rename durable where sync accepts a directory
// (coreutils 8.24+); it is best effort, like the SFTP path's, which has no
// way to sync a directory at all.
const sudoCommitScript = `[ -f "$2" ] && [ ! -L "$2" ] || { echo apim:NOTEMP >&2; exit 8; }
mv -fT -- "$2" "$1" || exit 5
sync -- "$(dirname -- "$1")" 2>/dev/null || :`

// sudoRemoveTempScript removes the temporary file with the digits $2 of
// the file $1 (an orphanTemp).
var sudoRemoveTempScript = `case $2 in ''|*[!0-9]*) exit 5;; esac
p=$(readlink -f -- "$1") && d=$(dirname -- "$p") && b=$(basename -- "$p") || exit 0
rm -f -- "$d/.$b` + tempMarker + `$2"`

// sudoAbortScript removes the prepared file $1 after a failure between the
// two steps.
const sudoAbortScript = `rm -f -- "$1"`

func (t *sshTarget) sudoRead(c *sshConn, p string) ([]byte, error) {
	out, err := t.shell(c, "read", p, sudoReadScript, p)
	if err != nil {
		return nil, err
	}
	data, ok := afterMarker(out)
	if !ok {
		return nil, &sshError{op: "read", path: p, target: t.String(), detail: fmt.Sprintf(
			"unexpected output from the read script (%d bytes without its start marker)", len(out))}
	}
	return data, nil
}

// sudoWrite runs the prepare and commit scripts; *stale (the DIGITS of a
// temporary file) is as in WriteFile.
func (t *sshTarget) sudoWrite(c *sshConn, p string, data []byte, stale *string) (err error) {
	suffix := newTempSuffix()
	*stale = suffix
	r, err := t.runShell(c, sudoPrepareScript, data, p, strconv.Itoa(len(data)), suffix)
	if err != nil {
		return err // the connection broke: *stale stays for the retry
	}
	if r.status != 0 {
		// The script's EXIT trap removed the file, unless a signal
		// (status 128+n: the OOM killer, say) ended it, which leaves
		// the file to the next write.
		if r.status < 128 {
			*stale = ""
		}
		return t.scriptErr("write", p, r.status, r.stderr)
	}
	out := r.stdout
	printed, ok := afterMarker(out)
	resolved := string(printed)
	if !ok || !path.IsAbs(resolved) {
		return &sshError{op: "write", path: p, target: t.String(), detail: fmt.Sprintf(
			"unexpected output from the write script: %q", out)}
	}
	tmp := path.Join(path.Dir(resolved), tempPrefix(path.Base(resolved))+suffix)
	renamed := false
	defer func() {
		if !renamed && !c.isClosed() {
			if _, rmErr := t.shell(c, "write", p, sudoAbortScript, tmp); rmErr == nil {
				*stale = ""
			}
		}
	}()
	if err := injectFault(stageTempWritten); err != nil {
		return fmt.Errorf("%s: %w", stageTempWritten, err)
	}
	if _, err := t.shell(c, "write", p, sudoCommitScript, resolved, tmp); err != nil {
		return err
	}
	renamed = true
	*stale = ""
	if err := injectFault(stageRenamed); err != nil {
		return t.afterRename(p, err)
	}
	return nil
}

// shell runs script with args and an empty stdin on the host, through
// "sudo -n" when Sudo is set, and classifies failures.
func (t *sshTarget) shell(c *sshConn, op, p, script string, args ...string) ([]byte, error) {
	r, err := t.runShell(c, script, nil, args...)
	if err != nil {
		return nil, err
	}
	if r.status != 0 {
		return nil, t.scriptErr(op, p, r.status, r.stderr)
	}
	return r.stdout, nil
}

// shellResult is how a script ended: its output and exit status.
type shellResult struct {
	stdout []byte
	stderr string // trimmed
	status int
}

// runShell runs script like shell and returns how it ended; the error is
// only for a session or connection that failed, not for the command.
func (t *sshTarget) runShell(c *sshConn, script string, stdin []byte, args ...string) (shellResult, error) {
	s, release, err := c.session()
	if err != nil {
		return shellResult{}, err
	}
	defer release()

	var stdout, stderr bytes.Buffer
	s.Stdin = bytes.NewReader(stdin)
	s.Stdout = &stdout
	s.Stderr = &stderr
	cmd := "sh -c " + shellQuote(script) + " apim"
	if t.cfg.Sudo {
		cmd = "sudo -n " + cmd
	}
	for _, a := range args {
		cmd += " " + shellQuote(a)
	}
	err = s.Run(cmd)
	r := shellResult{stdout: stdout.Bytes(), stderr: strings.TrimSpace(stderr.String())}
	var exit *ssh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.status = exit.ExitStatus()
	default:
		return shellResult{}, err
	}
	return r, nil
}

// scriptErr names what went wrong from the exit status and stderr of sudo
// and the script. stderr holds sudo's and the tools' messages, never file
// content.
func (t *sshTarget) scriptErr(op, p string, status int, stderr string) error {
	e := &sshError{op: op, path: p, target: t.String()}
	markers := stderr
	stderr = dropMarkers(stderr)
	switch {
	case strings.Contains(markers, "apim:ENOENT"):
		e.kind = fs.ErrNotExist
	case strings.Contains(markers, "apim:ENOTREG"):
		e.detail = "is not a regular file"
	case strings.Contains(markers, "apim:SHORT"):
		e.detail = "the new content arrived incomplete (connection lost?); the file was not changed"
	case strings.Contains(markers, "apim:ATTRS"):
		t.attrsErr(e, stderr)
	case strings.Contains(markers, "apim:NOTEMP"):
		e.detail = "the prepared new file vanished before the rename; the file was not changed"
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
	case t.cfg.Sudo && (strings.Contains(stderr, "Permission denied") || strings.Contains(stderr, "Operation not permitted")):
		e.kind = fs.ErrPermission
		e.detail = fmt.Sprintf("even root may not do this (%s)", stderr)
	case strings.Contains(stderr, "Permission denied"), strings.Contains(stderr, "Operation not permitted"):
		e.kind = fs.ErrPermission
		e.detail = fmt.Sprintf("the login user %s may not do this (%s); set sudo = true to edit the file as root", t.cfg.User, stderr)
	default:
		e.detail = fmt.Sprintf("command failed with exit status %d: %s", status, stderr)
	}
	return e
}

// dropMarkers removes the scripts' "apim:CODE" lines from stderr, leaving
// the tools' own messages for the diagnostic.
func dropMarkers(stderr string) string {
	var keep []string
	for line := range strings.SplitSeq(stderr, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "apim:") {
			keep = append(keep, line)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// shellQuote quotes s as one word for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
