package target

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

const (
	// maxSessionsPerConn bounds the exec sessions (workers) on one
	// connection. OpenSSH's MaxSessions defaults to 10; 8 leaves two
	// spare, and exceeding the limit fails the session, not waits.
	maxSessionsPerConn = 8
	// keepaliveInterval spaces keepalive@openssh.com requests. They keep
	// NAT and firewall state alive between Terraform's bursts of work and
	// notice a dead peer before the next operation has to.
	keepaliveInterval = 15 * time.Second
	// maxAuthHangups is how many dials in a row may end with the server
	// hanging up during authentication before the host is given up as
	// rejecting the login.
	maxAuthHangups = 2
)

// Pool holds the SSH connections of one provider process. Every Target made
// from it shares one connection per distinct SSHConfig, dialed on first use
// and kept until Close, so a plan touching fifty settings on one host costs
// one handshake, not fifty (which also keeps sshd's MaxStartups and
// fail2ban out of the picture).
type Pool struct {
	mu      sync.Mutex
	entries map[string]*poolEntry
	closed  bool
}

// NewPool returns an empty pool.
func NewPool() *Pool {
	return &Pool{entries: map[string]*poolEntry{}}
}

// Target returns the Target for cfg. It parses keys, certificates and
// host_key, so configuration mistakes are reported here, but does not
// connect: the connection is made by the first ReadFile or EditFile.
func (p *Pool) Target(cfg SSHConfig) (Target, error) {
	n, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	sock, _, _ := agentSocket(&n)
	key := n.poolKey(sock)

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, &sshError{target: n.display(), detail: "the SSH connection pool is closed"}
	}
	e := p.entries[key]
	if e == nil {
		if e, err = newPoolEntry(n); err != nil {
			return nil, err
		}
		p.entries[key] = e
	}
	return &sshTarget{cfg: n, entry: e}, nil
}

// Close closes every connection, all at once, each once its idle workers
// ended (sshConn.shutdown). Targets from the pool fail afterwards.
func (p *Pool) Close() error {
	p.mu.Lock()
	entries := p.entries
	p.entries = map[string]*poolEntry{}
	p.closed = true
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, e := range entries {
		wg.Go(e.close)
	}
	wg.Wait()
	return nil
}

// endpoint is one host to log in to, with its credentials and host key
// policy parsed.
type endpoint struct {
	cfg      SSHConfig
	auth     *authPlan
	hostKeys *hostKeyPolicy
}

func newEndpoint(cfg SSHConfig) (*endpoint, error) {
	auth, err := newAuthPlan(&cfg)
	if err != nil {
		return nil, &sshError{target: cfg.display(), kind: ErrAuthFailed, err: err}
	}
	hk, err := newHostKeyPolicy(&cfg)
	if err != nil {
		return nil, &sshError{target: cfg.display(), err: err}
	}
	return &endpoint{cfg: cfg, auth: auth, hostKeys: hk}, nil
}

// poolEntry owns the connection for one SSHConfig and redials it.
type poolEntry struct {
	target  *endpoint
	bastion *endpoint // nil without a jump host

	mu     sync.Mutex // held while dialing, so concurrent first uses share one dial
	conn   *sshConn
	fatal  error // an authentication or host key failure: never dialed again
	closed bool
	// hangups counts dials in a row that ended with the server hanging up
	// during authentication (connError.hangup).
	hangups int

	orphanMu sync.Mutex
	orphans  []orphan
}

// orphan is the private directory (tempname.go) of an edit whose session
// ended without its script cleaning up: the connection broke, or the
// script was killed, so its EXIT trap never ran. The next edit of the same
// file with the same privilege (the directory belongs to root with sudo, to
// the login user without) names it to its script, which removes it at once
// (shSweep) instead of a minute later, when it would be stale by age. An
// orphan whose file now resolves elsewhere is left to that age-based sweep
// in its own directory.
type orphan struct {
	sudo   bool
	path   string // the file being edited, as given
	suffix string // the private directory's DIGITS
}

// maxOrphans bounds the list on a host that keeps failing; the age-based
// sweep covers what does not fit.
const maxOrphans = 256

func (e *poolEntry) addOrphans(sudo bool, path string, suffixes ...string) {
	e.orphanMu.Lock()
	defer e.orphanMu.Unlock()
	for _, s := range suffixes {
		if len(e.orphans) < maxOrphans {
			e.orphans = append(e.orphans, orphan{sudo: sudo, path: path, suffix: s})
		}
	}
}

// takeOrphans removes and returns the suffixes of the orphans of path.
func (e *poolEntry) takeOrphans(sudo bool, path string) []string {
	e.orphanMu.Lock()
	defer e.orphanMu.Unlock()
	var took []string
	kept := e.orphans[:0]
	for _, o := range e.orphans {
		if o.sudo == sudo && o.path == path {
			took = append(took, o.suffix)
		} else {
			kept = append(kept, o)
		}
	}
	e.orphans = kept
	return took
}

