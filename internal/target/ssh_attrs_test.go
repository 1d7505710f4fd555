package target

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// Tests of the SSH write path that need the package's internals (the fault
// seam, the naming of temporary files); the rest are in ssh_test.go. They
// run against real sshd processes, like those.

// sshWay is one way of editing over SSH: logged in as root, as the file's
// owner (no root anywhere; the login user owns file and directory), or
// with sudo from an unprivileged login. Each runs the same edit script;
// what differs is who runs it.
//
// Root is the one way that needs a root login: it edits a file another
// user owns, an owner only root may give the new file. Tests use it only
// where that is the point, and never kill or freeze its sessions: root's
// login shell on the test machines is bash, which sources ~/.bashrc for
// every command sshd runs, and a .bashrc running pyenv (a lock file per
// rehash) makes each root command slow and a root session killed at the
// wrong moment stalls every later one (TestSSHFaultTrials).
type sshWay struct {
	name string
	sudo bool
	user func(sshtest.Users) string
}

var (
	wayRoot  = sshWay{"root", false, func(sshtest.Users) string { return "root" }}
	wayOwner = sshWay{"owner", false, func(u sshtest.Users) string { return u.Login.Name }}
	waySudo  = sshWay{"sudo", true, func(u sshtest.Users) string { return u.Login.Name }}
)

// sshFixture is a running sshd, a key every test user may log in with, and
// the test users.
type sshFixture struct {
	srv   *sshtest.Server
	key   *sshtest.Key
	users sshtest.Users
}

func newSSHFixture(t *testing.T, opts sshtest.Options) *sshFixture {
	t.Helper()
	users := sshtest.EnsureUsers(t)
	key := sshtest.NewKey(t)
	opts.AuthorizedKeys = append(opts.AuthorizedKeys, key.AuthorizedKey())
	return &sshFixture{srv: sshtest.Start(t, opts), key: key, users: users}
}

func (f *sshFixture) config(t *testing.T, way sshWay) SSHConfig {
	no := false
	return SSHConfig{
		Host: f.srv.Host(), Port: f.srv.Port(), User: way.user(f.users), Sudo: way.sudo,
		PrivateKey: f.key.PEM(t), HostKey: f.srv.HostKey, Agent: &no,
		Timeout: 20 * time.Second,
	}
}

