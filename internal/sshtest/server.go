package sshtest

import (
	"bytes"
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshdPath is absolute because sshd re-executes itself and insists on it.
const sshdPath = "/usr/sbin/sshd"

// Options configures a Server.
type Options struct {
	// AuthorizedKeys are authorized_keys lines accepted for every user.
	AuthorizedKeys []string
	// PasswordAuthentication lets users log in with their password
	// (EnsureUsers gives the test users Password).
	PasswordAuthentication bool
	// UserCA, when set, is trusted to sign user certificates
	// (TrustedUserCAKeys).
	UserCA *Key
	// HostCA, when set, certifies the host key for the server's address;
	// the server then presents the certificate to clients that ask for one.
	HostCA *Key
	// ExtraHostKeys adds ECDSA and RSA host keys, as a stock sshd has.
	// HostKey stays the Ed25519 one, which is then not the key a client
	// gets by default: x/crypto prefers ECDSA.
	ExtraHostKeys bool
	// LogLevel is sshd's LogLevel; "" means VERBOSE, which logs accepted
	// logins. DEBUG1 also logs forwarded (direct-tcpip) connections.
	LogLevel string
	// ExtraConfig lines are appended to sshd_config, for hosts set up
	// unlike the default (ForceCommand, SetEnv, ...).
	ExtraConfig []string
}

// Server is one running sshd.
type Server struct {
	// HostKey is the host's public key as an authorized_keys line.
	HostKey string
	// HostPublicKey is the same key, parsed.
	HostPublicKey ssh.PublicKey
	// ExtraHostKeys are the ECDSA and RSA host keys of
	// Options.ExtraHostKeys, as authorized_keys lines.
	ExtraHostKeys []string
	// HostCertCA is the authorized_keys line of Options.HostCA, or "".
	HostCertCA string

	t       TB
	host    string
	port    int
	dir     string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	stopped sync.Once
}

// nextAddr numbers the servers of this process: 127.0.0.2, 127.0.0.3, …
// One address per server keeps their known_hosts entries apart.
var nextAddr atomic.Int32

func allocHost() string {
	n := int(nextAddr.Add(1)) - 1 // 0, 1, 2, …
	return fmt.Sprintf("127.0.%d.%d", n/250, 2+n%250)
}

// Start runs a new sshd configured by opts and stops it at cleanup. It fails
// the test when sshd is not installed or does not come up.
func Start(t TB, opts Options) *Server {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Fatalf("sshtest: %s not found: run apt-get install openssh-server sudo", sshdPath)
	}
	// sshd's privilege separation directory; the package creates it only
	// at boot.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("sshtest: creating /run/sshd (needs root): %v", err)
	}

	s := &Server{t: t, host: allocHost(), dir: TempDir(t)}
	s.logPath = filepath.Join(s.dir, "sshd.log")
	hostKey := NewKey(t)
	s.HostPublicKey = hostKey.Public
	s.HostKey = hostKey.AuthorizedKey()
	s.writeFile("ssh_host_ed25519_key", hostKey.PEM(t), 0o600)

	cfg := []string{
		"HostKey " + filepath.Join(s.dir, "ssh_host_ed25519_key"),
		"PidFile " + filepath.Join(s.dir, "sshd.pid"),
		// Read as the login user: the directory is 0755, the file 0644.
		"AuthorizedKeysFile " + s.writeFile("authorized_keys", strings.Join(opts.AuthorizedKeys, "\n")+"\n", 0o644),
		"PasswordAuthentication " + yesNo(opts.PasswordAuthentication),
		"KbdInteractiveAuthentication no",
		"PermitRootLogin yes",
		"AllowTcpForwarding yes",
		"StrictModes no",
		"UsePAM no",
		"Subsystem sftp internal-sftp",
		"LogLevel " + cmp.Or(opts.LogLevel, "VERBOSE"),
	}
	if opts.ExtraHostKeys {
		for _, k := range extraHostKeys(t) {
			name := "ssh_host_" + strings.ToLower(k.Public.Type()) + "_key"
			b, err := ssh.MarshalPrivateKey(k.private, "sshtest")
			if err != nil {
				t.Fatalf("sshtest: %v", err)
			}
			// Listed before the Ed25519 key, as sshd's own defaults are.
			cfg = append([]string{"HostKey " + s.writeFile(name, string(pem.EncodeToMemory(b)), 0o600)}, cfg...)
			s.ExtraHostKeys = append(s.ExtraHostKeys, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.Public))))
		}
	}
	if opts.HostCA != nil {
		s.HostCertCA = opts.HostCA.AuthorizedKey()
		cert := opts.HostCA.SignHostCert(t, hostKey.Public, s.host, "localhost")
		cfg = append(cfg, "HostCertificate "+s.writeFile("ssh_host_ed25519_key-cert.pub", cert+"\n", 0o644))
	}
	if opts.UserCA != nil {
		cfg = append(cfg, "TrustedUserCAKeys "+s.writeFile("user_ca.pub", opts.UserCA.AuthorizedKey()+"\n", 0o644))
	}
	if penaltiesSupported() {
		// OpenSSH 9.8+ blocks an address after failed logins; the
		// tests fail logins on purpose, all from 127.0.0.1.
		cfg = append(cfg, "PerSourcePenalties no")
	}
	// Last, so a Match block among them does not capture the lines above.
	cfg = append(cfg, opts.ExtraConfig...)

	// A free port can be taken between probing and sshd binding it; try
	// again with another.
	for attempt := 0; ; attempt++ {
		s.port = freePort(t, s.host)
		conf := append([]string{fmt.Sprintf("ListenAddress %s:%d", s.host, s.port)}, cfg...)
		confPath := s.writeFile("sshd_config", strings.Join(conf, "\n")+"\n", 0o644)
		err := s.start(confPath)
		if err == nil {
			break
		}
		if attempt == 2 || !strings.Contains(s.LogContents(), "Bind to port") {
			t.Fatalf("sshtest: sshd did not start: %v\n%s", err, s.LogContents())
		}
	}
	t.Cleanup(s.Stop)
	return s
}

