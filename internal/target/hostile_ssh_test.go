//go:build linux

package target

import (
	"flag"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/hostiletest"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// The SSH target against the account that owns the home, as
// hostile_local_test.go does for the local target: the trust rule on real
// trees over sudo, and a real attacker process (package hostiletest)
// racing EditFile over SSH, with sudo from an unprivileged login and
// logged in as root without sudo (the two ways in which the script that
// edits is more privileged than the home's owner). After every trial the
// root-only victim must keep its bytes, owner and mode, and every edit must
// land on the file it read or fail with ErrReplaced (ErrUnsafePath when
// the path already led to the victim when it was resolved), or, when the
// attacker renamed its own entry over the private directory before the
// script could enter it, fail saying the edit was interfered with.
//
// Each way and attack prints one line, for RELIABILITY.md:
//
//	HOSTILE-TRIALS path=ssh-sudo attack=NAME trials=N landed=N ... victim_damaged=0
//
// Reproduce with
//
//	go test -count=1 -run 'SSHHostile' -v ./internal/target/ | grep HOSTILE-TRIALS

var sshHostileTrials = flag.Int("ssh-hostile-trials", 50, "trials per way and attack in TestSSHHostileTrials")

// The trust rule on real trees (unsafeLayouts), over sudo.
func TestSSHHostileUnsafePaths(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	runUnsafeLayouts(t, f.target(t, waySudo), func(t *testing.T) string { return sshtest.TempDir(t) }, f.srv.Addr())
}

func TestSSHHostileTrials(t *testing.T) {
	owner := hostileOwner(t)
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{waySudo, wayRoot} {
		tg := f.target(t, way)
		for _, attack := range []hostiletest.Attack{hostiletest.SymlinkNew, hostiletest.FlipAfterRead, hostiletest.ReplaceAfterRead} {
			t.Run(way.name+"/"+string(attack), func(t *testing.T) {
				runHostileTrials(t, tg, "ssh-"+way.name, attack, owner, *sshHostileTrials)
			})
		}
	}
}