func newPoolEntry(cfg SSHConfig) (*poolEntry, error) {
	t, err := newEndpoint(cfg)
	if err != nil {
		return nil, err
	}
	e := &poolEntry{target: t}
	if cfg.Bastion != nil {
		b, err := newEndpoint(*cfg.Bastion)
		if err != nil {
			var se *sshError
			if errors.As(err, &se) {
				se.target = cfg.display()
				se.detail = "bastion " + cfg.Bastion.display()
			}
			return nil, err
		}
		e.bastion = b
	}
	return e, nil
}

// get returns the live connection, dialing if there is none.
func (e *poolEntry) get() (*sshConn, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.closed:
		return nil, &connError{kind: ErrUnreachable, detail: "the SSH connection pool is closed"}
	case e.fatal != nil:
		return nil, e.fatal
	case e.conn != nil && !e.conn.isClosed():
		return e.conn, nil
	}
	c, err := e.dial()
	if err != nil {
		var ce *connError
		if errors.As(err, &ce) && ce.hangup {
			// A server that rejects this way does it every time; a
			// connection that broke during authentication (a network
			// blip, sshd's child killed) should not rule out the host
			// for the rest of the run. Twice in a row is a rejection.
			e.hangups++
			if e.hangups >= maxAuthHangups {
				e.fatal = err
			}
			return nil, err
		}
		if errors.Is(err, ErrAuthFailed) || errors.Is(err, ErrHostKeyUnknown) || errors.Is(err, ErrHostKeyChanged) {
			e.fatal = err
		}
		return nil, err
	}
	e.hangups = 0
	e.conn = c
	return c, nil
}

// reconnect drops old (if it is still the current connection) and dials a
// new one. Callers call it at most once per operation.
func (e *poolEntry) reconnect(old *sshConn) (*sshConn, error) {
	e.mu.Lock()
	if e.conn == old {
		e.conn = nil
	}
	e.mu.Unlock()
	old.close()
	return e.get()
}

func (e *poolEntry) close() {
	e.mu.Lock()
	e.closed = true
	c := e.conn
	e.conn = nil
	e.mu.Unlock()
	if c != nil {
		c.shutdown()
	}
}

// dial connects, through the bastion if there is one, within the target's
// Timeout for everything.
func (e *poolEntry) dial() (*sshConn, error) {
	timeout := e.target.cfg.Timeout
	deadline := time.Now().Add(timeout)
	addr := e.target.cfg.addr()

	var bastion *ssh.Client
	var nc net.Conn
	if e.bastion != nil {
		bnc, err := (&net.Dialer{Deadline: deadline}).Dial("tcp", e.bastion.cfg.addr())
		if err != nil {
			return nil, bastionErr(e.bastion, dialErr(err, timeout))
		}
		if bastion, err = handshake(bnc, e.bastion, deadline, timeout); err != nil {
			return nil, bastionErr(e.bastion, err)
		}
		if nc, err = dialThrough(bastion, addr, deadline, timeout); err != nil {
			bastion.Close()
			return nil, err
		}
	} else {
		var err error
		if nc, err = (&net.Dialer{Deadline: deadline}).Dial("tcp", addr); err != nil {
			return nil, dialErr(err, timeout)
		}
	}

	client, err := handshake(nc, e.target, deadline, timeout)
	if err != nil {
		if bastion != nil {
			bastion.Close()
		}
		return nil, err
	}
	return newSSHConn(client, bastion, timeout), nil
}

func dialErr(err error, timeout time.Duration) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &connError{kind: ErrUnreachable, detail: fmt.Sprintf("no TCP connection within %s", timeout), err: err}
	}
	return &connError{kind: ErrUnreachable, err: err}
}

func bastionErr(b *endpoint, err error) error {
	var ce *connError
	if errors.As(err, &ce) {
		d := "bastion " + b.cfg.display()
		if ce.detail != "" {
			d += ": " + ce.detail
		}
		return &connError{kind: ce.kind, detail: d, err: ce.err, hangup: ce.hangup}
	}
	return err
}

// dialThrough opens a direct-tcpip channel from the bastion to addr.
func dialThrough(bastion *ssh.Client, addr string, deadline time.Time, timeout time.Duration) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := bastion.Dial("tcp", addr)
		ch <- result{c, err}
	}()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, &connError{kind: ErrUnreachable, detail: "the bastion could not connect to " + addr, err: r.err}
		}
		return r.c, nil
	case <-timer.C:
		bastion.Close()
		<-ch
		return nil, &connError{kind: ErrUnreachable, detail: fmt.Sprintf("the bastion did not connect to %s within %s", addr, timeout)}
	}
}

