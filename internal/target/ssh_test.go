package target_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
	"github.com/portoffset/terraform-provider-apim/internal/target"
)

// These tests run against real sshd processes (internal/sshtest): OpenSSH's
// SFTP server, sudo and shell are what production hosts run, and the
// behaviour under test (chown rules, sudo -n, login shells, host key
// negotiation, a connection killed under us) is theirs.

func no() *bool { b := false; return &b }

func newPool(t *testing.T) *target.Pool {
	p := target.NewPool()
	t.Cleanup(func() { p.Close() })
	return p
}

func mustTarget(t *testing.T, p *target.Pool, cfg target.SSHConfig) target.Target {
	t.Helper()
	tg, err := p.Target(cfg)
	if err != nil {
		t.Fatalf("Target: %v", err)
	}
	return tg
}

// loginConfig logs in as sshtest.LoginUser (made by EnsureUsers) with key,
// host key pinned, no agent. Tests log in as that user unless they need
// root: root's login shell on the test machines is bash, which sources
// ~/.bashrc for every command sshd runs (every edit runs one), and a
// .bashrc running pyenv init makes every such command slow, and stalls it
// for a minute after a root session was killed during a pyenv rehash.
// Files a test edits without sudo as this user are the user's, in a
// directory the user owns (sshtest.OwnedTempDir).
func loginConfig(t *testing.T, srv *sshtest.Server, key *sshtest.Key) target.SSHConfig {
	t.Helper()
	return target.SSHConfig{
		Host: srv.Host(), Port: srv.Port(), User: sshtest.EnsureUsers(t).Login.Name,
		PrivateKey: key.PEM(t), HostKey: srv.HostKey, Agent: no(),
		Timeout: 10 * time.Second,
	}
}

func startWithKey(t *testing.T, opts sshtest.Options) (*sshtest.Server, *sshtest.Key) {
	key := sshtest.NewKey(t)
	opts.AuthorizedKeys = append(opts.AuthorizedKeys, key.AuthorizedKey())
	return sshtest.Start(t, opts), key
}

func writeLocal(t *testing.T, path, content string, mode os.FileMode, uid, gid int) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	if err := os.Chown(path, uid, gid); err != nil {
		t.Fatal(err)
	}
}

func readLocal(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assertNoTemp fails when a private directory (or temporary file) of
// EditFile is left in dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".apim-tmp-") {
			t.Errorf("temporary file left behind: %s", filepath.Join(dir, e.Name()))
		}
	}
}

func assertOwnerMode(t *testing.T, path string, uid, gid int, mode os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		t.Fatalf("%s: no syscall.Stat_t in %T", path, fi.Sys())
	}
	if int(st.Uid) != uid || int(st.Gid) != gid || fi.Mode() != mode {
		t.Errorf("%s: owner %d:%d mode %v, want %d:%d %v", path, st.Uid, st.Gid, fi.Mode(), uid, gid, mode)
	}
}

// assertNoSecrets fails when err's text contains any of secrets.
func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, line := range strings.Split(s, "\n") {
			if len(line) >= 8 && strings.Contains(err.Error(), line) {
				t.Errorf("error text contains a secret: %v", err)
			}
		}
	}
}

