package target

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// Tests of the scripts themselves, run on this machine by the constant
// command line with sh, as root or as a test user, without sshd: the same
// bytes on stdin as over SSH.

// shOutcome is how a script run ended: the messages after outputMarker.
type shOutcome struct {
	code    string   // the F code, "" when the script did not fail
	fields  []string // the F fields
	content []byte   // the file read (read script), nil when it was not
	stderr  string
}

// runShLocally runs script under shCommand as u (nil: root) with args,
// then in (the rest of the conversation, all sent at once).
func runShLocally(t *testing.T, u *sshtest.User, script string, args []string, in []byte) shOutcome {
	t.Helper()
	cmd := shCmd(t, u, script, args, in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run() // the outcome is in the output
	_, rest, ok := bytes.Cut(stdout.Bytes(), []byte(outputMarker))
	if !ok {
		t.Fatalf("no output marker: stdout %q, stderr %q", stdout.Bytes(), stderr.String())
	}
	if script == shReadScript {
		all := readOutcomes(t, rest)
		if len(all) != 1 {
			t.Fatalf("%d outcomes of reading one path: stdout %q, stderr %q", len(all), stdout.Bytes(), stderr.String())
		}
		all[0].stderr = stderr.String()
		return all[0]
	}
	o := shOutcome{stderr: stderr.String()}
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if bytes.HasPrefix(line, []byte("F ")) {
			o.code, o.fields = failureOf(t, line, after)
			return o
		}
		rest = after
	}
	return o
}

// failureOf is the code and the fields of the F message line, the fields
// being what follows it.
func failureOf(t *testing.T, line, after []byte) (code string, fields []string) {
	t.Helper()
	code, count, _ := strings.Cut(string(line[2:]), " ")
	n, err := strconv.Atoi(count)
	if err != nil {
		t.Fatalf("an F message without its field count: %q", line)
	}
	return code, strings.SplitN(string(after), "\x00", n+1)[:n]
}

// readOutcomes is each path's outcome in the read script's output after
// the marker: "S", or "F" and its fields, then "E", for each path; then
// "C" and the base64 of the files' content, cut at the counts of "S".
func readOutcomes(t *testing.T, out []byte) []shOutcome {
	t.Helper()
	var all []shOutcome
	var counts []int
	for {
		line, after, _ := bytes.Cut(out, []byte("\n"))
		var o shOutcome
		switch {
		case bytes.HasPrefix(line, []byte("F ")):
			o.code, o.fields = failureOf(t, line, after)
			for range o.fields {
				_, after, _ = bytes.Cut(after, []byte{0})
			}
			counts = append(counts, 0)
		case bytes.HasPrefix(line, []byte("S 0 ")):
			n, err := strconv.Atoi(string(line[len("S 0 "):]))
			if err != nil {
				t.Fatalf("a count that is not a number: %q", line)
			}
			o.content = []byte{}
			counts = append(counts, n)
		case bytes.Equal(line, []byte("C")):
			enc, _, _ := bytes.Cut(after, []byte("\n"))
			content, err := base64.StdEncoding.DecodeString(string(enc))
			if err != nil {
				t.Fatalf("the content after C is not base64: %v", err)
			}
			for i, n := range counts {
				if all[i].content != nil {
					all[i].content = content[:n]
				}
				content = content[n:]
			}
			if len(content) != 0 {
				t.Fatalf("%d bytes of content that no S counted", len(content))
			}
			return all
		default:
			t.Fatalf("unexpected line %q", line)
		}
		end, rest, _ := bytes.Cut(after, []byte("\n"))
		if string(end) != "E" {
			t.Fatalf("a file's messages end with %q, not E", end)
		}
		all = append(all, o)
		out = rest
	}
}

// shCmd is script under shCommand as u (nil: root) with args, then in, in
// the root directory.
func shCmd(t *testing.T, u *sshtest.User, script string, args []string, in []byte) *exec.Cmd {
	t.Helper()
	var argv []string
	if u != nil {
		argv = []string{"setpriv", "--reuid=" + strconv.Itoa(u.UID), "--regid=" + strconv.Itoa(u.GID), "--init-groups", "--"}
	}
	argv = append(argv, "sh", "-c", unquoteCommand(t))
	cmd := exec.Command(argv[0], argv[1:]...)
	var stdin bytes.Buffer
	fmt.Fprintf(&stdin, "%d\n%s", len(script), script)
	for _, a := range args {
		stdin.WriteString(a + "\n")
	}
	stdin.Write(in)
	cmd.Stdin = &stdin
	cmd.Dir = "/"
	return cmd
}

