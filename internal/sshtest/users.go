package sshtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// The local users EnsureUsers creates. Production hosts log in as an
// unprivileged user and edit root- or wso2-owned files, so tests need the
// same cast.
const (
	// LoginUser logs in with a key or Password and has passwordless sudo.
	LoginUser = "apimtest"
	// OwnerUser owns files that another user edits (the "wso2" user of a
	// real host). It has no sudo.
	OwnerUser = "apimowner"
	// PasswordSudoUser logs in like LoginUser, but sudo asks it for a
	// password.
	PasswordSudoUser = "apimsudopw"
	// Password is the login password of LoginUser and PasswordSudoUser.
	Password = "apim-sshtest-pw-7Qx"
)

// sudoersFile holds the sudo rules of the test users.
const sudoersFile = "/etc/sudoers.d/apim-sshtest"

// User is a local account.
type User struct {
	Name     string
	UID, GID int
	Home     string
}

// Users are the accounts EnsureUsers provides.
type Users struct {
	Login, Owner, PasswordSudo User
}

// EnsureUsers creates LoginUser, OwnerUser and PasswordSudoUser (with homes,
// shell /bin/sh and Password), and their sudo rules, if missing. It is
// idempotent and safe to call from many tests and test processes at once: a
// file lock serializes the changes to /etc/passwd and friends.
func EnsureUsers(t TB) Users {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("sshtest: EnsureUsers must run as root (it creates users %s, %s, %s and a sudoers rule)",
			LoginUser, OwnerUser, PasswordSudoUser)
	}
	if _, err := exec.LookPath("sudo"); err != nil {
		t.Fatalf("sshtest: sudo is not installed: run apt-get install openssh-server sudo")
	}

	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "apim-sshtest-users.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("sshtest: locking: %v", err)
	}
	// Unlocking cannot meaningfully fail, and closing the file (deferred
	// above, so it runs after this) releases the lock anyway.
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()

	for _, name := range []string{LoginUser, OwnerUser, PasswordSudoUser} {
		if _, err := user.Lookup(name); err != nil {
			run(t, "useradd", "--create-home", "--shell", "/bin/sh", name)
		}
	}
	// chpasswd every time: cheap, and it repairs a password changed by hand.
	chpasswd := exec.Command("chpasswd")
	chpasswd.Stdin = strings.NewReader(LoginUser + ":" + Password + "\n" + PasswordSudoUser + ":" + Password + "\n")
	if out, err := chpasswd.CombinedOutput(); err != nil {
		t.Fatalf("sshtest: chpasswd: %v: %s", err, out)
	}

	rules := fmt.Sprintf("# Written by the apim provider's tests (internal/sshtest).\n"+
		"%s ALL=(ALL:ALL) NOPASSWD: ALL\n%s ALL=(ALL:ALL) ALL\n", LoginUser, PasswordSudoUser)
	if old, err := os.ReadFile(sudoersFile); err != nil || string(old) != rules {
		tmp := sudoersFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(rules), 0o440); err != nil {
			t.Fatalf("sshtest: %v", err)
		}
		if err := os.Rename(tmp, sudoersFile); err != nil {
			t.Fatalf("sshtest: %v", err)
		}
	}

	return Users{Login: lookup(t, LoginUser), Owner: lookup(t, OwnerUser), PasswordSudo: lookup(t, PasswordSudoUser)}
}

func lookup(t TB, name string) User {
	t.Helper()
	u, err := user.Lookup(name)
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return User{Name: name, UID: uid, GID: gid, Home: u.HomeDir}
}

func run(t TB, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("sshtest: %s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}

// TempDir returns a fresh directory that every user may traverse and list
// (mode 0755), removed at cleanup. t.TempDir's parent is 0700 and root's,
// which hides files from non-root logins and from sshd reading
// authorized_keys as the login user.
func TempDir(t TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sshtest-") //nolint:usetesting // t.TempDir's parent is 0700, see above
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	return dir
}

// OwnedTempDir is a TempDir that u owns: u may create files in it, as a
// login user editing its own files over SFTP must (the temporary file of a
// write is created next to the file).
func OwnedTempDir(t TB, u User) string {
	t.Helper()
	dir := TempDir(t)
	if err := os.Chown(dir, u.UID, u.GID); err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	return dir
}
