package target

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The tests run as root in CI, where the kernel bypasses permission bits, so
// a plain chmod 000 proves nothing. asUser runs one operation of Local in a
// child process (this test binary, re-executed) with the real uid and gid of
// an ordinary user, so the kernel checks it like any other process of that
// user, and the local target's own idea of who it is (its effective uid)
// is that user too. Run as non-root, the tests already are unprivileged and
// the operation runs in the test process when it is the user asked for.
const (
	nobodyUID = 65534
	nobodyGID = 65534
)

// childOp is an operation for the child process: "read" (ReadFile) or
// "write" (writeAll of Data).
type childOp struct {
	Op, Path string
	Data     []byte
}

// childResult is what the operation returned.
type childResult struct {
	Err                  string
	NotExist, Permission bool
	Changed              bool
	Data                 []byte
}

const (
	childEnv    = "APIM_TARGET_LOCAL_CHILD"
	childMarker = "APIM-CHILD-RESULT "
)

func runChildOp(op childOp) childResult {
	var r childResult
	var err error
	switch op.Op {
	case "read":
		r.Data, err = NewLocal().ReadFile(context.Background(), op.Path)
	case "write":
		r.Changed, err = NewLocal().EditFile(context.Background(), op.Path, func([]byte) ([]byte, error) { return op.Data, nil })
	default:
		err = fmt.Errorf("unknown child operation %q", op.Op)
	}
	if err != nil {
		r.Err = err.Error()
		r.NotExist = errors.Is(err, fs.ErrNotExist)
		r.Permission = errors.Is(err, fs.ErrPermission)
	}
	return r
}

// TestLocalChildProcess is the child process of asUser; run by hand it skips.
func TestLocalChildProcess(t *testing.T) {
	req := os.Getenv(childEnv)
	if req == "" {
		t.Skip("the child process of asUser; nothing to do on its own")
	}
	var op childOp
	if err := json.Unmarshal([]byte(req), &op); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(runChildOp(op))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(childMarker + string(b))
}

// asNobody runs op in a child process as nobody (uid 65534), an account
// that owns none of the test's files.
func asNobody(t *testing.T, op childOp) childResult {
	uid, gid := nobodyUID, nobodyGID
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Geteuid() != uid {
			t.Skipf("needs root to act as uid %d (running as uid %d)", uid, os.Geteuid())
		}
		return runChildOp(op)
	}
	// The test binary lives in a directory only root may enter: give it
	// a name the user can reach (a hard link, or a copy across file
	// systems).
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(openDir(t), "target.test")
	if err := os.Link(self, bin); err != nil {
		data, err := os.ReadFile(self)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	req, err := json.Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestLocalChildProcess$", "-test.count=1")
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), childEnv+"="+string(req))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}}
	out, err := cmd.CombinedOutput()
	for line := range strings.SplitSeq(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, childMarker); ok {
			var r childResult
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				t.Fatalf("child process said %q: %v", rest, err)
			}
			return r
		}
	}
	t.Fatalf("child process as uid %d: %v\n%s", uid, err, out)
	return childResult{}
}

// openDir returns a fresh temporary directory that other users can
// traverse: t.TempDir and its parent are 0700, which would make every
// unprivileged access fail for the wrong reason.
func openDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeTestFile(t *testing.T, path string, data []byte, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	// Chmod after creating: os.WriteFile's mode is filtered by the umask and
	// drops setuid/setgid/sticky.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// tempLeftovers lists the entries of dir that look like EditFile's private
// directories or the temporary files of earlier versions.
func tempLeftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		if strings.Contains(e.Name(), tempMarker) {
			left = append(left, e.Name())
		}
	}
	return left
}

func assertNoTemps(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if left := tempLeftovers(t, d); len(left) > 0 {
			t.Errorf("temporary files left in %s: %v", d, left)
		}
	}
}

func assertContent(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", path, got, want)
	}
}

func statT(t *testing.T, path string) *syscall.Stat_t {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		t.Fatalf("%s: no syscall.Stat_t in %T", path, info.Sys())
	}
	return st
}

func TestLocalString(t *testing.T) {
	if got := NewLocal().String(); got != "the local host" {
		t.Errorf("String() = %q", got)
	}
}