// unquoteCommand is the script of shCommand's "sh -c '...'", for running
// it with exec directly.
func unquoteCommand(t *testing.T) string {
	t.Helper()
	s, ok := strings.CutPrefix(shCommand, "sh -c '")
	if !ok || !strings.HasSuffix(s, "'") || strings.Contains(s[:len(s)-1], "'") {
		t.Fatalf("shCommand is not sh -c '...': %s", shCommand)
	}
	return s[:len(s)-1]
}

// The one command line must mean the same in every login shell: a single
// single-quoted word after "sh -c", holding no backslash (an escape in
// fish), no "!" (history in csh), no newline.
func TestShCommandIsConstantAndPlain(t *testing.T) {
	unquoteCommand(t)
	if strings.ContainsAny(shCommand, "\\!\n\r") {
		t.Errorf("shCommand holds a character some login shell treats specially: %s", shCommand)
	}
}

// trustTree is a set of real directories, files and links, made as root
// under a fresh directory, and the paths into it whose resolution the two
// implementations must agree on.
type trustTree struct {
	root  string
	paths []string
}

func makeTrustTree(t *testing.T, users sshtest.Users) trustTree {
	t.Helper()
	root := sshtest.TempDir(t)
	owner, login := users.Owner, users.Login
	type node struct {
		path     string
		kind     byte // 'd' directory, 'f' file, 'l' link, 'p' FIFO
		target   string
		uid, gid int
		mode     os.FileMode
	}
	nodes := []node{
		{"rootdir", 'd', "", 0, 0, 0o755},
		{"rootdir/file", 'f', "", 0, 0, 0o644},
		{"rootdir/owned", 'f', "", owner.UID, owner.GID, 0o644},
		{"rootdir/tolink", 'l', "../home/conf/carbon.xml", 0, 0, 0},
		{"rootdir/toanything", 'l', "../secret/victim", 0, 0, 0},
		{"secret", 'd', "", 0, 0, 0o700},
		{"secret/victim", 'f', "", 0, 0, 0o600},
		{"home", 'd', "", owner.UID, owner.GID, 0o755},
		{"home/conf", 'd', "", owner.UID, owner.GID, 0o755},
		{"home/conf/carbon.xml", 'f', "", owner.UID, owner.GID, 0o644},
		{"home/conf/rootfile", 'f', "", 0, 0, 0o644},
		{"home/conf/tovictim", 'l', "../../secret/victim", owner.UID, owner.GID, 0},
		{"home/conf/toabs", 'l', "", owner.UID, owner.GID, 0}, // target set below: absolute
		{"home/conf/toown", 'l', "carbon.xml", owner.UID, owner.GID, 0},
		{"home/conf/torootdir", 'l', "../../rootdir/file", owner.UID, owner.GID, 0},
		// The owner's link to a file it owns in root's directory: it can
		// change that file's content anyway, so this is followed.
		{"home/conf/toowned", 'l', "../../rootdir/owned", owner.UID, owner.GID, 0},
		{"home/conf/chain", 'l', "../../rootdir/tolink", owner.UID, owner.GID, 0},
		{"home/conf/loop", 'l', "loop", owner.UID, owner.GID, 0},
		{"home/conf/dangling", 'l', "nowhere", owner.UID, owner.GID, 0},
		{"home/conf/fifo", 'p', "", owner.UID, owner.GID, 0o644},
		{"home/conf/tolhome", 'l', "../../lhome/mine", owner.UID, owner.GID, 0},
		{"home/rootsub", 'd', "", 0, 0, 0o755},
		{"home/rootsub/file", 'f', "", 0, 0, 0o644},
		{"lhome", 'd', "", login.UID, login.GID, 0o755},
		{"lhome/mine", 'f', "", login.UID, login.GID, 0o644},
		{"lhome/toowner", 'l', "../home/conf/carbon.xml", login.UID, login.GID, 0},
		// The login user's link to the owner's link back to the login
		// user's link to root's file: the refusal names the last entry
		// of the first account seen, not its first.
		{"lhome/there", 'l', "../home/conf/back", login.UID, login.GID, 0},
		{"home/conf/back", 'l', "../../lhome/out", owner.UID, owner.GID, 0},
		{"lhome/out", 'l', "../rootdir/file", login.UID, login.GID, 0},
		// The login user's link to the owner's directory, whose files
		// are read through it below, several at once.
		{"lhome/toconf", 'l', "../home/conf", login.UID, login.GID, 0},
		{"group", 'd', "", 0, owner.GID, 0o775},
		{"group/file", 'f', "", 0, 0, 0o644},
		{"group/tovictim", 'l', "../secret/victim", 0, 0, 0},
		{"world", 'd', "", 0, 0, 0o777},
		{"world/file", 'f', "", 0, 0, 0o644},
		{"world/tovictim", 'l', "../secret/victim", 0, 0, 0},
		{"sticky", 'd', "", 0, 0, fs.ModeSticky | 0o777},
		{"sticky/rootlink", 'l', "../secret/victim", 0, 0, 0},
		{"sticky/ownerlink", 'l', "../secret/victim", owner.UID, owner.GID, 0},
		{"sticky/ownerfile", 'f', "", owner.UID, owner.GID, 0o644},
		{"sticky/rootfile", 'f', "", 0, 0, 0o644},
		{"odd", 'd', "", owner.UID, owner.GID, 0o755},
		{"odd/it's \"a\" $(touch x) `y` \\ ;", 'f', "", owner.UID, owner.GID, 0o644},
		{"odd/trailing newline\n", 'f', "", owner.UID, owner.GID, 0o644},
		{"odd/tonl", 'l', "trailing newline\n", owner.UID, owner.GID, 0},
		{"odd/toodd", 'l', "it's \"a\" $(touch x) `y` \\ ;", owner.UID, owner.GID, 0},
	}
	for _, n := range nodes {
		p := filepath.Join(root, n.path)
		var err error
		switch n.kind {
		case 'd':
			err = os.Mkdir(p, 0o700)
		case 'f':
			err = os.WriteFile(p, []byte(n.path), 0o600)
		case 'p':
			err = unix.Mkfifo(p, 0o600)
		case 'l':
			target := n.target
			if target == "" {
				target = filepath.Join(root, "secret/victim")
			}
			err = os.Symlink(target, p)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(p, n.uid, n.gid); err != nil {
			t.Fatal(err)
		}
		if n.kind != 'l' {
			if err := os.Chmod(p, n.mode); err != nil {
				t.Fatal(err)
			}
		}
	}
	var paths []string
	for _, n := range nodes {
		if !strings.ContainsFunc(n.path, isControl) {
			paths = append(paths, filepath.Join(root, n.path))
		}
	}
	paths = append(paths,
		root+"/home/conf/../conf/carbon.xml",
		root+"/home/rootsub/../conf/carbon.xml",
		root+"/home/rootsub/../rootsub/file",
		root+"/rootdir/./file",
		root+"//rootdir//file",
		root+"/rootdir/file/",
		root+"/rootdir/file/x",
		root+"/rootdir/missing",
		root+"/lhome/toconf/carbon.xml",
		root+"/lhome/toconf/rootfile",
		root+"/lhome/toconf/missing",
		root+"/lhome/toconf/toown",
		root+"/missing/file",
		root+"/home/conf/",
		root+"/home/conf/..",
		"/",
	)
	return trustTree{root: root, paths: paths}
}

// verdict is one implementation's answer for a path, comparable.
type verdict struct {
	kind             string // ok, unsafe, notexist, notdir, notregular, loop, denied, other
	content          string // ok: what the file holds (its path in the tree)
	ctl, entry, file string // unsafe
	detail           string // other: the error, for the failure message
}

// goVerdict walks p with walkLocal for writer, with the file system
// permissions of writer (setfsuid on a thread of its own), as the script
// run as that user has them.
func goVerdict(t *testing.T, p string, u *sshtest.User) verdict {
	t.Helper()
	if u == nil {
		return goVerdictAs(p, 0)
	}
	var v verdict
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with its changed credentials
		if err := unix.Setfsgid(u.GID); err != nil {
			done <- err
			return
		}
		unix.Setfsuid(u.UID) //nolint:errcheck // checked below: it reports the previous value
		if cur, _ := unix.SetfsuidRetUid(-1); cur != u.UID {
			done <- fmt.Errorf("fsuid is %d after setfsuid(%d)", cur, u.UID)
			return
		}
		v = goVerdictAs(p, uint32(u.UID))
		done <- nil
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return v
}

func goVerdictAs(p string, writer uint32) verdict {
	f, err := walkLocal("read", p, writer)
	if err == nil {
		defer f.close()
		fd, data, err := f.readPinned()
		if err != nil {
			return verdict{kind: "other", detail: err.Error()}
		}
		unix.Close(fd)
		return verdict{kind: "ok", content: string(data)}
	}
	var ue *UnsafePathError
	var nr notRegularError
	switch {
	case errors.As(err, &ue):
		return verdict{kind: "unsafe", ctl: string(ue.controller), entry: ue.entry, file: ue.file}
	case errors.As(err, &nr):
		return verdict{kind: "notregular"}
	case errors.Is(err, unix.ENOTDIR):
		return verdict{kind: "notdir"}
	case errors.Is(err, fs.ErrNotExist):
		return verdict{kind: "notexist"}
	case errors.Is(err, unix.ELOOP):
		return verdict{kind: "loop"}
	case errors.Is(err, fs.ErrPermission):
		return verdict{kind: "denied"}
	}
	return verdict{kind: "other", detail: err.Error()}
}

func shVerdict(t *testing.T, u *sshtest.User, p string) verdict {
	o := runShLocally(t, u, shReadScript, []string{"1", p}, nil)
	switch o.code {
	case "":
		if o.content == nil {
			return verdict{kind: "other", detail: "no content: " + o.stderr}
		}
		return verdict{kind: "ok", content: string(o.content)}
	case "UNSAFE":
		return verdict{kind: "unsafe", ctl: o.fields[0], entry: o.fields[1], file: o.fields[2]}
	case "ENOTREG":
		return verdict{kind: "notregular"}
	case "ENOTDIR":
		return verdict{kind: "notdir"}
	case "ENOENT":
		return verdict{kind: "notexist"}
	case "ELOOP":
		return verdict{kind: "loop"}
	case "EACCES":
		return verdict{kind: "denied"}
	}
	return verdict{kind: "other", detail: o.code + " " + strings.Join(o.fields, " | ") + " " + o.stderr}
}

// TestTrustRuleAgreesWithShell resolves every path of a tree of real
// directories, files and links (owned by root, by the directory owner of
// a real home, by the login user; group- and world-writable, sticky; links
// relative, absolute, chained, looping, dangling; names with quotes,
// "$()", backslashes and a trailing newline) with the local walk (Go,
// walkLocal) and with the scripts' walk (sh, shTrustWalk), as root and as
// the login user, and requires the same answer: the same content, or the
// same refusal naming the same controller, entry and file.
func TestTrustRuleAgreesWithShell(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	tree := makeTrustTree(t, users)
	kinds := map[string]int{}
	for _, as := range []*sshtest.User{nil, &users.Login} {
		name := "root"
		if as != nil {
			name = as.Name
		}
		for _, p := range tree.paths {
			g, s := goVerdict(t, p, as), shVerdict(t, as, p)
			kinds[g.kind]++
			if g != s {
				t.Errorf("as %s, %q:\nGo %+v\nsh %+v", name, strings.TrimPrefix(p, tree.root), g, s)
			}
		}
	}
	// The tree is meant to exercise every answer.
	for _, k := range []string{"ok", "unsafe", "notexist", "notdir", "notregular", "loop"} {
		if kinds[k] == 0 {
			t.Errorf("no path of the tree gave %q (%v)", k, kinds)
		}
	}
	t.Logf("verdicts: %v", kinds)
}

// TestShTrustWalkDoesNotRun checks that no name on the way is ever run:
// the tree's names with "$(touch x)" and backquotes are resolved above; x
// must not exist anywhere the scripts were.
func TestShTrustWalkDoesNotRun(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	tree := makeTrustTree(t, users)
	for _, p := range tree.paths {
		shVerdict(t, nil, p)
	}
	for _, dir := range []string{"/", tree.root, filepath.Join(tree.root, "odd")} {
		for _, n := range []string{"x", "y"} {
			if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
				t.Errorf("%s appeared: a name was run as a command", filepath.Join(dir, n))
			}
		}
	}
}

