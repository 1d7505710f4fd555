package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
)

// rawSSHSide reads every file a plan reads with `ssh host cat <file>` over
// one multiplexed OpenSSH connection per host, ten at a time as Terraform's
// default parallelism: the transport's limit, below which no SSH-based tool
// can plan.
type rawSSHSide struct {
	dir    string
	access sshAccess
	rtt    int // through the latency proxy of this RTT (ms), 0 for none
}

func (s *rawSSHSide) steps(ins []instance) []step {
	return []step{
		{op: opPlan, run: s.readAll(ins), check: nothingToCheck},
		{op: opPlanDrift, run: s.readAll(ins), check: nothingToCheck},
	}
}

func (s *rawSSHSide) ssh(h *host, args ...string) []string {
	base := append(s.access.sshArgs(), "-o", "ControlPath="+filepath.Join(s.dir, "cp-%h-%p-%r"), "-p", strconv.Itoa(h.dialPort(s.rtt)))
	return append(append(base, args...), h.target())
}

func (s *rawSSHSide) readAll(ins []instance) func() ([]byte, error) {
	return func() ([]byte, error) {
		var hosts []*host
		seen := map[*host]bool{}
		for _, in := range ins {
			if !seen[in.Host] {
				seen[in.Host] = true
				hosts = append(hosts, in.Host)
			}
		}
		for _, h := range hosts {
			// -f: background once logged in, so the masters come up one
			// after another and every later command reuses them.
			if err := s.startMaster(h); err != nil {
				return nil, err
			}
		}
		defer func() {
			for _, h := range hosts {
				_, _ = s.run(s.ssh(h, "-O", "exit")...)
			}
		}()

		type read struct {
			h    *host
			path string
		}
		reads := make(chan read)
		errs := make([]error, 10)
		var wg sync.WaitGroup
		for w := range errs {
			wg.Go(func() {
				for r := range reads {
					out, err := s.run(append(s.ssh(r.h), "cat", r.path)...)
					if err == nil && len(out) == 0 {
						err = fmt.Errorf("%s:%s is empty", r.h.srv.Addr(), r.path)
					}
					errs[w] = errors.Join(errs[w], err)
				}
			})
		}
		for _, in := range ins {
			for _, rel := range in.filesRead() {
				reads <- read{in.Host, filepath.Join(in.Home, rel)}
			}
		}
		close(reads)
		wg.Wait()
		return nil, errors.Join(errs...)
	}
}

// startMaster logs in to h and leaves the control master in the
// background. Its output goes to /dev/null: the background process keeps
// what it inherits open, and a pipe would never reach end of file.
func (s *rawSSHSide) startMaster(h *host) error {
	cmd := exec.Command("ssh", s.ssh(h, "-o", "ControlMaster=yes", "-o", "ControlPersist=yes", "-f", "-N")...)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ssh control master for %s: %w", h.srv.Addr(), err)
	}
	return nil
}

func (s *rawSSHSide) run(args ...string) ([]byte, error) {
	out, code, err := command(s.dir, os.Environ(), "ssh", args...)
	if err == nil && code != 0 {
		err = fmt.Errorf("ssh %v: exit code %d: %s", args, code, tail(out))
	}
	return out, err
}
