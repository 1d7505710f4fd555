//go:build linux

// Package hostiletest puts a real attacker next to the provider's file
// operations, for tests: a process running as an unprivileged account that
// owns the directory the provider edits files in, watching it with inotify
// and racing every step the provider takes, as the account APIM runs as
// could on a real host when the provider writes as root.
//
// The attacker is a separate program (attacker/), built once per test process
// and started with the account's uid and gid, so the kernel, not the test,
// decides what it may do. A test arms it for one trial at a time, runs the
// operation under attack, disarms it and checks the outcome; Victim gives the
// root-only file the attacker tries to get written.
package hostiletest
