package target

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portoffset/terraform-provider-apim/internal/hostiletest"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// The local target against the account that owns the home (see Local):
// the trust rule on real trees, and a real attacker process (package
// hostiletest) racing EditFile run as root. The victim is a root-only file
// (mode 0600) in a root-only directory; after every trial it must keep its
// bytes, owner and mode, and every edit must either land on the file it
// read or fail with ErrReplaced (ErrUnsafePath when the path already led to
// the victim when it was resolved), or, when the attacker renamed its own
// entry over the provider's private directory before the provider could
// enter it, fail saying the edit was interfered with; in every case that
// fails, nothing is written.
//
// Each attack prints one line, for RELIABILITY.md:
//
//	HOSTILE-TRIALS path=local attack=NAME trials=N landed=N ... victim_damaged=0
//
// Reproduce with
//
//	go test -count=1 -run 'LocalHostile' -v ./internal/target/ | grep HOSTILE-TRIALS

var localHostileTrials = flag.Int("local-hostile-trials", 50, "trials per attack in TestLocalHostileTrials")

// hostileOwner returns the unprivileged account that owns the test's homes
// (sshtest.OwnerUser), creating it if needed; the tests need root.
func hostileOwner(t *testing.T) sshtest.User {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the provider's privilege is what the owner of the home attacks")
	}
	return sshtest.EnsureUsers(t).Owner
}

// hostileContent is a carbon.xml with the offset n.
func hostileContent(n int) []byte {
	return fmt.Appendf(nil, "<Server xmlns=\"http://wso2.org/projects/carbon/carbon.xml\">\n  <Ports>\n    <Offset>%d</Offset>\n  </Ports>\n</Server>\n", n)
}

var offsetRE = regexp.MustCompile(`<Offset>(-?[0-9]+)</Offset>`)

// readOffset is the offset in content, -1 when there is none.
func readOffset(content []byte) int {
	m := offsetRE.FindSubmatch(content)
	if m == nil {
		return -1
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		return -1
	}
	return n
}

// setOffset is an edit like the provider's: it changes one value.
func setOffset(n int) func([]byte) ([]byte, error) {
	return func(old []byte) ([]byte, error) {
		loc := offsetRE.FindSubmatchIndex(old)
		if loc == nil {
			return nil, fmt.Errorf("no <Offset> in %q", old)
		}
		return bytes.Join([][]byte{old[:loc[2]], []byte(strconv.Itoa(n)), old[loc[3]:]}, nil), nil
	}
}

// writeOwned makes path a regular file of owner with content, mode 0640.
func writeOwned(t *testing.T, path string, content []byte, owner sshtest.User) {
	t.Helper()
	writeTestFile(t, path, content, 0o640)
	if err := os.Chown(path, owner.UID, owner.GID); err != nil {
		t.Fatal(err)
	}
}

// symlinkOwned makes path a symbolic link of owner to target.
func symlinkOwned(t *testing.T, target, path string, owner sshtest.User) {
	t.Helper()
	mustSymlink(t, target, path)
	if err := os.Lchown(path, owner.UID, owner.GID); err != nil {
		t.Fatal(err)
	}
}

// checkOwnedFile fails unless path is a regular file of owner, mode 0640,
// with the offset want.
func checkOwnedFile(t *testing.T, label, path string, owner sshtest.User, want int) {
	t.Helper()
	st := statT(t, path)
	if st.Mode&0o170000 != 0o100000 || st.Uid != uint32(owner.UID) || st.Gid != uint32(owner.GID) || st.Mode&0o7777 != 0o640 {
		t.Errorf("%s: %s has mode %o owner %d:%d, want a regular file 0640 of %d:%d", label, path, st.Mode, st.Uid, st.Gid, owner.UID, owner.GID)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := readOffset(content); got != want {
		t.Errorf("%s: %s holds offset %d, want %d", label, path, got, want)
	}
}

// noPrivateDirs fails if a directory named like EditFile's private ones is
// left in dir. (The attacker may leave links under such names, and our
// directories renamed aside under its own names: those are its doing.)
func noPrivateDirs(t *testing.T, label, dir string) {
	t.Helper()
	for _, name := range tempLeftovers(t, dir) {
		if fi, err := os.Lstat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
			t.Errorf("%s: private directory %s left in %s", label, name, dir)
		}
	}
}

// The trust rule on real trees (unsafeLayouts), through the local target
// running as root.
func TestLocalHostileUnsafePaths(t *testing.T) {
	runUnsafeLayouts(t, NewLocal(), openDir)
}

// hostileCounts are the figures of one attack's trials.
type hostileCounts struct {
	trials   int
	landed   int // the edit landed in the file it read
	overrun  int // ... and the attacker then renamed its own entry over it
	replaced int // ErrReplaced
	unsafe   int // ErrUnsafePath
	// interfered: the private directory was taken (ErrInterfered).
	interfered int
	events     int
	moves      int
}

func (c hostileCounts) line(path string, attack hostiletest.Attack, elapsed time.Duration) string {
	return fmt.Sprintf("HOSTILE-TRIALS path=%s attack=%s trials=%d landed=%d landed_then_overrun_by_attacker=%d replaced=%d unsafe_path=%d "+
		"private_dir_taken=%d victim_damaged=0 attacker_events=%d attacker_moves=%d elapsed=%s",
		path, attack, c.trials, c.landed, c.overrun, c.replaced, c.unsafe, c.interfered, c.events, c.moves, elapsed.Round(100*time.Millisecond))
}

