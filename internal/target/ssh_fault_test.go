package target

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// The SSH edit's fault seam and fault trials; see fault_test.go for the
// invariant and the output format.

var sshWriteWays = []sshWay{wayRoot, wayOwner, waySudo}

// sshWritten sets up a file for way in a fresh directory with old content
// and the full set of attributes, and returns its path and attributes.
func (f *sshFixture) sshWritten(t *testing.T, way sshWay, old []byte) (dir, path string, want fileAttrs) {
	t.Helper()
	dir = f.dirFor(t, way)
	path = filepath.Join(dir, "carbon.xml")
	writeTestFile(t, path, old, 0o600)
	uid, gid := f.ownerFor(way)
	return dir, path, f.decorate(t, path, uid, gid)
}

func TestSSHWriteStages(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	old, newContent := []byte("<old/>"), []byte("<new/>")
	for _, way := range sshWriteWays {
		t.Run(way.name, func(t *testing.T) {
			dir, path, want := f.sshWritten(t, way, old)
			var seen []string
			setWriteFault(t, func(stage string) error {
				seen = append(seen, stage)
				switch stage {
				case stageTempWritten:
					// The new file is complete, with every attribute,
					// in the private directory next to the untouched
					// original.
					assertContent(t, path, old)
					temps := tempLeftovers(t, dir)
					if len(temps) != 1 {
						t.Errorf("at %s: private directories %v, want one", stage, temps)
						return nil
					}
					tmp := filepath.Join(dir, temps[0], newFileName)
					assertContent(t, tmp, newContent)
					if got := readAttrs(t, tmp); !got.equal(want) {
						t.Errorf("at %s: the new file has attributes %+v, want %+v", stage, got, want)
					}
				case stageRenamed:
					assertContent(t, path, newContent)
					assertNoTemps(t, dir)
				}
				return nil
			})
			if err := writeAll(context.Background(), f.target(t, way), path, newContent); err != nil {
				t.Fatal(err)
			}
			if want := []string{stageTempWritten, stageRenamed}; !slices.Equal(seen, want) {
				t.Errorf("stages %v, want %v", seen, want)
			}
		})
	}
}

func TestSSHWriteFaults(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	old, newContent := []byte("<old/>"), []byte("<new/>")
	for _, way := range sshWriteWays {
		for _, stage := range []string{stageTempWritten, stageRenamed} {
			t.Run(way.name+"/"+stage, func(t *testing.T) {
				dir, path, want := f.sshWritten(t, way, old)
				tg := f.target(t, way)
				injected := errors.New("injected fault")
				setWriteFault(t, func(s string) error {
					if s == stage {
						return injected
					}
					return nil
				})
				err := writeAll(context.Background(), tg, path, newContent)
				if !errors.Is(err, injected) {
					t.Fatalf("EditFile = %v, want the injected fault", err)
				}
				for _, w := range []string{path, f.srv.Addr()} {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error does not name %q: %v", w, err)
					}
				}
				wantContent := old
				if stage == stageRenamed {
					wantContent = newContent
					if !strings.Contains(err.Error(), "has the new content") {
						t.Errorf("error after the rename should say the file was replaced: %v", err)
					}
				}
				assertContent(t, path, wantContent)
				if got := readAttrs(t, path); !got.equal(want) {
					t.Errorf("attributes %+v, want %+v", got, want)
				}
				assertNoTemps(t, dir)

				writeFault = nil
				if err := writeAll(context.Background(), tg, path, []byte("<next/>")); err != nil {
					t.Fatalf("next write: %v", err)
				}
				assertContent(t, path, []byte("<next/>"))
				assertNoTemps(t, dir)
			})
		}
	}
}

// TestSSHFaultTrials kills the sshd processes serving the connection (the
// per-connection sshd, and sudo and the edit script under it) at a random
// moment of an edit of 1-4 MiB, as a network drop or an OOM kill on the
// host would, -fault-trials times per way (the login user's own file,
// sudo). Each trial records what the file holds right after the kill,
// lets the interrupted edit finish (it reconnects once and retries by
// itself; in half the trials that retry is killed too, so the edit fails
// and leaves its private directory, which SIGKILL gives no trap the chance
// to remove), then makes the next edit through the same Pool and checks
// the invariant, which includes that this next edit removed anything left
// (the pool names the dead attempts' private directories to it).
//
// The trials without sudo log in as the file's owner rather than root:
// root's login shell on the test machines is bash, whose .bashrc may run
// tools (pyenv rehash) that take a lock file, and a kill at the wrong
// moment leaves that lock behind and stalls every later root command on
// the machine. The edit script is the same for root and non-root.
func TestSSHFaultTrials(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, c := range []struct {
		label string
		way   sshWay
	}{{"ssh", wayOwner}, {"sudo", waySudo}} {
		t.Run(c.label, func(t *testing.T) {
			sshKillTrials(t, f, c.way, c.label)
		})
	}
}

