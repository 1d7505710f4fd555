package target

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// worker is one exec session running shWorker (ssh_scripts.go), as root
// through sudo or as the login user, which serves the connection's
// operations one at a time. An operation that ended as its protocol says
// (its last message, then X) gives the worker back to its connection for
// the next one; any other end (a failure, the client giving up) closes
// the worker's input, so a script waiting for an answer aborts as it did
// in a session of its own, and the worker exits with that script's status.
type worker struct {
	conn   *sshConn
	sudo   bool
	s      *ssh.Session
	stdin  io.WriteCloser
	stdout io.Reader
	stderr *stderrSplit
	// ended is closed when the session ended: its exit status came
	// (waitErr says which) or the connection broke.
	ended   chan struct{}
	waitErr error
	known   map[int]bool // the scripts this worker has, by scriptID
	served  int          // operations begun on it
	closing sync.Once
}

// errWorkerGone: the worker an operation was given had ended before it
// printed anything for it, so nothing of the operation ran (every script
// prints outputMarker first). sshTarget.do runs the operation again, once,
// on a new worker.
var errWorkerGone = errors.New("the session on the host ended before the operation began")

// idleFor is the list of idle workers with privilege sudo.
func (c *sshConn) idleFor(sudo bool) chan *worker {
	if sudo {
		return c.idle[1]
	}
	return c.idle[0]
}

// worker returns an idle worker with privilege sudo, or starts one once a
// session slot is free; a slot held by an idle worker of the other
// privilege is freed for it. The wait ends with the connection, which an
// operation's timeout closes.
func (c *sshConn) worker(sudo bool) (*worker, error) {
	mine, other := c.idleFor(sudo), c.idleFor(!sudo)
	for {
		select {
		case w := <-mine:
			if w.alive() {
				return w, nil
			}
			w.close()
			continue
		default:
		}
		select {
		case c.sessions <- struct{}{}:
			return c.startWorker(sudo)
		default:
		}
		select {
		case w := <-mine:
			if w.alive() {
				return w, nil
			}
			w.close()
		case c.sessions <- struct{}{}:
			return c.startWorker(sudo)
		case w := <-other:
			w.close()
		case <-c.done:
			return nil, io.EOF
		}
	}
}

// idleAgain gives w back to its connection for the next operation.
func (w *worker) idleAgain() {
	select {
	case w.conn.idleFor(w.sudo) <- w:
	default: // cannot happen: the list holds as many as there are slots
		w.close()
	}
}

// takeIdle takes every idle worker off its list.
func (c *sshConn) takeIdle() []*worker {
	var took []*worker
	for _, l := range c.idle {
		for len(l) > 0 {
			select {
			case w := <-l:
				took = append(took, w)
			default:
			}
		}
	}
	return took
}

// dropIdle closes the idle workers: after one was found dead while the
// connection lives (the host killed it), the others may be too.
func (c *sshConn) dropIdle() {
	for _, w := range c.takeIdle() {
		w.close()
	}
}

// shutdownWait bounds how long shutdown waits for the workers to end;
// Terraform gives a provider 2 seconds to exit after its last command.
const shutdownWait = time.Second

// shutdown ends the idle workers as shWorker ends at the end of its input
// and waits, at most shutdownWait, for their sessions to close, then closes
// the connection. Closed at once, the connection would leave the workers
// to exit on their own, unseen by sshd: no session end in its log, and
// their CPU time lost from sshd's account, which the bench reads.
func (c *sshConn) shutdown() {
	defer c.close()
	ending := c.takeIdle()
	for _, w := range ending {
		_ = w.stdin.Close()
	}
	deadline := time.NewTimer(shutdownWait)
	defer deadline.Stop()
	for _, w := range ending {
		select {
		case <-w.ended:
		case <-deadline.C:
			return
		}
	}
}