// start runs sshd and waits until it listens.
func (s *Server) start(confPath string) error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	// -D: stay in the foreground, so the test owns the process.
	// -e -E: log to the file rather than syslog.
	s.cmd = exec.Command(sshdPath, "-D", "-e", "-E", s.logPath, "-f", confPath)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.exited = make(chan struct{})
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	ready := fmt.Sprintf("Server listening on %s port %d", s.host, s.port)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(s.LogContents(), ready) {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("sshd exited: %v", s.cmd.ProcessState)
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.kill()
	return fmt.Errorf("sshd did not log %q within 10s", ready)
}

// Addr is "host:port", as a client dials it.
func (s *Server) Addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// Host is the server's loopback address.
func (s *Server) Host() string { return s.host }

// Port is the server's port.
func (s *Server) Port() int { return s.port }

// KnownHostsLine is the known_hosts line for the host key.
func (s *Server) KnownHostsLine() string {
	return knownhosts.Line([]string{s.Addr()}, s.HostPublicKey)
}

// KnownHostsCALine is the known_hosts line trusting HostCA for this server's
// address ("@cert-authority [host]:port key"), or "" without a HostCA.
func (s *Server) KnownHostsCALine() string {
	if s.HostCertCA == "" {
		return ""
	}
	return "@cert-authority " + knownhosts.Normalize(s.Addr()) + " " + s.HostCertCA
}

// LogContents is sshd's log so far.
func (s *Server) LogContents() string {
	b, _ := os.ReadFile(s.logPath)
	return string(b)
}

// acceptedLogin matches the one line sshd logs per successful login
// ("Accepted publickey for root from ..."), not the VERBOSE "Accepted key
// ... found at" lines that precede it, once per key probe and once more for
// the signature.
var acceptedLogin = regexp.MustCompile(`(?m)Accepted [a-z-/]+ for `)

// CountAccepted counts successful logins: one per SSH connection.
func (s *Server) CountAccepted() int {
	return len(acceptedLogin.FindAllStringIndex(s.LogContents(), -1))
}

