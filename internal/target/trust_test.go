package target

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// The trust rule of trust.go as a pure function, on made-up directories; the
// same rule on real trees, through the local target, is in
// hostile_local_test.go.

const (
	trWso2  = 1000 // the account that owns the home
	trOther = 2000 // another unprivileged account
	trStaff = 50   // a group
)

func TestTrustControllers(t *testing.T) {
	tests := []struct {
		name   string
		d      dirInfo
		entry  uint32
		writer uint32
		want   []controller
	}{
		{"root's directory", dirInfo{0, 0, 0o755}, 0, 0, nil},
		{"root's directory, an entry of wso2's", dirInfo{0, 0, 0o755}, trWso2, 0, nil},
		{"wso2's directory", dirInfo{trWso2, trWso2, 0o755}, trWso2, 0, []controller{"u:1000"}},
		{"wso2's read-only directory: it can chmod it", dirInfo{trWso2, trWso2, 0o555}, 0, 0, []controller{"u:1000"}},
		{"wso2's directory, written by wso2", dirInfo{trWso2, trWso2, 0o755}, 0, trWso2, nil},
		{"group-writable", dirInfo{0, trStaff, 0o775}, 0, 0, []controller{"g:50"}},
		{"group root, group-writable", dirInfo{0, 0, 0o775}, 0, 0, []controller{"g:0"}},
		{"wso2's, group-writable", dirInfo{trWso2, trStaff, 0o770}, 0, 0, []controller{"u:1000", "g:50"}},
		{"world-writable", dirInfo{0, 0, 0o777}, 0, 0, []controller{"g:0", "o"}},
		{"world-writable only", dirInfo{0, 0, 0o757}, 0, 0, []controller{"o"}},
		{"sticky /tmp, root's entry", dirInfo{0, 0, 0o1777}, 0, 0, nil},
		{"sticky /tmp, wso2's entry", dirInfo{0, 0, 0o1777}, trWso2, 0, []controller{"u:1000"}},
		{"sticky, owned by wso2, another's entry", dirInfo{trWso2, 0, 0o1777}, trOther, 0, []controller{"u:1000", "u:2000"}},
		{"sticky, owned by wso2, its own entry", dirInfo{trWso2, 0, 0o1777}, trWso2, 0, []controller{"u:1000"}},
		{"sticky, the writer's entry", dirInfo{0, 0, 0o1777}, trOther, trOther, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := controllers(tc.d, tc.entry, tc.writer); !slices.Equal(got, tc.want) {
				t.Errorf("controllers(%+v, %d, %d) = %q, want %q", tc.d, tc.entry, tc.writer, got, tc.want)
			}
		})
	}
}

// trustStep is one entry read while resolving a path: its path, the directory it
// is in and its owner.
type trustStep struct {
	path  string
	dir   dirInfo
	owner uint32
}

var (
	trRootDir   = dirInfo{0, 0, 0o755}
	trTmpDir    = dirInfo{0, 0, 0o1777}
	trWso2Dir   = dirInfo{trWso2, trWso2, 0o755}
	trStaffDir  = dirInfo{0, trStaff, 0o775}
	trOtherDir  = dirInfo{trOther, trOther, 0o755}
	trOpenToAll = dirInfo{0, 0, 0o777}
)