func TestLocalReadFile(t *testing.T) {
	dir := openDir(t)
	content := []byte("<config>\r\n  <a>é</a>\x00\n</config>")
	file := filepath.Join(dir, "deployment.toml")
	writeTestFile(t, file, content, 0o644)
	empty := filepath.Join(dir, "empty")
	writeTestFile(t, empty, nil, 0o644)
	if err := os.Symlink(file, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("deployment.toml", filepath.Join(dir, "rellink")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A FIFO must be refused without opening it: open(2) would block.
	if err := unix.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "fifo"), 0o644); err != nil { // umask
		t.Fatal(err)
	}
	mustSymlink(t, "conf", filepath.Join(dir, "dirlink"))
	// conf/sub's parent is conf: "conflink/.." is conf, not dir, as for
	// the kernel.
	if err := os.Mkdir(filepath.Join(dir, "conf", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, filepath.Join(dir, "conf", "deployment.toml"), []byte("conf copy"), 0o644)
	mustSymlink(t, "conf/sub", filepath.Join(dir, "conflink"))
	mustSymlink(t, "loop", filepath.Join(dir, "loop"))

	tests := []struct {
		name    string
		path    string
		want    []byte
		is      error  // errors.Is target, nil when no particular one
		wantMsg string // substring of the error, "" for success
	}{
		{name: "regular file", path: file, want: content},
		{name: "empty file", path: empty, want: []byte{}},
		{name: "absolute symlink", path: filepath.Join(dir, "link"), want: content},
		{name: "relative symlink", path: filepath.Join(dir, "rellink"), want: content},
		{name: "missing", path: filepath.Join(dir, "missing.toml"), is: fs.ErrNotExist, wantMsg: "no such file"},
		{name: "missing directory", path: filepath.Join(dir, "nodir", "x.toml"), is: fs.ErrNotExist, wantMsg: "no such file"},
		{name: "dangling symlink", path: filepath.Join(dir, "dangling"), is: fs.ErrNotExist, wantMsg: "no such file"},
		{name: "directory", path: filepath.Join(dir, "conf"), wantMsg: "is a directory (mode drwxr-xr-x), not a regular file"},
		{name: "root", path: "/", wantMsg: "is a directory (mode d"},
		{name: "link to a directory", path: filepath.Join(dir, "dirlink"), wantMsg: "leads to " + filepath.Join(dir, "conf") + ", which is a directory"},
		{name: "fifo", path: filepath.Join(dir, "fifo"), wantMsg: "is a FIFO (mode prw-r--r--), not a regular file"},
		{name: "dot-dot is the real parent", path: dir + "/conflink/../deployment.toml", want: []byte("conf copy")},
		{name: "relative to the working directory", path: "testdata-missing/x.toml", is: fs.ErrNotExist, wantMsg: "no such file"},
		{name: "file as a directory", path: filepath.Join(file, "x"), wantMsg: "not a directory"},
		{name: "symlink loop", path: filepath.Join(dir, "loop"), wantMsg: "too many levels of symbolic links"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got, err := NewLocal().ReadFile(ctx, tc.path)
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("ReadFile: %v", err)
				}
				if !bytes.Equal(got, tc.want) {
					t.Errorf("got %q, want %q", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ReadFile succeeded with %q, want error", got)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q should contain %q and the path", err, tc.wantMsg)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
		})
	}
}

func TestLocalReadFileRelative(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "f.toml"), []byte("x"), 0o644)
	t.Chdir(dir)
	if got, err := NewLocal().ReadFile(context.Background(), "f.toml"); err != nil || string(got) != "x" {
		t.Errorf("ReadFile of a relative path: %q, %v", got, err)
	}
	if err := writeAll(context.Background(), NewLocal(), "./f.toml", []byte("y")); err != nil {
		t.Fatal(err)
	}
	assertContent(t, filepath.Join(dir, "f.toml"), []byte("y"))
}

func TestLocalReadFilePermission(t *testing.T) {
	dir := openDir(t)
	file := filepath.Join(dir, "secret.xml")
	writeTestFile(t, file, []byte("x"), 0o000)
	r := asNobody(t, childOp{Op: "read", Path: file})
	if r.Err == "" {
		t.Fatal("ReadFile of a mode-000 file as an unprivileged user succeeded")
	}
	if !r.Permission {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false", r.Err)
	}
	if !strings.Contains(r.Err, file) {
		t.Errorf("error %q does not name the path", r.Err)
	}
}

func TestLocalReadFileCancelled(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	writeTestFile(t, file, []byte("x"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewLocal().ReadFile(ctx, file); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadFile with a cancelled context: %v", err)
	}
}

func TestLocalEditFileContentAndMode(t *testing.T) {
	tests := []struct {
		name string
		mode fs.FileMode
		old  []byte
		data []byte
	}{
		{"0640", 0o640, []byte("old"), []byte("<a>new</a>\n")},
		{"0604 setgid", 0o604 | fs.ModeSetgid, []byte("old"), []byte("new")},
		{"0755 setuid", 0o755 | fs.ModeSetuid, []byte("old"), []byte("new")},
		{"0644 sticky", 0o644 | fs.ModeSticky, []byte("old"), []byte("new")},
		{"0600", 0o600, []byte("old"), []byte("new")},
		{"0000", 0, []byte("old"), []byte("new")},
		{"empty data", 0o644, []byte("old content"), []byte{}},
		{"binary and CRLF", 0o644, []byte("a\r\nb"), []byte("\xef\xbb\xbf<x>\r\n\x00\xff</x>\r\n")},
		{"shrink", 0o644, bytes.Repeat([]byte("long "), 1000), []byte("short")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "deployment.toml")
			writeTestFile(t, file, tc.old, tc.mode)
			before := statT(t, file)
			if err := writeAll(context.Background(), NewLocal(), file, tc.data); err != nil {
				t.Fatalf("EditFile: %v", err)
			}
			info, err := os.Lstat(file)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode() != tc.mode {
				t.Errorf("mode %v, want %v", info.Mode(), tc.mode)
			}
			after := statT(t, file)
			if after.Uid != before.Uid || after.Gid != before.Gid {
				t.Errorf("owner %d:%d, want %d:%d", after.Uid, after.Gid, before.Uid, before.Gid)
			}
			if os.Geteuid() != 0 && tc.mode&0o400 == 0 {
				// Only now that the mode is checked: an unprivileged
				// test cannot read back a file without owner read bit.
				if err := os.Chmod(file, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			assertContent(t, file, tc.data)
			assertNoTemps(t, dir)
		})
	}
}

func TestLocalEditFileOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "api-manager.xml")
	// setgid too: chown clears setgid, so this also checks that the mode is
	// applied after the owner.
	writeTestFile(t, file, []byte("old"), 0o750|fs.ModeSetgid)
	if err := os.Chown(file, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o750|fs.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	if err := writeAll(context.Background(), NewLocal(), file, []byte("new")); err != nil {
		t.Fatalf("EditFile: %v", err)
	}
	st := statT(t, file)
	if st.Uid != 1234 || st.Gid != 5678 {
		t.Errorf("owner %d:%d, want 1234:5678", st.Uid, st.Gid)
	}
	if st.Mode&0o7777 != 0o2750 {
		t.Errorf("mode %04o, want 2750", st.Mode&0o7777)
	}
	assertContent(t, file, []byte("new"))
	assertNoTemps(t, dir)
}

