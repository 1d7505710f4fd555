package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// op is one of the operations every side is measured on.
type op string

const (
	opApply     op = "apply"
	opPlan      op = "plan"
	opPlanDrift op = "plan, 10% edited"
	opDestroy   op = "destroy"
)

var ops = []op{opApply, opPlan, opPlanDrift, opDestroy}

// step is one measured operation of a side: prepare and check are not
// timed; run is; finish ends what run left behind (Ansible's control
// masters) before the hosts' counters are read.
type step struct {
	op      op
	prepare func() error
	run     func() (output []byte, err error)
	check   func(output []byte) error
	finish  func()
}

// sample is one measurement of one step.
type sample struct {
	// Wall is the elapsed time in seconds.
	Wall float64
	// CPU is the user and system time of the command and every process
	// under it (Terraform and the provider; Ansible and its workers and ssh
	// clients), in seconds.
	CPU float64
	// HostCPU is what the rest of the machine spent while the command ran,
	// in seconds: the SSH hosts serving it (sshd, the shell and its
	// programs, Python), and for Ansible its ssh control masters, which
	// leave Ansible's process tree (machineCPU).
	HostCPU float64
	// ProviderRSS is the largest peak resident set of any provider process
	// the command started, in KiB; 0 without a provider.
	ProviderRSS int64
	// ProviderCPU is the user and system time of the provider processes.
	ProviderCPU float64
	// Logins is the number of SSH logins of the host that saw the most.
	Logins int
}

// measure runs one step and measures it. providerLog is the file the
// provider wrapper appends GNU time's figures to ("" for none).
func measure(s step, hosts []*host, providerLog string) (sample, error) {
	var smp sample
	if s.prepare != nil {
		if err := s.prepare(); err != nil {
			return smp, fmt.Errorf("preparing %s: %w", s.op, err)
		}
	}
	if providerLog != "" {
		if err := os.WriteFile(providerLog, nil, 0o644); err != nil {
			return smp, err
		}
	}
	before, err := settle(hosts)
	if err != nil {
		return smp, err
	}
	cpuBefore, selfBefore := childrenCPU(), selfCPU()
	machineBefore, err := machineCPU()
	if err != nil {
		return smp, err
	}
	start := time.Now()
	out, runErr := s.run()
	smp.Wall = time.Since(start).Seconds()
	if s.finish != nil {
		s.finish()
	}
	after, err := settle(hosts)
	if err != nil {
		return smp, err
	}
	machine, err := machineCPU()
	if err != nil {
		return smp, err
	}
	client, self := childrenCPU()-cpuBefore, selfCPU()-selfBefore
	smp.CPU = client.Seconds()
	// Ticks of 10 ms against exact times: a command that left the hosts
	// idle may come out a tick below zero.
	smp.HostCPU = max(machine-machineBefore-client-self, 0).Seconds()
	for i := range after.logins {
		smp.Logins = max(smp.Logins, after.logins[i]-before.logins[i])
	}
	if providerLog != "" {
		if smp.ProviderRSS, smp.ProviderCPU, err = readProviderLog(providerLog); err != nil {
			return smp, err
		}
	}
	if runErr != nil {
		return smp, fmt.Errorf("%s: %w\n%s", s.op, runErr, tail(out))
	}
	if err := s.check(out); err != nil {
		return smp, fmt.Errorf("%s: %w\n%s", s.op, err, tail(out))
	}
	return smp, nil
}

// childrenCPU is the CPU time of every child process the benchmark has
// waited for, and of their waited-for descendants.
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// selfCPU is the CPU time of the benchmark's own process (its latency
// proxies among it).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineCPU is the CPU time every process of the machine has spent since
// boot: the user, nice, system, irq, softirq and steal ticks of the first
// line of /proc/stat (guest time is within user; idle and iowait are not
// work), at 100 ticks a second. The hosts' CPU is what of it is neither the
// command's nor the benchmark's: sshd counts a session's processes only
// when it waits for them, which it does not for the sessions of a control
// master that was killed (Ansible's), so the reaped-children count of
// sshtest.Server.CPUTime missed nearly all of Ansible's Python on the
// hosts.
func machineCPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	ticks, err := busyTicks(string(line))
	if err != nil {
		return 0, fmt.Errorf("/proc/stat: %w", err)
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// busyTicks is the user, nice, system, irq, softirq and steal ticks of
// /proc/stat's "cpu" line.
func busyTicks(line string) (int64, error) {
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, fmt.Errorf("unexpected first line %q", line)
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("unexpected first line %q", line)
		}
		ticks += n
	}
	return ticks, nil
}

// readProviderLog sums the lines "maxrss-KiB user-s system-s" that GNU time
// appended, one per provider process.
func readProviderLog(p string) (rss int64, cpu float64, err error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) != 3 { // GNU time also reports signals: "Command terminated by signal 9"
			continue
		}
		kib, err1 := strconv.ParseInt(f[0], 10, 64)
		user, err2 := strconv.ParseFloat(f[1], 64)
		sys, err3 := strconv.ParseFloat(f[2], 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return 0, 0, fmt.Errorf("%s: %q: %w", p, line, err)
		}
		rss = max(rss, kib)
		cpu += user + sys
	}
	if rss == 0 {
		return 0, 0, fmt.Errorf("%s: no provider process was measured", p)
	}
	return rss, cpu, nil
}

// command runs a program and returns its combined output and exit code; an
// exit code is not an error, failing to start is.
func command(dir string, env []string, name string, args ...string) ([]byte, int, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// A background process left holding the output (an SSH control
	// master) must not keep Run waiting once the command has exited.
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.Bytes(), exit.ExitCode(), nil
	}
	return out.Bytes(), 0, err
}

// tail is the end of a command's output, for error messages.
func tail(out []byte) string {
	const keep = 4000
	if len(out) > keep {
		out = out[len(out)-keep:]
	}
	return string(out)
}