// target returns a Target for way from a pool of its own.
func (f *sshFixture) target(t *testing.T, way sshWay) Target {
	t.Helper()
	pool := NewPool()
	t.Cleanup(func() { pool.Close() })
	tg, err := pool.Target(f.config(t, way))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// dirFor returns a fresh directory in which way may create files: root's
// for root and sudo, the login user's for the owner.
func (f *sshFixture) dirFor(t *testing.T, way sshWay) string {
	t.Helper()
	if way.name == wayOwner.name {
		return sshtest.OwnedTempDir(t, f.users.Login)
	}
	return sshtest.TempDir(t)
}

// ownerFor is the owner of the files the tests write with way: the login
// user for the owner way, another user (the "wso2" of a real host)
// otherwise.
func (f *sshFixture) ownerFor(way sshWay) (uid, gid int) {
	if way.name == wayOwner.name {
		return f.users.Login.UID, f.users.Login.GID
	}
	return f.users.Owner.UID, f.users.Owner.GID
}

// fileAttrs is what a write must keep besides the content.
type fileAttrs struct {
	UID, GID uint32
	Mode     uint32 // permission, set-id and sticky bits
	Xattrs   map[string]string
}

func readAttrs(t *testing.T, path string) fileAttrs {
	t.Helper()
	st := statT(t, path)
	a := fileAttrs{UID: st.Uid, GID: st.Gid, Mode: st.Mode & 0o7777, Xattrs: map[string]string{}}
	names, err := xattrNames(func(b []byte) (int, error) { return unix.Llistxattr(path, b) })
	if err != nil && !isNotSupported(err) {
		t.Fatalf("listing xattrs of %s: %v", path, err)
	}
	for _, n := range names {
		a.Xattrs[n] = string(getXattr(t, path, n))
	}
	return a
}

func (a fileAttrs) equal(b fileAttrs) bool {
	return a.UID == b.UID && a.GID == b.GID && a.Mode == b.Mode && maps.Equal(a.Xattrs, b.Xattrs)
}

// decorate gives path an owner, a mode with setgid, a user xattr and a POSIX
// ACL naming another user, skipping the test where the filesystem has no
// xattrs or ACLs.
func (f *sshFixture) decorate(t *testing.T, path string, uid, gid int) fileAttrs {
	t.Helper()
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640|fs.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	if err := unix.Setxattr(path, "user.apim", []byte("1"), 0); err != nil {
		if isNotSupported(err) {
			t.Skipf("no user extended attributes on the filesystem of %s: %v", path, err)
		}
		t.Fatal(err)
	}
	acl := readerACL(uint32(f.users.PasswordSudo.UID))
	if err := unix.Setxattr(path, "system.posix_acl_access", acl, 0); err != nil {
		if isNotSupported(err) {
			t.Skipf("no POSIX ACLs on the filesystem of %s: %v", path, err)
		}
		t.Fatal(err)
	}
	// setxattr of an ACL rewrites the group bits and may clear setgid;
	// set the mode again (chmod keeps the ACL, rewriting its mask).
	if err := os.Chmod(path, 0o640|fs.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	a := readAttrs(t, path)
	if _, ok := a.Xattrs["system.posix_acl_access"]; !ok || a.Xattrs["user.apim"] != "1" {
		t.Fatalf("setting up %s: attributes %v", path, a)
	}
	return a
}

func TestSSHKeepsXattrsAndACL(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{wayRoot, wayOwner, waySudo} {
		t.Run(way.name, func(t *testing.T) {
			dir := f.dirFor(t, way)
			path := filepath.Join(dir, "user-mgt.xml")
			writeTestFile(t, path, []byte("<old/>"), 0o600)
			uid, gid := f.ownerFor(way)
			want := f.decorate(t, path, uid, gid)

			tg := f.target(t, way)
			for i, content := range []string{"<new/>", "<newer/>"} { // twice: the copy of a copy
				if err := writeAll(context.Background(), tg, path, []byte(content)); err != nil {
					t.Fatalf("write %d: %v", i, err)
				}
				assertContent(t, path, []byte(content))
				if got := readAttrs(t, path); !got.equal(want) {
					t.Errorf("write %d: attributes %+v, want %+v", i, got, want)
				}
			}
			assertNoTemps(t, dir)
		})
	}
}

// A default ACL on the directory gives the new file (and the private
// directory) an access ACL; the original has none, so the replacement must
// not either.
func TestSSHDropsInheritedACL(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{wayRoot, waySudo} {
		t.Run(way.name, func(t *testing.T) {
			dir := f.dirFor(t, way)
			def := inheritedACL(uint32(f.users.Login.UID))
			path := filepath.Join(dir, "carbon.xml")
			writeTestFile(t, path, []byte("<old/>"), 0o644)
			if err := unix.Setxattr(dir, "system.posix_acl_default", def, 0); err != nil {
				if isNotSupported(err) {
					t.Skipf("no POSIX ACLs: %v", err)
				}
				t.Fatal(err)
			}
			want := readAttrs(t, path)
			if err := writeAll(context.Background(), f.target(t, way), path, []byte("<new/>")); err != nil {
				t.Fatal(err)
			}
			if got := readAttrs(t, path); !got.equal(want) {
				t.Errorf("attributes %+v, want %+v", got, want)
			}
			assertNoTemps(t, dir)
		})
	}
}

// writerOf is the uid the edit script runs as for way: the owner of its
// private directories.
func (f *sshFixture) writerOf(way sshWay) int {
	if way.name == wayOwner.name {
		return f.users.Login.UID
	}
	return 0
}

// mkLeftover makes a regular file or, with dir, a private directory
// (holding the given names) at path, owned by uid, with mode and mtime.
func mkLeftover(t *testing.T, path string, dir bool, uid int, mode os.FileMode, mtime time.Time, inner ...string) string {
	t.Helper()
	var err error
	if dir {
		err = os.Mkdir(path, 0o700)
		for _, n := range inner {
			if err == nil {
				err = os.WriteFile(filepath.Join(path, n), []byte("partial"), 0o600)
			}
		}
	} else {
		err = os.WriteFile(path, []byte("partial"), 0o600)
	}
	if err == nil {
		err = os.Lchown(path, uid, uid)
	}
	if err == nil {
		err = os.Chmod(path, mode)
	}
	if err == nil {
		err = os.Chtimes(path, mtime, mtime)
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSSHRemovesStaleTemps(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{wayRoot, wayOwner, waySudo} {
		t.Run(way.name, func(t *testing.T) {
			dir := f.dirFor(t, way)
			// A name that needs quoting and holds glob characters.
			base := "it's a $(x) [*].xml"
			file := filepath.Join(dir, base)
			writeTestFile(t, file, []byte("old"), 0o644)
			uid, _ := f.ownerFor(way)
			if err := os.Chown(file, uid, uid); err != nil {
				t.Fatal(err)
			}
			writer := f.writerOf(way)
			long := time.Now().Add(-2 * staleTempAge)
			at := func(suffix string) string { return filepath.Join(dir, "."+base+tempMarker+suffix) }
			removed := []string{
				// Temporary files of earlier versions (and of the local
				// target's, os.CreateTemp's digits).
				mkLeftover(t, at("123456"), false, uid, 0o600, long),
				mkLeftover(t, at("4294967295"), false, uid, 0o600, long),
				// Private directories of killed edits.
				mkLeftover(t, at("555"), true, writer, 0o700, long, "orig", "new"),
				mkLeftover(t, at("556"), true, writer, 0o700, long),
			}
			keep := []string{
				mkLeftover(t, at("654321"), false, uid, 0o600, time.Now()), // a live edit's
				mkLeftover(t, filepath.Join(dir, ".other.xml"+tempMarker+"1"), false, uid, 0o600, long),
				mkLeftover(t, at("backup"), false, uid, 0o600, long),
				mkLeftover(t, filepath.Join(dir, "."+base+".bak"+tempMarker+"1"), false, uid, 0o600, long),
				mkLeftover(t, at(""), false, uid, 0o600, long),
				mkLeftover(t, at("557"), true, writer, 0o700, time.Now(), "new"), // a live edit's
				mkLeftover(t, at("558"), true, f.users.PasswordSudo.UID, 0o700, long, "new"),
				mkLeftover(t, at("777"), true, writer, 0o755, long),
			}
			staleLink := at("778")
			if err := os.Symlink(keep[1], staleLink); err != nil {
				t.Fatal(err)
			}
			tv := unix.NsecToTimeval(long.UnixNano())
			if err := unix.Lutimes(staleLink, []unix.Timeval{tv, tv}); err != nil {
				t.Fatal(err)
			}
			keep = append(keep, staleLink)
			// One with a file the provider never makes: emptied of
			// orig and new, kept with the rest.
			odd := mkLeftover(t, at("559"), true, writer, 0o700, long, "orig", "new", "other")

			if err := writeAll(context.Background(), f.target(t, way), file, []byte("new")); err != nil {
				t.Fatal(err)
			}
			for _, p := range append(removed, filepath.Join(odd, "orig"), filepath.Join(odd, "new")) {
				if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("stale %s not removed: %v", strings.TrimPrefix(p, dir), err)
				}
			}
			for _, p := range append(keep, filepath.Join(odd, "other"), filepath.Join(keep[5], "new")) {
				if _, err := os.Lstat(p); err != nil {
					t.Errorf("%s should have been kept: %v", strings.TrimPrefix(p, dir), err)
				}
			}
			assertContent(t, file, []byte("new"))
		})
	}
}

// A private directory that the pool knows was left by an edit whose
// session died is removed by the next edit of the file at once, although
// it is not a minute old: the guarantee of the fault trials (no leftovers
// after the next write).
func TestSSHRemovesOrphanAtOnce(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{wayOwner, waySudo} {
		t.Run(way.name, func(t *testing.T) {
			dir := f.dirFor(t, way)
			file := filepath.Join(dir, "carbon.xml")
			writeTestFile(t, file, []byte("old"), 0o644)
			uid, gid := f.ownerFor(way)
			if err := os.Chown(file, uid, gid); err != nil {
				t.Fatal(err)
			}
			orphan := mkLeftover(t, filepath.Join(dir, tempPrefix("carbon.xml")+"42"), true, f.writerOf(way), 0o700, time.Now(), "orig", "new")
			other := mkLeftover(t, filepath.Join(dir, tempPrefix("carbon.xml")+"43"), true, f.writerOf(way), 0o700, time.Now(), "new")
			tg := f.target(t, way)
			st, ok := tg.(*sshTarget)
			if !ok {
				t.Fatalf("target is %T", tg)
			}
			st.entry.addOrphans(way.sudo, file, "42")
			if err := writeAll(context.Background(), tg, file, []byte("new")); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Lstat(orphan); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the orphan was not removed: %v", err)
			}
			if _, err := os.Lstat(other); err != nil {
				t.Errorf("a fresh private directory the pool did not name was removed: %v", err)
			}
			if got := st.entry.takeOrphans(way.sudo, file); len(got) != 0 {
				t.Errorf("orphans left on the list: %v", got)
			}
		})
	}
}

// A host where the login user cannot run commands, or has no GNU cp: the
// edit script cannot run or cannot keep ACLs and extended attributes, so
// the edit fails, says why, and leaves the file and the directory as they
// were. Without commands a read fails too, saying why: reads are scripts,
// so that they follow paths under the rule of trust.go.
func TestSSHAttrsCommandUnavailable(t *testing.T) {
	fake := sshtest.TempDir(t)
	// BusyBox's cp, as far as this test is concerned.
	script := "#!/bin/sh\necho \"cp: unrecognized option '--attributes-only'\" >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(fake, "cp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		config []string
		want   []string
	}{
		{"sftp only", []string{"ForceCommand internal-sftp"}, []string{"did not run the command", "internal-sftp", "allow " + sshtest.LoginUser + " to run commands"}},
		{"no GNU cp", []string{"SetEnv PATH=" + fake + ":/usr/bin:/bin"}, []string{"--attributes-only", "GNU coreutils"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newSSHFixture(t, sshtest.Options{ExtraConfig: c.config})
			dir := f.dirFor(t, wayOwner)
			path := filepath.Join(dir, "carbon.xml")
			writeTestFile(t, path, []byte("<old/>"), 0o640)
			uid, gid := f.ownerFor(wayOwner)
			if err := os.Chown(path, uid, gid); err != nil {
				t.Fatal(err)
			}
			tg := f.target(t, wayOwner)
			got, err := tg.ReadFile(context.Background(), path)
			if c.name == "sftp only" {
				if err == nil || !strings.Contains(err.Error(), "did not run the command") || !strings.Contains(err.Error(), "internal-sftp") {
					t.Fatalf("ReadFile on an SFTP-only account = %q, %v; want the error saying commands cannot run", got, err)
				}
			} else if err != nil || string(got) != "<old/>" {
				t.Fatalf("ReadFile = %q, %v", got, err)
			}
			start := time.Now()
			err = writeAll(context.Background(), tg, path, []byte("<new/>"))
			if err == nil {
				t.Fatal("EditFile succeeded")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the failure took %v", d)
			}
			for _, w := range append(c.want, path, f.srv.Addr(), "not changed") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q: %v", w, err)
				}
			}
			assertContent(t, path, []byte("<old/>"))
			assertNoTemps(t, dir)
		})
	}
}