func TestSSHReadWriteTwoHosts(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	ctx := context.Background()
	pool := newPool(t)
	for i := range 2 {
		srv, key := startWithKey(t, sshtest.Options{})
		tg := mustTarget(t, pool, loginConfig(t, srv, key))
		if got, want := tg.String(), login.Name+"@"+srv.Addr(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
		dir := sshtest.OwnedTempDir(t, login)
		path := filepath.Join(dir, "deployment.toml")
		writeLocal(t, path, "old", 0o644, login.UID, login.GID)

		got, err := tg.ReadFile(ctx, path)
		if err != nil || string(got) != "old" {
			t.Fatalf("host %d: ReadFile = %q, %v", i, got, err)
		}
		content := fmt.Sprintf("new content for host %d\n", i)
		if err := writeAll(ctx, tg, path, []byte(content)); err != nil {
			t.Fatalf("host %d: EditFile: %v", i, err)
		}
		if got := readLocal(t, path); got != content {
			t.Errorf("host %d: file holds %q, want %q", i, got, content)
		}
		assertNoTemp(t, dir)
	}
}

// TestSSHKeepsModeAndOwner logs in as root, on purpose: the file belongs to
// a third user, an owner that only root may give the new file (sudo's way
// is TestSSHSudo's). Nothing kills or freezes the session.
func TestSSHKeepsModeAndOwner(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	srv, key := startWithKey(t, sshtest.Options{})
	cfg := loginConfig(t, srv, key)
	cfg.User = "root"
	tg := mustTarget(t, newPool(t), cfg)
	dir := sshtest.TempDir(t)
	path := filepath.Join(dir, "master-datasources.xml")
	writeLocal(t, path, "<old/>", 0o640, users.Owner.UID, users.Owner.GID)

	if err := writeAll(context.Background(), tg, path, []byte("<new/>")); err != nil {
		t.Fatal(err)
	}
	if got := readLocal(t, path); got != "<new/>" {
		t.Errorf("content %q", got)
	}
	assertOwnerMode(t, path, users.Owner.UID, users.Owner.GID, 0o640)
	assertNoTemp(t, dir)
}

func TestSSHSymlinkStaysSymlink(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	srv, key := startWithKey(t, sshtest.Options{})
	tg := mustTarget(t, newPool(t), loginConfig(t, srv, key))
	dir := sshtest.OwnedTempDir(t, login)
	realDir := filepath.Join(dir, "real")
	if err := os.Mkdir(realDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(realDir, login.UID, login.GID); err != nil {
		t.Fatal(err)
	}
	realFile := filepath.Join(realDir, "carbon.xml")
	writeLocal(t, realFile, "<old/>", 0o600, login.UID, login.GID)
	link := filepath.Join(dir, "carbon.xml")
	if err := os.Symlink("real/carbon.xml", link); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	if got, err := tg.ReadFile(ctx, link); err != nil || string(got) != "<old/>" {
		t.Fatalf("ReadFile through the link = %q, %v", got, err)
	}
	if err := writeAll(ctx, tg, link, []byte("<new/>")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link is no longer a link: %v %v", fi, err)
	}
	if got := readLocal(t, realFile); got != "<new/>" {
		t.Errorf("link target holds %q", got)
	}
	assertOwnerMode(t, realFile, login.UID, login.GID, 0o600)
	assertNoTemp(t, dir)
	assertNoTemp(t, realDir)
}

func TestSSHMissingAndNotRegular(t *testing.T) {
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.TempDir(t)
	ctx := context.Background()
	for _, sudo := range []bool{false, true} {
		cfg := loginConfig(t, srv, key)
		cfg.Sudo = sudo
		tg := mustTarget(t, newPool(t), cfg)
		missing := filepath.Join(dir, "missing.xml")
		_, err := tg.ReadFile(ctx, missing)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), srv.Addr()) {
			t.Errorf("sudo=%v: ReadFile(missing) = %v, want fs.ErrNotExist naming path and host", sudo, err)
		}
		err = writeAll(ctx, tg, missing, []byte("x"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("sudo=%v: EditFile(missing) = %v, want fs.ErrNotExist", sudo, err)
		}
		if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("sudo=%v: EditFile created the missing file", sudo)
		}
		_, err = tg.ReadFile(ctx, dir)
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("sudo=%v: ReadFile(dir) = %v, want a not-regular error", sudo, err)
		}
		assertNoTemp(t, dir)
	}
}

func TestSSHUnknownHostKey(t *testing.T) {
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.TempDir(t)
	path := filepath.Join(dir, "f")
	writeLocal(t, path, "old", 0o644, 0, 0)

	cfg := loginConfig(t, srv, key)
	cfg.HostKey = ""
	cfg.KnownHostsFile = filepath.Join(t.TempDir(), "known_hosts") // missing: knows no host
	tg := mustTarget(t, newPool(t), cfg)
	err := writeAll(context.Background(), tg, path, []byte("new"))
	if !errors.Is(err, target.ErrHostKeyUnknown) {
		t.Fatalf("EditFile = %v, want ErrHostKeyUnknown", err)
	}
	for _, want := range []string{srv.Addr(), "ssh-ed25519", ssh.FingerprintSHA256(srv.HostPublicKey), "ssh-keyscan", "host_key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q: %v", want, err)
		}
	}
	assertNoSecrets(t, err, cfg.PrivateKey)
	if got := readLocal(t, path); got != "old" {
		t.Errorf("file changed to %q", got)
	}
	if n := srv.CountAccepted(); n != 0 {
		t.Errorf("%d logins despite the unknown host key", n)
	}
	if _, err := os.Stat(cfg.KnownHostsFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("known_hosts file was created")
	}
}