func TestTrustWalk(t *testing.T) {
	tests := []struct {
		name    string
		writer  uint32
		entries []trustStep
		final   trustStep
		// refused: the controller and the entry of the refusal, zero
		// when the path is followed.
		refusedBy controller
		refusedAt string
	}{
		{
			name: "home owned by wso2",
			entries: []trustStep{
				{"/opt", trRootDir, 0},
				{"/opt/wso2am", trRootDir, trWso2},
				{"/opt/wso2am/repository", trWso2Dir, trWso2},
				{"/opt/wso2am/repository/conf", trWso2Dir, trWso2},
			},
			final: trustStep{"/opt/wso2am/repository/conf/deployment.toml", trWso2Dir, trWso2},
		},
		{
			name: "wso2's link to another file of wso2's",
			entries: []trustStep{
				{"/opt", trRootDir, 0},
				{"/opt/wso2am", trRootDir, trWso2},
				{"/opt/wso2am/conf", trWso2Dir, trWso2},
				{"/opt/wso2am/conf/carbon.xml", trWso2Dir, trWso2}, // the link
				{"/opt/wso2am/shared", trWso2Dir, trWso2},
			},
			final: trustStep{"/opt/wso2am/shared/carbon.xml", trWso2Dir, trWso2},
		},
		{
			name: "root's link to anywhere",
			entries: []trustStep{
				{"/etc", trRootDir, 0},
				{"/etc/apim", trRootDir, 0},
				{"/etc/apim/carbon.xml", trRootDir, 0}, // the link
				{"/srv", trRootDir, 0},
			},
			final: trustStep{"/srv/carbon.xml", trRootDir, 0},
		},
		{
			name: "root's link into wso2's home",
			entries: []trustStep{
				{"/etc", trRootDir, 0},
				{"/etc/carbon.xml", trRootDir, 0},
				{"/opt", trRootDir, 0},
				{"/opt/wso2am", trRootDir, trWso2},
				{"/opt/wso2am/conf", trWso2Dir, trWso2},
			},
			final: trustStep{"/opt/wso2am/conf/carbon.xml", trWso2Dir, trWso2},
		},
		{
			name: "wso2's link to a root file",
			entries: []trustStep{
				{"/opt", trRootDir, 0},
				{"/opt/wso2am", trRootDir, trWso2},
				{"/opt/wso2am/conf", trWso2Dir, trWso2},
				{"/opt/wso2am/conf/carbon.xml", trWso2Dir, trWso2}, // the link
				{"/etc", trRootDir, 0},
			},
			final: trustStep{"/etc/shadow", trRootDir, 0},
			// The last entry wso2 can replace is named: the link.
			refusedBy: "u:1000", refusedAt: "/opt/wso2am/conf/carbon.xml",
		},
		{
			// wso2 may change its own file's content anyway, wherever
			// the file is, so its link may lead there.
			name: "wso2's link to its own file in root's directory",
			entries: []trustStep{
				{"/opt", trRootDir, 0},
				{"/opt/wso2am", trRootDir, trWso2},
				{"/opt/wso2am/conf", trWso2Dir, trWso2},
				{"/opt/wso2am/conf/carbon.xml", trWso2Dir, trWso2}, // the link
				{"/etc", trRootDir, 0},
				{"/etc/wso2", trRootDir, 0},
			},
			final: trustStep{"/etc/wso2/carbon.xml", trRootDir, trWso2},
		},
		{
			name: "wso2's directory swapped for a link to root's",
			entries: []trustStep{
				{"/opt", trRootDir, 0},
				{"/opt/wso2am", trRootDir, trWso2},
				{"/opt/wso2am/conf", trWso2Dir, trWso2}, // a link to /etc
				{"/etc", trRootDir, 0},
			},
			final:     trustStep{"/etc/shadow", trRootDir, 0},
			refusedBy: "u:1000", refusedAt: "/opt/wso2am/conf",
		},
		{
			name: "a link of wso2's in root's directory, to root's file",
			entries: []trustStep{
				{"/etc", trRootDir, 0},
				// A root directory, but an entry trWso2 owns: in a
				// directory that is not sticky, owning the entry
				// gives no power to replace it.
				{"/etc/carbon.xml", trRootDir, trWso2},
			},
			final: trustStep{"/etc/shadow", trRootDir, 0},
		},
		{
			name: "group-writable parent",
			entries: []trustStep{
				{"/srv", trRootDir, 0},
				{"/srv/apim", trRootDir, 0},
				{"/srv/apim/conf", trStaffDir, 0}, // /srv/apim is g+w
			},
			final:     trustStep{"/srv/apim/conf/carbon.xml", trRootDir, 0},
			refusedBy: "g:50", refusedAt: "/srv/apim/conf",
		},
		{
			name: "group-writable all the way down",
			entries: []trustStep{
				{"/srv", trRootDir, 0},
				{"/srv/apim", trRootDir, 0},
				{"/srv/apim/conf", trStaffDir, 0},
			},
			final: trustStep{"/srv/apim/conf/carbon.xml", trStaffDir, 0},
		},
		{
			name: "group membership is not ownership",
			entries: []trustStep{
				{"/srv", trRootDir, 0},
				{"/srv/wso2", trStaffDir, trWso2},
			},
			// trWso2 may be in group trStaff and own this directory, but
			// tokens are compared: refused (the conservative answer
			// trust.go documents).
			final:     trustStep{"/srv/wso2/carbon.xml", trWso2Dir, trWso2},
			refusedBy: "g:50", refusedAt: "/srv/wso2",
		},
		{
			name: "sticky /tmp",
			entries: []trustStep{
				{"/tmp", trRootDir, 0},
				{"/tmp/apim", trTmpDir, 0},
			},
			final: trustStep{"/tmp/apim/carbon.xml", trRootDir, 0},
		},
		{
			name: "wso2's directory in /tmp",
			entries: []trustStep{
				{"/tmp", trRootDir, 0},
				{"/tmp/apim", trTmpDir, trWso2},
			},
			final: trustStep{"/tmp/apim/carbon.xml", trWso2Dir, trWso2},
		},
		{
			name: "wso2's link in /tmp to root's file",
			entries: []trustStep{
				{"/tmp", trRootDir, 0},
				{"/tmp/carbon.xml", trTmpDir, trWso2},
				{"/etc", trRootDir, 0},
			},
			final:     trustStep{"/etc/shadow", trRootDir, 0},
			refusedBy: "u:1000", refusedAt: "/tmp/carbon.xml",
		},
		{
			name: "world-writable directory on the way",
			entries: []trustStep{
				{"/srv", trRootDir, 0},
				{"/srv/drop", trRootDir, 0},
				{"/srv/drop/conf", trOpenToAll, 0},
			},
			final:     trustStep{"/srv/drop/conf/carbon.xml", trRootDir, 0},
			refusedBy: "g:0", refusedAt: "/srv/drop/conf",
		},
		{
			// Everyone can replace the file itself: leading the
			// provider there gives nobody anything.
			name: "world-writable directory of the file",
			entries: []trustStep{
				{"/srv", trRootDir, 0},
				{"/srv/drop", trRootDir, 0},
			},
			final: trustStep{"/srv/drop/carbon.xml", trOpenToAll, 0},
		},
		{
			name: "the first of two controllers is named",
			entries: []trustStep{
				{"/home", trRootDir, 0},
				{"/home/other", trOtherDir, trOther},
				{"/home/other/link", trWso2Dir, trWso2},
			},
			final:     trustStep{"/home/other/carbon.xml", trOtherDir, trOther},
			refusedBy: "u:1000", refusedAt: "/home/other/link",
		},
		{
			name:   "the writer's own links",
			writer: trWso2,
			entries: []trustStep{
				{"/opt", trRootDir, 0},
				{"/opt/wso2am", trRootDir, trWso2},
				{"/opt/wso2am/carbon.xml", trWso2Dir, trWso2},
				{"/etc", trRootDir, 0},
			},
			// trWso2 writing through its own link: it gives itself
			// nothing.
			final: trustStep{"/etc/apim.xml", trRootDir, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newTrustWalk(tc.writer)
			for _, e := range tc.entries {
				w.entry(e.path, e.dir, e.owner)
			}
			err := w.final(tc.final.path, tc.final.dir, tc.final.owner)
			if tc.refusedBy == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("followed; want refused by %s at %s", tc.refusedBy, tc.refusedAt)
			}
			if err.controller != tc.refusedBy || err.entry != tc.refusedAt || err.file != tc.final.path {
				t.Errorf("refused by %s at %s for %s; want %s at %s for %s",
					err.controller, err.entry, err.file, tc.refusedBy, tc.refusedAt, tc.final.path)
			}
			if !errors.Is(err, ErrUnsafePath) {
				t.Errorf("errors.Is(%v, ErrUnsafePath) = false", err)
			}
		})
	}
}