// handshake runs the SSH handshake on nc for ep, giving up at deadline. It
// classifies failures: host key (from the callback), authentication, or
// unreachable.
func handshake(nc net.Conn, ep *endpoint, deadline time.Time, timeout time.Duration) (*ssh.Client, error) {
	addr := ep.cfg.addr()
	check, algos, err := ep.hostKeys.hostKeyCheck(addr)
	if err != nil {
		nc.Close()
		return nil, &connError{kind: ErrHostKeyUnknown, err: err}
	}
	methods, release, err := ep.auth.methods()
	if err != nil {
		nc.Close()
		return nil, &connError{kind: ErrAuthFailed, err: err}
	}
	defer release()

	// keyAccepted tells a server that hung up during authentication (too
	// many keys offered, DenyUsers, ...) from one that never spoke SSH.
	var keyAccepted atomic.Bool
	cc := &ssh.ClientConfig{
		User: ep.cfg.User,
		Auth: methods,
		HostKeyCallback: func(hostname string, remote net.Addr, key ssh.PublicKey) error {
			err := check(hostname, remote, key)
			keyAccepted.Store(err == nil)
			return err
		},
		HostKeyAlgorithms: algos,
	}

	type result struct {
		c     ssh.Conn
		chans <-chan ssh.NewChannel
		reqs  <-chan *ssh.Request
		err   error
	}
	ch := make(chan result, 1)
	go func() {
		c, chans, reqs, err := ssh.NewClientConn(nc, addr, cc)
		ch <- result{c, chans, reqs, err}
	}()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	var r result
	select {
	case r = <-ch:
	case <-timer.C:
		// net.Conn deadlines do not work on a channel through a bastion,
		// so the handshake is abandoned by closing the connection.
		nc.Close()
		<-ch
		return nil, &connError{kind: ErrUnreachable, detail: fmt.Sprintf("no SSH handshake within %s", timeout)}
	}
	if r.err == nil {
		return ssh.NewClient(r.c, r.chans, r.reqs), nil
	}
	nc.Close()

	var ce *connError
	msg := r.err.Error()
	switch {
	case errors.As(r.err, &ce):
		return nil, ce
	case strings.Contains(msg, "unable to authenticate") || strings.Contains(msg, "too many authentication"):
		return nil, &connError{kind: ErrAuthFailed, detail: fmt.Sprintf(
			"the server rejected user %q with every credential offered", ep.cfg.User), err: r.err}
	case keyAccepted.Load() && (errors.Is(r.err, io.EOF) || errors.Is(r.err, net.ErrClosed) || strings.Contains(msg, "connection reset")):
		return nil, &connError{kind: ErrAuthFailed, hangup: true, detail: fmt.Sprintf(
			"the server closed the connection while authenticating user %q (too many keys offered for its MaxAuthTries, "+
				"the user is not allowed to log in, or the connection broke)",
			ep.cfg.User), err: r.err}
	default:
		return nil, &connError{kind: ErrUnreachable, detail: "SSH handshake failed", err: r.err}
	}
}

// sshConn is one live connection and what rides on it.
type sshConn struct {
	client   *ssh.Client
	bastion  *ssh.Client   // nil without a jump host; closed with client
	sessions chan struct{} // a slot per open session
	// idle holds the workers waiting for an operation, [0] the login
	// user's, [1] root's through sudo.
	idle [2]chan *worker
	done chan struct{} // closed once the connection is gone

	closeOnce sync.Once
}

func newSSHConn(client, bastion *ssh.Client, timeout time.Duration) *sshConn {
	c := &sshConn{
		client:   client,
		bastion:  bastion,
		sessions: make(chan struct{}, maxSessionsPerConn),
		idle:     [2]chan *worker{make(chan *worker, maxSessionsPerConn), make(chan *worker, maxSessionsPerConn)},
		done:     make(chan struct{}),
	}
	go func() {
		_ = client.Wait()
		c.close()
	}()
	go c.keepalive(timeout)
	return c
}

func (c *sshConn) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *sshConn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.client.Close()
		if c.bastion != nil {
			c.bastion.Close()
		}
	})
}

func (c *sshConn) keepalive(timeout time.Duration) {
	t := time.NewTicker(keepaliveInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if !c.ping(timeout) {
				c.close()
				return
			}
		}
	}
}

// ping sends a keepalive@openssh.com request and reports whether any reply
// came within timeout. OpenSSH answers unknown global requests with a
// failure, which proves the connection alive just as well.
func (c *sshConn) ping(timeout time.Duration) bool {
	ch := make(chan error, 1)
	go func() {
		_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
		ch <- err
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-ch:
		return err == nil
	case <-timer.C:
		return false
	case <-c.done:
		return false
	}
}

// openSession opens a session for a worker in a slot the caller holds.
// sshd frees a closed session's slot a moment after the close arrives, so
// right after other sessions ended it can refuse a new one as over its
// MaxSessions ("open failed") although fewer are open: it waits a little
// and asks again.
func (c *sshConn) openSession() (*ssh.Session, error) {
	delay := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		s, err := c.client.NewSession()
		if err == nil {
			return s, nil
		}
		var oce *ssh.OpenChannelError
		if !errors.As(err, &oce) || oce.Reason != ssh.ConnectionFailed || attempt == 6 {
			return nil, err
		}
		select {
		case <-time.After(delay):
		case <-c.done:
			return nil, io.EOF
		}
		delay *= 2
	}
}