func TestSSHChangedHostKey(t *testing.T) {
	srv, key := startWithKey(t, sshtest.Options{})
	other := sshtest.NewKey(t)
	dir := sshtest.TempDir(t)
	path := filepath.Join(dir, "f")
	writeLocal(t, path, "old", 0o644, 0, 0)

	knownHosts := sshtest.WriteFile(t, "known_hosts", fmt.Sprintf("%s\n", strings.Replace(srv.KnownHostsLine(), srv.HostKey, other.AuthorizedKey(), 1)))
	cfg := loginConfig(t, srv, key)
	cfg.HostKey, cfg.KnownHostsFile = "", knownHosts
	err := writeAll(context.Background(), mustTarget(t, newPool(t), cfg), path, []byte("new"))
	if !errors.Is(err, target.ErrHostKeyChanged) {
		t.Fatalf("known_hosts with another key: %v, want ErrHostKeyChanged", err)
	}
	for _, want := range []string{srv.Addr(), ssh.FingerprintSHA256(srv.HostPublicKey), ssh.FingerprintSHA256(other.Public), "ssh-keygen -R"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q: %v", want, err)
		}
	}

	cfg = loginConfig(t, srv, key)
	cfg.HostKey = other.AuthorizedKey()
	err = writeAll(context.Background(), mustTarget(t, newPool(t), cfg), path, []byte("new"))
	if !errors.Is(err, target.ErrHostKeyChanged) || !strings.Contains(err.Error(), ssh.FingerprintSHA256(srv.HostPublicKey)) {
		t.Fatalf("pinned another key: %v, want ErrHostKeyChanged with the fingerprint", err)
	}
	if got := readLocal(t, path); got != "old" {
		t.Errorf("file changed to %q", got)
	}
	if n := srv.CountAccepted(); n != 0 {
		t.Errorf("%d logins despite the changed host key", n)
	}
}

func TestSSHHostKeyVerification(t *testing.T) {
	ca := sshtest.NewKey(t)
	srv, key := startWithKey(t, sshtest.Options{HostCA: ca})
	path := filepath.Join(sshtest.TempDir(t), "f")
	writeLocal(t, path, "content", 0o644, 0, 0)

	cases := map[string]func(*target.SSHConfig){
		"pinned key": func(c *target.SSHConfig) { c.HostKey = srv.HostKey },
		"pinned key among others": func(c *target.SSHConfig) {
			c.HostKey = sshtest.NewKey(t).AuthorizedKey() + "\n" + srv.HostKey + "\n"
		},
		"pinned cert authority": func(c *target.SSHConfig) { c.HostKey = "@cert-authority " + srv.HostCertCA },
		"known_hosts key": func(c *target.SSHConfig) {
			c.HostKey, c.KnownHostsFile = "", sshtest.WriteFile(t, "known_hosts", srv.KnownHostsLine()+"\n")
		},
		"known_hosts cert authority": func(c *target.SSHConfig) {
			c.HostKey, c.KnownHostsFile = "", sshtest.WriteFile(t, "known_hosts", srv.KnownHostsCALine()+"\n")
		},
		"insecure": func(c *target.SSHConfig) { c.HostKey, c.InsecureIgnoreHostKey = "", true },
	}
	for name, set := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := loginConfig(t, srv, key)
			set(&cfg)
			got, err := mustTarget(t, newPool(t), cfg).ReadFile(context.Background(), path)
			if err != nil || string(got) != "content" {
				t.Fatalf("ReadFile = %q, %v", got, err)
			}
		})
	}

	t.Run("cert authority of another CA", func(t *testing.T) {
		cfg := loginConfig(t, srv, key)
		cfg.HostKey = "@cert-authority " + sshtest.NewKey(t).AuthorizedKey()
		_, err := mustTarget(t, newPool(t), cfg).ReadFile(context.Background(), path)
		if !errors.Is(err, target.ErrHostKeyChanged) {
			t.Fatalf("ReadFile = %v, want ErrHostKeyChanged", err)
		}
	})
}