// The sweep of stale leftovers exists twice, in Go (sweepStaleTemps, local)
// and in sh (shSweep): both must remove exactly the same entries.
func TestTempSweepAgreesWithGo(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	base := "it's a $(x) [*].xml"
	long := time.Now().Add(-2 * staleTempAge)
	recent := time.Now().Add(-staleTempAge + 5*time.Second)
	type entry struct {
		name  string
		kind  byte // 'f' file, 'd' directory, 'l' link, 'p' FIFO
		uid   int
		mode  os.FileMode
		mtime time.Time
		inner []string // files in a directory
	}
	pfx := "." + base + tempMarker
	entries := []entry{
		{base, 'f', 0, 0o644, long, nil},
		{pfx + "1", 'f', 0, 0o600, long, nil},
		{pfx + "12345678901234567890", 'f', 0, 0o600, long, nil},
		{pfx + "2", 'f', 0, 0o600, time.Now(), nil},
		{pfx + "3", 'f', 0, 0o600, recent, nil},
		{pfx, 'f', 0, 0o600, long, nil},
		{pfx + "x1", 'f', 0, 0o600, long, nil},
		{pfx + "1x", 'f', 0, 0o600, long, nil},
		{pfx + "1 2", 'f', 0, 0o600, long, nil},
		{pfx + "*", 'f', 0, 0o600, long, nil},
		{"." + base + ".x" + tempMarker + "1", 'f', 0, 0o600, long, nil},
		{".other" + tempMarker + "1", 'f', 0, 0o600, long, nil},
		{base + tempMarker + "1", 'f', 0, 0o600, long, nil},
		{pfx + "4", 'f', users.Owner.UID, 0o644, long, nil}, // another user's old temporary file: removed too
		{pfx + "10", 'd', 0, 0o700, long, []string{"orig", "new"}},
		{pfx + "11", 'd', 0, 0o700, long, nil},
		{pfx + "12", 'd', 0, 0o700, long, []string{"orig", "other"}},
		{pfx + "13", 'd', 0, 0o700, recent, []string{"new"}},
		{pfx + "14", 'd', 0, 0o755, long, []string{"new"}},
		{pfx + "15", 'd', users.Owner.UID, 0o700, long, []string{"new"}},
		{pfx + "16", 'd', 0, 0o700 | fs.ModeSetgid, long, nil},
		{pfx + "20", 'l', 0, 0, long, nil},
		{pfx + "21", 'p', 0, 0o600, long, nil},
	}
	mk := func() string {
		dir := t.TempDir()
		for _, e := range entries {
			p := filepath.Join(dir, e.name)
			var err error
			switch e.kind {
			case 'f':
				err = os.WriteFile(p, nil, 0o600)
			case 'd':
				err = os.Mkdir(p, 0o700)
				for _, n := range e.inner {
					if err == nil {
						err = os.WriteFile(filepath.Join(p, n), nil, 0o600)
					}
				}
			case 'l':
				err = os.Symlink(pfx+"10", p)
			case 'p':
				err = unix.Mkfifo(p, 0o600)
			}
			if err == nil {
				err = os.Lchown(p, e.uid, e.uid)
			}
			if err == nil && e.kind != 'l' {
				err = os.Chmod(p, e.mode)
			}
			if err == nil {
				tv := unix.NsecToTimeval(e.mtime.UnixNano())
				err = unix.Lutimes(p, []unix.Timeval{tv, tv})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	list := func(dir string) []string {
		var out []string
		err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
			if p != dir {
				out = append(out, strings.TrimPrefix(p, dir+"/"))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	goDir, shDir := mk(), mk()
	fd, err := unix.Open(goDir, unix.O_PATH|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	sweepStaleTemps(fd, base, 0, time.Now())
	unix.Close(fd)
	script := shPrelude + shSweep + `IFS= read -r d && IFS= read -r b && cd -P -- "$d" && D=$(stat -c %d:%i .) && orphans= && sweep`
	if o := runShLocally(t, nil, script, []string{shDir, base}, nil); o.code != "" || o.stderr != "" {
		t.Fatalf("sweep script: %+v", o)
	}
	gotGo, gotSh := list(goDir), list(shDir)
	if !slices.Equal(gotGo, gotSh) {
		t.Errorf("Go kept %q\nsh kept %q", gotGo, gotSh)
	}
	removed := []string{pfx + "1", pfx + "12345678901234567890", pfx + "4", pfx + "10", pfx + "10/orig", pfx + "10/new",
		pfx + "11", pfx + "12/orig"}
	for _, r := range removed {
		if slices.Contains(gotSh, r) {
			t.Errorf("sh kept %q", r)
		}
	}
	if want := len(list(mk())) - len(removed); len(gotSh) != want {
		t.Errorf("sh kept %d entries, want %d: %q", len(gotSh), want, gotSh)
	}
}

// TestTrustRuleAgreesInOneRead reads every path of the trust tree in one
// run of the read script, as the provider reads the files of one
// operation: the walk shared by the paths' common directory, each
// directory's walk with the one stat of its files, and each path's walk
// from there must give every path the verdict its own walk gives, whatever
// the others are (TestTrustRuleAgreesWithShell checks that against the Go
// walk). The paths are sent in the tree's order and in the client's
// (inDirectoryOrder, where every directory's paths are together), with "/"
// among them (no directory is shared) and without it (the tree's root is).
func TestTrustRuleAgreesInOneRead(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	tree := makeTrustTree(t, users)
	underRoot := slices.DeleteFunc(slices.Clone(tree.paths), func(p string) bool { return p == "/" })
	for _, as := range []*sshtest.User{nil, &users.Login} {
		for _, paths := range [][]string{tree.paths, inClientOrder(tree.paths), inClientOrder(underRoot)} {
			args := append([]string{strconv.Itoa(len(paths))}, paths...)
			all := runShLocallyAll(t, as, args)
			if len(all) != len(paths) {
				t.Fatalf("%d outcomes for %d paths", len(all), len(paths))
			}
			for i, p := range paths {
				if one := runShLocally(t, as, shReadScript, []string{"1", p}, nil); !sameOutcome(one, all[i]) {
					t.Errorf("%q: alone %+v, among the others %+v", strings.TrimPrefix(p, tree.root), one, all[i])
				}
			}
		}
	}
}

// inClientOrder is paths as ReadFiles sends them (inDirectoryOrder).
func inClientOrder(paths []string) []string {
	at := make([]int, len(paths))
	for i := range at {
		at[i] = i
	}
	inDirectoryOrder(paths, at)
	ordered := make([]string, len(paths))
	for j, i := range at {
		ordered[j] = paths[i]
	}
	return ordered
}

func sameOutcome(a, b shOutcome) bool {
	return a.code == b.code && slices.Equal(a.fields, b.fields) && bytes.Equal(a.content, b.content)
}

// runShLocallyAll runs the read script as u with args (a count and the
// paths) and returns each path's outcome, in order.
func runShLocallyAll(t *testing.T, u *sshtest.User, args []string) []shOutcome {
	t.Helper()
	out, err := shCmd(t, u, shReadScript, args, nil).Output()
	if err != nil {
		t.Fatalf("the read script failed: %v", err)
	}
	_, rest, ok := bytes.Cut(out, []byte(outputMarker))
	if !ok {
		t.Fatalf("no output marker: %q", out)
	}
	return readOutcomes(t, rest)
}

// TestShReadCountNotForged: the count of bytes a file put into the
// content comes from dd's statistics, the last line it writes. A dd that
// could not open the file writes its message last instead, which holds
// the file's name, and a name may hold a newline and the text of the
// statistics: the count is then "none", never the name's, and the next
// file is cut from the content where it starts. A dd on PATH fails so on
// the first file, as dd fails on a file replaced since the walk.
func TestShReadCountNotForged(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	ddPath, err := exec.LookPath("dd")
	if err != nil {
		t.Fatal(err)
	}
	fake := "#!/bin/sh\ncase $1 in\n*/replaced.xml) printf \"dd: failed to open './replaced.xml\\n5 bytes copied, 1 s, 1 kB/s': Permission denied\\n\" >&2; exit 1;;\nesac\nexec " + shQuote(ddPath) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "dd"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	replaced, kept := filepath.Join(dir, "replaced.xml"), filepath.Join(dir, "kept.xml")
	for _, f := range []string{replaced, kept} {
		if err := os.WriteFile(f, []byte("content of "+filepath.Base(f)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := shCmd(t, nil, shReadScript, []string{"2", replaced, kept}, nil).Output()
	if err != nil {
		t.Fatalf("the read script failed: %v", err)
	}
	_, rest, _ := bytes.Cut(out, []byte(outputMarker))
	want := "S 1 -\nE\nS 0 19\nE\nC\n" + base64.StdEncoding.EncodeToString([]byte("content of kept.xml")) + "\n"
	if string(rest) != want {
		t.Errorf("output %q, want %q", rest, want)
	}
}
