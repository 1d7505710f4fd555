package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestResumeFrom: a run is continued only from results measured the same
// way, and without the samples of the part it left unfinished.
func TestResumeFrom(t *testing.T) {
	done := part{"ssh", 50, 100}
	earlier := func() *results {
		res := &results{Machine: map[string]string{"cpu": "2 cores"}, Homes: "2.1.0", Reps: 5,
			Identity: runIdentity{Code: "abc", Sides: []string{"apim", "raw"}}}
		res.add("ssh", 50, 100, sideOurs, opPlan, sample{Wall: 1})
		res.finish(done)
		res.add("ssh", 50, 400, sideOurs, opPlan, sample{Wall: 2}) // interrupted
		return res
	}
	dir := t.TempDir()
	js, err := json.Marshal(earlier())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}

	want := earlier()
	got, why, err := resumeFrom(dir, want)
	if err != nil || got == nil {
		t.Fatalf("resumeFrom the same run = %v, %q, %v; want it resumed", got, why, err)
	}
	if !got.has(done) || got.has(part{"ssh", 50, 400}) {
		t.Errorf("resumed parts %v; want only %v", got.Done, done)
	}
	if len(got.Series) != 1 || got.Series[0].N != 100 {
		t.Errorf("resumed series %+v; want the finished part's only", got.Series)
	}

	for _, c := range []struct {
		name   string
		change func(*results)
		reason string
	}{
		{"other code", func(r *results) { r.Identity.Code = "def" }, "other code"},
		{"other sides", func(r *results) { r.Identity.Sides = []string{"apim"} }, "sides"},
		{"other rounds", func(r *results) { r.Reps = 3 }, "rounds"},
		{"other homes", func(r *results) { r.Homes = "4.2.0" }, "homes"},
		{"other machine", func(r *results) { r.Machine = maps.Clone(r.Machine); r.Machine["cpu"] = "4 cores" }, "machine"},
	} {
		w := earlier()
		c.change(w)
		got, why, err := resumeFrom(dir, w)
		if err != nil || got != nil || !strings.Contains(why, c.reason) {
			t.Errorf("%s: resumeFrom = %v, %q, %v; want a fresh start saying %q", c.name, got, why, err, c.reason)
		}
	}
	if got, why, err := resumeFrom(t.TempDir(), want); err != nil || got != nil || why == "" {
		t.Errorf("no results.json: resumeFrom = %v, %q, %v; want a fresh start", got, why, err)
	}
}