func TestSSHAuthentication(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	userCA := sshtest.NewKey(t)
	key := sshtest.NewKey(t)
	protected := sshtest.NewKey(t)
	agentKey := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Options{
		AuthorizedKeys:         []string{key.AuthorizedKey(), protected.AuthorizedKey(), agentKey.AuthorizedKey()},
		PasswordAuthentication: true,
		UserCA:                 userCA,
	})
	path := filepath.Join(sshtest.TempDir(t), "f")
	writeLocal(t, path, "content", 0o644, 0, 0)
	const passphrase = "correct horse battery"
	certKey := sshtest.NewKey(t) // in no authorized_keys: only its certificate gets it in

	base := target.SSHConfig{
		Host: srv.Host(), Port: srv.Port(), User: users.Login.Name,
		HostKey: srv.HostKey, Agent: no(), Timeout: 10 * time.Second,
	}
	cases := map[string]func(*target.SSHConfig){
		"private key":      func(c *target.SSHConfig) { c.PrivateKey = key.PEM(t) },
		"private key file": func(c *target.SSHConfig) { c.PrivateKeyPath = sshtest.WriteFile(t, "id_ed25519", key.PEM(t)) },
		"password":         func(c *target.SSHConfig) { c.Password = sshtest.Password },
		"passphrase-protected key": func(c *target.SSHConfig) {
			c.PrivateKey, c.PrivateKeyPassphrase = protected.EncryptedPEM(t, passphrase), passphrase
		},
		"certificate": func(c *target.SSHConfig) {
			c.PrivateKey = certKey.PEM(t)
			c.Certificate = userCA.SignUserCert(t, certKey.Public, users.Login.Name)
		},
		"certificate file": func(c *target.SSHConfig) {
			c.PrivateKeyPath = sshtest.WriteFile(t, "id", certKey.PEM(t))
			c.CertificatePath = sshtest.WriteFile(t, "id-cert.pub", userCA.SignUserCert(t, certKey.Public, users.Login.Name)+"\n")
		},
	}
	for name, set := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := base
			set(&cfg)
			got, err := mustTarget(t, newPool(t), cfg).ReadFile(context.Background(), path)
			if err != nil || string(got) != "content" {
				t.Fatalf("ReadFile = %q, %v", got, err)
			}
		})
	}

	// Agent nil means: use SSH_AUTH_SOCK when set.
	t.Run("agent", func(t *testing.T) {
		t.Setenv("SSH_AUTH_SOCK", sshtest.StartAgent(t, agentKey))
		cfg := base
		cfg.Agent = nil
		got, err := mustTarget(t, newPool(t), cfg).ReadFile(context.Background(), path)
		if err != nil || string(got) != "content" {
			t.Fatalf("ReadFile = %q, %v", got, err)
		}
	})

	t.Run("passphrase missing or wrong", func(t *testing.T) {
		cfg := base
		cfg.PrivateKey = protected.EncryptedPEM(t, passphrase)
		_, err := newPool(t).Target(cfg)
		if !errors.Is(err, target.ErrAuthFailed) || !strings.Contains(err.Error(), "private_key_passphrase") {
			t.Errorf("no passphrase: %v, want ErrAuthFailed asking for private_key_passphrase", err)
		}
		cfg.PrivateKeyPassphrase = "wrong passphrase"
		_, err = newPool(t).Target(cfg)
		if !errors.Is(err, target.ErrAuthFailed) || !strings.Contains(err.Error(), "does not decrypt") {
			t.Errorf("wrong passphrase: %v, want ErrAuthFailed", err)
		}
		assertNoSecrets(t, err, cfg.PrivateKey, cfg.PrivateKeyPassphrase)
	})

	t.Run("certificate for another key", func(t *testing.T) {
		cfg := base
		cfg.PrivateKey = key.PEM(t)
		cfg.Certificate = userCA.SignUserCert(t, certKey.Public, users.Login.Name)
		if _, err := newPool(t).Target(cfg); !errors.Is(err, target.ErrAuthFailed) {
			t.Errorf("Target = %v, want ErrAuthFailed", err)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		cfg := base
		cfg.Password = "not-the-password-123"
		_, err := mustTarget(t, newPool(t), cfg).ReadFile(context.Background(), path)
		if !errors.Is(err, target.ErrAuthFailed) {
			t.Fatalf("ReadFile = %v, want ErrAuthFailed", err)
		}
		assertNoSecrets(t, err, cfg.Password)
	})
}

