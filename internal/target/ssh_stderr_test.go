package target

import "testing"

// stderrSplit gives each operation of a worker its own stderr: what came
// before its end mark, whatever the chunks the channel delivers it in, and
// nothing of a mark with another token.
func TestStderrSplit(t *testing.T) {
	type step struct {
		expect string // a token: the next operation begins
		chunk  string // else: bytes of stderr
	}
	for _, c := range []struct {
		name  string
		steps []step
		end   bool     // stderr ends after the steps
		want  []string // each operation's stderr, in order
		seen  []bool   // whether each one's mark came
	}{
		{"mark in one chunk", []step{{expect: "a1"}, {chunk: "warn A\n\x00a1\n"}}, false,
			[]string{"warn A"}, []bool{true}},
		{"mark across chunks", []step{{expect: "a1"}, {chunk: "warn\n\x00a"}, {chunk: "1"}, {chunk: "\n"}}, false,
			[]string{"warn"}, []bool{true}},
		{"a mark with another token is the operation's text", []step{{expect: "a1"}, {chunk: "\x00b2\nreal\n\x00a1\n"}}, false,
			[]string{"?b2; real"}, []bool{true}},
		{"before the first operation: held for it", []step{{chunk: "motd\n"}, {expect: "a1"}, {chunk: "\x00a1\n"}}, false,
			[]string{"motd"}, []bool{true}},
		{"two operations", []step{{expect: "a1"}, {chunk: "one\n\x00a1\n"}, {expect: "b2"}, {chunk: "two\n\x00b2\n"}}, false,
			[]string{"one", "two"}, []bool{true, true}},
		{"the end in the middle of a mark", []step{{expect: "a1"}, {chunk: "x\n\x00a"}}, true,
			[]string{"x; ?a"}, []bool{false}},
		{"no mark yet", []step{{expect: "a1"}, {chunk: "half a line"}}, false,
			[]string{"half a l"}, []bool{false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newStderrSplit()
			var bufs []*tailBuffer
			var seen []<-chan struct{}
			for _, st := range c.steps {
				if st.expect != "" {
					bufs = append(bufs, &tailBuffer{})
					seen = append(seen, s.expect(bufs[len(bufs)-1], st.expect))
					continue
				}
				s.mu.Lock()
				s.pending = append(s.pending, st.chunk...)
				s.deliver(false)
				s.mu.Unlock()
			}
			if c.end {
				s.mu.Lock()
				s.deliver(true)
				s.mu.Unlock()
			}
			for i, b := range bufs {
				if got := b.String(); got != c.want[i] {
					t.Errorf("operation %d: stderr %q, want %q", i, got, c.want[i])
				}
				select {
				case <-seen[i]:
					if !c.seen[i] {
						t.Errorf("operation %d: its end seen, want not", i)
					}
				default:
					if c.seen[i] {
						t.Errorf("operation %d: its end not seen", i)
					}
				}
			}
		})
	}
}