// An unprivileged user who owns the file (the usual SSH-less deployment: the
// provider runs as the wso2 user) can replace it without CAP_CHOWN.
func TestLocalEditFileAsOwner(t *testing.T) {
	dir := filepath.Join(openDir(t), "conf")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "deployment.toml")
	writeTestFile(t, file, []byte("old"), 0o640)
	if os.Geteuid() == 0 {
		for _, p := range []string{dir, file} {
			if err := os.Chown(p, nobodyUID, nobodyGID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if r := asNobody(t, childOp{Op: "write", Path: file, Data: []byte("new")}); r.Err != "" || !r.Changed {
		t.Fatalf("EditFile as the owner: changed %v, %v", r.Changed, r.Err)
	}
	assertContent(t, file, []byte("new"))
	st := statT(t, file)
	if st.Uid != nobodyUID || st.Gid != nobodyGID || st.Mode&0o7777 != 0o640 {
		t.Errorf("got %d:%d %04o, want %d:%d 0640", st.Uid, st.Gid, st.Mode&0o7777, nobodyUID, nobodyGID)
	}
	assertNoTemps(t, dir)
}

// A user who may write the file and its directory but does not own the file
// must not end up replacing it by a file of its own: EditFile refuses.
func TestLocalEditFileRefusesOwnerChange(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a file owned by another user")
	}
	dir := filepath.Join(openDir(t), "shared")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil { // umask
		t.Fatal(err)
	}
	file := filepath.Join(dir, "deployment.toml")
	writeTestFile(t, file, []byte("old"), 0o666)
	r := asNobody(t, childOp{Op: "write", Path: file, Data: []byte("new")})
	if r.Err == "" {
		t.Fatal("EditFile replaced a root-owned file by one owned by nobody")
	}
	if !strings.Contains(r.Err, "refusing to change ownership") || !r.Permission || r.Changed {
		t.Errorf("unexpected result: %+v", r)
	}
	assertContent(t, file, []byte("old"))
	if st := statT(t, file); st.Uid != 0 || st.Gid != 0 {
		t.Errorf("owner changed to %d:%d", st.Uid, st.Gid)
	}
	assertNoTemps(t, dir)
}

func TestLocalEditFileReadOnlyDir(t *testing.T) {
	dir := filepath.Join(openDir(t), "ro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "deployment.toml")
	// The file itself is writable: only the directory forbids an atomic
	// replacement, which is the case the error message must explain.
	writeTestFile(t, file, []byte("old"), 0o644)
	if os.Geteuid() == 0 {
		for _, p := range []string{dir, file} {
			if err := os.Chown(p, nobodyUID, nobodyGID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	// Best effort: it only lets t.TempDir's cleanup, which reports its own
	// failures, remove what is inside.
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	r := asNobody(t, childOp{Op: "write", Path: file, Data: []byte("new")})
	if r.Err == "" {
		t.Fatal("EditFile into a read-only directory succeeded")
	}
	for _, want := range []string{file, "cannot create a temporary file in " + dir, "directory must be writable"} {
		if !strings.Contains(r.Err, want) {
			t.Errorf("error %q does not contain %q", r.Err, want)
		}
	}
	if !r.Permission {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false", r.Err)
	}
	assertContent(t, file, []byte("old"))
	assertNoTemps(t, dir)
}

func TestLocalEditFileErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "conf"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		is      error
		wantMsg string
	}{
		{"missing", filepath.Join(dir, "missing.toml"), fs.ErrNotExist, "no such file"},
		{"dangling symlink", filepath.Join(dir, "dangling"), fs.ErrNotExist, "no such file"},
		{"directory", filepath.Join(dir, "conf"), nil, "is a directory (mode drwxr-xr-x), not a regular file"},
		{"fifo", filepath.Join(dir, "fifo"), nil, "is a FIFO (mode prw-r--r--), not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := writeAll(context.Background(), NewLocal(), tc.path, []byte("new"))
			if err == nil {
				t.Fatal("EditFile succeeded")
			}
			if !strings.Contains(err.Error(), tc.wantMsg) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q should contain %q and the path", err, tc.wantMsg)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
		})
	}
	// EditFile only replaces: nothing may have been created.
	if _, err := os.Lstat(filepath.Join(dir, "missing.toml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing.toml was created: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the dangling link's target was created: %v", err)
	}
	assertNoTemps(t, dir, filepath.Join(dir, "conf"))
}

func TestLocalEditFileCancelled(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	writeTestFile(t, file, []byte("old"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := writeAll(ctx, NewLocal(), file, []byte("new")); !errors.Is(err, context.Canceled) {
		t.Errorf("EditFile with a cancelled context: %v", err)
	}
	assertContent(t, file, []byte("old"))
	assertNoTemps(t, dir)
}

func TestLocalEditFileSymlinks(t *testing.T) {
	tests := []struct {
		name string
		// setup returns the path to write and the real file behind it.
		setup func(t *testing.T, root string) (path, realFile string)
	}{
		{"absolute", func(t *testing.T, root string) (string, string) {
			realFile := filepath.Join(root, "real", "deployment.toml")
			link := filepath.Join(root, "conf", "deployment.toml")
			mustSymlink(t, realFile, link)
			return link, realFile
		}},
		{"relative", func(t *testing.T, root string) (string, string) {
			realFile := filepath.Join(root, "real", "deployment.toml")
			link := filepath.Join(root, "conf", "deployment.toml")
			mustSymlink(t, "../real/deployment.toml", link)
			return link, realFile
		}},
		{"chain", func(t *testing.T, root string) (string, string) {
			realFile := filepath.Join(root, "real", "deployment.toml")
			mid := filepath.Join(root, "conf", "mid.toml")
			link := filepath.Join(root, "conf", "deployment.toml")
			mustSymlink(t, "../real/deployment.toml", mid)
			mustSymlink(t, "mid.toml", link)
			return link, realFile
		}},
		{"linked directory", func(t *testing.T, root string) (string, string) {
			mustSymlink(t, "real", filepath.Join(root, "current"))
			return filepath.Join(root, "current", "deployment.toml"), filepath.Join(root, "real", "deployment.toml")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, d := range []string{"real", "conf"} {
				if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			path, realFile := tc.setup(t, root)
			writeTestFile(t, realFile, []byte("old"), 0o640)
			linkBefore, _ := os.Readlink(path)

			if err := writeAll(context.Background(), NewLocal(), path, []byte("new")); err != nil {
				t.Fatalf("EditFile: %v", err)
			}
			assertContent(t, realFile, []byte("new"))
			assertContent(t, path, []byte("new"))
			if linkBefore != "" {
				info, err := os.Lstat(path)
				if err != nil {
					t.Fatal(err)
				}
				if info.Mode()&fs.ModeSymlink == 0 {
					t.Fatalf("%s is no longer a symlink (mode %v)", path, info.Mode())
				}
				if got, _ := os.Readlink(path); got != linkBefore {
					t.Errorf("link now points to %q, was %q", got, linkBefore)
				}
			}
			if info, _ := os.Lstat(realFile); info.Mode() != 0o640 {
				t.Errorf("target mode %v, want 0640", info.Mode())
			}
			assertNoTemps(t, root, filepath.Join(root, "real"), filepath.Join(root, "conf"))
		})
	}
}

func mustSymlink(t *testing.T, oldname, newname string) {
	t.Helper()
	if err := os.Symlink(oldname, newname); err != nil {
		t.Fatal(err)
	}
}

func TestLocalEditFileXattr(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.xml")
	writeTestFile(t, file, []byte("old"), 0o644)
	if err := unix.Setxattr(file, "user.apim", []byte("1"), 0); err != nil {
		if isNotSupported(err) {
			t.Skipf("filesystem of %s has no user extended attributes: %v", dir, err)
		}
		t.Fatal(err)
	}
	if err := writeAll(context.Background(), NewLocal(), file, []byte("new")); err != nil {
		t.Fatalf("EditFile: %v", err)
	}
	buf := make([]byte, 16)
	n, err := unix.Getxattr(file, "user.apim", buf)
	if err != nil {
		t.Fatalf("user.apim lost: %v", err)
	}
	if got := string(buf[:n]); got != "1" {
		t.Errorf("user.apim = %q, want \"1\"", got)
	}
	assertContent(t, file, []byte("new"))
	assertNoTemps(t, dir)
}

// posixACL encodes an ACL in the kernel's xattr format (struct
// posix_acl_xattr_header and _entry, little-endian), so the test needs
// no setfacl binary.
type aclEntry struct {
	tag  uint16
	perm uint16
	id   uint32
}

const (
	aclUserObj  = 0x01
	aclUser     = 0x02
	aclGroupObj = 0x04
	aclMask     = 0x10
	aclOther    = 0x20
	aclNoID     = 0xFFFFFFFF
)

// readerACL is an access ACL: the owner reads and writes, user uid and the
// group read, others nothing.
func readerACL(uid uint32) []byte {
	return posixACL(
		aclEntry{aclUserObj, 6, aclNoID},
		aclEntry{aclUser, 4, uid},
		aclEntry{aclGroupObj, 4, aclNoID},
		aclEntry{aclMask, 4, aclNoID},
		aclEntry{aclOther, 0, aclNoID},
	)
}

// inheritedACL is a directory's default ACL giving user uid full access,
// which a file created there inherits.
func inheritedACL(uid uint32) []byte {
	return posixACL(
		aclEntry{aclUserObj, 7, aclNoID},
		aclEntry{aclUser, 7, uid},
		aclEntry{aclGroupObj, 5, aclNoID},
		aclEntry{aclMask, 7, aclNoID},
		aclEntry{aclOther, 5, aclNoID},
	)
}

func posixACL(entries ...aclEntry) []byte {
	b := binary.LittleEndian.AppendUint32(nil, 2) // version
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, e.tag)
		b = binary.LittleEndian.AppendUint16(b, e.perm)
		b = binary.LittleEndian.AppendUint32(b, e.id)
	}
	return b
}

func TestLocalEditFilePosixACL(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.xml")
	writeTestFile(t, file, []byte("old"), 0o640)
	acl := readerACL(1234)
	if err := unix.Setxattr(file, "system.posix_acl_access", acl, 0); err != nil {
		if isNotSupported(err) {
			t.Skipf("filesystem of %s has no POSIX ACLs: %v", dir, err)
		}
		t.Fatal(err)
	}
	want := getXattr(t, file, "system.posix_acl_access")
	if err := writeAll(context.Background(), NewLocal(), file, []byte("new")); err != nil {
		t.Fatalf("EditFile: %v", err)
	}
	if got := getXattr(t, file, "system.posix_acl_access"); !bytes.Equal(got, want) {
		t.Errorf("ACL %x, want %x", got, want)
	}
	if st := statT(t, file); st.Mode&0o7777 != 0o640 {
		t.Errorf("mode %04o, want 0640", st.Mode&0o7777)
	}
	assertNoTemps(t, dir)
}

// A default ACL on the directory gives every new file, the temporary one
// too, an access ACL; the original has none, so the replacement must not
// either.
func TestLocalEditFileDropsInheritedACL(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.xml")
	writeTestFile(t, file, []byte("old"), 0o644)
	def := inheritedACL(1234)
	if err := unix.Setxattr(dir, "system.posix_acl_default", def, 0); err != nil {
		if isNotSupported(err) {
			t.Skipf("filesystem of %s has no POSIX ACLs: %v", dir, err)
		}
		t.Fatal(err)
	}
	if err := writeAll(context.Background(), NewLocal(), file, []byte("new")); err != nil {
		t.Fatalf("EditFile: %v", err)
	}
	if _, err := unix.Getxattr(file, "system.posix_acl_access", nil); !errors.Is(err, unix.ENODATA) {
		t.Errorf("the replacement has an access ACL the original did not have (err %v)", err)
	}
	if st := statT(t, file); st.Mode&0o7777 != 0o644 {
		t.Errorf("mode %04o, want 0644", st.Mode&0o7777)
	}
	assertContent(t, file, []byte("new"))
	assertNoTemps(t, dir)
}

func getXattr(t *testing.T, path, name string) []byte {
	t.Helper()
	v, err := xattrBytes(func(b []byte) (int, error) { return unix.Getxattr(path, name, b) })
	if err != nil {
		t.Fatalf("getxattr %s %s: %v", path, name, err)
	}
	return v
}

// setWriteFault installs the seam for one test; tests that use it must not
// run in parallel.
func setWriteFault(t *testing.T, f func(stage string) error) {
	t.Helper()
	writeFault = f
	t.Cleanup(func() { writeFault = nil })
}

func TestLocalEditFileStages(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	writeTestFile(t, file, []byte("old"), 0o644)
	var seen []string
	setWriteFault(t, func(stage string) error {
		seen = append(seen, stage)
		want := "old"
		if stage == stageRenamed {
			want = "new"
		}
		if got, err := os.ReadFile(file); err != nil || string(got) != want {
			t.Errorf("at %s the file holds %q (%v), want %q", stage, got, err, want)
		}
		return nil
	})
	if err := writeAll(context.Background(), NewLocal(), file, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, writeStages) {
		t.Errorf("stages %v, want %v", seen, writeStages)
	}
}

func TestLocalEditFileFaults(t *testing.T) {
	old := []byte("<old/>")
	data := []byte("<new/>")
	for _, stage := range writeStages {
		t.Run(stage, func(t *testing.T) {
			root := t.TempDir()
			// Through a symlink, so the check covers both directories.
			realDir := filepath.Join(root, "real")
			if err := os.Mkdir(realDir, 0o755); err != nil {
				t.Fatal(err)
			}
			realFile := filepath.Join(realDir, "f.xml")
			writeTestFile(t, realFile, old, 0o640|fs.ModeSetgid)
			link := filepath.Join(root, "f.xml")
			mustSymlink(t, "real/f.xml", link)

			injected := errors.New("injected fault")
			setWriteFault(t, func(s string) error {
				if s == stage {
					return injected
				}
				return nil
			})
			err := writeAll(context.Background(), NewLocal(), link, data)
			if !errors.Is(err, injected) {
				t.Fatalf("EditFile returned %v, want the injected fault", err)
			}
			if !strings.Contains(err.Error(), link) {
				t.Errorf("error %q does not name the path", err)
			}
			want := old
			if stage == stageRenamed {
				want = data
				if !strings.Contains(err.Error(), "has the new content") {
					t.Errorf("error after the rename should say the file was replaced: %v", err)
				}
			}
			assertContent(t, realFile, want)
			if info, _ := os.Lstat(realFile); info.Mode() != 0o640|fs.ModeSetgid {
				t.Errorf("mode %v after fault, want 0640 with setgid", info.Mode())
			}
			if info, _ := os.Lstat(link); info.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("link replaced by a file")
			}
			assertNoTemps(t, root, realDir)
		})
	}
}

func TestLocalEditFileRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "deployment.toml")
	writeTestFile(t, file, []byte("old"), 0o644)
	old := time.Now().Add(-2 * staleTempAge)
	age := func(p string, mtime time.Time) {
		t.Helper()
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(name string, mtime time.Time) string {
		p := filepath.Join(dir, name)
		writeTestFile(t, p, []byte("partial"), 0o600)
		age(p, mtime)
		return p
	}
	// mkPrivate makes a directory as EditFile makes its private ones,
	// holding the given names.
	mkPrivate := func(name string, mode fs.FileMode, mtime time.Time, inside ...string) string {
		p := filepath.Join(dir, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		for _, n := range inside {
			writeTestFile(t, filepath.Join(p, n), []byte("partial"), 0o600)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		age(p, mtime)
		return p
	}
	stale := mk(".deployment.toml.apim-tmp-123456", old)
	fresh := mk(".deployment.toml.apim-tmp-654321", time.Now())
	otherFile := mk(".other.toml.apim-tmp-1", old)
	notOurs := mk(".deployment.toml.apim-tmp-backup", old)
	longerName := mk(".deployment.toml.bak.apim-tmp-1", old)
	stalePrivate := mkPrivate(".deployment.toml.apim-tmp-777", 0o700, old, "new")
	stalePrivateSh := mkPrivate(".deployment.toml.apim-tmp-778", 0o700, old, "orig", "new")
	emptyPrivate := mkPrivate(".deployment.toml.apim-tmp-779", 0o700, old)
	freshPrivate := mkPrivate(".deployment.toml.apim-tmp-780", 0o700, time.Now(), "new")
	openDirMode := mkPrivate(".deployment.toml.apim-tmp-781", 0o755, old, "new")
	moreInside := mkPrivate(".deployment.toml.apim-tmp-782", 0o700, old, "new", "other")
	// A link named like a stale entry: neither it nor what it points at
	// may go.
	linkTarget := mkPrivate("target-dir", 0o700, old, "new")
	link := filepath.Join(dir, ".deployment.toml.apim-tmp-783")
	mustSymlink(t, "target-dir", link)
	if err := unix.Lutimes(link, []unix.Timeval{unix.NsecToTimeval(old.UnixNano()), unix.NsecToTimeval(old.UnixNano())}); err != nil {
		t.Fatal(err)
	}
	var othersPrivate string
	if os.Geteuid() == 0 {
		// Another user's directory is not one of ours, whatever its name.
		othersPrivate = mkPrivate(".deployment.toml.apim-tmp-784", 0o700, old, "new")
		if err := os.Chown(othersPrivate, nobodyUID, nobodyGID); err != nil {
			t.Fatal(err)
		}
	}

	if err := writeAll(context.Background(), NewLocal(), file, []byte("new")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{stale, stalePrivate, stalePrivateSh, emptyPrivate} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stale %s not removed: %v", filepath.Base(p), err)
		}
	}
	kept := []string{fresh, otherFile, notOurs, longerName, freshPrivate, filepath.Join(freshPrivate, "new"),
		openDirMode, moreInside, filepath.Join(moreInside, "other"), link, filepath.Join(linkTarget, "new")}
	if othersPrivate != "" {
		kept = append(kept, filepath.Join(othersPrivate, "new"))
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s should have been kept: %v", p, err)
		}
	}
	assertContent(t, file, []byte("new"))
}

func TestLocalLockSerializes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "deployment.toml")
	writeTestFile(t, file, []byte("x"), 0o644)
	link := filepath.Join(dir, "link.toml")
	mustSymlink(t, "deployment.toml", link)
	// Different spellings of one file must take one lock.
	spellings := []string{file, file, link, filepath.Join(dir, ".", "sub", "..", "deployment.toml")}

	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 50 {
				unlock := NewLocal().Lock(spellings[i%len(spellings)])
				n := inside.Add(1)
				for {
					m := maxInside.Load()
					if n <= m || maxInside.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(10 * time.Microsecond)
				inside.Add(-1)
				unlock()
			}
		})
	}
	wg.Wait()
	if m := maxInside.Load(); m != 1 {
		t.Errorf("%d holders at once, want 1", m)
	}
	if n := lockTableSize(); n != 0 {
		t.Errorf("%d lock entries left after all unlocks", n)
	}
}