// KillSessionChildren kills every process serving a connection (the
// per-connection sshd processes and whatever runs under them), leaving the
// listener: every client connection breaks as if the network had dropped
// it, and new connections still succeed. It returns once they are gone.
func (s *Server) KillSessionChildren() {
	s.t.Helper()
	pids := s.SessionPIDs()
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				s.t.Fatalf("sshtest: process %d survived SIGKILL", pid)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// SessionPIDs lists the processes serving connections: the listener's
// descendants, parents before children. Tests signal them to simulate
// network trouble (SIGSTOP: a host that stops answering).
func (s *Server) SessionPIDs() []int {
	return descendants(s.cmd.Process.Pid)
}

// CommandPIDs lists the live processes among the listener's descendants
// whose command line, its arguments joined by spaces, starts with prefix.
func (s *Server) CommandPIDs(prefix string) []int {
	var out []int
	for _, pid := range descendants(s.cmd.Process.Pid) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err == nil && alive(pid) && strings.HasPrefix(strings.ReplaceAll(string(b), "\x00", " "), prefix) {
			out = append(out, pid)
		}
	}
	return out
}

// Stop kills sshd and its connection processes. Start registers it with
// t.Cleanup; calling it earlier (to make a host unreachable) is fine.
func (s *Server) Stop() {
	s.stopped.Do(s.kill)
}

func (s *Server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	// Connection processes outlive a killed listener (sshd lets sessions
	// survive a restart), so kill them explicitly.
	for _, pid := range descendants(s.cmd.Process.Pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
}

func (s *Server) writeFile(name, content string, mode os.FileMode) string {
	s.t.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		s.t.Fatalf("sshtest: %v", err)
	}
	return p
}

func freePort(t TB, host string) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatalf("sshtest: finding a free port on %s: %v", host, err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("sshtest: a TCP listener on %s has address %T", host, l.Addr())
	}
	return addr.Port
}

// descendants lists the processes below pid, children before grandchildren,
// from /proc. sshd's connection processes call setsid, so a process group
// would not find them.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(p); ok {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		for _, c := range children[queue[0]] {
			out = append(out, c)
			queue = append(queue, c)
		}
		queue = queue[1:]
	}
	return out
}

// parentOf reads the parent pid from /proc/<pid>/stat, whose second field
// (the command name, in parentheses) may itself contain spaces or ')'.
func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(b[i+1:])) // state, ppid, ...
	if len(fields) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, err == nil
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] != 'Z'
}

var (
	penaltiesOnce sync.Once
	penalties     bool
)

// penaltiesSupported reports whether sshd knows PerSourcePenalties (9.8+).
func penaltiesSupported() bool {
	penaltiesOnce.Do(func() {
		out, _ := exec.Command(sshdPath, "-V").CombinedOutput()
		m := regexp.MustCompile(`OpenSSH_(\d+)\.(\d+)`).FindSubmatch(out)
		if m == nil {
			return
		}
		major, _ := strconv.Atoi(string(m[1]))
		minor, _ := strconv.Atoi(string(m[2]))
		penalties = major > 9 || major == 9 && minor >= 8
	})
	return penalties
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

type hostKey struct {
	private crypto.Signer
	Public  ssh.PublicKey
}

// extraHostKeys generates an ECDSA P-256 and an RSA 2048 key.
func extraHostKeys(t TB) []hostKey {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	var keys []hostKey
	for _, k := range []crypto.Signer{ec, rk} {
		pub, err := ssh.NewPublicKey(k.Public())
		if err != nil {
			t.Fatalf("sshtest: %v", err)
		}
		keys = append(keys, hostKey{private: k, Public: pub})
	}
	return keys
}

// CPUTime is the CPU time, user plus system, that sshd has spent serving
// connections that have ended: the listener's own time and that of every
// connection process (and what ran under it) it has reaped. Benchmarks read
// it before and after a command, once its connections are gone, to charge
// the host's share of the work to the command.
func (s *Server) CPUTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		s.t.Fatalf("sshtest: %v", err)
	}
	// Fields after the parenthesized command name; utime, stime, cutime and
	// cstime are fields 14 to 17 of proc(5), in clock ticks of 1/100 s.
	fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	var ticks int64
	for _, f := range fields[11:15] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			s.t.Fatalf("sshtest: /proc/%d/stat: %v", s.cmd.Process.Pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
