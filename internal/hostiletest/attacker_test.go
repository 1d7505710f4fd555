//go:build linux

package hostiletest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/hostiletest"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// The attacker is only worth something if it beats a careless writer: each
// attack is run against the path-based read-then-write that the provider
// used before issue 9, and must damage the victim in some trial. These are
// the tests that show the hostile tests of internal/target would fail
// without their fixes.

const original = "<Server><Ports><Offset>0</Offset></Ports></Server>\n"

// naiveEdit reads path, then writes the edited content back by path: the
// pattern that re-resolves the path between the read and the write.
func naiveEdit(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, "<!-- edited -->\n"...), 0o644)
}

// naiveTempWrite writes a temporary file by name in the directory and
// renames it: the pattern a symlink swapped over the temporary name beats.
func naiveTempWrite(path string) error {
	tmp := filepath.Join(filepath.Dir(path), ".carbon.xml.tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	// Reopened by name, as "cat >$t" did.
	if err := os.WriteFile(tmp, []byte(original), 0o600); err != nil {
		return err
	}
	return os.Chmod(tmp, 0o644)
}

func setup(t *testing.T) (dir string, owner sshtest.User, victim *hostiletest.Victim) {
	t.Helper()
	users := sshtest.EnsureUsers(t)
	dir = sshtest.OwnedTempDir(t, users.Owner)
	return dir, users.Owner, hostiletest.NewVictim(t)
}

func writeOwned(t *testing.T, path, content string, owner sshtest.User) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(path, owner.UID, owner.GID); err != nil {
		t.Fatal(err)
	}
}

func TestAttacksBeatACarelessWriter(t *testing.T) {
	cases := []struct {
		attack hostiletest.Attack
		file   string // what the careless writer is given
		real   string
		prep   func(t *testing.T, dir string, owner sshtest.User)
		write  func(path string) error
	}{
		{
			attack: hostiletest.FlipAfterRead, file: "carbon.xml", real: "carbon-real.xml",
			prep: func(t *testing.T, dir string, owner sshtest.User) {
				writeOwned(t, filepath.Join(dir, "carbon-real.xml"), original, owner)
				os.Remove(filepath.Join(dir, "carbon.xml"))
				if err := os.Symlink("carbon-real.xml", filepath.Join(dir, "carbon.xml")); err != nil {
					t.Fatal(err)
				}
			},
			write: naiveEdit,
		},
		{
			attack: hostiletest.SymlinkNew, file: "carbon.xml",
			prep: func(t *testing.T, dir string, owner sshtest.User) {
				os.Remove(filepath.Join(dir, ".carbon.xml.tmp"))
				writeOwned(t, filepath.Join(dir, "carbon.xml"), original, owner)
			},
			write: naiveTempWrite,
		},
		{
			attack: hostiletest.ReplaceAfterRead, file: "carbon.xml",
			prep: func(t *testing.T, dir string, owner sshtest.User) {
				writeOwned(t, filepath.Join(dir, "carbon.xml"), original, owner)
			},
			write: func(path string) error {
				// Pin what was read, then write by path: the
				// write lands on the attacker's copy.
				before, err := os.Stat(path)
				if err != nil {
					return err
				}
				if _, err := os.ReadFile(path); err != nil {
					return err
				}
				if err := naiveEdit(path); err != nil {
					return err
				}
				after, err := os.Stat(path)
				if err != nil {
					return err
				}
				if !os.SameFile(before, after) {
					return errReplacedUnnoticed
				}
				return nil
			},
		},
	}
	for _, tc := range cases {
		t.Run(string(tc.attack), func(t *testing.T) {
			dir, owner, victim := setup(t)
			tc.prep(t, dir, owner)
			a := hostiletest.Start(t, hostiletest.Config{Attack: tc.attack, Dir: dir, File: tc.file, Real: tc.real,
				Victim: victim.Path(), UID: owner.UID, GID: owner.GID})
			// The race is the attacker's to win, not every time: on a
			// loaded machine (every package's tests at once on two cores)
			// 30 trials were once not enough. The loop stops at the first
			// win, so more trials cost nothing where it wins early.
			beaten := false
			for trial := 0; trial < maxTrials && !beaten; trial++ {
				tc.prep(t, dir, owner)
				a.Arm(t)
				err := tc.write(filepath.Join(dir, tc.file))
				stats := a.Disarm(t)
				if stats.Events == 0 {
					t.Fatalf("trial %d: the attacker saw nothing", trial)
				}
				switch {
				case victim.Intact() != nil:
					beaten = true // the victim was written: the attack works
				case err == errReplacedUnnoticed:
					beaten = true // the write went to a file that was not the one read
				}
			}
			if !beaten {
				t.Fatalf("%s never beat the careless writer in %d trials: the attacker is too weak to prove anything", tc.attack, maxTrials)
			}
		})
	}
}

var errReplacedUnnoticed = os.ErrExist

// maxTrials bounds the trials an attack gets to beat the careless writer.
const maxTrials = 300