// startWorker starts a worker in a session slot the caller holds; the
// worker frees it when it is closed.
func (c *sshConn) startWorker(sudo bool) (*worker, error) {
	s, err := c.openSession()
	if err != nil {
		<-c.sessions
		return nil, err
	}
	w := &worker{conn: c, sudo: sudo, s: s, stderr: newStderrSplit(), ended: make(chan struct{}), known: map[int]bool{}}
	fail := func(err error) (*worker, error) {
		w.close()
		return nil, err
	}
	if w.stdin, err = s.StdinPipe(); err != nil {
		return fail(err)
	}
	stdout, err := s.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	stderr, err := s.StderrPipe()
	if err != nil {
		return fail(err)
	}
	w.stdout = stdout
	// -n makes sudo fail at once instead of prompting for a password
	// nobody will type.
	cmd := shCommand
	if sudo {
		cmd = "sudo -n " + cmd
	}
	if err := s.Start(cmd); err != nil {
		return fail(err)
	}
	go w.stderr.copy(stderr)
	go func() {
		w.waitErr = s.Wait()
		close(w.ended)
	}()
	// A failed write shows as the end of the output, which the
	// operation's first message reports with what the host said.
	_, _ = fmt.Fprintf(w.stdin, "%d\n%s", len(shWorker), shWorker)
	return w, nil
}

// alive reports whether the session is still up, as far as the client
// has heard.
func (w *worker) alive() bool {
	select {
	case <-w.ended:
		return false
	case <-w.stderr.done:
		return false
	default:
		return true
	}
}

// begin sends the next operation, script with args (one line each), and
// directs the operation's stderr into stderr. It returns the reader of the
// operation's output, a buffer of its own: an operation that ends as it
// should has read all its output, so the buffer need not outlive it, and
// idle workers hold none. The channel returned is closed once the worker
// has ended the operation's stderr.
func (w *worker) begin(script string, args []string, stderr *tailBuffer) (*bufio.Reader, <-chan struct{}) {
	var tok [8]byte
	_, _ = rand.Read(tok[:]) // crypto/rand.Read never fails
	token := hex.EncodeToString(tok[:])
	seen := w.stderr.expect(stderr, token)
	id := scriptID(script)
	var in []byte
	if w.known[id] {
		in = fmt.Appendf(nil, "0 %d %s\n", id, token)
	} else {
		in = fmt.Appendf(nil, "%d %d %s\n%s", len(script), id, token, script)
		w.known[id] = true
	}
	for _, a := range args {
		in = append(append(in, a...), '\n')
	}
	w.served++
	// As in startWorker, a failed write shows in the first message.
	_, _ = w.stdin.Write(in)
	return bufio.NewReaderSize(w.stdout, 64<<10), seen
}

// abandon ends the worker in the middle of an operation: it closes its
// input (a script waiting for an answer takes that as "abort"), drains its
// output and waits for its exit status, the last script's. The error is
// for none coming: the connection broke, or the host sent no exit status.
func (w *worker) abandon(out *bufio.Reader) (status int, err error) {
	defer w.close()
	_ = w.stdin.Close()
	// The scripts print nothing after a failure message or D; this only
	// empties the channel so that the exit status can arrive.
	_, _ = io.Copy(io.Discard, io.LimitReader(out, 1<<20))
	<-w.ended
	<-w.stderr.done
	var exit *ssh.ExitError
	switch {
	case w.waitErr == nil:
		return 0, nil
	case errors.As(w.waitErr, &exit):
		return exit.ExitStatus(), nil
	default:
		return 0, w.waitErr
	}
}

// close ends the session and frees its slot.
func (w *worker) close() {
	w.closing.Do(func() {
		_ = w.s.Close()
		<-w.conn.sessions
	})
}

// scriptIDs numbers the scripts workers are sent, so that each worker is
// sent a script once and then only its number.
var scriptIDs = struct {
	sync.Mutex
	ids map[string]int
}{ids: map[string]int{}}

func scriptID(script string) int {
	scriptIDs.Lock()
	defer scriptIDs.Unlock()
	id, ok := scriptIDs.ids[script]
	if !ok {
		id = len(scriptIDs.ids) + 1
		scriptIDs.ids[script] = id
	}
	return id
}
