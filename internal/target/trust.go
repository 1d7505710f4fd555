package target

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Which paths may be followed when writing with more privilege than the
// accounts that own them.
//
// Resolving a path reads one directory entry per component and per
// symbolic link. Whoever can replace such an entry decides where the rest
// of the path leads: the owner of a home can point conf/carbon.xml at
// /etc/shadow, or swap conf for a link to another directory. An entry of a
// directory can be replaced by:
//
//   - the directory's owner (who can always chmod it writable);
//   - every member of its group, when it is group-writable, and everyone,
//     when it is world-writable;
//   - in a sticky directory (chmod +t, like /tmp), only the directory's
//     owner and the entry's owner: others may add names but not replace
//     them.
//
// Root and the account the provider acts as are left out: they are not
// less privileged. These are the entry's controllers.
//
// The rule: a path is followed only when every controller of every entry on
// the way is also a controller of the last entry, the file in the directory
// it ends in, or owns that file. Such an account could replace the file, or
// change its content, itself, so leading the provider there gives it
// nothing it did not have. Otherwise the path is
// refused with ErrUnsafePath before anything is read or written. The
// everyday layouts pass: a home owned by the account APIM runs as, root's
// own files, a link made by root (in a directory only root can change) to
// anywhere, a link made by wso2 to another file of wso2's (in a directory
// of its own or of root's). What is refused
// is a link or directory that one account controls leading to a file that
// account could not replace, which is exactly what an attacker would set
// up; the error says which account and which entry.
//
// Controllers are compared as tokens ("u:UID", "g:GID", "o"), so a user who
// controls an entry through group membership and owns the file is still
// refused: a conservative answer for an unusual layout. The same rule is
// implemented in sh for the SSH scripts (shTrustWalk, ssh_scripts.go);
// TestTrustRuleAgreesWithShell checks the two against each other.

// dirInfo is what the rule needs of a directory: its owner, group and
// permission bits (including the sticky bit, 0o1000).
type dirInfo struct {
	uid, gid uint32
	perm     uint32
}

// controller is an account, or a class of them, that can replace an entry.
type controller string

func userController(uid uint32) controller {
	return controller("u:" + strconv.FormatUint(uint64(uid), 10))
}
func groupController(gid uint32) controller {
	return controller("g:" + strconv.FormatUint(uint64(gid), 10))
}

// everyone is the controller of entries in a world-writable directory.
const everyone controller = "o"

// describe names the controller for a diagnostic; name looks up user and
// group names (it may return "" when it cannot).
func (c controller) describe(name func(kind byte, id string) string) string {
	if c == everyone {
		return "every user of the host"
	}
	kind, id := c[0], string(c[2:])
	what := "user"
	if kind == 'g' {
		what = "group"
	}
	idWord := "uid"
	if kind == 'g' {
		idWord = "gid"
	}
	if n := name(kind, id); n != "" {
		return fmt.Sprintf("%s %s (%s %s)", what, n, idWord, id)
	}
	return fmt.Sprintf("%s %s %s", what, idWord, id)
}

// controllers returns the accounts, other than root and writer, that can
// replace an entry owned by entryUID in the directory d.
func controllers(d dirInfo, entryUID, writer uint32) []controller {
	var cs []controller
	add := func(uid uint32) {
		if uid != 0 && uid != writer {
			c := userController(uid)
			if !slices.Contains(cs, c) {
				cs = append(cs, c)
			}
		}
	}
	add(d.uid)
	if d.perm&0o1000 != 0 {
		add(entryUID)
		return cs
	}
	if d.perm&0o020 != 0 {
		cs = append(cs, groupController(d.gid))
	}
	if d.perm&0o002 != 0 {
		cs = append(cs, everyone)
	}
	return cs
}

// trustWalk applies the rule while a path is resolved: entry for each entry
// read on the way (components and links), final for the file at the end.
type trustWalk struct {
	writer uint32
	seen   []seenController
}

// seenController is a controller and the last entry on the way it can
// replace, for the diagnostic.
type seenController struct {
	c     controller
	entry string
}

func newTrustWalk(writer uint32) *trustWalk { return &trustWalk{writer: writer} }

// entry records the controllers of the entry at path (its name in the
// directory d, owned by entryUID).
func (w *trustWalk) entry(path string, d dirInfo, entryUID uint32) {
	for _, c := range controllers(d, entryUID, w.writer) {
		// The last entry a controller can replace is the one to name:
		// the nearest to where the path ended, where a link was pointed.
		if i := slices.IndexFunc(w.seen, func(s seenController) bool { return s.c == c }); i >= 0 {
			w.seen[i].entry = path
		} else {
			w.seen = append(w.seen, seenController{c: c, entry: path})
		}
	}
}

// final checks the file at path (its name in d, owned by fileUID) against
// every controller seen: nil when each of them controls the file too, or
// owns it.
func (w *trustWalk) final(path string, d dirInfo, fileUID uint32) *UnsafePathError {
	have := controllers(d, fileUID, w.writer)
	if fileUID != 0 && fileUID != w.writer {
		have = append(have, userController(fileUID))
	}
	for _, s := range w.seen {
		if !slices.Contains(have, s.c) {
			return &UnsafePathError{controller: s.c, entry: s.entry, file: path}
		}
	}
	return nil
}

// UnsafePathError is ErrUnsafePath with its particulars: who can change
// which entry, and the file the path led to that they cannot replace.
type UnsafePathError struct {
	controller controller
	entry      string // the path of the entry the controller can replace
	file       string // where the path led
	// names looks up user and group names on the host; nil prints ids.
	names func(kind byte, id string) string
}

func (e *UnsafePathError) Error() string {
	names := e.names
	if names == nil {
		names = func(byte, string) string { return "" }
	}
	who := e.controller.describe(names)
	return fmt.Sprintf("%s: %s can replace %s, and so decide where the path leads, but cannot replace %s, the file it leads to; "+
		"the provider does not follow such a path, so that %s cannot turn the provider's write against a file it may not change. "+
		"If the layout is intended, make root (or the owner of %s) own the directories and links on the way",
		ErrUnsafePath, who, quoteForMessage(e.entry), quoteForMessage(e.file), who, quoteForMessage(e.file))
}

func (e *UnsafePathError) Unwrap() error { return ErrUnsafePath }

// quoteForMessage shows a path in a diagnostic: as it is when it is plain,
// Go-quoted when it holds control characters or quotes, so a hostile name
// cannot forge lines of the message.
func quoteForMessage(p string) string {
	if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '"' }) {
		return strconv.Quote(p)
	}
	return p
}