func TestSSHWrongKeyFailsFast(t *testing.T) {
	srv, _ := startWithKey(t, sshtest.Options{})
	wrong := sshtest.NewKey(t)
	cfg := loginConfig(t, srv, wrong)
	cfg.Timeout = 30 * time.Second
	tg := mustTarget(t, newPool(t), cfg)
	path := filepath.Join(sshtest.TempDir(t), "f")

	start := time.Now()
	_, err := tg.ReadFile(context.Background(), path)
	if !errors.Is(err, target.ErrAuthFailed) {
		t.Fatalf("ReadFile = %v, want ErrAuthFailed", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("authentication failure took %v", d)
	}
	for _, want := range []string{cfg.User + "@" + srv.Addr(), path, "authentication failed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q: %v", want, err)
		}
	}
	assertNoSecrets(t, err, cfg.PrivateKey)

	// A rejected login is not retried, not even by the next operation.
	if err := writeAll(context.Background(), tg, path, nil); !errors.Is(err, target.ErrAuthFailed) {
		t.Fatalf("second operation = %v, want ErrAuthFailed", err)
	}
	if n := strings.Count(srv.LogContents(), "Connection from"); n != 1 {
		t.Errorf("%d connections after a rejected login, want 1", n)
	}
}

func TestSSHUnreachable(t *testing.T) {
	srv, key := startWithKey(t, sshtest.Options{})
	srv.Stop()
	start := time.Now()
	_, err := mustTarget(t, newPool(t), loginConfig(t, srv, key)).ReadFile(context.Background(), "/etc/hostname")
	if !errors.Is(err, target.ErrUnreachable) || !strings.Contains(err.Error(), srv.Addr()) {
		t.Fatalf("ReadFile = %v, want ErrUnreachable naming %s", err, srv.Addr())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a refused connection took %v", d)
	}
}

func TestSSHBastion(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	bastion, bastionKey := startWithKey(t, sshtest.Options{LogLevel: "DEBUG1"})
	srv, key := startWithKey(t, sshtest.Options{})
	path := filepath.Join(sshtest.OwnedTempDir(t, login), "f")
	writeLocal(t, path, "old", 0o644, login.UID, login.GID)

	cfg := loginConfig(t, srv, key)
	b := loginConfig(t, bastion, bastionKey)
	cfg.Bastion = &b
	tg := mustTarget(t, newPool(t), cfg)
	ctx := context.Background()
	if err := writeAll(ctx, tg, path, []byte("via bastion")); err != nil {
		t.Fatal(err)
	}
	if got, err := tg.ReadFile(ctx, path); err != nil || string(got) != "via bastion" {
		t.Fatalf("ReadFile = %q, %v", got, err)
	}
	// The bastion logged the forwarded connection to the target.
	if want := fmt.Sprintf("target %s port %d", srv.Host(), srv.Port()); !strings.Contains(bastion.LogContents(), want) {
		t.Errorf("bastion log has no %q:\n%s", want, bastion.LogContents())
	}
	if bastion.CountAccepted() != 1 || srv.CountAccepted() != 1 {
		t.Errorf("logins: bastion %d, target %d; want 1 each", bastion.CountAccepted(), srv.CountAccepted())
	}

	// The bastion's host key is checked against the bastion's settings.
	b2 := loginConfig(t, bastion, bastionKey)
	b2.HostKey = srv.HostKey
	cfg.Bastion = &b2
	_, err := mustTarget(t, newPool(t), cfg).ReadFile(ctx, path)
	if !errors.Is(err, target.ErrHostKeyChanged) || !strings.Contains(err.Error(), "bastion "+login.Name+"@"+bastion.Addr()) {
		t.Fatalf("wrong bastion host key: %v, want ErrHostKeyChanged naming the bastion", err)
	}
}

