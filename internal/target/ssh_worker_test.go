package target_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// workerCommand starts the command line of a worker, the sh that serves a
// connection's operations (with sudo, sudo's child).
const workerCommand = "sh -c read -r n"

// A connection's operations run one after another on a worker, an exec
// session that stays up between them, with sudo and without. A worker the
// host killed while it was idle (an administrator, the OOM killer) costs
// nothing but a new one: the next operation, sent to it before the client
// heard of its end (the proxy delays that by oneWay), runs again on a new
// worker. A closed pool leaves no worker behind.
func TestSSHWorkers(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.OwnedTempDir(t, login)
	p := filepath.Join(dir, "carbon.xml")
	writeLocal(t, p, "<Offset>0</Offset>\n", 0o644, login.UID, login.GID)
	tc := newTurnCounter(t, srv.Addr())
	ctx := context.Background()
	for _, sudo := range []bool{false, true} {
		t.Run(fmt.Sprintf("sudo=%v", sudo), func(t *testing.T) {
			cfg := loginConfig(t, srv, key)
			cfg.Host, cfg.Port, cfg.Sudo = "127.0.0.1", tc.port(), sudo
			pool := target.NewPool()
			t.Cleanup(func() { pool.Close() })
			tg := mustTarget(t, pool, cfg)
			read := func(when string) {
				t.Helper()
				if got, err := tg.ReadFile(ctx, p); err != nil || !bytes.Contains(got, []byte("<Offset>")) {
					t.Fatalf("%s: ReadFile: %q, %v", when, got, err)
				}
			}
			read("first read")
			first := srv.CommandPIDs(workerCommand)
			read("second read")
			if _, err := tg.EditFile(ctx, p, func(old []byte) ([]byte, error) {
				return bytes.Replace(old, []byte(">0<"), []byte(">1<"), 1), nil
			}); err != nil {
				t.Fatal(err)
			}
			if after := srv.CommandPIDs(workerCommand); len(first) != 1 || !slices.Equal(after, first) {
				t.Fatalf("workers %v after the first read, %v after a read and an edit more; want one, the same", first, after)
			}

			if err := syscall.Kill(first[0], syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(oneWay / 2); slices.Contains(srv.CommandPIDs(workerCommand), first[0]); {
				if time.Now().After(deadline) {
					t.Fatalf("worker %d outlived SIGKILL by %v", first[0], oneWay/2)
				}
				time.Sleep(time.Millisecond)
			}
			read("the read after the worker was killed")
			if now := srv.CommandPIDs(workerCommand); len(now) != 1 || now[0] == first[0] {
				t.Errorf("workers %v after the killed worker %d; want one new one", now, first[0])
			}

			_ = pool.Close()
			if left := srv.CommandPIDs(workerCommand); len(left) > 0 {
				t.Errorf("workers %v still running after the pool was closed", left)
			}
			if got, err := os.ReadFile(p); err != nil || !bytes.Contains(got, []byte(">1<")) {
				t.Errorf("the edit did not land: %q, %v", got, err)
			}
			writeLocal(t, p, "<Offset>0</Offset>\n", 0o644, login.UID, login.GID)
		})
	}
}