func TestLocalLockBlocksUntilReleased(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	unlock := NewLocal().Lock(path)
	got := make(chan struct{})
	go func() {
		u := NewLocal().Lock(path)
		close(got)
		u()
	}()
	select {
	case <-got:
		t.Fatal("second Lock of the same path did not block")
	case <-time.After(50 * time.Millisecond):
	}
	unlock()
	unlock() // idempotent: must not unlock the second holder's lock
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("second Lock not granted after unlock")
	}
	waitFor(t, func() bool { return lockTableSize() == 0 })
}

func TestLocalLockDifferentPathsIndependent(t *testing.T) {
	dir := t.TempDir()
	unlockA := NewLocal().Lock(filepath.Join(dir, "a.toml"))
	defer unlockA()
	// Same path on another host: independent too.
	unlockRemote := lockFile("ssh:example:22", filepath.Join(dir, "a.toml"))
	defer unlockRemote()
	done := make(chan struct{})
	go func() {
		NewLocal().Lock(filepath.Join(dir, "b.toml"))()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Lock of another path blocked behind a.toml")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLocalEditFileUnchanged(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.xml")
	writeTestFile(t, file, []byte("same"), 0o644)
	before := statT(t, file)
	var got []byte
	changed, err := NewLocal().EditFile(context.Background(), file, func(old []byte) ([]byte, error) {
		got = old
		return []byte("same"), nil
	})
	if err != nil || changed {
		t.Fatalf("EditFile with the same bytes: changed %v, %v", changed, err)
	}
	if string(got) != "same" {
		t.Errorf("edit was given %q", got)
	}
	// Nothing was written: the same inode, untouched.
	after := statT(t, file)
	if after.Ino != before.Ino || after.Mtim != before.Mtim || after.Ctim != before.Ctim {
		t.Errorf("the file was rewritten: inode %d→%d", before.Ino, after.Ino)
	}
	assertNoTemps(t, dir)

	changed, err = NewLocal().EditFile(context.Background(), file, func(old []byte) ([]byte, error) {
		return append(old, '!'), nil
	})
	if err != nil || !changed {
		t.Fatalf("EditFile with other bytes: changed %v, %v", changed, err)
	}
	assertContent(t, file, []byte("same!"))
}