func sshKillTrials(t *testing.T, f *sshFixture, way sshWay, label string) {
	rng, seed := trialRand(t)
	start, logins := time.Now(), f.srv.CountAccepted()
	dir, path, want := f.sshWritten(t, way, []byte("<old/>"))
	pool := NewPool()
	t.Cleanup(func() { pool.Close() })
	tg, err := pool.Target(f.config(t, way))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	const minSize, maxSize = 1 << 20, 4 << 20
	// The expected duration of one write, measured: the kill comes at a
	// uniformly random moment within it.
	var took []time.Duration
	for i := range 3 {
		data := trialContent(rng, (minSize+maxSize)/2, fmt.Sprintf("calibration %d", i))
		t0 := time.Now()
		if err := writeAll(ctx, tg, path, data); err != nil {
			t.Fatal(err)
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	expected := took[1]

	var c trialCounts
	writeErrs, afterWriteOld, afterWriteNew, doubleKills := 0, 0, 0, 0
	for i := range *faultTrials {
		old := trialContent(rng, minSize+rng.IntN(maxSize-minSize), fmt.Sprintf("old %d", i))
		newContent := trialContent(rng, minSize+rng.IntN(maxSize-minSize), fmt.Sprintf("new %d", i))
		if err := os.WriteFile(path, old, 0); err != nil { // in place: keeps owner, mode, xattrs
			t.Fatal(err)
		}
		if a := readAttrs(t, path); !a.equal(want) {
			t.Fatalf("trial %d: setting up: attributes %+v, want %+v", i, a, want)
		}
		delay := time.Duration(rng.Int64N(int64(expected)))
		// In half the trials the retry on the new connection is killed
		// too, so the interrupted edit gives up and its private directory
		// is left for the next edit.
		double := rng.IntN(2) == 1
		delay2 := time.Duration(rng.Int64N(int64(expected)))
		label := fmt.Sprintf("trial %d (kill after %v of ~%v)", i, delay.Round(time.Millisecond), expected.Round(time.Millisecond))
		if double {
			label = fmt.Sprintf("trial %d (kill after %v of ~%v, and %v into the retry)", i,
				delay.Round(time.Millisecond), expected.Round(time.Millisecond), delay2.Round(time.Millisecond))
		}

		done := make(chan error, 1)
		go func() { done <- writeAll(ctx, tg, path, newContent) }()
		time.Sleep(delay)
		f.srv.KillSessionChildren()

		// Right after the kill: whatever the interrupted write did.
		got, detail := classify(path, old, newContent)
		attrs := readAttrs(t, path)
		c.trials++
		switch got {
		case "old":
			c.old++
		case "new":
			c.new++
		default:
			c.damaged++
			t.Errorf("%s: after the kill the file is damaged: %s", label, detail)
		}
		if !attrs.equal(want) {
			c.damaged++
			t.Errorf("%s: after the kill: attributes %+v, want %+v", label, attrs, want)
		}

		if double && killRetry(f.srv, done, delay2) {
			doubleKills++
			if got, detail := classify(path, old, newContent); got == "damaged" {
				c.damaged++
				t.Errorf("%s: after the second kill the file is damaged: %s", label, detail)
			}
		}

		// The interrupted write either succeeded (after a reconnect) or
		// says it failed; either way the file is whole.
		werr := <-done
		got, detail = classify(path, old, newContent)
		switch {
		case got == "damaged":
			c.damaged++
			t.Errorf("%s: after the interrupted write returned (%v) the file is damaged: %s", label, werr, detail)
		case werr == nil && got != "new":
			c.damaged++
			t.Errorf("%s: the interrupted write succeeded but the file holds the old content", label)
		case got == "old":
			afterWriteOld++
		default:
			afterWriteNew++
		}
		if werr != nil {
			writeErrs++
			if !double {
				t.Logf("%s: the interrupted write failed: %v", label, werr)
			}
		}
		if len(tempLeftovers(t, dir)) > 0 {
			c.leftoversAfterFault++
		}

		// The next write through the same pool reconnects if needed,
		// completes and cleans up.
		c.checkNextWrite(t, label, writeAll(ctx, tg, path, newContent), path, old, newContent, want, dir)
	}
	c.extra = append(c.extra,
		fmt.Sprintf("retry_killed_too=%d", doubleKills),
		fmt.Sprintf("interrupted_write_ok=%d interrupted_write_err=%d", c.trials-writeErrs, writeErrs),
		fmt.Sprintf("after_interrupted_write_old=%d after_interrupted_write_new=%d", afterWriteOld, afterWriteNew),
		fmt.Sprintf("size=1-4MiB write_time=%v logins=%d", expected.Round(time.Millisecond), f.srv.CountAccepted()-logins))
	t.Log(c.line(label, seed, time.Since(start)))
	c.check(t)
}

// killRetry waits until the write (not yet done) has reconnected, lets its
// retry run for delay, and kills the connection again. It reports whether
// it killed: not when the write finished first.
func killRetry(srv *sshtest.Server, done <-chan error, delay time.Duration) bool {
	for len(srv.SessionPIDs()) == 0 {
		if len(done) > 0 {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(delay)
	if len(done) > 0 {
		return false
	}
	srv.KillSessionChildren()
	return true
}

// The file replaced during an edit, after the read (in the edit function,
// without the fault seam: the commit goes with the new content, as in
// production) and after the new file is ready (at the fault seam, between
// the script's two checks): ErrReplaced, nothing written, the replacement
// kept, no private directory left, and the next edit of another file
// through the same target lands (the commit the failed script never read is not taken by
// anything else).
func TestSSHEditReplaced(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{wayOwner, waySudo} {
		for _, when := range []string{"in the edit", stageTempWritten} {
			for _, with := range []string{"a copy", "a link"} {
				t.Run(way.name+"/"+when+"/"+with, func(t *testing.T) {
					dir, path, _ := f.sshWritten(t, way, []byte("<old/>"))
					other := filepath.Join(f.dirFor(t, way), "other.xml")
					writeTestFile(t, other, []byte("<other/>"), 0o644)
					replace := func() {
						tmp := filepath.Join(dir, "swap")
						if with == "a copy" {
							writeTestFile(t, tmp, []byte("<replacement/>"), 0o644)
						} else if err := os.Symlink(other, tmp); err != nil {
							t.Fatal(err)
						}
						if err := os.Rename(tmp, path); err != nil {
							t.Fatal(err)
						}
					}
					if when == stageTempWritten {
						setWriteFault(t, func(s string) error {
							if s == when {
								replace()
							}
							return nil
						})
					}
					tg := f.target(t, way)
					changed, err := tg.EditFile(context.Background(), path, func([]byte) ([]byte, error) {
						if when == "in the edit" {
							replace()
						}
						return []byte("<new/>"), nil
					})
					if !errors.Is(err, ErrReplaced) || changed {
						t.Fatalf("EditFile = %v, %v; want ErrReplaced", changed, err)
					}
					for _, w := range []string{path, f.srv.Addr(), "the file was replaced while it was being edited", "nothing was written"} {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error does not say %q: %v", w, err)
						}
					}
					if with == "a copy" {
						assertContent(t, path, []byte("<replacement/>"))
					} else if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
						t.Errorf("the link put in place is gone: %v %v", fi, err)
					}
					assertContent(t, other, []byte("<other/>"))
					assertNoTemps(t, dir)
					writeFault = nil
					nextDir, next, _ := f.sshWritten(t, way, []byte("<old/>"))
					if _, err := tg.EditFile(context.Background(), next, func([]byte) ([]byte, error) { return []byte("<next/>"), nil }); err != nil {
						t.Fatalf("the next edit: %v", err)
					}
					assertContent(t, next, []byte("<next/>"))
					assertNoTemps(t, nextDir)
				})
			}
		}
	}
}

// An edit that changes nothing writes nothing (the same inode stays);
// an edit function's error is returned as it is, and nothing is written.
func TestSSHEditUnchangedAndFailed(t *testing.T) {
	f := newSSHFixture(t, sshtest.Options{})
	for _, way := range []sshWay{wayOwner, waySudo} {
		t.Run(way.name, func(t *testing.T) {
			dir, path, want := f.sshWritten(t, way, []byte("<old/>"))
			ino := statT(t, path).Ino
			tg := f.target(t, way)
			changed, err := tg.EditFile(context.Background(), path, func(old []byte) ([]byte, error) {
				return append([]byte(nil), old...), nil
			})
			if err != nil || changed {
				t.Errorf("unchanged edit = %v, %v; want false, nil", changed, err)
			}
			boom := errors.New("the edit function's own error")
			changed, err = tg.EditFile(context.Background(), path, func([]byte) ([]byte, error) { return nil, boom })
			if err != boom || changed {
				t.Errorf("failed edit = %v, %v; want false and the function's error as it is", changed, err)
			}
			if statT(t, path).Ino != ino {
				t.Error("the file was replaced")
			}
			assertContent(t, path, []byte("<old/>"))
			if got := readAttrs(t, path); !got.equal(want) {
				t.Errorf("attributes %+v, want %+v", got, want)
			}
			assertNoTemps(t, dir)
		})
	}
}
