package target

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
)

// Keeping a file's attributes over SSH.
//
// A replaced file must keep its owner, group and mode, and also its POSIX
// ACL and extended attributes (user.*, security.selinux, ...) where it has
// them: an ACL is how some hosts let the wso2 user read a root-owned
// secrets file, and losing it silently breaks the product or opens the
// file. SFTP cannot do it: the protocol (v3, OpenSSH's) carries uid, gid,
// mode and times only, with no request to list, read or set extended
// attributes. So the copy is made by one command on the host:
//
//	cp --attributes-only --preserve=mode,ownership,xattr -- ORIGINAL TEMP
//
// Why this design:
//
//   - Only coreutils. getfattr/setfacl (packages attr, acl) are not
//     installed by default; GNU cp has had --attributes-only since 8.6
//     (2010), on every distribution WSO2 supports, and the sudo path already
//     needs GNU coreutils (readlink -f, stat -c, mv -T).
//   - No detection step. Finding out whether the file has attributes costs
//     the same round trip as copying them, needs those same missing tools (ls
//     shows a "+" for ACLs only, not for other xattrs), and could be wrong
//     between the check and the write. Copying unconditionally is one exec
//     per write, correct with and without attributes, and also removes an
//     access ACL the temporary file inherited from a default ACL on the
//     directory that the original does not have.
//   - cp does it in the right order, the one local.go uses: owner first
//     (chown clears set-id bits and file capabilities), then xattrs, then
//     mode and ACL together. With --preserve given explicitly, a failure to
//     copy an attribute is an error, not a warning; as non-root, a chown
//     that is not allowed is silently skipped, so the caller checks owner
//     and mode afterwards.
//   - Not --preserve=context: asked for explicitly, cp fails on hosts
//     without SELinux. An SELinux label is copied anyway, as the
//     security.selinux attribute.
//   - It runs after the upload (the temporary file has the original's
//     owner and only its owner permissions while incomplete) and before the
//     sync, so the sync covers the attributes too.
//   - Fail closed: when the command cannot run (no shell access, a
//     ForceCommand such as internal-sftp, BusyBox's cp), the write fails with
//     an error saying so, the temporary file is removed and the file is left
//     as it was. Writing without it would silently drop an ACL the provider
//     cannot see; a clear error the operator can act on (install coreutils,
//     allow commands, set sudo = true) is the safer failure.
//
// The SFTP path runs the command as the login user in its own exec session
// (copyAttrs); the sudo path runs it as root inside its write script.

// copyAttrsLine is the command copying the attributes of src to dst (shell
// words, already quoted or parameter expansions), failing the script with
// exit status 7 and an "apim:ATTRS" line on stderr.
func copyAttrsLine(src, dst string) string {
	return `cp --attributes-only --preserve=mode,ownership,xattr -- ` + src + ` ` + dst +
		` || { echo apim:ATTRS >&2; exit 7; }`
}

// attrsOKMarker is printed by copyAttrsScript when the copy succeeded. A
// host that runs something else for every command (ForceCommand
// internal-sftp exits 0 at the end of its input) prints nothing, so an exit
// status of 0 alone proves nothing.
const attrsOKMarker = "apim:ATTRS-OK"

// copyAttrsScript copies the attributes of the file $1 to the temporary
// file $2.
var copyAttrsScript = copyAttrsLine(`"$1"`, `"$2"`) + "\necho " + attrsOKMarker

// copyAttrs gives the temporary file tmp the owner, group, mode, POSIX ACL
// and extended attributes of resolved (the file p names), by running copyAttrsScript on the host
// as the login user (the SFTP path).
func (t *sshTarget) copyAttrs(c *sshConn, p, resolved, tmp string) error {
	r, err := t.runShell(c, copyAttrsScript, nil, resolved, tmp)
	switch {
	case err != nil:
		return err // the session or the connection failed
	case r.status == 0 && bytes.Contains(r.stdout, []byte(attrsOKMarker)):
		return nil
	case strings.Contains(r.stderr, "apim:ATTRS"):
		e := &sshError{op: "write", path: p, target: t.String()}
		t.attrsErr(e, dropMarkers(r.stderr))
		return e
	}
	// Neither success nor cp's failure: something else ran, or nothing.
	got := fmt.Sprintf("exit status %d", r.status)
	if r.stderr != "" {
		got += ": " + r.stderr
	}
	return &sshError{op: "write", path: p, target: t.String(), detail: fmt.Sprintf(
		"the host did not run the command that copies the file's owner, mode, ACL and extended attributes "+
			"to the new file (%s); does %s log in to SFTP only (a ForceCommand such as internal-sftp, or a restricted shell)? "+
			"Writing without it could drop an ACL, so the file was not changed; allow %s to run commands, or set sudo = true",
		got, t.cfg.User, t.cfg.User)}
}

// attrsErr explains a failed copyAttrsLine from cp's stderr.
func (t *sshTarget) attrsErr(e *sshError, stderr string) {
	const what = "cannot give the new file the original's owner, mode, ACL and extended attributes"
	switch {
	case strings.Contains(stderr, "unrecognized option"), strings.Contains(stderr, "invalid option"),
		strings.Contains(stderr, "unknown option"), strings.Contains(stderr, "illegal option"),
		strings.Contains(stderr, "not found"):
		e.detail = fmt.Sprintf("%s: the host's cp lacks --attributes-only (%s); GNU coreutils 8.6 or later is needed; the file was not changed", what, stderr)
	case strings.Contains(stderr, "Operation not permitted"), strings.Contains(stderr, "Permission denied"):
		e.kind = fs.ErrPermission
		e.detail = fmt.Sprintf("%s (%s); the file was not changed", what, stderr)
		if !t.cfg.Sudo {
			e.detail += "; set sudo = true to edit the file as root"
		}
	default:
		e.detail = fmt.Sprintf("%s (%s); the file was not changed", what, stderr)
	}
}