func TestLocalEditFileEditError(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.xml")
	writeTestFile(t, file, []byte("old"), 0o644)
	before := statT(t, file)
	mine := errors.New("the edit's own error")
	changed, err := NewLocal().EditFile(context.Background(), file, func([]byte) ([]byte, error) {
		return []byte("never written"), mine
	})
	if err != mine || changed { //nolint:errorlint // returned as it is, not wrapped
		t.Fatalf("EditFile = %v, %v; want the edit's error as it is", changed, err)
	}
	if after := statT(t, file); after.Ino != before.Ino {
		t.Error("the file was replaced")
	}
	assertContent(t, file, []byte("old"))
	assertNoTemps(t, dir)
}

// Between the read and the rename the name gets another file (renamed
// over it, as an editor saving does), or loses it, or becomes a link:
// EditFile must notice and write nothing, neither to the file read nor to
// what has the name now.
func TestLocalEditFileReplacedDuringEdit(t *testing.T) {
	tests := []struct {
		name    string
		replace func(t *testing.T, dir, file string)
		now     string // what the error says the name is now
		content string // what must be at the name afterwards ("" nothing)
	}{
		{"renamed over", func(t *testing.T, dir, file string) {
			writeTestFile(t, filepath.Join(dir, "copy"), []byte("theirs"), 0o644)
			if err := os.Rename(filepath.Join(dir, "copy"), file); err != nil {
				t.Fatal(err)
			}
		}, "is now another file", "theirs"},
		{"removed", func(t *testing.T, dir, file string) {
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
		}, "no longer exists", ""},
		{"a link", func(t *testing.T, dir, file string) {
			writeTestFile(t, filepath.Join(dir, "other"), []byte("other"), 0o600)
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
			mustSymlink(t, "other", file)
		}, "is now a symbolic link", "other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "carbon.xml")
			writeTestFile(t, file, []byte("old"), 0o640)
			// Keep the inode that is read under a second name, to check
			// that it is untouched too.
			keep := filepath.Join(dir, "kept-link")
			if err := os.Link(file, keep); err != nil {
				t.Fatal(err)
			}
			changed, err := NewLocal().EditFile(context.Background(), file, func(old []byte) ([]byte, error) {
				tc.replace(t, dir, file)
				return []byte("new"), nil
			})
			if !errors.Is(err, ErrReplaced) || changed {
				t.Fatalf("EditFile = %v, %v; want ErrReplaced", changed, err)
			}
			for _, want := range []string{file, "the file was replaced while it was being edited", tc.now, "nothing was written"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			assertContent(t, keep, []byte("old"))
			if st := statT(t, keep); st.Mode&0o7777 != 0o640 {
				t.Errorf("the file read changed mode to %04o", st.Mode&0o7777)
			}
			if tc.content != "" {
				assertContent(t, file, []byte(tc.content))
			} else if _, err := os.Lstat(file); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("something was written at the name: %v", err)
			}
			assertNoTemps(t, dir)
		})
	}
}