func TestLocalHostileTrials(t *testing.T) {
	owner := hostileOwner(t)
	for _, attack := range []hostiletest.Attack{hostiletest.SymlinkNew, hostiletest.FlipAfterRead, hostiletest.ReplaceAfterRead} {
		t.Run(string(attack), func(t *testing.T) {
			runHostileTrials(t, NewLocal(), "local", attack, owner, *localHostileTrials)
		})
	}
}

// runHostileTrials races trials edits through tg against a real attacker
// (hostiletest) running attack as owner, in a directory owner owns, and
// judges every outcome (judge); path names the way in the summary line.
func runHostileTrials(t *testing.T, tg Target, path string, attack hostiletest.Attack, owner sshtest.User, trials int) {
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
	for trial := 1; trial <= trials; trial++ {
		what := fmt.Sprintf("trial %d", trial)
		reset(trial - 1)
		a.Arm(t)
		changed, err := tg.EditFile(context.Background(), filepath.Join(dir, file), setOffset(trial))
		stats := a.Disarm(t)
		c.judge(t, what, trialOutcome{attack: attack, stats: stats, changed: changed, err: err,
			victim: victim, pin: pin, edited: edited, dir: dir, owner: owner, trial: trial})
	}
	t.Log(c.line(path, attack, time.Since(start)))
	// The attacker must have acted, or the trials prove nothing.
	if c.moves == 0 {
		t.Errorf("the attacker made no move in %d trials", c.trials)
	}
	if attack == hostiletest.ReplaceAfterRead && c.replaced == 0 {
		t.Errorf("no edit noticed the replacement in %d trials", c.trials)
	}
}

func readOrEmpty(path string) []byte {
	b, _ := os.ReadFile(path)
	return b
}

// trialOutcome is one hostile trial: the attack, what the attacker did,
// what EditFile returned, and the files to check.
type trialOutcome struct {
	attack  hostiletest.Attack
	stats   hostiletest.Stats
	changed bool
	err     error
	victim  *hostiletest.Victim
	pin     string // another name of the file read, which must never be written in place
	edited  string // the file the edit lands in
	dir     string // the directory under attack
	owner   sshtest.User
	trial   int // the offset the edit sets; the file held trial-1 before
}

// judge checks one trial and counts its outcome: the victim is intact, the
// file read was not written in place, and the edit either landed in the
// right file (perhaps overrun by the attacker afterwards, in its own
// directory) or failed with ErrReplaced, ErrUnsafePath or ErrInterfered,
// writing nothing; no private directory is left behind. The local and the
// SSH trials judge alike.
func (c *hostileCounts) judge(t *testing.T, label string, o trialOutcome) {
	t.Helper()
	c.trials++
	c.events += o.stats.Events
	c.moves += o.stats.Moves
	if ierr := o.victim.Intact(); ierr != nil {
		t.Fatalf("%s: %v (EditFile: %v)", label, ierr, o.err)
	}
	checkOwnedFile(t, label+" (the file read)", o.pin, o.owner, o.trial-1)

	switch err := o.err; {
	case err == nil && o.changed:
		fi, lerr := os.Lstat(o.edited)
		switch {
		case lerr == nil && fi.Mode().IsRegular():
			if readOffset(readOrEmpty(o.edited)) == o.trial {
				c.landed++
				checkOwnedFile(t, label, o.edited, o.owner, o.trial)
				break
			}
			// The attacker's copy, renamed over the new file after
			// it landed.
			if o.attack != hostiletest.ReplaceAfterRead || o.stats.Moves == 0 {
				t.Errorf("%s: EditFile succeeded but %s does not hold the new offset", label, o.edited)
			}
			c.overrun++
		case lerr == nil && fi.Mode()&fs.ModeSymlink != 0 && o.attack == hostiletest.SymlinkNew && o.stats.Moves > 0:
			// The attacker's link, renamed over the new file after it
			// landed.
			c.overrun++
		default:
			t.Errorf("%s: EditFile succeeded but %s is %v (%v)", label, o.edited, fi, lerr)
		}
	case errors.Is(err, ErrReplaced):
		c.replaced++
		if !strings.Contains(err.Error(), "nothing was written") {
			t.Errorf("%s: %v", label, err)
		}
	case errors.Is(err, ErrUnsafePath):
		// The path led to the victim when it was resolved: refused
		// before anything was read.
		c.unsafe++
	case errors.Is(err, ErrInterfered):
		c.interfered++
		if o.attack != hostiletest.SymlinkNew || o.stats.Moves == 0 {
			t.Errorf("%s: %v, but the attacker did not move an entry", label, err)
		}
		// Nothing was renamed into place: the file is the one the trial
		// began with.
		checkOwnedFile(t, label, o.edited, o.owner, o.trial-1)
	default:
		t.Fatalf("%s: EditFile = %v, %v; want it to land, or fail with ErrReplaced, ErrUnsafePath or ErrInterfered", label, o.changed, err)
	}
	noPrivateDirs(t, label, o.dir)
	if o.stats.Events == 0 {
		t.Fatalf("%s: the attacker saw nothing of the edit", label)
	}
}
