package target

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// statSpy puts a stat in front of the real one on PATH for the scripts run
// by runShLocally: it appends its argument count to a log, runs the real
// stat, and then runs onBatch (sh) after every call with more paths than a
// single step's "." and entry. It returns the log's path.
func statSpy(t *testing.T, onBatch string) string {
	t.Helper()
	statPath, err := exec.LookPath("stat")
	if err != nil {
		t.Skip("no stat on PATH")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	spy := "#!/bin/sh\n" +
		"echo $# >>" + shQuote(log) + "\n" +
		shQuote(statPath) + " \"$@\"; rc=$?\n" +
		"if [ $# -gt 5 ]; then " + onBatch + "; fi\n" +
		"exit $rc\n"
	if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(spy), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// shQuote quotes s for the spy's own script (test paths only).
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// deepFile makes root/d1/.../d<depth>/file.xml holding content.
func deepFile(t *testing.T, depth int, content string) (root, file string) {
	t.Helper()
	root = t.TempDir()
	dir := root
	for i := 1; i <= depth; i++ {
		dir = filepath.Join(dir, "d"+string(rune('0'+i)))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(dir, "file.xml")
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, file
}

// TestShTrustWalkBatchesDirectories: the walk stats the directories of a
// path in one process, not one per component: a file nine directories
// below a temporary directory (itself several below "/") is read with at
// most two stat processes (the batch, then the file's own step), whatever
// the depth. A walk of one stat per component would need more than
// fifteen.
func TestShTrustWalkBatchesDirectories(t *testing.T) {
	log := statSpy(t, ":")
	_, file := deepFile(t, 9, "<Offset>0</Offset>")
	o := runShLocally(t, nil, shReadScript, []string{"1", file}, nil)
	if o.code != "" || string(o.content) != "<Offset>0</Offset>" {
		t.Fatalf("read %s: code %q fields %q content %q stderr %q", file, o.code, o.fields, o.content, o.stderr)
	}
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(string(calls), "\n")
	components := strings.Count(file, "/")
	if n > 2 {
		t.Errorf("the read of %s (%d components) ran stat %d times (argument counts %q); want at most 2", file, components, n, calls)
	}
	t.Logf("%d components, %d stat processes", components, n)
}

// TestShTrustWalkBatchMoved: a directory of the path replaced after each
// batch stat described it (here by a copy, so every name still leads
// somewhere) makes the walk enter directories the batch did not see; the
// next single step finds that "." is not the directory the batch said, and
// the script fails MOVED (the shared walk of the read script, then the
// file's own; with two files of one directory, that directory's walk and
// then each file's), which the client reports as ErrReplaced, without reading
// anything.
func TestShTrustWalkBatchMoved(t *testing.T) {
	root, file := deepFile(t, 6, "<Offset>0</Offset>")
	moved := filepath.Join(root, "d1", "d2")
	old := shQuote(moved + ".old")
	statSpy(t, "rm -rf "+old+" && mv -T "+shQuote(moved)+" "+old+" && cp -a "+old+" "+shQuote(moved))
	o := runShLocally(t, nil, shReadScript, []string{"1", file}, nil)
	if o.code != "MOVED" || o.content != nil {
		t.Fatalf("read %s with %s replaced during the walk: code %q fields %q content %q stderr %q; want MOVED and nothing read",
			file, moved, o.code, o.fields, o.content, o.stderr)
	}
	err := (&sshTarget{}).scriptErr("read", file, o.code, o.fields, "")
	if !errors.Is(err, ErrReplaced) || !strings.Contains(err.Error(), "was replaced while the path was being checked") {
		t.Errorf("MOVED reported as %v; want ErrReplaced saying a directory was replaced", err)
	}
	// Two files of the directory, read at once (one walk to it, one stat
	// of both): each is refused the same way.
	other := filepath.Join(filepath.Dir(file), "other.xml")
	if err := os.WriteFile(other, []byte("<Offset>0</Offset>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, o := range runShLocallyAll(t, nil, []string{"2", file, other}) {
		if o.code != "MOVED" || o.content != nil {
			t.Errorf("file %d of 2 read at once with %s replaced during the walk: code %q fields %q content %q; want MOVED and nothing read",
				i+1, moved, o.code, o.fields, o.content)
		}
	}
}
