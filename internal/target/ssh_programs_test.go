package target

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scriptPrograms are the programs the scripts of ssh_scripts.go may run;
// everything else they do is the shell's own.
var scriptPrograms = []string{
	"base64", "cat", "cp", "cut", "date", "dd", "getent", "head", "id", "ln",
	"mkdir", "mv", "readlink", "rm", "rmdir", "stat", "sync",
}

// programSpy puts a logging wrapper in front of each of scriptPrograms on
// PATH for the scripts run by runShLocally and returns the log's path:
// one line per program run, its name.
func programSpy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	for _, name := range scriptPrograms {
		bin, err := exec.LookPath(name)
		if err != nil {
			t.Fatalf("%s is not on PATH: %v", name, err)
		}
		spy := "#!/bin/sh\necho " + name + " >>" + shQuote(log) + "\nexec " + shQuote(bin) + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(spy), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// TestShScriptPrograms: each process a script starts costs the host about
// a millisecond of CPU, and a host runs many instances, so the number a
// read and an edit run is held here (counted, not timed): a read of a file
// nine directories below a temporary directory runs at most 5 programs
// (the script's head, two stats of the walk, dd and base64); an edit that
// changes nothing at most 11, and one that writes at most 18 (before the
// uid came from /proc/self/status and the copy and its checks were one dd
// and one stat, 7, 13 and 20). No id runs.
func TestShScriptPrograms(t *testing.T) {
	for _, c := range []struct {
		name   string
		script string
		args   func(file string) []string
		in     string
		max    int
		after  string // the file's content after an edit
	}{
		{"read", shReadScript, func(f string) []string { return []string{"1", f} }, "", 5, ""},
		{"edit, nothing to change", shEditScript, func(f string) []string { return []string{f, "11", ""} }, "keep\n", 11, "<Offset>0</Offset>"},
		{"edit that writes", shEditScript, func(f string) []string { return []string{f, "12", ""} }, "write 18\n<Offset>1</Offset>commit\n", 18, "<Offset>1</Offset>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			log := programSpy(t)
			_, file := deepFile(t, 9, "<Offset>0</Offset>")
			o := runShLocally(t, nil, c.script, c.args(file), []byte(c.in))
			if o.code != "" {
				t.Fatalf("%s of %s: code %q fields %q stderr %q", c.name, file, o.code, o.fields, o.stderr)
			}
			ran, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			programs := strings.Fields(string(ran))
			if len(programs) > c.max {
				t.Errorf("%s of %s ran %d programs %q; want at most %d", c.name, file, len(programs), programs, c.max)
			}
			if strings.Contains(string(ran), "id\n") {
				t.Errorf("%s ran id; the uid comes from /proc/self/status", c.name)
			}
			if got, _ := os.ReadFile(file); c.after != "" && string(got) != c.after {
				t.Errorf("%s: the file holds %q; want %q", c.name, got, c.after)
			}
			t.Logf("%d programs: %s", len(programs), strings.Join(programs, " "))
		})
	}
}
