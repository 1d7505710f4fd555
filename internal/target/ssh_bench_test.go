package target_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// BenchmarkSSHHostCPU measures what one operation costs the SSH host's CPU:
// sshd's session, the login shell, sh and every program the script runs,
// as the sshd process accounts for its children (host-ms/op). On a machine
// whose cores the hosts share with Terraform (bench/, BENCHMARKS.md) this,
// not the network, bounds an apply. The files are laid out as a 2.1.0
// home's (repository/conf, 26 KB each) under a temporary directory, the
// login user's own, who logs in without sudo as on the bench's hosts; the
// edit that writes changes one byte each time. The connection's login
// is shared out over the iterations.
func BenchmarkSSHHostCPU(b *testing.B) {
	users := sshtest.EnsureUsers(b)
	key := sshtest.NewKey(b)
	srv := sshtest.Start(b, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	root := sshtest.OwnedTempDir(b, users.Login)
	home := filepath.Join(root, "a", "b", "c", "wso2am-2.1.0")
	conf := filepath.Join(home, "repository", "conf")
	if err := os.MkdirAll(filepath.Join(conf, "axis2"), 0o755); err != nil {
		b.Fatal(err)
	}
	carbon := filepath.Join(conf, "carbon.xml")
	files := []string{carbon, filepath.Join(conf, "api-manager.xml"), filepath.Join(conf, "jndi.properties"),
		filepath.Join(conf, "axis2", "axis2.xml"), filepath.Join(conf, "missing.toml")}
	// A home's nine files as the provider reads them to tell what it is
	// (provider.detectHome), three of which a 2.1.0 home lacks.
	workflow := filepath.Join(home, "repository/deployment/server/synapse-configs/default/proxy-services/WorkflowCallbackService.xml")
	version := filepath.Join(home, "bin", "version.txt")
	nine := append([]string{filepath.Join(conf, "deployment.toml"), filepath.Join(home, "updates", "product.txt"), version,
		filepath.Join(conf, "deployment.toml.backup"), workflow}, files[:4]...)
	for _, d := range []string{filepath.Dir(workflow), filepath.Dir(version)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	for _, f := range append(files[:4], workflow, version) {
		if err := os.WriteFile(f, []byte("<Offset>0</Offset>\n"+strings.Repeat("<!-- x -->\n", 2400)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chown(p, users.Login.UID, users.Login.GID)
	}); err != nil {
		b.Fatal(err)
	}
	cfg := target.SSHConfig{
		Host: srv.Host(), Port: srv.Port(), User: users.Login.Name,
		PrivateKey: key.PEM(b), HostKey: srv.HostKey, Agent: new(bool), Timeout: 10 * time.Second,
	}
	ctx := context.Background()
	flip := func(old []byte) ([]byte, error) {
		out := bytes.Clone(old)
		out[len(out)-2] ^= 1
		return out, nil
	}
	same := func(old []byte) ([]byte, error) { return old, nil }
	for _, c := range []struct {
		name string
		op   func(target.Target) error
	}{
		{"read one file", func(t target.Target) error { _, err := t.ReadFile(ctx, carbon); return err }},
		{"read five files, one missing", func(t target.Target) error {
			_, errs := t.ReadFiles(ctx, files)
			return errs[0]
		}},
		{"read a home's nine files, three missing", func(t target.Target) error {
			_, errs := t.ReadFiles(ctx, nine)
			return errs[2]
		}},
		{"edit, nothing to change", func(t target.Target) error { _, err := t.EditFile(ctx, carbon, same); return err }},
		{"edit that writes", func(t target.Target) error { _, err := t.EditFile(ctx, carbon, flip); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			pool := target.NewPool()
			tg, err := pool.Target(cfg)
			if err != nil {
				b.Fatal(err)
			}
			if err := c.op(tg); err != nil { // the login, outside the count
				b.Fatal(err)
			}
			before := settledCPU(srv)
			n := 0
			for b.Loop() {
				if err := c.op(tg); err != nil {
					b.Fatal(err)
				}
				n++
			}
			// The sessions' CPU reaches sshd's account once their
			// processes are reaped; the connection's own, when it ends.
			_ = pool.Close()
			b.ReportMetric(float64((settledCPU(srv)-before).Microseconds())/1000/float64(n), "host-ms/op")
		})
	}
}

// settledCPU is srv's CPU time once it stops changing: the processes of a
// session or a connection that just ended are reaped a moment later.
func settledCPU(srv *sshtest.Server) time.Duration {
	last := srv.CPUTime()
	for range 50 {
		time.Sleep(100 * time.Millisecond)
		now := srv.CPUTime()
		if now == last {
			return now
		}
		last = now
	}
	return last
}
