//go:build linux

package target

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
				runSSHHostileTrials(t, tg, "ssh-"+way.name, attack, owner)
			})
		}
	}
}

func runSSHHostileTrials(t *testing.T, tg Target, label string, attack hostiletest.Attack, owner sshtest.User) {
	const file, realName = "carbon.xml", "carbon-real.xml"
	start := time.Now()
	dir := sshtest.OwnedTempDir(t, owner)
	victim := hostiletest.NewVictim(t)
	// pin holds a second name of the inode each trial edits, in a
	// directory of root's, to check that the file read is never written
	// in place.
	pin := filepath.Join(sshtest.TempDir(t), "pinned")
	edited := filepath.Join(dir, file)
	if attack == hostiletest.FlipAfterRead {
		edited = filepath.Join(dir, realName)
	}
	reset := func(n int) {
		for _, name := range []string{file, realName} {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
		}
		writeOwned(t, edited, hostileContent(n), owner)
		if attack == hostiletest.FlipAfterRead {
			symlinkOwned(t, realName, filepath.Join(dir, file), owner)
		}
		if err := os.Remove(pin); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if err := os.Link(edited, pin); err != nil {
			t.Fatal(err)
		}
	}
	reset(0)
	a := hostiletest.Start(t, hostiletest.Config{Attack: attack, Dir: dir, File: file, Real: realName,
		Victim: victim.Path(), UID: owner.UID, GID: owner.GID})

	var c hostileCounts
	for trial := 1; trial <= *sshHostileTrials; trial++ {
		what := fmt.Sprintf("trial %d", trial)
		reset(trial - 1)
		a.Arm(t)
		changed, err := tg.EditFile(context.Background(), filepath.Join(dir, file), setOffset(trial))
		stats := a.Disarm(t)
		c.judge(t, what, trialOutcome{attack: attack, stats: stats, changed: changed, err: err,
			victim: victim, pin: pin, edited: edited, dir: dir, owner: owner, trial: trial})
	}
	t.Log(strings.Replace(c.line(attack, time.Since(start)), "path=local", "path="+label, 1))
	if c.moves == 0 {
		t.Errorf("the attacker made no move in %d trials", c.trials)
	}
	if attack == hostiletest.ReplaceAfterRead && c.replaced == 0 {
		t.Errorf("no edit noticed the replacement in %d trials", c.trials)
	}
}
