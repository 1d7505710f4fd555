// Package sshtest starts real OpenSSH servers for tests, so the SSH target
// is tested against the sshd, sftp-server, sudo and shell that production
// hosts run rather than against an imitation.
//
// Each Server is a separate /usr/sbin/sshd process in the foreground, on its
// own loopback address (127.0.0.2, 127.0.0.3, …) and a free port, with a
// fresh Ed25519 host key (optionally certified by a test CA), an
// authorized_keys file of the test's choosing and a VERBOSE log the test can
// inspect. Stop (registered with t.Cleanup) kills the listener and every
// connection process.
//
// The package also makes what such tests need around the server: key pairs,
// passphrase-protected keys, user and host certificates, an in-process
// ssh-agent, world-traversable temporary directories, and local users
// (EnsureUsers) for non-root logins, file owners and sudo rules, and logins
// whose login shell is fish or tcsh (EnsureShellUsers).
//
// It needs root (to create users and sshd's privilege separation directory)
// and the openssh-server and sudo packages (fish and tcsh for
// EnsureShellUsers). Without them Start and
// EnsureUsers fail the test, saying what to install: a test that silently
// skipped would hide that the SSH code was never exercised.
package sshtest