// The limits: a huge (sparse) file, a FIFO, a device behind a link. Each is
// refused quickly, without reading content and without blocking, for
// ReadFile and for EditFile (whose edit is never called).
func TestLocalLimits(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "carbon.xml")
	writeTestFile(t, huge, nil, 0o644)
	if err := os.Truncate(huge, 1<<30); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.xml")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.xml")
	mustSymlink(t, "/dev/zero", zero)
	atLimit := filepath.Join(dir, "at-limit.xml")
	writeTestFile(t, atLimit, nil, 0o644)
	if err := os.Truncate(atLimit, MaxFileSize); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path string
		is         error
		msg        []string
	}{
		{"sparse 1 GiB", huge, ErrTooLarge, []string{"the file is too large", "1073741824 bytes", "nothing was read"}},
		{"FIFO", fifo, nil, []string{"is a FIFO (mode prw-r--r--), not a regular file"}},
		{"/dev/zero behind a link", zero, nil, []string{"leads to /dev/zero, which is a character device (mode Dcrw-rw-rw-), not a regular file"}},
	}
	for _, tc := range tests {
		for _, op := range []string{"read", "edit"} {
			t.Run(tc.name+"/"+op, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				start := time.Now()
				var err error
				edited := false
				if op == "read" {
					var got []byte
					got, err = NewLocal().ReadFile(ctx, tc.path)
					if got != nil {
						t.Errorf("ReadFile returned %d bytes", len(got))
					}
				} else {
					_, err = NewLocal().EditFile(ctx, tc.path, func(b []byte) ([]byte, error) {
						edited = true
						return b, nil
					})
				}
				elapsed := time.Since(start)
				runtime.ReadMemStats(&after)
				if err == nil {
					t.Fatal("no error")
				}
				if tc.is != nil && !errors.Is(err, tc.is) {
					t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
				}
				for _, want := range append(tc.msg, tc.path) {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
				if edited {
					t.Error("the edit was called")
				}
				if elapsed > 2*time.Second {
					t.Errorf("took %v", elapsed)
				}
				if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
					t.Errorf("allocated %d bytes: content was read", grew)
				}
			})
		}
	}
	// Exactly MaxFileSize is still a configuration file.
	if got, err := NewLocal().ReadFile(context.Background(), atLimit); err != nil || len(got) != MaxFileSize {
		t.Errorf("ReadFile of a file of exactly MaxFileSize: %d bytes, %v", len(got), err)
	}
	// New content over the limit is not written either.
	small := filepath.Join(dir, "small.xml")
	writeTestFile(t, small, []byte("x"), 0o644)
	_, err := NewLocal().EditFile(context.Background(), small, func([]byte) ([]byte, error) {
		return make([]byte, MaxFileSize+1), nil
	})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("EditFile writing more than MaxFileSize: %v", err)
	}
	assertContent(t, small, []byte("x"))
	assertNoTemps(t, dir)
}

