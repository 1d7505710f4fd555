package main

import (
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
)

// runner gives internal/sshtest what it needs from a test (sshtest.TB), for
// a program: cleanups run in reverse order at exit, on a fatal error and on
// Ctrl-C, so no sshd or control master outlives the benchmark.
type runner struct {
	cleanups []func()
}

func newRunner() *runner {
	r := &runner{}
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-interrupted
		r.close()
		log.Fatalf("bench: %v", sig)
	}()
	return r
}

func (r *runner) Helper() {}

func (r *runner) Fatalf(format string, args ...any) {
	r.close()
	log.Fatalf(format, args...)
}

func (r *runner) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func (r *runner) TempDir() string {
	dir, err := os.MkdirTemp("", "apim-bench-")
	if err != nil {
		r.Fatalf("bench: %v", err)
	}
	r.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// check ends the program when err is not nil.
func (r *runner) check(err error, what string, args ...any) {
	if err != nil {
		r.Fatalf("bench: %s: %v", fmt.Sprintf(what, args...), err)
	}
}

func (r *runner) close() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	r.cleanups = nil
}
