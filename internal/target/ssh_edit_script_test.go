package target

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestShEditScriptShortContent: new content that ends before the length
// announced (the connection broke mid-write) is refused with SHORT, after
// the one stat that also checks owner and mode, and the file keeps its
// content; the private directory is gone.
func TestShEditScriptShortContent(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "carbon.xml")
	const before = "<Offset>0</Offset>\n"
	if err := os.WriteFile(file, []byte(before), 0o640); err != nil {
		t.Fatal(err)
	}
	o := runShLocally(t, nil, shEditScript, []string{file, "7", ""}, []byte("write 100\n<Offset>1"))
	if o.code != "SHORT" || !slices.Equal(o.fields, []string{file, "9", "100"}) {
		t.Fatalf("edit with 9 of 100 bytes: code %q fields %q stderr %q; want SHORT %s 9 100", o.code, o.fields, o.stderr, file)
	}
	if got, _ := os.ReadFile(file); string(got) != before {
		t.Errorf("the file holds %q after a refused edit; want %q", got, before)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), tempMarker) {
			t.Errorf("the private directory %s is left behind", e.Name())
		}
	}
}
