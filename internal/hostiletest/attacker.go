//go:build linux

package hostiletest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Attack names what the attacker does while armed.
type Attack string

const (
	// SymlinkNew replaces every new entry that appears in the directory
	// (a temporary file or directory of the provider's) with a symbolic
	// link to the victim; a directory is first renamed aside, since a link
	// cannot be renamed over a directory.
	SymlinkNew Attack = "symlink-new"
	// FlipAfterRead points the symbolic link File at the victim as soon as
	// the file it links to (Real) has been read.
	FlipAfterRead Attack = "flip-after-read"
	// ReplaceAfterRead renames a copy of File over it as soon as File has
	// been read: the file written is then no longer the file read.
	ReplaceAfterRead Attack = "replace-after-read"
)

// Config says what to attack and as whom.
type Config struct {
	Attack Attack
	// Dir is the directory the attacker owns and watches.
	Dir string
	// File is the name in Dir of the file under attack (FlipAfterRead:
	// the symbolic link to Real).
	File string
	// Real is, for FlipAfterRead, the name in Dir of the file File links
	// to.
	Real string
	// Victim is the absolute path of the file the attacker wants written.
	Victim string
	// UID and GID are the attacker's account.
	UID, GID int
}

// Stats count what the attacker did during one arming.
type Stats struct {
	// Events is how many inotify events it saw.
	Events int
	// Moves is how many renames it made (links or copies put in place).
	Moves int
}

// Attacker is a running attacker process.
type Attacker struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// Start starts the attacker for cfg, disarmed; it is killed at the test's
// cleanup. The test must run as root (it starts a process as another
// account).
func Start(t testing.TB, cfg Config) *Attacker {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("hostiletest: must run as root to start the attacker as uid %d", cfg.UID)
	}
	bin := binary(t)
	cmd := exec.Command(bin, "-attack", string(cfg.Attack), "-dir", cfg.Dir, "-file", cfg.File,
		"-real", cfg.Real, "-victim", cfg.Victim)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(cfg.UID), Gid: uint32(cfg.GID)}}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatalf("hostiletest: %v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("hostiletest: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("hostiletest: starting the attacker: %v", err)
	}
	a := &Attacker{cmd: cmd, in: stdin, out: bufio.NewReader(stdout)}
	t.Cleanup(func() {
		a.in.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	a.expect(t, "started")
	return a
}

// Arm makes the attacker watch and act; it returns once the watches are in
// place.
func (a *Attacker) Arm(t testing.TB) {
	t.Helper()
	a.send(t, "arm")
	a.expect(t, "armed")
}

// Disarm stops the attacker acting and returns what it did since Arm. The
// attacker's last rename has completed when Disarm returns.
func (a *Attacker) Disarm(t testing.TB) Stats {
	t.Helper()
	a.send(t, "disarm")
	line := a.expect(t, "disarmed")
	var s Stats
	if _, err := fmt.Sscanf(line, "disarmed %d %d", &s.Events, &s.Moves); err != nil {
		t.Fatalf("hostiletest: attacker said %q: %v", line, err)
	}
	return s
}

func (a *Attacker) send(t testing.TB, cmd string) {
	t.Helper()
	if _, err := io.WriteString(a.in, cmd+"\n"); err != nil {
		t.Fatalf("hostiletest: telling the attacker %q: %v", cmd, err)
	}
}

// expect reads the attacker's next line, which must start with word, within
// ten seconds.
func (a *Attacker) expect(t testing.TB, word string) string {
	t.Helper()
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := a.out.ReadString('\n')
		ch <- result{strings.TrimSpace(line), err}
	}()
	select {
	case r := <-ch:
		if r.err != nil || !strings.HasPrefix(r.line, word) {
			t.Fatalf("hostiletest: expected %q from the attacker, got %q (%v)", word, r.line, r.err)
		}
		return r.line
	case <-time.After(10 * time.Second):
		t.Fatalf("hostiletest: the attacker did not say %q within 10s", word)
		return ""
	}
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// binary builds the attacker program once per test process into a
// directory every account may read, and returns its path.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		_, self, _, _ := runtime.Caller(0)
		dir, err := os.MkdirTemp("", "hostiletest-") //nolint:usetesting // outlives one test, shared by the process, and must be 0755
		if err != nil {
			buildErr = err
			return
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "attacker")
		cmd := exec.Command("go", "build", "-o", buildPath, ".")
		cmd.Dir = filepath.Join(filepath.Dir(self), "attacker")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("hostiletest: building the attacker: %v", buildErr)
	}
	return buildPath
}

// Victim is a root-only file in a root-only directory: what an attacker
// would like the provider to write.
type Victim struct {
	path    string
	content []byte
	ino     uint64
}

// NewVictim creates the victim (mode 0600, owner root, in a 0700
// directory), removed at cleanup.
func NewVictim(t testing.TB) *Victim {
	t.Helper()
	dir, err := os.MkdirTemp("", "hostiletest-victim-") //nolint:usetesting // must be root's and 0700, like /root
	if err != nil {
		t.Fatalf("hostiletest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatalf("hostiletest: %v", err)
	}
	v := &Victim{path: filepath.Join(dir, "shadow"), content: []byte("root:$6$victim-hash:19000:0:99999:7:::\n<Offset>0</Offset>\n")}
	if err := os.WriteFile(v.path, v.content, 0o600); err != nil {
		t.Fatalf("hostiletest: %v", err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(v.path, &st); err != nil {
		t.Fatalf("hostiletest: %v", err)
	}
	v.ino = st.Ino
	return v
}

// Path is the victim's absolute path.
func (v *Victim) Path() string { return v.path }

// Check fails the test unless the victim is intact (Intact).
func (v *Victim) Check(t testing.TB) {
	t.Helper()
	if err := v.Intact(); err != nil {
		t.Fatalf("hostiletest: %v", err)
	}
}

// Intact returns an error unless the victim still is the same inode with
// the same bytes, owner root:root and mode 0600, and nothing else appeared
// in its directory.
func (v *Victim) Intact() error {
	var st syscall.Stat_t
	if err := syscall.Lstat(v.path, &st); err != nil {
		return fmt.Errorf("the victim %s: %w", v.path, err)
	}
	got, err := os.ReadFile(v.path)
	if err != nil {
		return fmt.Errorf("the victim %s: %w", v.path, err)
	}
	switch {
	case st.Ino != v.ino:
		return fmt.Errorf("the victim %s was replaced (inode %d, was %d)", v.path, st.Ino, v.ino)
	case string(got) != string(v.content):
		return fmt.Errorf("the victim %s was written: %q", v.path, got)
	case st.Uid != 0 || st.Gid != 0:
		return fmt.Errorf("the victim %s changed owner to %d:%d", v.path, st.Uid, st.Gid)
	case st.Mode&0o7777 != 0o600:
		return fmt.Errorf("the victim %s changed mode to %04o", v.path, st.Mode&0o7777)
	}
	entries, err := os.ReadDir(filepath.Dir(v.path))
	if err != nil {
		return err
	}
	if len(entries) != 1 {
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, strconv.Quote(e.Name()))
		}
		return fmt.Errorf("the victim's directory holds %s, not only the victim", strings.Join(names, ", "))
	}
	return nil
}
