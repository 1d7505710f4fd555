package target

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// TestShReadHomePrograms holds the programs of the read the provider makes
// most: the nine files that tell what a home is (detectHome), here of a
// 2.x home nine directories below a temporary directory, which lacks three
// of them, sent in the client's order (inDirectoryOrder). The five files of
// repository/conf are checked with one stat after one walk to it, which
// also says why the two it lacks are not there, and one base64 carries the
// content of all six that exist: at most 20 programs (25 with a base64 per
// file, 32 when each file was walked on its own).
func TestShReadHomePrograms(t *testing.T) {
	log := programSpy(t)
	root, _ := deepFile(t, 9, "")
	home := filepath.Join(root, "d1/d2/d3/d4/d5/d6/d7/d8/d9")
	has := []string{
		"bin/version.txt", "repository/conf/carbon.xml", "repository/conf/jndi.properties",
		"repository/conf/api-manager.xml", "repository/conf/axis2/axis2.xml",
		"repository/deployment/server/synapse-configs/default/proxy-services/WorkflowCallbackService.xml",
	}
	for _, rel := range has {
		p := filepath.Join(home, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(rel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var paths []string
	for _, rel := range append([]string{"repository/conf/deployment.toml", "updates/product.txt", "repository/conf/deployment.toml.backup"}, has...) {
		paths = append(paths, filepath.Join(home, rel))
	}
	paths = inClientOrder(paths)
	all := runShLocallyAll(t, nil, append([]string{strconv.Itoa(len(paths))}, paths...))
	for i, p := range paths {
		rel := strings.TrimPrefix(p, home+"/")
		want := ""
		for _, h := range has {
			if h == rel {
				want = rel
			}
		}
		switch o := all[i]; {
		case want != "" && (o.code != "" || string(o.content) != want):
			t.Errorf("%s: code %q content %q; want %q", rel, o.code, o.content, want)
		case want == "" && o.code != "ENOENT":
			t.Errorf("%s: code %q; want ENOENT", rel, o.code)
		}
	}
	ran, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	programs := strings.Fields(string(ran))
	if len(programs) > 20 {
		t.Errorf("the read of a home's nine files ran %d programs %q; want at most 20", len(programs), programs)
	}
	t.Logf("%d programs: %s", len(programs), strings.Join(programs, " "))
}
