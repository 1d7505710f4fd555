package target_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// ReadFiles gives each path its own content or its own error, in order,
// whatever the others are: a regular file, a missing one, a directory, an
// empty file, binary content with NUL bytes and lines that look like the
// script's messages, and a path refused before anything is sent.
func TestSSHReadFiles(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.OwnedTempDir(t, login)
	plain := filepath.Join(dir, "carbon.xml")
	writeLocal(t, plain, "<Offset>0</Offset>\n", 0o644, login.UID, login.GID)
	empty := filepath.Join(dir, "empty.xml")
	writeLocal(t, empty, "", 0o644, login.UID, login.GID)
	// Content that would end or forge the messages of a protocol that
	// sent it raw.
	forged := "R\n\x00F ENOENT 1\n/etc/shadow\x00E\nS 0 5\nE\nC\nAAAA\n\xff"
	binary := filepath.Join(dir, "binary.xml")
	writeLocal(t, binary, forged, 0o644, login.UID, login.GID)
	missing := filepath.Join(dir, "missing.xml")
	for _, sudo := range []bool{false, true} {
		t.Run(fmt.Sprintf("sudo=%v", sudo), func(t *testing.T) {
			cfg := loginConfig(t, srv, key)
			cfg.Sudo = sudo
			tg := mustTarget(t, newPool(t), cfg)
			paths := []string{plain, missing, dir, empty, "relative/path.xml", binary}
			docs, errs := tg.ReadFiles(context.Background(), paths)
			if len(docs) != len(paths) || len(errs) != len(paths) {
				t.Fatalf("%d contents and %d errors for %d paths", len(docs), len(errs), len(paths))
			}
			check := func(i int, want string) {
				t.Helper()
				if errs[i] != nil || string(docs[i]) != want {
					t.Errorf("%s: %q, %v; want %q", paths[i], docs[i], errs[i], want)
				}
			}
			check(0, "<Offset>0</Offset>\n")
			if !errors.Is(errs[1], fs.ErrNotExist) || !strings.Contains(errs[1].Error(), missing) {
				t.Errorf("missing file: %v, want fs.ErrNotExist naming it", errs[1])
			}
			if errs[2] == nil || !strings.Contains(errs[2].Error(), "not a regular file") {
				t.Errorf("directory: %v, want a not-regular error", errs[2])
			}
			check(3, "")
			if errs[4] == nil || !strings.Contains(errs[4].Error(), "not absolute") {
				t.Errorf("relative path: %v, want it refused as not absolute", errs[4])
			}
			check(5, forged)
		})
	}
}

// turnCounter is a TCP proxy in front of an sshd that delays everything it
// forwards by oneWay and counts round trips: the times the server, having
// been quiet, sends again after the client sent something. A request the
// client waits on leaves the server quiet for at least oneWay (its answer
// cannot start before the request arrived), while the server's own
// streaming, or its thinking, leaves gaps of milliseconds; so with a long
// oneWay the count is exact, and a regression that adds a request the
// client waits on fails it, whatever the machine's speed.
type turnCounter struct {
	ln    net.Listener
	mu    sync.Mutex
	turns int
	// sent: the client has sent since the server last sent; quietSince:
	// when the server last sent.
	sent       bool
	quietSince time.Time
}

// oneWay is the delay each direction gets.
const oneWay = 150 * time.Millisecond

func newTurnCounter(t *testing.T, backend string) *turnCounter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tc := &turnCounter{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", backend)
			if err != nil {
				c.Close()
				return
			}
			go tc.forward(s, c, true)
			go tc.forward(c, s, false)
		}
	}()
	return tc
}

type chunk struct {
	at   time.Time
	data []byte
}

// forward copies src to dst, each chunk oneWay after it arrived, in order,
// noting arrivals for the count.
func (tc *turnCounter) forward(dst, src net.Conn, fromClient bool) {
	queue := make(chan chunk, 1024)
	go func() {
		defer dst.Close()
		for c := range queue {
			time.Sleep(time.Until(c.at.Add(oneWay)))
			if _, err := dst.Write(c.data); err != nil {
				return
			}
		}
	}()
	defer close(queue)
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			now := time.Now()
			tc.mu.Lock()
			switch {
			case fromClient:
				tc.sent = true
			default:
				if tc.sent && now.Sub(tc.quietSince) > oneWay*4/5 {
					tc.turns++
				}
				tc.sent, tc.quietSince = false, now
			}
			tc.mu.Unlock()
			queue <- chunk{now, append([]byte(nil), buf[:n]...)}
		}
		if err != nil {
			return // the end of the stream, or of the test
		}
	}
}

// count runs op on a quiet connection and returns its round trips.
func (tc *turnCounter) count(op func()) int {
	time.Sleep(4 * oneWay) // let whatever was in flight land
	tc.mu.Lock()
	tc.turns, tc.sent, tc.quietSince = 0, false, time.Now()
	tc.mu.Unlock()
	op()
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.turns
}

func (tc *turnCounter) port() int {
	addr, ok := tc.ln.Addr().(*net.TCPAddr)
	if !ok {
		panic("a TCP listener without a TCP address")
	}
	return addr.Port
}

// Round trips (turnCounter) on an established connection: reading the
// files of one operation costs 1 however many there are (one script on a
// worker for all of them), and an edit 2 (its content; the new content
// with the commit), with sudo and without; the bounds are 3 and 8.
func TestSSHRoundTrips(t *testing.T) {
	login := sshtest.EnsureUsers(t).Login
	srv, key := startWithKey(t, sshtest.Options{})
	dir := sshtest.OwnedTempDir(t, login)
	var paths []string
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("f%d.xml", i))
		writeLocal(t, p, strings.Repeat("<Offset>0</Offset>\n", 1500), 0o644, login.UID, login.GID) // 28 KB, as carbon.xml
		paths = append(paths, p)
	}
	tc := newTurnCounter(t, srv.Addr())
	for _, sudo := range []bool{false, true} {
		t.Run(fmt.Sprintf("sudo=%v", sudo), func(t *testing.T) {
			cfg := loginConfig(t, srv, key)
			cfg.Host, cfg.Port, cfg.Sudo = "127.0.0.1", tc.port(), sudo
			tg := mustTarget(t, newPool(t), cfg)
			ctx := context.Background()
			if _, err := tg.ReadFile(ctx, paths[0]); err != nil { // logs in
				t.Fatal(err)
			}
			read := tc.count(func() {
				if _, err := tg.ReadFile(ctx, paths[0]); err != nil {
					t.Fatal(err)
				}
			})
			readAll := tc.count(func() {
				_, errs := tg.ReadFiles(ctx, paths)
				if err := errors.Join(errs...); err != nil {
					t.Fatal(err)
				}
			})
			edit := tc.count(func() {
				_, err := tg.EditFile(ctx, paths[1], func(old []byte) ([]byte, error) {
					return bytes.Replace(old, []byte("<Offset>0<"), []byte("<Offset>3<"), 1), nil
				})
				if err != nil {
					t.Fatal(err)
				}
			})
			t.Logf("round trips: read %d, read of %d files %d, edit %d", read, len(paths), readAll, edit)
			if read > 1 || readAll > 1 {
				t.Errorf("a read takes %d round trips, a read of %d files %d; want at most 1", read, len(paths), readAll)
			}
			if edit > 2 {
				t.Errorf("an edit takes %d round trips, want at most 2 (the content; the new content with the commit)", edit)
			}
			if got, err := os.ReadFile(paths[1]); err != nil || !bytes.Contains(got, []byte("<Offset>3<")) {
				t.Fatalf("the edit did not land: %v", err)
			}
		})
	}
}