func TestSSHOneConnectionForManyOperations(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.OwnedTempDir(t, login)
	pool := newPool(t)

	for _, sudo := range []bool{false, true} {
		t.Run(fmt.Sprintf("sudo=%v", sudo), func(t *testing.T) {
			before := srv.CountAccepted()
			cfg := loginConfig(t, srv, key)
			cfg.Sudo = sudo
			// Without sudo the login user writes its own files; with
			// sudo, root's.
			uid, gid := login.UID, login.GID
			if sudo {
				uid, gid = 0, 0
			}
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for g := range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// A Target per goroutine, as the provider makes one
					// per resource; the pool shares the connection.
					tg := mustTarget(t, pool, cfg)
					path := filepath.Join(dir, fmt.Sprintf("sudo%v-%d.xml", sudo, g))
					writeLocal(t, path, "old", 0o640, uid, gid)
					unlock := tg.Lock(path)
					defer unlock()
					if err := writeAll(ctx, tg, path, []byte(fmt.Sprintf("new %d", g))); err != nil {
						errs <- err
						return
					}
					got, err := tg.ReadFile(ctx, path)
					if err != nil || string(got) != fmt.Sprintf("new %d", g) {
						errs <- fmt.Errorf("ReadFile = %q, %v", got, err)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			if n := srv.CountAccepted() - before; n != 1 {
				t.Errorf("%d logins for 20 operations, want 1; sshd log:\n%s", n, srv.LogContents())
			}
			assertNoTemp(t, dir)
		})
	}
}

func TestSSHSudo(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.TempDir(t) // root's, 0755: the login user cannot create files here
	path := filepath.Join(dir, "user-mgt.xml")
	writeLocal(t, path, "<old/>", 0o640, 0, 0)
	ctx := context.Background()

	cfg := loginConfig(t, srv, key)
	plain := mustTarget(t, newPool(t), cfg)
	_, err := plain.ReadFile(ctx, path)
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "sudo = true") || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadFile without sudo = %v, want fs.ErrPermission suggesting sudo = true", err)
	}

	cfg.Sudo = true
	tg := mustTarget(t, newPool(t), cfg)
	if got, err := tg.ReadFile(ctx, path); err != nil || string(got) != "<old/>" {
		t.Fatalf("ReadFile with sudo = %q, %v", got, err)
	}
	content := "<new attr='quoted \"both\" ways'/>\n\x00binary\xff"
	if err := writeAll(ctx, tg, path, []byte(content)); err != nil {
		t.Fatal(err)
	}
	if got := readLocal(t, path); got != content {
		t.Errorf("content %q", got)
	}
	assertOwnerMode(t, path, 0, 0, 0o640)
	assertNoTemp(t, dir)

	// A path that needs quoting, owned by another user.
	odd := filepath.Join(dir, "it's a $(file) `name`.xml")
	writeLocal(t, odd, "x", 0o604, users.Owner.UID, users.Owner.GID)
	if err := writeAll(ctx, tg, odd, []byte("y")); err != nil {
		t.Fatal(err)
	}
	if got := readLocal(t, odd); got != "y" {
		t.Errorf("content %q", got)
	}
	assertOwnerMode(t, odd, users.Owner.UID, users.Owner.GID, 0o604)
	assertNoTemp(t, dir)
}

func TestSSHPermissionDeniedLeavesNoTemp(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.TempDir(t)
	if err := os.Chmod(dir, 0o777); err != nil { // the login user may create files...
		t.Fatal(err)
	}
	path := filepath.Join(dir, "f.xml")
	// ...and write this one, but cannot give a new file its owner.
	writeLocal(t, path, "old", 0o666, users.Owner.UID, users.Owner.GID)

	cfg := loginConfig(t, srv, key)
	err := writeAll(context.Background(), mustTarget(t, newPool(t), cfg), path, []byte("new"))
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "sudo = true") {
		t.Fatalf("EditFile = %v, want fs.ErrPermission suggesting sudo = true", err)
	}
	if got := readLocal(t, path); got != "old" {
		t.Errorf("file changed to %q", got)
	}
	assertNoTemp(t, dir)
}

