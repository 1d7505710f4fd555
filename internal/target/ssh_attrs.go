package target

import (
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
// attributes. So the edit script (shEditScript) copies them on the host,
// from the pinned original to the new file, both names in its private
// directory, where nobody else can swap them for links:
//
//	cp --attributes-only --preserve=mode,ownership,xattr -- ./orig ./new
//
// Why this design:
//
//   - Only coreutils. getfattr/setfacl (packages attr, acl) are not
//     installed by default; GNU cp has had --attributes-only since 8.6
//     (2010), on every distribution WSO2 supports, and the scripts need GNU
//     coreutils anyway (stat -c, head -c, mv -T, dd iflag=).
//   - No detection step. Finding out whether the file has attributes would
//     need those same missing tools (ls shows a "+" for ACLs only, not for
//     other xattrs) and could be wrong by the time of the write. Copying
//     unconditionally is correct with and without attributes, and also
//     removes an access ACL the new file inherited from a default ACL on
//     the directory that the original does not have.
//   - cp does it in the right order, the one the local target uses: owner
//     first (chown clears set-id bits and file capabilities), then xattrs,
//     then mode and ACL together. With --preserve given explicitly, a
//     failure to copy an attribute is an error, not a warning; as non-root,
//     a chown that is not allowed is silently skipped, so the script checks
//     owner and mode afterwards.
//   - Not --preserve=context: asked for explicitly, cp fails on hosts
//     without SELinux. An SELinux label is copied anyway, as the
//     security.selinux attribute.
//   - It runs after the new content is written (which the umask of 077
//     keeps private to the writer until then) and before the sync, so the
//     sync covers the attributes too.
//   - Fail closed: when cp cannot do it (BusyBox's cp, a file system that
//     refuses an attribute), the edit fails with an error saying so, the
//     private directory is removed and the file is left as it was. Writing
//     without it would silently drop an ACL; a clear error the operator can
//     act on (install coreutils, set sudo = true) is the safer failure.

// attrsErr explains a failed cp --attributes-only from its stderr.
func (t *sshTarget) attrsErr(e *sshError, stderr string) {
	const what = "cannot give the new file the original's owner, mode, ACL and extended attributes"
	switch {
	case strings.Contains(stderr, "unrecognized option"), strings.Contains(stderr, "invalid option"),
		strings.Contains(stderr, "unknown option"), strings.Contains(stderr, "illegal option"),
		strings.Contains(stderr, "not found"):
		e.detail = fmt.Sprintf("%s: the host's cp lacks --attributes-only (%s); GNU coreutils 8.6 or later is needed; "+
			"nothing was written, the file was not changed", what, stderr)
	case isPermissionText(stderr):
		e.kind = fs.ErrPermission
		e.detail = fmt.Sprintf("%s (%s); nothing was written, the file was not changed", what, stderr)
		if !t.isRoot() {
			e.detail += "; set sudo = true to edit the file as root"
		}
	default:
		e.detail = fmt.Sprintf("%s (%s); nothing was written, the file was not changed", what, stderr)
	}
}
