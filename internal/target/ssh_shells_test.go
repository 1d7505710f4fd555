package target_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// hostileNames are link targets (and paths) built to run a command if
// any shell on the way parsed them: for POSIX shells, fish (where a
// backslash escapes inside single quotes) and tcsh. Each would create a
// file under marker. A name may hold "/" (it is then a path of
// directories), quotes, backslashes and newlines.
func hostileNames(marker string) []string {
	m := func(n int) string { return fmt.Sprintf("%s/pwned-%d", marker, n) }
	return []string{
		"a;touch " + m(1) + ";#\\",
		"b'$(touch " + m(2) + ")'",
		"c\"$(touch " + m(3) + ")\"",
		"d`touch " + m(4) + "`",
		"e\\'; touch " + m(5) + " #",
		"f\n$(touch " + m(6) + ")\n",
		"g$(touch${IFS}" + m(7) + ")",
		"h\\\"; touch " + m(8) + "; echo \\",
		"i'\"'\"'; touch " + m(9) + "; '",
	}
}

// mkHostileFile makes dir/name (directories on the way included) a file
// of u holding content.
func mkHostileFile(t *testing.T, dir, name string, u sshtest.User, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	for d := filepath.Dir(p); d != dir; d = filepath.Dir(d) {
		defer func(d string) {
			if err := os.Chown(d, u.UID, u.GID); err != nil {
				t.Fatal(err)
			}
		}(d)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	writeLocal(t, p, content, 0o640, u.UID, u.GID)
	return p
}

// TestSSHLoginShells edits through logins whose shell is fish or tcsh,
// with and without sudo, files whose names (behind carbon.xml, a link, and
// in the path itself) are built to run a command in one shell or another:
// every edit lands on the file the name names, nothing runs, and a path
// with a control character is refused before anything is sent.
func TestSSHLoginShells(t *testing.T) {
	shells := sshtest.EnsureShellUsers(t)
	srv, key := startWithKey(t, sshtest.Options{})
	marker := sshtest.TempDir(t)
	if err := os.Chmod(marker, 0o777); err != nil { // anyone could create the marker
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, u := range []sshtest.User{shells.Fish, shells.Tcsh} {
		for _, sudo := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/sudo=%v", u.Name, sudo), func(t *testing.T) {
				cfg := loginConfig(t, srv, key)
				cfg.User, cfg.Sudo = u.Name, sudo
				tg := mustTarget(t, newPool(t), cfg)
				for i, name := range hostileNames(marker) {
					dir := sshtest.OwnedTempDir(t, u)
					realFile := mkHostileFile(t, dir, name, u, "<old/>")
					link := filepath.Join(dir, "carbon.xml")
					if err := os.Symlink(name, link); err != nil {
						t.Fatal(err)
					}
					if err := os.Lchown(link, u.UID, u.GID); err != nil {
						t.Fatal(err)
					}
					content := fmt.Sprintf("<new n=\"%d\"/>", i)
					if err := writeAll(ctx, tg, link, []byte(content)); err != nil {
						t.Errorf("name %q behind the link: %v", name, err)
						continue
					}
					if got := readLocal(t, realFile); got != content {
						t.Errorf("name %q behind the link: the file holds %q, want %q", name, got, content)
					}
					if got, err := tg.ReadFile(ctx, link); err != nil || string(got) != content {
						t.Errorf("name %q behind the link: ReadFile = %q, %v", name, got, err)
					}
					if strings.ContainsAny(name, "\n") {
						// Not a path the provider passes on.
						p := filepath.Join(dir, name)
						start := time.Now()
						err := writeAll(ctx, tg, p, []byte("x"))
						if err == nil || !strings.Contains(err.Error(), "control character") || !strings.Contains(err.Error(), u.Name+"@"+srv.Addr()) {
							t.Errorf("path with a newline: %v, want a refusal naming the control character", err)
						}
						if d := time.Since(start); d > time.Second {
							t.Errorf("the refusal took %v", d)
						}
						if _, err := tg.ReadFile(ctx, p); err == nil || !strings.Contains(err.Error(), "control character") {
							t.Errorf("ReadFile of a path with a newline: %v, want a refusal", err)
						}
						continue
					}
					// The same name as the path itself.
					content += " direct"
					if err := writeAll(ctx, tg, realFile, []byte(content)); err != nil {
						t.Errorf("path %q: %v", realFile, err)
					} else if got := readLocal(t, realFile); got != content {
						t.Errorf("path %q holds %q, want %q", realFile, got, content)
					}
				}
				left, err := os.ReadDir(marker)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range left {
					t.Errorf("a name ran a command: %s appeared", filepath.Join(marker, e.Name()))
				}
			})
		}
	}
}

// The limits: a sparse 1 GiB file, a FIFO and /dev/zero behind a link are
// refused quickly, with the kind of error the provider advises on and
// without reading them, by every way of reading and editing.
func TestSSHRefusesHugeAndSpecialFiles(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	login := users.Login
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.OwnedTempDir(t, login)
	sparse := filepath.Join(dir, "sparse.xml")
	writeLocal(t, sparse, "", 0o644, login.UID, login.GID)
	if err := os.Truncate(sparse, 1<<30); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.xml")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(fifo, login.UID, login.GID); err != nil {
		t.Fatal(err)
	}
	// root's link: one of the login user's would be refused with sudo
	// before the device is looked at (the trust rule).
	zero := filepath.Join(sshtest.TempDir(t), "zero.xml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, sudo := range []bool{false, true} {
		cfg := loginConfig(t, srv, key)
		cfg.Sudo = sudo
		tg := mustTarget(t, newPool(t), cfg)
		for _, c := range []struct {
			path string
			is   error  // the kind, or nil
			says string // what the message must say
		}{
			{sparse, target.ErrTooLarge, "1073741824 bytes"},
			{fifo, nil, "a FIFO, not a regular file"},
			{zero, nil, "a character device"},
		} {
			for op, do := range map[string]func() error{
				"ReadFile": func() error { _, err := tg.ReadFile(ctx, c.path); return err },
				"EditFile": func() error {
					_, err := tg.EditFile(ctx, c.path, func([]byte) ([]byte, error) {
						t.Errorf("EditFile of %s called the edit", c.path)
						return nil, errors.New("unreachable")
					})
					return err
				},
			} {
				start := time.Now()
				err := do()
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("sudo=%v %s %s took %v", sudo, op, c.path, d)
				}
				if err == nil || (c.is != nil && !errors.Is(err, c.is)) || !strings.Contains(err.Error(), c.says) ||
					!strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), srv.Addr()) {
					t.Errorf("sudo=%v %s %s = %v; want an error saying %q", sudo, op, c.path, err, c.says)
				}
			}
		}
	}
	if fi, err := os.Stat(sparse); err != nil || fi.Size() != 1<<30 {
		t.Errorf("the sparse file changed: %v %v", fi, err)
	}
	if _, err := os.Lstat(fifo); err != nil || !isFIFO(fifo) {
		t.Errorf("the FIFO changed: %v", err)
	}
}

func mkfifo(p string) error { return syscall.Mkfifo(p, 0o644) }

func isFIFO(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode()&fs.ModeNamedPipe != 0
}
