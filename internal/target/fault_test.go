package target

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Fault trials: many writes, each failed at a random point, each followed by
// the invariant every user relies on: the file holds exactly the old or
// exactly the new content (never a prefix, never a mix), keeps its owner,
// mode and extended attributes, and the next write succeeds and leaves no
// temporary file. The local trials here inject failures at the write
// path's stages (the writeFault seam); the SSH trials (ssh_fault_test.go)
// kill the sshd processes serving the connection mid-write.
//
// Each trial family prints one line, quoted by RELIABILITY.md:
//
//	FAULT-TRIALS path=local trials=N old=N new=N damaged=0 leftovers_after_next_write=0 ...
//
// Reproduce with
//
//	go test -count=1 -run 'FaultTrials' -v ./internal/target/ | grep FAULT-TRIALS
//
// and repeat one run's random choices with -args -fault-seed=SEED (printed).

var (
	faultTrials = flag.Int("fault-trials", 50, "trials per write path in the *FaultTrials tests")
	faultSeed   = flag.Uint64("fault-seed", 0, "seed of the *FaultTrials tests' random choices; 0: from the clock (the seed used is logged)")
)

// trialRand returns the trials' random source and logs its seed.
func trialRand(t *testing.T) (*rand.Rand, uint64) {
	t.Helper()
	seed := *faultSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("fault trials seed %d (repeat with: go test -run '^%s$' ./internal/target/ -args -fault-seed=%d)", seed, t.Name(), seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed
}

// trialCounts are the figures of one trial family.
type trialCounts struct {
	trials  int
	old     int // the file held the old content after the fault
	new     int // ... the new content
	damaged int // ... anything else, or lost its attributes: must stay 0
	// leftoversAfterFault counts trials after which a temporary file
	// remained (a simulated crash leaves one on purpose); the next write
	// must remove it: leftoversAfterNextWrite must stay 0.
	leftoversAfterFault     int
	leftoversAfterNextWrite int
	nextWriteFailed         int // must stay 0
	extra                   []string
}

func (c *trialCounts) line(path string, seed uint64, elapsed time.Duration) string {
	s := fmt.Sprintf("FAULT-TRIALS path=%s trials=%d old=%d new=%d damaged=%d leftovers_after_next_write=%d "+
		"leftovers_after_fault=%d next_write_failed=%d",
		path, c.trials, c.old, c.new, c.damaged, c.leftoversAfterNextWrite, c.leftoversAfterFault, c.nextWriteFailed)
	for _, e := range c.extra {
		s += " " + e
	}
	return s + fmt.Sprintf(" seed=%d elapsed=%s", seed, elapsed.Round(100*time.Millisecond))
}

// check fails the test when any figure that must be zero is not.
func (c *trialCounts) check(t *testing.T) {
	t.Helper()
	if c.damaged != 0 || c.leftoversAfterNextWrite != 0 || c.nextWriteFailed != 0 || c.old+c.new != c.trials {
		t.Errorf("fault trials failed: %+v", *c)
	}
}

// checkNextWrite counts and reports what the write after a fault left:
// writeErr is its error; it must have put newContent with the attributes
// want into file and left no temporary file in dirs.
func (c *trialCounts) checkNextWrite(t *testing.T, label string, writeErr error, file string, old, newContent []byte, want fileAttrs, dirs ...string) {
	t.Helper()
	if writeErr != nil {
		c.nextWriteFailed++
		t.Errorf("%s: next write: %v", label, writeErr)
	}
	if got, detail := classify(file, old, newContent); got != "new" {
		c.nextWriteFailed++
		t.Errorf("%s: after the next write the file holds the %s content %s", label, got, detail)
	}
	if a := readAttrs(t, file); !a.equal(want) {
		c.damaged++
		t.Errorf("%s: after the next write: attributes %+v, want %+v", label, a, want)
	}
	var left []string
	for _, dir := range dirs {
		left = append(left, tempLeftovers(t, dir)...)
	}
	if len(left) > 0 {
		c.leftoversAfterNextWrite++
		t.Errorf("%s: after the next write, temporary files left: %v", label, left)
	}
}

// classify says which content path holds: "old", "new" or "damaged" (with
// a description).
func classify(path string, oldContent, newContent []byte) (string, string) {
	got, err := os.ReadFile(path)
	switch {
	case err != nil:
		return "damaged", err.Error()
	case bytes.Equal(got, oldContent):
		return "old", ""
	case bytes.Equal(got, newContent):
		return "new", ""
	}
	return "damaged", fmt.Sprintf("%d bytes, neither the old (%d) nor the new (%d) content", len(got), len(oldContent), len(newContent))
}

// trialContent is about size bytes of text unique to the trial and tag
// (random hex in lines), so that neither a prefix nor a mix of two contents
// equals either.
func trialContent(rng *rand.Rand, size int, tag string) []byte {
	b := fmt.Appendf(make([]byte, 0, size+64), "<!-- %s %d -->\n", tag, rng.Uint64())
	var word [8]byte
	for len(b) < size {
		for range 4 {
			binary.LittleEndian.PutUint64(word[:], rng.Uint64())
			b = hex.AppendEncode(b, word[:])
		}
		b = append(b, '\n')
	}
	return b
}

// The ways a local write is made to fail at a stage.
const (
	failError  = "error"  // the stage returns an I/O error
	failPanic  = "panic"  // the code panics there
	failCancel = "cancel" // the context is cancelled there
	// failCrash: the process dies there. Simulated: what a dead process
	// leaves (its private directory with the temporary file in it, a
	// minute later; in some trials instead the temporary file an earlier
	// version of the provider left next to the file) is made by hand,
	// then the stage fails.
	failCrash = "crash"
)

var localFailures = []string{failError, failPanic, failCancel, failCrash}

func TestLocalFaultTrials(t *testing.T) {
	rng, seed := trialRand(t)
	start := time.Now()
	root := openDir(t)
	// Through a symlink, as some installations link conf/ files, so the
	// checks cover the link and the directory of its target.
	realDir := filepath.Join(root, "real")
	if err := os.Mkdir(realDir, 0o755); err != nil {
		t.Fatal(err)
	}
	realFile := filepath.Join(realDir, "carbon.xml")
	link := filepath.Join(root, "carbon.xml")
	mustSymlink(t, "real/carbon.xml", link)

	var c trialCounts
	perStage := map[string]int{}
	perFailure := map[string]int{}
	oldVersionLeftovers := 0
	for i := range *faultTrials {
		old := trialContent(rng, 1<<10+rng.IntN(256<<10), fmt.Sprintf("old %d", i))
		newContent := trialContent(rng, 1<<10+rng.IntN(256<<10), fmt.Sprintf("new %d", i))
		writeTestFile(t, realFile, old, 0o640|fs.ModeSetgid)
		want := localDecorate(t, realFile)
		stage := writeStages[rng.IntN(len(writeStages))]
		failure := localFailures[rng.IntN(len(localFailures))]
		perStage[stage]++
		perFailure[failure]++
		label := fmt.Sprintf("trial %d (%s at %s)", i, failure, stage)

		ctx, cancel := context.WithCancel(context.Background())
		injected := errors.New("injected fault")
		var crashLeftover string
		oldVersion := rng.IntN(4) == 0
		setWriteFault(t, func(s string) error {
			if s != stage {
				return nil
			}
			switch failure {
			case failPanic:
				panic(injected)
			case failCancel:
				cancel()
				return nil
			case failCrash:
				crashLeftover = simulateCrashLeftover(t, realDir, oldVersion)
				if oldVersion {
					oldVersionLeftovers++
				}
			}
			return injected
		})
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return writeAll(ctx, NewLocal(), link, newContent)
		}()
		cancel()
		writeFault = nil

		// What the file must hold: the old content unless the fault came
		// after the rename (or was a cancellation the write was past).
		wantNew := stage == stageRenamed
		switch {
		case failure == failCancel && stage != stageRenamed:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s: EditFile = %v, want context.Canceled", label, err)
			}
		case failure == failCancel:
			if err != nil {
				t.Errorf("%s: EditFile = %v, want success (cancelled after the rename)", label, err)
			}
		case failure == failPanic:
			if err == nil || !strings.Contains(err.Error(), "panic") {
				t.Errorf("%s: EditFile = %v, want the panic", label, err)
			}
		case !errors.Is(err, injected):
			t.Errorf("%s: EditFile = %v, want the injected fault", label, err)
		}

		got, detail := classify(realFile, old, newContent)
		switch {
		case got == "damaged":
			c.damaged++
			t.Errorf("%s: the file is damaged: %s", label, detail)
		case (got == "new") != wantNew:
			c.damaged++
			t.Errorf("%s: the file holds the %s content, want the other", label, got)
		case got == "old":
			c.old++
		default:
			c.new++
		}
		if a := readAttrs(t, realFile); !a.equal(want) {
			c.damaged++
			t.Errorf("%s: attributes %+v, want %+v", label, a, want)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			c.damaged++
			t.Errorf("%s: the link is no longer a link", label)
		}
		left := append(tempLeftovers(t, realDir), tempLeftovers(t, root)...)
		if len(left) > 0 {
			c.leftoversAfterFault++
			if crashLeftover == "" || !slices.Equal(left, []string{crashLeftover}) {
				t.Errorf("%s: temporary files left: %v (simulated crash leftover %q)", label, left, crashLeftover)
			}
		}

		c.trials++
		// The next write must really write (EditFile with the bytes the
		// file has writes nothing, and so sweeps nothing): after a fault
		// past the rename it writes a third content.
		prev, next := old, newContent
		if got == "new" {
			prev, next = newContent, trialContent(rng, 1<<10, fmt.Sprintf("next %d", i))
		}
		c.checkNextWrite(t, label, writeAll(context.Background(), NewLocal(), link, next),
			realFile, prev, next, want, realDir, root)
	}
	for _, s := range writeStages {
		c.extra = append(c.extra, fmt.Sprintf("stage_%s=%d", strings.ReplaceAll(s, "-", "_"), perStage[s]))
	}
	for _, f := range localFailures {
		c.extra = append(c.extra, fmt.Sprintf("fail_%s=%d", f, perFailure[f]))
	}
	c.extra = append(c.extra, fmt.Sprintf("crash_old_version_leftover=%d", oldVersionLeftovers))
	t.Log(c.line("local", seed, time.Since(start)))
	c.check(t)
}