// What the local target and earlier versions leave behind is removed by
// the edit script too: one naming for all (tempname.go).
func TestSSHRemovesLeftoversOfOtherPaths(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{wayOwner, waySudo} {
		t.Run(way.name, func(t *testing.T) {
			dir := f.dirFor(t, way)
			file := filepath.Join(dir, "f.xml")
			writeTestFile(t, file, []byte("old"), 0o644)
			uid, gid := f.ownerFor(way)
			if err := os.Chown(file, uid, gid); err != nil {
				t.Fatal(err)
			}
			long := time.Now().Add(-2 * staleTempAge)
			// A temporary file as os.CreateTemp names them (earlier local
			// versions), one as earlier SSH versions did, and a private
			// directory of the local target.
			tmp, err := os.CreateTemp(dir, tempPrefix("f.xml")+"*")
			if err != nil {
				t.Fatal(err)
			}
			tmp.Close()
			mkLeftover(t, tmp.Name(), false, uid, 0o600, long)
			mkLeftover(t, filepath.Join(dir, tempPrefix("f.xml")+newTempSuffix()), false, uid, 0o600, long)
			mkLeftover(t, filepath.Join(dir, tempPrefix("f.xml")+newTempSuffix()), true, f.writerOf(way), 0o700, long, newFileName)
			if err := writeAll(context.Background(), f.target(t, way), file, []byte(way.name)); err != nil {
				t.Fatal(err)
			}
			if left := tempLeftovers(t, dir); len(left) > 0 {
				t.Errorf("left %v", left)
			}
		})
	}
}
