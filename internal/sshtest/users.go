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

	defer lockUsers(t)()

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

	writeSudoers(t, sudoersFile, fmt.Sprintf("# Written by the apim provider's tests (internal/sshtest).\n"+
		"%s ALL=(ALL:ALL) NOPASSWD: ALL\n%s ALL=(ALL:ALL) ALL\n", LoginUser, PasswordSudoUser))

	return Users{Login: lookup(t, LoginUser), Owner: lookup(t, OwnerUser), PasswordSudo: lookup(t, PasswordSudoUser)}
}

// lockUsers serializes changes to /etc/passwd and friends between tests
// and test processes with a file lock; it returns the unlock.
func lockUsers(t TB) (unlock func()) {
	t.Helper()
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "apim-sshtest-users.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		lock.Close()
		t.Fatalf("sshtest: locking: %v", err)
	}
	// Closing the file releases the lock.
	return func() { lock.Close() }
}

// writeSudoers makes path hold rules (mode 0440), replacing it atomically
// when it differs.
func writeSudoers(t TB, path, rules string) {
	t.Helper()
	if old, err := os.ReadFile(path); err == nil && string(old) == rules {
		return
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(rules), 0o440); err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatalf("sshtest: %v", err)
	}
}

// Logins whose login shell is not a POSIX shell. sshd runs every command
// through the login shell ("$SHELL -c COMMAND"), so the provider's command
// line must mean the same to these as to sh; both have passwordless sudo,
// like LoginUser.
const (
	FishUser = "apimfish"
	TcshUser = "apimtcsh"
)

// shellsSudoersFile holds the sudo rules of the shell users.
const shellsSudoersFile = "/etc/sudoers.d/apim-sshtest-shells"

// ShellUsers are the accounts EnsureShellUsers provides.
type ShellUsers struct {
	Fish, Tcsh User
}

// EnsureShellUsers creates FishUser (login shell fish) and TcshUser (tcsh),
// with homes and passwordless sudo, if missing. It fails the test, saying
// what to install, when the shells are not installed (Debian packages fish
// and tcsh).
func EnsureShellUsers(t TB) ShellUsers {
	t.Helper()
	EnsureUsers(t)
	shells := map[string]string{FishUser: "fish", TcshUser: "tcsh"}
	paths := map[string]string{}
	for name, shell := range shells {
		p, err := exec.LookPath(shell)
		if err != nil {
			t.Fatalf("sshtest: %s is not installed: run apt-get install fish tcsh", shell)
		}
		paths[name] = p
	}
	defer lockUsers(t)()
	for _, name := range []string{FishUser, TcshUser} {
		switch _, err := user.Lookup(name); {
		case err != nil:
			run(t, "useradd", "--create-home", "--shell", paths[name], name)
		case loginShell(name) != paths[name]:
			run(t, "usermod", "--shell", paths[name], name)
		}
	}
	// A password, so that sshd does not take the accounts for locked ones
	// ("!" in /etc/shadow), which it refuses even a key for.
	chpasswd := exec.Command("chpasswd")
	chpasswd.Stdin = strings.NewReader(FishUser + ":" + Password + "\n" + TcshUser + ":" + Password + "\n")
	if out, err := chpasswd.CombinedOutput(); err != nil {
		t.Fatalf("sshtest: chpasswd: %v: %s", err, out)
	}
	writeSudoers(t, shellsSudoersFile, fmt.Sprintf("# Written by the apim provider's tests (internal/sshtest).\n"+
		"%s ALL=(ALL:ALL) NOPASSWD: ALL\n%s ALL=(ALL:ALL) NOPASSWD: ALL\n", FishUser, TcshUser))
	return ShellUsers{Fish: lookup(t, FishUser), Tcsh: lookup(t, TcshUser)}
}

// loginShell is name's login shell from /etc/passwd, "" if not found.
func loginShell(name string) string {
	b, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if f := strings.Split(line, ":"); len(f) == 7 && f[0] == name {
			return f[6]
		}
	}
	return ""
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