// localDecorate gives path a user xattr and a POSIX ACL where the
// filesystem supports them, and returns its attributes.
func localDecorate(t *testing.T, path string) fileAttrs {
	t.Helper()
	if err := setXattrIfSupported(path, "user.apim", []byte("1")); err != nil {
		t.Fatal(err)
	}
	acl := readerACL(1234)
	if err := setXattrIfSupported(path, "system.posix_acl_access", acl); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640|fs.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	return readAttrs(t, path)
}

// simulateCrashLeftover makes what a process killed at this point leaves
// behind, aged past staleTempAge (a crashed run is found by a later one):
// a copy of its private directory in dir, with the temporary file in it when
// there is one; or, when oldVersion is set, the temporary file a version of
// the provider before private directories left next to the file. It returns
// the leftover's name.
func simulateCrashLeftover(t *testing.T, dir string, oldVersion bool) string {
	t.Helper()
	live := tempLeftovers(t, dir)
	if len(live) != 1 {
		t.Fatalf("expected one private directory in %s during the write, found %v", dir, live)
	}
	base := strings.TrimPrefix(strings.SplitN(live[0], tempMarker, 2)[0], ".")
	name := tempPrefix(base) + newTempSuffix()
	p := filepath.Join(dir, name)
	data, err := os.ReadFile(filepath.Join(dir, live[0], newFileName))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if oldVersion {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	} else {
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if err == nil {
			if err := os.WriteFile(filepath.Join(p, newFileName), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	old := time.Now().Add(-2 * staleTempAge)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return name
}

func setXattrIfSupported(path, name string, value []byte) error {
	if err := unix.Setxattr(path, name, value, 0); err != nil && !isNotSupported(err) {
		return fmt.Errorf("setxattr %s %s: %w", path, name, err)
	}
	return nil
}
