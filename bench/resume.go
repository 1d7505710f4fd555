package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// A full `make bench` takes longer than one sitting at the machine (most
// of it Ansible at 50 and 100 ms), so with -resume the run keeps its
// results.json up to date after every part (one target, RTT and N, all its
// rounds) and, started again, measures only the parts that results.json
// does not hold yet, provided they were measured by the same code on the
// same machine with the same sides and rounds: what was measured is then
// what would be measured again.

// part is one (target, RTT, N) of a run: a warm-up when it is the first of
// its target in a process, then every round of every side.
type part struct {
	Target string `json:"target"`
	RTT    int    `json:"rtt_ms"`
	N      int    `json:"n"`
}

// runIdentity is what a resumed run must share with the one it continues.
type runIdentity struct {
	// Code is a hash of the two providers' binaries and the benchmark's
	// own, all built without VCS stamps: a commit that changes only
	// documentation keeps it.
	Code  string   `json:"code"`
	Sides []string `json:"sides"`
}

// codeHash is the sha256 of the files' contents, in order.
func codeHash(files ...string) (string, error) {
	h := sha256.New()
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			return "", err
		}
		_, err = io.Copy(h, r)
		r.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// has says whether the part is measured already.
func (res *results) has(p part) bool { return slices.Contains(res.Done, p) }

// finish records a part as measured.
func (res *results) finish(p part) { res.Done = append(res.Done, p) }

// resumeFrom loads dir/results.json for a run of want: the earlier results
// when they can be continued, with the samples of a part left unfinished
// dropped (it is measured again whole); nil, with the reason, when there is
// nothing to continue (no file, or one measured otherwise), so the run
// starts over.
func resumeFrom(dir string, want *results) (*results, string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "no results.json yet", nil
	}
	if err != nil {
		return nil, "", err
	}
	var got results
	if err := json.Unmarshal(data, &got); err != nil {
		return nil, "", fmt.Errorf("%s/results.json: %w", dir, err)
	}
	switch {
	case got.Identity.Code == "" || got.Identity.Code != want.Identity.Code:
		return nil, "results.json was measured with other code (providers or benchmark)", nil
	case !slices.Equal(got.Identity.Sides, want.Identity.Sides):
		return nil, fmt.Sprintf("results.json measured the sides %v, this run %v", got.Identity.Sides, want.Identity.Sides), nil
	case got.Homes != want.Homes || got.Reps != want.Reps:
		return nil, fmt.Sprintf("results.json measured APIM %s homes in %d rounds, this run %s in %d", got.Homes, got.Reps, want.Homes, want.Reps), nil
	case !maps.Equal(got.Machine, want.Machine):
		return nil, "results.json was measured on another machine or with other tool versions", nil
	}
	kept := got.Series[:0]
	for _, s := range got.Series {
		if got.has(part{s.Target, s.RTT, s.N}) {
			kept = append(kept, s)
		}
	}
	got.Series = kept
	return &got, "", nil
}
