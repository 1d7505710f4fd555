package target

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// Tests of the SSH write path that need the package's internals (the fault
// seam, the naming of temporary files); the rest are in ssh_test.go. They
// run against real sshd processes, like those.

// sshWay is one way of writing over SSH: SFTP as root, SFTP as the file's
// owner (no root anywhere; the login user owns file and directory), or sudo
// from an unprivileged login.
//
// SFTP as root is the one way that needs a root login: it writes a file
// another user owns, an owner only root may give the new file over SFTP.
// Tests use it only where that is the point, and never kill or freeze its
// sessions: root's login shell on the test machines is bash, which sources
// ~/.bashrc for every command sshd runs, and a .bashrc running pyenv (a
// lock file per rehash) makes each root command slow and a root session
// killed at the wrong moment stalls every later one (TestSSHFaultTrials).
type sshWay struct {
	name string
	sudo bool
	user func(sshtest.Users) string
}

var (
	waySFTPRoot  = sshWay{"sftp-root", false, func(sshtest.Users) string { return "root" }}
	waySFTPOwner = sshWay{"sftp-owner", false, func(u sshtest.Users) string { return u.Login.Name }}
	waySudo      = sshWay{"sudo", true, func(u sshtest.Users) string { return u.Login.Name }}
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
// for root and sudo, the login user's for SFTP as the owner.
func (f *sshFixture) dirFor(t *testing.T, way sshWay) string {
	t.Helper()
	if way.name == waySFTPOwner.name {
		return sshtest.OwnedTempDir(t, f.users.Login)
	}
	return sshtest.TempDir(t)
}

// ownerFor is the owner of the files the tests write with way: the login
// user for SFTP as the owner, another user (the "wso2" of a real host)
// otherwise.
func (f *sshFixture) ownerFor(way sshWay) (uid, gid int) {
	if way.name == waySFTPOwner.name {
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
	for _, way := range []sshWay{waySFTPRoot, waySFTPOwner, waySudo} {
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

// A default ACL on the directory gives the temporary file an access ACL;
// the original has none, so the replacement must not either.
func TestSSHDropsInheritedACL(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{waySFTPRoot, waySudo} {
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

func TestSSHRemovesStaleTemps(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{waySFTPRoot, waySFTPOwner, waySudo} {
		t.Run(way.name, func(t *testing.T) {
			dir := f.dirFor(t, way)
			// A name that needs quoting and holds glob characters.
			base := "it's a $(x) [*].xml"
			file := filepath.Join(dir, base)
			writeTestFile(t, file, []byte("old"), 0o644)
			uid, gid := f.ownerFor(way)
			if err := os.Chown(file, uid, gid); err != nil {
				t.Fatal(err)
			}
			long := time.Now().Add(-2 * staleTempAge)
			mk := func(name string, mtime time.Time) string {
				p := filepath.Join(dir, name)
				writeTestFile(t, p, []byte("partial"), 0o600)
				if err := os.Lchown(p, uid, gid); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(p, mtime, mtime); err != nil {
					t.Fatal(err)
				}
				return p
			}
			stale := mk("."+base+tempMarker+"123456", long)
			staleOS := mk("."+base+tempMarker+"4294967295", long)
			keep := []string{
				mk("."+base+tempMarker+"654321", time.Now()), // a live write's
				mk(".other.xml"+tempMarker+"1", long),
				mk("."+base+tempMarker+"backup", long),
				mk("."+base+".bak"+tempMarker+"1", long),
				mk("."+base+tempMarker, long),
			}
			staleDir := filepath.Join(dir, "."+base+tempMarker+"777")
			if err := os.Mkdir(staleDir, 0o755); err != nil {
				t.Fatal(err)
			}
			staleLink := filepath.Join(dir, "."+base+tempMarker+"778")
			if err := os.Symlink(keep[1], staleLink); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{staleDir, staleLink} {
				if err := unix.Lutimes(p, []unix.Timeval{unix.NsecToTimeval(long.UnixNano()), unix.NsecToTimeval(long.UnixNano())}); err != nil {
					t.Fatal(err)
				}
			}
			keep = append(keep, staleDir, staleLink)

			if err := writeAll(context.Background(), f.target(t, way), file, []byte("new")); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{stale, staleOS} {
				if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("stale temporary file %s not removed: %v", filepath.Base(p), err)
				}
			}
			for _, p := range keep {
				if _, err := os.Lstat(p); err != nil {
					t.Errorf("%s should have been kept: %v", filepath.Base(p), err)
				}
			}
			assertContent(t, file, []byte("new"))
		})
	}
}

// A host where the login user cannot run commands, or has no GNU cp: the
// SFTP path cannot keep ACLs and extended attributes, so it refuses to
// write, says why, and leaves the file and the directory as they were.
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
		{"sftp only", []string{"ForceCommand internal-sftp"}, []string{"did not run the command", "internal-sftp", "sudo = true"}},
		{"no GNU cp", []string{"SetEnv PATH=" + fake + ":/usr/bin:/bin"}, []string{"--attributes-only", "GNU coreutils"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newSSHFixture(t, sshtest.Options{ExtraConfig: c.config})
			dir := f.dirFor(t, waySFTPOwner)
			path := filepath.Join(dir, "carbon.xml")
			writeTestFile(t, path, []byte("<old/>"), 0o640)
			uid, gid := f.ownerFor(waySFTPOwner)
			if err := os.Chown(path, uid, gid); err != nil {
				t.Fatal(err)
			}
			tg := f.target(t, waySFTPOwner)
			if got, err := tg.ReadFile(context.Background(), path); err != nil || string(got) != "<old/>" {
				t.Fatalf("ReadFile = %q, %v", got, err)
			}
			err := writeAll(context.Background(), tg, path, []byte("<new/>"))
			if err == nil {
				t.Fatal("WriteFile succeeded")
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

// The sudo path removes what the SFTP path left and the other way round:
// one naming for both (tempname.go).
func TestSSHSudoAndSFTPShareTempNaming(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	dir := f.dirFor(t, waySFTPOwner)
	file := filepath.Join(dir, "f.xml")
	writeTestFile(t, file, []byte("old"), 0o644)
	uid, gid := f.ownerFor(waySFTPOwner)
	if err := os.Chown(file, uid, gid); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-2 * staleTempAge)
	for _, way := range []sshWay{waySFTPOwner, waySudo} {
		// A leftover named exactly as the other path names them.
		var name string
		if way.sudo {
			name = tempPrefix("f.xml") + newTempSuffix()
		} else {
			tmp, err := os.CreateTemp(dir, tempPrefix("f.xml")+"*") // as local.go makes them
			if err != nil {
				t.Fatal(err)
			}
			tmp.Close()
			name = filepath.Base(tmp.Name())
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, long, long); err != nil {
			t.Fatal(err)
		}
		if err := writeAll(context.Background(), f.target(t, way), file, []byte(way.name)); err != nil {
			t.Fatal(err)
		}
		if left := tempLeftovers(t, dir); len(left) > 0 {
			t.Errorf("%s: left %v", way.name, left)
		}
	}
}

// The sweep of stale temporary files exists twice, in Go (removeStaleTemps,
// removeStaleTempsSFTP) and in sh (shTempSweep, for sudo): both must remove
// exactly the same files.
func TestTempSweepAgreesWithGo(t *testing.T) {
	base := "it's a $(x) [*].xml"
	long := time.Now().Add(-2 * staleTempAge)
	names := map[string]time.Time{
		base:                          long,
		"." + base + tempMarker + "1": long,
		"." + base + tempMarker + "12345678901234567890": long,
		"." + base + tempMarker + "2":                    time.Now(),
		"." + base + tempMarker + "3":                    time.Now().Add(-staleTempAge + 5*time.Second),
		"." + base + tempMarker:                          long,
		"." + base + tempMarker + "x1":                   long,
		"." + base + tempMarker + "1x":                   long,
		"." + base + tempMarker + "1 2":                  long,
		"." + base + tempMarker + "*":                    long,
		"." + base + ".x" + tempMarker + "1":             long,
		".other" + tempMarker + "1":                      long,
		base + tempMarker + "1":                          long,
	}
	mkdir := func() string {
		dir := t.TempDir()
		for n, mt := range names {
			p := filepath.Join(dir, n)
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, mt, mt); err != nil {
				t.Fatal(err)
			}
		}
		for _, sub := range []string{"." + base + tempMarker + "9"} { // a directory: kept
			if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(filepath.Join(dir, sub), long, long); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	list := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}

	goDir, shDir := mkdir(), mkdir()
	removeStaleTemps(goDir, base, time.Now())
	cmd := exec.Command("sh", "-c", "d=$1 b=$2\n"+shTempSweep, "sweep", shDir, base)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sweep script: %v: %s", err, out)
	}
	gotGo, gotSh := list(goDir), list(shDir)
	if !slices.Equal(gotGo, gotSh) {
		t.Errorf("Go kept %q\nsh kept %q", gotGo, gotSh)
	}
	if len(gotGo) != len(names)+1-2 {
		t.Errorf("Go kept %d of %d entries, want all but the two stale ones: %q", len(gotGo), len(names)+1, gotGo)
	}
}
