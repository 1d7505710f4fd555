package target

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Running the scripts of ssh_scripts.go on a worker (ssh_worker.go): the
// script and its arguments on stdin, and the messages on stdout.

const (
	// maxPreamble bounds what the login shell's rc files may print before
	// outputMarker; maxLine a message line; maxFailure the fields of an F
	// message; maxStderr what is kept of stderr for diagnostics.
	maxPreamble = 64 << 10
	maxLine     = 4 << 10
	maxFailure  = 64 << 10
	maxStderr   = 16 << 10
)

// checkSSHPath refuses, before anything is sent, a path the scripts could
// not take safely: one that is not absolute (the walk starts at "/", so
// every directory on the way is checked) or holds a control character (an
// argument is a line of stdin, so a newline would end it early; other
// control characters have no place in a configuration file's path and can
// forge lines of a diagnostic).
func (t *sshTarget) checkSSHPath(op, p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return &sshError{op: op, path: quoteForMessage(p), target: t.String(), detail: fmt.Sprintf(
			"the path %s is not absolute; give the file's full path", strconv.Quote(p))}
	case strings.ContainsFunc(p, isControl):
		return &sshError{op: op, path: strconv.Quote(p), target: t.String(), detail: fmt.Sprintf(
			"the path %s holds a control character (a newline, a tab, ...), which the provider does not pass to the host; "+
				"nothing was read or written. Rename the file or the directory, or fix the path in the configuration", strconv.Quote(p))}
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// shown makes a name the host reported safe to print: valid UTF-8, and
// Go-quoted when it holds control characters or quotes (quoteForMessage),
// so a hostile name cannot forge lines of a diagnostic.
func shown(name string) string {
	return quoteForMessage(strings.ToValidUTF8(name, "\uFFFD"))
}

// scriptRun is one running script.
type scriptRun struct {
	t      *sshTarget
	w      *worker
	reused bool // w served an operation before this one
	out    *bufio.Reader
	stderr tailBuffer
	seen   <-chan struct{} // closed when the worker ended the script's stderr
	marker bool            // outputMarker was seen
	// complete: the script's last message was read, so the next is the
	// worker's X, and the worker can serve the next operation.
	complete bool
	ended    bool
	// exited: end learned the exit status, status. 128 and more means a
	// signal ended the script (its trap did not run).
	exited bool
	status int
}

// startScript starts script with args (one line each) on a worker of c.
// The error is only for a worker that could not start.
func (t *sshTarget) startScript(c *sshConn, script string, args ...string) (*scriptRun, error) {
	w, err := c.worker(t.cfg.Sudo)
	if err != nil {
		return nil, err
	}
	r := &scriptRun{t: t, w: w, reused: w.served > 0}
	r.out, r.seen = w.begin(script, args, &r.stderr)
	return r, nil
}

// send writes b to the script's stdin.
func (r *scriptRun) send(b []byte) error {
	_, err := r.w.stdin.Write(b)
	return err
}

// scriptMsg is one message of a script (ssh_scripts.go): kind 'R', 'W',
// 'D' or 'F' with the rest of its line in arg and, for 'F', the fields; or
// kind 0, the end of the output. X, the worker's end of the script, is
// read by end.
type scriptMsg struct {
	kind   byte
	arg    string
	fields []string
}

// next reads the next message. The error is for a connection that failed
// (or a protocol the client does not understand); the end of the output is
// the message of kind 0.
func (r *scriptRun) next() (scriptMsg, error) {
	for !r.marker {
		line, err := readLine(r.out, maxPreamble)
		if errors.Is(err, io.EOF) {
			return scriptMsg{}, nil
		}
		if err != nil {
			return scriptMsg{}, err
		}
		r.marker = strings.HasSuffix(line, strings.TrimSuffix(outputMarker, "\n"))
	}
	line, err := readLine(r.out, maxLine)
	if errors.Is(err, io.EOF) {
		return scriptMsg{}, nil
	}
	if err != nil {
		return scriptMsg{}, err
	}
	kind, arg, _ := strings.Cut(line, " ")
	if len(kind) != 1 || !strings.Contains("RWDFSEC", kind) {
		return scriptMsg{}, fmt.Errorf("unexpected output from the script on the host: %q", shown(line))
	}
	m := scriptMsg{kind: kind[0], arg: arg}
	if m.kind == 'F' {
		return r.failureFields(m, line)
	}
	return m, nil
}

// failureFields reads the fields of an F message, "F CODE N" and N fields
// each ended by a NUL, into m: a count, so a failure of one file leaves the
// messages of the next one in place.
func (r *scriptRun) failureFields(m scriptMsg, line string) (scriptMsg, error) {
	code, count, _ := strings.Cut(m.arg, " ")
	n, err := strconv.Atoi(count)
	if err != nil || n < 0 || n > 16 {
		return scriptMsg{}, fmt.Errorf("unexpected output from the script on the host: %q", shown(line))
	}
	m.arg = code
	left := maxFailure
	for range n {
		field, err := r.out.ReadSlice(0)
		if errors.Is(err, bufio.ErrBufferFull) || len(field) > left {
			return scriptMsg{}, fmt.Errorf("a failure message of more than %d bytes from the host", maxFailure)
		}
		if err != nil {
			return scriptMsg{}, err
		}
		left -= len(field)
		m.fields = append(m.fields, string(field[:len(field)-1]))
	}
	return m, nil
}

// readLine reads one line of at most limit bytes, without its newline.
func readLine(br *bufio.Reader, limit int) (string, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if err == nil {
			line = line[:len(line)-1]
		}
		if len(line) > limit {
			return "", fmt.Errorf("a line of more than %d bytes from the host", limit)
		}
		if err == nil {
			return string(line), nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return "", err
		}
	}
}