// A file that grows past the limit while it is read is refused too, after
// at most MaxFileSize+1 bytes.
func TestLocalReadLimitedGrowing(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		defer w.Close()
		chunk := make([]byte, 1<<20)
		for range 32 { // 32 MiB, stops when the reader is gone
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}()
	_, err = readLimited(int(r.Fd()), 10)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "grew") {
		t.Errorf("readLimited of a growing file: %v", err)
	}
}

// An immutable file cannot be replaced even by root; the error says why,
// from the attributes of the file that was read.
func TestLocalEditFileImmutable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chattr +i needs root")
	}
	if _, err := exec.LookPath("chattr"); err != nil {
		t.Skip("chattr is not installed")
	}
	for _, flag := range []struct{ flag, what string }{{"i", "immutable"}, {"a", "append-only"}} {
		t.Run(flag.what, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "carbon.xml")
			writeTestFile(t, file, []byte("old"), 0o644)
			if out, err := exec.Command("chattr", "+"+flag.flag, file).CombinedOutput(); err != nil {
				t.Skipf("chattr +%s: %v: %s", flag.flag, err, out)
			}
			t.Cleanup(func() {
				if out, err := exec.Command("chattr", "-"+flag.flag, file).CombinedOutput(); err != nil {
					t.Errorf("chattr -%s: %v: %s", flag.flag, err, out)
				}
			})
			err := writeAll(context.Background(), NewLocal(), file, []byte("new"))
			want := "replacing the file: it is " + flag.what + " (chattr +" + flag.flag + "): not even root may replace it"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("EditFile of a %s file: %v; want %q", flag.what, err, want)
			}
			assertContent(t, file, []byte("old"))
			assertNoTemps(t, dir)
		})
	}
}