func TestUnsafePathErrorMessage(t *testing.T) {
	names := func(kind byte, id string) string {
		switch {
		case kind == 'u' && id == "1000":
			return "wso2"
		case kind == 'g' && id == "50":
			return "staff"
		}
		return ""
	}
	tests := []struct {
		c     controller
		names func(byte, string) string
		who   string
	}{
		{"u:1000", names, "user wso2 (uid 1000)"},
		{"u:1000", nil, "user uid 1000"},
		{"g:50", names, "group staff (gid 50)"},
		{"g:51", names, "group gid 51"},
		{"o", names, "every user of the host"},
	}
	for _, tc := range tests {
		e := &UnsafePathError{controller: tc.c, entry: "/opt/wso2am/conf/carbon.xml", file: "/etc/shadow", names: tc.names}
		msg := e.Error()
		for _, want := range []string{tc.who + " can replace /opt/wso2am/conf/carbon.xml", "cannot replace /etc/shadow", "make root (or the owner of /etc/shadow) own"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q does not say %q", msg, want)
			}
		}
	}
	// A hostile name cannot forge lines of the message.
	e := &UnsafePathError{controller: "u:1000", entry: "/x/a\nERROR: fake", file: "/etc/shadow"}
	if strings.Contains(e.Error(), "\n") {
		t.Errorf("message holds a newline: %q", e.Error())
	}
}