func TestSSHSudoNeedsPassword(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	srv := sshtest.Start(t, sshtest.Options{PasswordAuthentication: true})
	path := filepath.Join(sshtest.TempDir(t), "f")
	writeLocal(t, path, "old", 0o640, 0, 0)

	tg := mustTarget(t, newPool(t), target.SSHConfig{
		Host: srv.Host(), Port: srv.Port(), User: users.PasswordSudo.Name, Password: sshtest.Password,
		HostKey: srv.HostKey, Agent: no(), Sudo: true, Timeout: 10 * time.Second,
	})
	start := time.Now()
	err := writeAll(context.Background(), tg, path, []byte("new"))
	if !errors.Is(err, target.ErrSudoPassword) {
		t.Fatalf("EditFile = %v, want ErrSudoPassword", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	for _, want := range []string{users.PasswordSudo.Name + "@" + srv.Addr(), path, "NOPASSWD"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q: %v", want, err)
		}
	}
	assertNoSecrets(t, err, sshtest.Password)
	if got := readLocal(t, path); got != "old" {
		t.Errorf("file changed to %q", got)
	}
}

// TestSSHReconnectsAfterConnectionLoss kills the sessions of a non-root
// login, with and without sudo (never a root login's: see loginConfig).
func TestSSHReconnectsAfterConnectionLoss(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.OwnedTempDir(t, login)
	path := filepath.Join(dir, "f")
	writeLocal(t, path, "v0", 0o644, login.UID, login.GID)
	ctx := context.Background()

	for _, sudo := range []bool{false, true} {
		cfg := loginConfig(t, srv, key)
		cfg.Sudo = sudo
		tg := mustTarget(t, newPool(t), cfg)
		before := srv.CountAccepted()
		if _, err := tg.ReadFile(ctx, path); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 2; i++ {
			srv.KillSessionChildren()
			content := fmt.Sprintf("sudo=%v v%d", sudo, i)
			if err := writeAll(ctx, tg, path, []byte(content)); err != nil {
				t.Fatalf("sudo=%v: EditFile after the connection was killed: %v", sudo, err)
			}
			if got := readLocal(t, path); got != content {
				t.Errorf("content %q, want %q", got, content)
			}
		}
		if n := srv.CountAccepted() - before; n != 3 {
			t.Errorf("sudo=%v: %d logins, want 3 (first, and one per kill)", sudo, n)
		}
		assertNoTemp(t, dir)
	}
}

func TestSSHTimeout(t *testing.T) {
	// A listener that accepts and never speaks SSH: the handshake must
	// give up at Timeout with ErrUnreachable.
	srv, key := startWithKey(t, sshtest.Options{})
	srv.Stop()
	l := listenSilently(t, srv.Host(), srv.Port())
	defer l.Close()
	cfg := loginConfig(t, srv, key)
	cfg.Timeout = 500 * time.Millisecond
	start := time.Now()
	_, err := mustTarget(t, newPool(t), cfg).ReadFile(context.Background(), "/etc/hostname")
	if !errors.Is(err, target.ErrUnreachable) || !strings.Contains(err.Error(), "within 500ms") {
		t.Fatalf("ReadFile = %v, want ErrUnreachable after the timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

// listenSilently accepts TCP connections on host:port and never answers.
func listenSilently(t *testing.T, host string, port int) net.Listener {
	l, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(port)))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return l
}

// TestSSHOperationTimeout freezes (SIGSTOP) the sshd processes serving a
// connection, a non-root login's (see loginConfig): the next operation must
// give up at Timeout with ErrUnreachable, not hang and not fail sooner, and
// the one after it must log in again. Timeout is long enough for logging
// in and writing on a loaded machine, where 1s was not; the margin past it
// is what closing the dead connection may take there.
func TestSSHOperationTimeout(t *testing.T) {
	const timeout, margin = 5 * time.Second, 5 * time.Second
	login := sshtest.EnsureUsers(t).Login
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.OwnedTempDir(t, login)
	path := filepath.Join(dir, "f")
	writeLocal(t, path, "old", 0o644, login.UID, login.GID)
	cfg := loginConfig(t, srv, key)
	cfg.Timeout = timeout
	tg := mustTarget(t, newPool(t), cfg)
	ctx := context.Background()
	if _, err := tg.ReadFile(ctx, path); err != nil {
		t.Fatal(err)
	}

	// The host stops answering mid-connection: the operation gives up at
	// Timeout instead of hanging.
	frozen := srv.SessionPIDs()
	t.Cleanup(func() {
		for _, pid := range frozen {
			// Best effort: a process that is gone needs no waking.
			_ = syscall.Kill(pid, syscall.SIGCONT)
		}
	})
	for _, pid := range frozen {
		// ESRCH: the process ended since it was listed, nothing to freeze.
		if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Fatalf("stopping sshd process %d: %v", pid, err)
		}
	}
	start := time.Now()
	err := writeAll(ctx, tg, path, []byte("new"))
	took := time.Since(start)
	if !errors.Is(err, target.ErrUnreachable) || !strings.Contains(err.Error(), "no answer within "+timeout.String()) {
		t.Fatalf("EditFile = %v, want ErrUnreachable after %v", err, timeout)
	}
	if took < timeout || took > timeout+margin {
		t.Errorf("the write to the frozen host took %v, want %v to %v", took, timeout, timeout+margin)
	}
	if got := readLocal(t, path); got != "old" {
		t.Errorf("the frozen host's file changed to %q", got)
	}

	// The next operation gets a new connection.
	if err := writeAll(ctx, tg, path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := readLocal(t, path); got != "new" {
		t.Errorf("content %q", got)
	}
	if n := srv.CountAccepted(); n != 2 {
		t.Errorf("%d logins, want 2 (the first, and one after the timeout)", n)
	}
	assertNoTemp(t, dir)
}

// A host with several host keys presents the type the client asks for
// first. The client must ask for the type on record, or a known_hosts
// holding only the host's Ed25519 key (what ssh-keyscan and OpenSSH write
// first) would see its ECDSA key and call it changed (golang/go#29286).
func TestSSHHostKeyNegotiation(t *testing.T) {
	srv, key := startWithKey(t, sshtest.Options{ExtraHostKeys: true})
	path := filepath.Join(sshtest.TempDir(t), "f")
	writeLocal(t, path, "content", 0o644, 0, 0)
	for _, hk := range append([]string{srv.HostKey}, srv.ExtraHostKeys...) {
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(hk))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(pub.Type(), func(t *testing.T) {
			cfg := loginConfig(t, srv, key)
			cfg.HostKey = hk
			if _, err := mustTarget(t, newPool(t), cfg).ReadFile(context.Background(), path); err != nil {
				t.Errorf("pinned: %v", err)
			}
			cfg.HostKey = ""
			cfg.KnownHostsFile = sshtest.WriteFile(t, "known_hosts", knownhosts.Line([]string{srv.Addr()}, pub)+"\n")
			if _, err := mustTarget(t, newPool(t), cfg).ReadFile(context.Background(), path); err != nil {
				t.Errorf("known_hosts: %v", err)
			}
		})
	}
}

// An immutable or append-only file cannot be replaced even by root: the
// edit says why and leaves the file and the directory as they were.
func TestSSHProtectedFile(t *testing.T) {
	if _, err := exec.LookPath("chattr"); err != nil {
		t.Skip("chattr is not installed")
	}
	srv, key := startWithKey(t, sshtest.Options{})
	cfg := loginConfig(t, srv, key)
	cfg.Sudo = true
	tg := mustTarget(t, newPool(t), cfg)
	for _, flag := range []struct{ flag, what string }{{"i", "immutable"}, {"a", "append-only"}} {
		t.Run(flag.what, func(t *testing.T) {
			dir := sshtest.TempDir(t)
			path := filepath.Join(dir, "carbon.xml")
			writeLocal(t, path, "<old/>", 0o644, 0, 0)
			if out, err := exec.Command("chattr", "+"+flag.flag, path).CombinedOutput(); err != nil {
				t.Skipf("chattr +%s: %v: %s", flag.flag, err, out)
			}
			t.Cleanup(func() {
				if out, err := exec.Command("chattr", "-"+flag.flag, path).CombinedOutput(); err != nil {
					t.Errorf("chattr -%s: %v: %s", flag.flag, err, out)
				}
			})
			err := writeAll(context.Background(), tg, path, []byte("<new/>"))
			// Not a permission: sudo, which the advice for
			// fs.ErrPermission suggests, would not help (as locally,
			// protected_linux.go).
			if err == nil || errors.Is(err, fs.ErrPermission) {
				t.Fatalf("EditFile = %v, want an error that is not fs.ErrPermission", err)
			}
			for _, want := range []string{path, srv.Addr(), "immutable or append-only", "lsattr", "not even root", "the file was not changed"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q: %v", want, err)
				}
			}
			if got := readLocal(t, path); got != "<old/>" {
				t.Errorf("content %q", got)
			}
			if got, err := tg.ReadFile(context.Background(), path); err != nil || string(got) != "<old/>" {
				t.Errorf("ReadFile = %q, %v", got, err)
			}
			assertNoTemp(t, dir)
		})
	}
}
