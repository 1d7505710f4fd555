package target

import (
	"context"
	"errors"
	"fmt"
)

// sshTarget is a host reached over SSH, made by Pool.Target.
//
// Every read and every edit is one script (ssh_scripts.go) in one exec
// session, as root through "sudo -n" or as the login user: it resolves the
// path once under the rule of trust.go and then works through the working
// directory it ended in.
type sshTarget struct {
	cfg   SSHConfig // normalized
	entry *poolEntry
}

var _ Target = (*sshTarget)(nil)

// String is "user@host:port".
func (t *sshTarget) String() string { return t.cfg.display() }

// Lock serializes edits of path on this host within the process. The key is
// the host, not the login: two logins editing the same file must wait for
// each other too. Symbolic links are not resolved (that would need a round
// trip and Lock cannot fail); resources name files by their real path.
func (t *sshTarget) Lock(p string) (unlock func()) {
	return lockFile("ssh:"+t.cfg.addr(), p)
}

// do runs op on the connection within Timeout. When op fails because the
// connection died (the server restarted, a NAT forgot us) it reconnects once
// and runs op once more; file errors and timeouts are not retried.
func (t *sshTarget) do(ctx context.Context, opName, p string, op func(*sshConn) error) error {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.Timeout)
	defer cancel()

	c, err := t.entry.get()
	if err != nil {
		return withOp(err, opName, p, t.String())
	}
	err = t.run(ctx, c, op)
	if errors.Is(err, errWorkerGone) && ctx.Err() == nil {
		c.dropIdle()
		err = t.run(ctx, c, op)
	}
	if err != nil && ctx.Err() == nil && t.connectionLost(c, err) {
		if c, err = t.entry.reconnect(c); err != nil {
			return withOp(err, opName, p, t.String())
		}
		err = t.run(ctx, c, op)
		if err != nil && ctx.Err() == nil && t.connectionLost(c, err) {
			return &sshError{op: opName, path: p, target: t.String(), kind: ErrUnreachable,
				detail: "the connection broke again right after reconnecting", err: err}
		}
	}
	if err == nil {
		return nil
	}
	var se *sshError
	var ce *connError
	switch {
	case errors.As(err, &se):
		return err
	case errors.As(err, &ce):
		return withOp(err, opName, p, t.String())
	default:
		return &sshError{op: opName, path: p, target: t.String(), err: err}
	}
}

// run calls op and waits for it or for ctx. Sessions cannot be cancelled
// one by one, so on timeout or cancellation the
// connection is closed, which fails every request in flight, and run waits
// for op to return: when EditFile returns, nothing of it is still running
// (the caller's Lock is still meaningful). The next operation reconnects.
// op runs on a goroutine of its own (it calls EditFile's edit function); a
// panic there is raised again here, on the caller's goroutine.
func (t *sshTarget) run(ctx context.Context, c *sshConn, op func(*sshConn) error) error {
	type result struct {
		err      error
		panicked bool
		value    any
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- result{panicked: true, value: v}
			}
		}()
		done <- result{err: op(c)}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		c.close()
		// op's error is only the closed connection's; ctx says why.
		if r = <-done; r.panicked {
			panic(r.value)
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return &connError{kind: ErrUnreachable, detail: fmt.Sprintf(
				"no answer within %s; the connection was dropped", t.cfg.Timeout)}
		}
		return ctx.Err()
	}
	if r.panicked {
		panic(r.value)
	}
	return r.err
}

// connectionLost reports whether err came from the connection failing rather
// than from the file. An answer of the host (a script's report)
// never is; anything else is checked with a
// keepalive round trip.
func (t *sshTarget) connectionLost(c *sshConn, err error) bool {
	var se *sshError
	if errors.As(err, &se) {
		return false
	}
	if c.isClosed() {
		return true
	}
	return !c.ping(t.cfg.Timeout)
}