// content reads n bytes of file content.
func (r *scriptRun) content(n int64) ([]byte, error) {
	buf := make([]byte, n)
	if _, err := io.ReadFull(r.out, buf); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		return nil, err
	}
	return buf, nil
}

// end ends the script. After its last message (complete), the next is the
// worker's X with its exit status, and the worker is given back for the
// next operation; otherwise, or when X does not come as it should, the
// worker is abandoned: its input closed (a script waiting for an answer
// takes that as "abort"), its output drained, and its exit status, the
// script's, awaited. It returns nil once the exit status is known (in
// r.status), the error otherwise: the connection broke, or the host sent
// no exit status.
func (r *scriptRun) end() error {
	if r.ended {
		if !r.exited {
			return io.EOF
		}
		return nil
	}
	r.ended = true
	if r.complete && r.finish() {
		return nil
	}
	status, err := r.w.abandon(r.out)
	if err != nil {
		return err
	}
	r.exited, r.status = true, status
	return nil
}

// finish reads X and the end of the script's stderr and gives the worker
// back. It reports whether it could: not when anything followed X, which
// the worker never prints (the next operation's output would then not be
// its own).
func (r *scriptRun) finish() bool {
	line, err := readLine(r.out, maxLine)
	if err != nil || r.out.Buffered() > 0 {
		return false
	}
	st, ok := strings.CutPrefix(line, "X ")
	status, err := strconv.Atoi(st)
	if !ok || err != nil || status < 0 {
		return false
	}
	select {
	case <-r.seen:
	case <-r.w.stderr.done:
		return false
	}
	r.exited, r.status = true, status
	r.w.idleAgain()
	return true
}

// cleanedUp reports whether the script ended by itself, so that its EXIT
// trap removed what it made.
func (r *scriptRun) cleanedUp() bool { return r.exited && r.status < 128 }

// failure ends the run after message m (which was not the one expected),
// or after the read error readErr, and returns the error to report. A
// failure the script named (F) is classified by scriptErr; a connection
// that broke is returned as it is, for sshTarget.do to reconnect.
func (r *scriptRun) failure(op, p string, m scriptMsg, readErr error) error {
	waitErr := r.end()
	switch {
	case m.kind == 'F':
		return r.t.scriptErr(op, p, m.arg, m.fields, r.stderr.String())
	case readErr != nil:
		return readErr
	case !r.marker && r.reused && m.kind == 0:
		return errWorkerGone
	case waitErr != nil:
		return waitErr
	case !r.marker:
		return r.t.notRun(op, p, r.status, r.stderr.String())
	case m.kind == 0:
		return &sshError{op: op, path: p, target: r.t.String(), detail: fmt.Sprintf(
			"the script on the host ended early (exit status %d%s)%s", r.status, stderrPart(r.stderr.String()), r.t.unchanged(op))}
	default:
		return &sshError{op: op, path: p, target: r.t.String(), detail: fmt.Sprintf(
			"unexpected message %q from the script on the host%s", string(m.kind), r.t.unchanged(op))}
	}
}

// unchanged is what a failure before the rename means for the file.
func (t *sshTarget) unchanged(op string) string {
	if op == "edit" {
		return "; nothing was written, the file was not changed"
	}
	return ""
}

// stderrPart is ": " and the tools' messages, or "".
func stderrPart(stderr string) string {
	if stderr == "" {
		return ""
	}
	return ": " + stderr
}

// tailBuffer keeps the first maxStderr bytes written to it, for
// diagnostics; the rest is dropped. It is written by the session's copy
// goroutine and read after Wait.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := maxStderr - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// String is the messages, one line each joined by "; ", made printable:
// tools quote names in their messages, but a name may still hold bytes
// that should not reach a terminal.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var lines []string
	for line := range strings.SplitSeq(b.buf.String(), "\n") {
		line = strings.TrimSpace(strings.Map(func(r rune) rune {
			if isControl(r) {
				return '?'
			}
			return r
		}, strings.ToValidUTF8(line, "\uFFFD")))
		if line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "; ")
}
