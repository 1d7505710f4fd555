package target

import (
	"bytes"
	"io"
	"sync"
)

// stderrSplit hands a worker's stderr out to the operations it serves:
// each operation's messages go to that operation's buffer, up to the mark
// the worker prints at its end (NUL, the operation's token, a newline), so
// a tool's warning in one operation never shows in the diagnostics of the
// next. What comes before the first operation is asked for (the login
// shell's rc files, sudo refusing) is held for it.
type stderrSplit struct {
	mu      sync.Mutex
	cur     *tailBuffer   // the operation's buffer; nil between operations
	mark    []byte        // its end mark
	seen    chan struct{} // closed when the mark came
	pending []byte        // what is not delivered yet
	done    chan struct{} // closed at the end of stderr
}

func newStderrSplit() *stderrSplit { return &stderrSplit{done: make(chan struct{})} }

// expect directs what comes next into buf, up to the mark with token, and
// returns the channel closed when that mark came.
func (s *stderrSplit) expect(buf *tailBuffer, token string) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur, s.mark, s.seen = buf, []byte("\x00"+token+"\n"), make(chan struct{})
	s.deliver(false)
	return s.seen
}

// copy reads r, the worker's stderr, to its end.
func (s *stderrSplit) copy(r io.Reader) {
	defer close(s.done)
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		s.mu.Lock()
		s.pending = append(s.pending, buf[:n]...)
		s.deliver(err != nil)
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// deliver writes what of pending is the current operation's, up to its
// mark, keeping back what may be the start of the mark until more comes
// or stderr ends (last). Between operations it holds what came, at most
// maxStderr bytes.
func (s *stderrSplit) deliver(last bool) {
	if s.mark == nil {
		s.pending = s.pending[:min(len(s.pending), maxStderr)]
		return
	}
	if i := bytes.Index(s.pending, s.mark); i >= 0 {
		s.write(s.pending[:i])
		s.pending = append([]byte(nil), s.pending[i+len(s.mark):]...)
		close(s.seen)
		s.cur, s.mark = nil, nil
		s.deliver(last)
		return
	}
	keep := 0
	if !last {
		keep = min(len(s.pending), len(s.mark)-1)
	}
	s.write(s.pending[:len(s.pending)-keep])
	s.pending = append([]byte(nil), s.pending[len(s.pending)-keep:]...)
}

func (s *stderrSplit) write(p []byte) {
	if len(p) > 0 {
		_, _ = s.cur.Write(p)
	}
}
