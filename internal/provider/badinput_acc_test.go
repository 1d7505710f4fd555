package provider

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// The bad-input table of issue 4: empty, broken, odd and locked-down files,
// applied through the real terraform CLI once on the local host and once
// over SSH (one sshd for the whole table, a known_hosts file, the non-root
// login user sshtest.LoginUser without sudo, so the provider works through
// SFTP as that user). Every case runs in a fresh directory tree, which is
// recorded before the apply:
//
//   - a failure must produce a diagnostic naming the host ("the local host"
//     or user@host:port) and the file, and leave the tree exactly as it was:
//     every file byte for byte, every link a link, no temporary file;
//   - a success must change the file into exactly the expected bytes (the
//     original with only the managed value changed, computed here
//     independently of the provider), leave no temporary file, and destroy
//     must give back the recorded tree.
//
// The files the SSH target edits are on this machine (sshd runs here), so
// the test prepares and inspects them directly; the provider reaches them
// only through sshd.
//
// Not readable / not writable by the login user runs over SSH only: the
// test process, and with it the provider serving the local target, runs as
// root, and root's CAP_DAC_OVERRIDE reads and writes any file whatever its
// mode and owner, so no local file is unreadable or unwritable to it for
// reasons of permission. (What root cannot write, a read-only file system
// and an immutable file, are cases of their own on both targets.) Running
// the local provider as another user would mean a second test process under
// that user; over SSH the same code path, the operating system refusing the
// login user, is what happens.

// biTarget is where one run of the table edits files.
type biTarget struct {
	name     string
	srv      *sshtest.Server // nil for the local host
	login    sshtest.User    // the SSH login user (files are given to it)
	provider string          // the provider block, "" for the default
	host     string          // the host as diagnostics name it
}

// sshLine is the resource's ssh attribute: "" on the local host.
func (tg *biTarget) sshLine() string {
	if tg.srv == nil {
		return ""
	}
	return fmt.Sprintf("ssh = { host = %q, port = %d }", tg.srv.Host(), tg.srv.Port())
}

// biEnv is one case on one target.
type biEnv struct {
	t    *testing.T
	tg   *biTarget
	root string // everything the case touches is below root
	home string // the APIM home in the configuration
	file string // the managed file the case is about, as the provider names it
}

// path is a path below the home.
func (e *biEnv) path(rel string) string { return filepath.Join(e.home, rel) }

// give hands paths to the SSH login user, as the files of an APIM instance
// it runs are; locally they stay root's, the user the provider runs as.
func (e *biEnv) give(paths ...string) {
	e.t.Helper()
	if e.tg.srv == nil {
		return
	}
	for _, p := range paths {
		if err := os.Lchown(p, e.tg.login.UID, e.tg.login.GID); err != nil {
			e.t.Fatal(err)
		}
	}
}

// giveTree hands dir and everything below it to the SSH login user.
func (e *biEnv) giveTree(dir string) {
	e.t.Helper()
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			e.give(p)
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// update rewrites the managed file through f, keeping its owner and mode.
func (e *biEnv) update(f func([]byte) []byte) {
	e.t.Helper()
	if err := os.WriteFile(e.file, f(readFile(e.t, e.file)), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// chown gives p to u with mode.
func (e *biEnv) chown(p string, u sshtest.User, mode os.FileMode) {
	e.t.Helper()
	if err := os.Chown(p, u.UID, u.GID); err != nil {
		e.t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		e.t.Fatal(err)
	}
}

// run is a command the case needs as root (mount, chattr).
func (e *biEnv) run(name string, args ...string) {
	e.t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		e.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// readOnlyMount makes dir a read-only bind mount of itself until cleanup.
func (e *biEnv) readOnlyMount(dir string) {
	e.t.Helper()
	e.run("mount", "--bind", dir, dir)
	e.t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			e.t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	e.run("mount", "-o", "remount,bind,ro", dir)
}

// chattr sets the inode attribute flag (i: immutable, a: append-only) on p
// until cleanup.
func (e *biEnv) chattr(flag, p string) {
	e.t.Helper()
	e.run("chattr", "+"+flag, p)
	e.t.Cleanup(func() {
		if out, err := exec.Command("chattr", "-"+flag, p).CombinedOutput(); err != nil {
			e.t.Errorf("chattr -%s %s: %v\n%s", flag, p, err, out)
		}
	})
}

// biCase is one row of the table.
type biCase struct {
	name string
	// inbound: the case is about apim_websocket_inbound (ws) and its
	// endpoint file rather than apim_instance_ports and carbon.xml.
	inbound bool
	// sshOnly says why the case cannot run on the local host.
	sshOnly string
	// setup turns the fresh home into the case.
	setup func(e *biEnv)
	// For a success: the managed file after apply, from the file before.
	want func(t *testing.T, before []byte) []byte
	// For a failure: what the diagnostic says after host and file, as
	// literal pieces in order.
	fail func(e *biEnv) []string
}

// badInputOffset is the offset every case applies.
const badInputOffset = 3

// offsetTo is the carbon.xml edit of a success: <Offset>0</Offset> becomes
// badInputOffset, and nothing else changes.
func offsetTo(t *testing.T, before []byte) []byte {
	return replaceOnce(t, before, "<Offset>0</Offset>", fmt.Sprintf("<Offset>%d</Offset>", badInputOffset))
}

// inboundTo is the endpoint file edit of a success: the real port, the
// offset flag off.
func inboundTo(t *testing.T, before []byte) []byte {
	b := replaceOnce(t, before, wsPort(9099), wsPort(9099+badInputOffset))
	return replaceOnce(t, b, useOffsetTrue, useOffsetFalse)
}

// carbonMsg is what every failure on carbon.xml says about the file's
// content: it is left unchanged and must be corrected by hand.
const carbonMsg = "The file was left unchanged. Correct it by hand"

// orOS picks the local or the SSH wording of one piece.
func orOS(e *biEnv, local, ssh string) string {
	if e.tg.srv == nil {
		return local
	}
	return ssh
}

const utf8BOM = "\xef\xbb\xbf"

// protectedFail is the diagnostic for a file whose inode attribute (what)
// forbids replacing it.
func protectedFail(e *biEnv, what string) []string {
	if e.tg.srv == nil {
		// Not "permission denied ... set sudo": root is refused too.
		return []string{"replacing the file: it is " + what + ": not even root may replace it", "Fix the cause above"}
	}
	// The edit script cannot read inode attributes (lsattr is not on every
	// host); what it can tell is that its own hard link to the file was
	// refused although the login user owns the file.
	return []string{"the file itself is protected", "immutable or append-only", "not even root may replace it"}
}

func badInputCases() []biCase {
	return []biCase{{
		name:  "empty file",
		setup: func(e *biEnv) { e.update(func([]byte) []byte { return nil }) },
		fail:  func(*biEnv) []string { return []string{"malformed XML", "the document is empty", carbonMsg} },
	}, {
		name: "malformed XML",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return replaceOnce(e.t, b, "</Ports>", "</Portz>") })
		},
		fail: func(*biEnv) []string { return []string{"malformed XML at line 160", "</Portz>", carbonMsg} },
	}, {
		name: "no Ports",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte {
				b = replaceOnce(e.t, b, "<Ports>", "<PortsX>")
				return replaceOnce(e.t, b, "</Ports>", "</PortsX>")
			})
		},
		fail: func(*biEnv) []string { return []string{"Ports", "not found", carbonMsg} },
	}, {
		name: "no Offset",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return replaceOnce(e.t, b, offsetBlock, "\n") })
		},
		// Added as the first child of <Ports>, indented like its siblings.
		want: func(t *testing.T, before []byte) []byte {
			return replaceOnce(t, before, "<Ports>\n", fmt.Sprintf("<Ports>\n        <Offset>%d</Offset>\n", badInputOffset))
		},
	}, {
		name: "non-numeric Offset",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return replaceOnce(e.t, b, "<Offset>0</Offset>", "<Offset>two</Offset>") })
		},
		fail: func(*biEnv) []string {
			return []string{`<Offset> holds "two", not a whole number from 0 to 54424`, carbonMsg}
		},
	}, {
		name: "negative Offset",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return replaceOnce(e.t, b, "<Offset>0</Offset>", "<Offset>-2</Offset>") })
		},
		fail: func(*biEnv) []string {
			return []string{`<Offset> holds "-2", not a whole number from 0 to 54424`, carbonMsg}
		},
	}, {
		name: "huge Offset",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte {
				return replaceOnce(e.t, b, "<Offset>0</Offset>", "<Offset>99999999999999999999</Offset>")
			})
		},
		fail: func(*biEnv) []string {
			return []string{`<Offset> holds "99999999999999999999", not a whole number from 0 to 54424`, carbonMsg}
		},
	}, {
		name: "directory instead of carbon.xml",
		setup: func(e *biEnv) {
			if err := os.Remove(e.file); err != nil {
				e.t.Fatal(err)
			}
			if err := os.Mkdir(e.file, 0o755); err != nil {
				e.t.Fatal(err)
			}
			e.give(e.file)
		},
		fail: func(e *biEnv) []string {
			return []string{orOS(e, "is a directory (mode drwxr-xr-x), not a regular file", "is a directory, not a regular file")}
		},
	}, {
		name: "missing apim_home",
		setup: func(e *biEnv) {
			if err := os.RemoveAll(e.home); err != nil {
				e.t.Fatal(err)
			}
		},
		fail: func(e *biEnv) []string {
			return []string{orOS(e, "no such file or directory", "file does not exist"), "Check that apim_home is the APIM installation directory"}
		},
	}, {
		name: "symlinked carbon.xml",
		setup: func(e *biEnv) {
			// /etc-style: the real file in a directory of its own, the
			// home's carbon.xml a relative link to it.
			shared := filepath.Join(e.root, "shared-conf")
			if err := os.Mkdir(shared, 0o755); err != nil {
				e.t.Fatal(err)
			}
			e.give(shared)
			if err := os.Rename(e.file, filepath.Join(shared, "carbon.xml")); err != nil {
				e.t.Fatal(err)
			}
			if err := os.Symlink("../../../shared-conf/carbon.xml", e.file); err != nil {
				e.t.Fatal(err)
			}
			e.give(e.file)
		},
		want: offsetTo,
	}, {
		name:    "carbon.xml not readable by the login user",
		sshOnly: "as root the local provider can read any file (see the comment at the top of the file)",
		setup: func(e *biEnv) {
			users := sshtest.EnsureUsers(e.t)
			e.chown(e.file, users.Owner, 0o600)
		},
		fail: func(e *biEnv) []string {
			return []string{"permission denied", "the login user " + e.tg.login.Name + " may not do this", "set sudo = true"}
		},
	}, {
		name:    "carbon.xml not writable by the login user",
		sshOnly: "as root the local provider can write any file (see the comment at the top of the file)",
		setup: func(e *biEnv) {
			// Readable, in a directory the login user may not write.
			users := sshtest.EnsureUsers(e.t)
			e.chown(e.file, users.Owner, 0o644)
			e.chown(filepath.Dir(e.file), users.Owner, 0o755)
		},
		fail: func(e *biEnv) []string {
			return []string{"permission denied", "cannot create the private directory in " + filepath.Dir(e.file), "set sudo = true"}
		},
	}, {
		name:    "carbon.xml not writable, its directory writable",
		sshOnly: "as root the local provider can write any file (see the comment at the top of the file)",
		setup: func(e *biEnv) {
			// The rename would go through (the directory is the login
			// user's), but the new file could not keep the original's
			// owner: refused.
			users := sshtest.EnsureUsers(e.t)
			e.chown(e.file, users.Owner, 0o644)
		},
		fail: func(e *biEnv) []string {
			// The edit cannot even pin the original: a user may hard-link
			// only files it owns (fs.protected_hardlinks).
			return []string{"permission denied", "cannot pin", "fs.protected_hardlinks", "set sudo = true"}
		},
	}, {
		name:  "read-only file system",
		setup: func(e *biEnv) { e.readOnlyMount(filepath.Dir(e.file)) },
		fail: func(e *biEnv) []string {
			return []string{orOS(e, "cannot create a temporary file in ", "cannot create the private directory in ") + filepath.Dir(e.file),
				orOS(e, "read-only file system", "the file system is mounted read-only")}
		},
	}, {
		name:  "immutable carbon.xml",
		setup: func(e *biEnv) { e.chattr("i", e.file) },
		fail:  func(e *biEnv) []string { return protectedFail(e, "immutable (chattr +i)") },
	}, {
		name:  "append-only carbon.xml",
		setup: func(e *biEnv) { e.chattr("a", e.file) },
		fail:  func(e *biEnv) []string { return protectedFail(e, "append-only (chattr +a)") },
	}, {
		name: "10 MB carbon.xml",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return bigCarbon(e.t, b) })
		},
		want: offsetTo,
	}, {
		name: "UTF-8 with BOM",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return utf8WithBOM(e.t, b) })
		},
		want: offsetTo,
	}, {
		name: "CRLF",
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) })
		},
		want: offsetTo,
	}, {
		name: "Latin-1 bytes",
		setup: func(e *biEnv) {
			// carbon.xml declares ISO-8859-1; give it characters that
			// are not ASCII, right next to <Offset> too.
			e.update(func(b []byte) []byte {
				b = replaceOnce(e.t, b, "<Name>WSO2 API Manager</Name>", "<Name>WSO2 API Manager \xa9 Soci\xe9t\xe9 G\xe9n\xe9rale</Name>")
				return replaceOnce(e.t, b, "<Offset>0</Offset>", "<!-- d\xe9calage \xbd -->\n        <Offset>0</Offset><!--\xff-->")
			})
		},
		want: offsetTo,
	}, {
		name:    "inbound malformed XML",
		inbound: true,
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return replaceOnce(e.t, b, "</parameters>", "</parameterz>") })
		},
		fail: func(*biEnv) []string { return []string{"malformed XML at line 17", "</parameterz>", carbonMsg} },
	}, {
		name:    "inbound non-numeric inbound.ws.port",
		inbound: true,
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte {
				return replaceOnce(e.t, b, wsPort(9099), `<parameter name="inbound.ws.port">90 99</parameter>`)
			})
		},
		fail: func(*biEnv) []string {
			return []string{`<parameter name="inbound.ws.port"> holds "90 99", not a whole number from 0 to 65535`, carbonMsg}
		},
	}, {
		name:    "inbound UTF-8 with BOM",
		inbound: true,
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte {
				b = replaceOnce(e.t, b, `name="WebSocketInboundEndpoint"`, `name="WebSocketInboundEndpoint" description="Prise en charge: WebSocket \u2014 caf\u00e9 \u2603"`)
				return append([]byte(utf8BOM), b...)
			})
		},
		want: inboundTo,
	}, {
		name:    "inbound CRLF",
		inbound: true,
		setup: func(e *biEnv) {
			e.update(func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")) })
		},
		want: inboundTo,
	}}
}

// offsetBlock is <Offset> with its comment as carbon.xml ships it.
const offsetBlock = "\n        <!-- Ports offset. This entry will set the value of the ports defined below to\n         the define value + Offset.\n         e.g. Offset=2 and HTTPS port=9443 will set the effective HTTPS port to 9445\n         -->\n        <Offset>0</Offset>\n"

// utf8WithBOM is carbon.xml declared UTF-8, with characters beyond Latin-1
// near <Offset> and a byte order mark.
func utf8WithBOM(t *testing.T, b []byte) []byte {
	b = replaceOnce(t, b, `<?xml version="1.0" encoding="ISO-8859-1"?>`, `<?xml version="1.0" encoding="UTF-8"?>`)
	b = replaceOnce(t, b, "<Name>WSO2 API Manager</Name>", "<Name>WSO2 API Manager \u2014 \u00e9t\u00e9 \u65e5\u672c \U0001f680</Name>")
	b = replaceOnce(t, b, "<Offset>0</Offset>", "<!-- d\u00e9calage \u2192 -->\n        <Offset>0</Offset>")
	return append([]byte(utf8BOM), b...)
}

var (
	bigCarbonOnce sync.Once
	bigCarbonDoc  []byte
)

// bigCarbon is carbon.xml grown past 10 MB outside <Ports>: a large comment
// before it (holding <Ports> and <Offset> look-alikes) and many elements
// after it (some with <Ports><Offset> children of their own, at a path that
// is not <Server><Ports><Offset>).
func bigCarbon(t *testing.T, orig []byte) []byte {
	bigCarbonOnce.Do(func() {
		const size = 10 << 20
		var comment, elems bytes.Buffer
		comment.WriteString("<!-- Padding for the 10 MB case of the bad-input table.\n")
		for i := 0; comment.Len() < size/2; i++ {
			fmt.Fprintf(&comment, "     %07d <Ports><Offset>%d</Offset></Ports> lorem ipsum dolor sit amet, consectetur adipiscing elit\n", i, i%10+1)
		}
		comment.WriteString("    -->\n    ")
		for i := 0; comment.Len()+elems.Len()+len(orig) < size; i++ {
			if i%100 == 0 {
				fmt.Fprintf(&elems, "    <Padding id=\"%07d\"><Ports><Offset>%d</Offset></Ports></Padding>\n", i, i%10+1)
				continue
			}
			fmt.Fprintf(&elems, "    <Padding id=\"%07d\" kind=\"filler\">sed do eiusmod tempor incididunt ut labore et dolore</Padding>\n", i)
		}
		doc := replaceOnce(t, orig, "<Ports>\n", comment.String()+"<Ports>\n")
		bigCarbonDoc = replaceOnce(t, doc, "</Server>", elems.String()+"</Server>")
	})
	if bigCarbonDoc == nil {
		t.Fatal("building the 10 MB carbon.xml failed in an earlier test")
	}
	return bytes.Clone(bigCarbonDoc)
}

// biEntry is one path of a recorded tree.
type biEntry struct {
	mode     fs.FileMode // type and permission bits
	uid, gid uint32
	data     string // a file's content or a link's destination
}

// biTree records every path below root: type, mode, and content or link
// destination. Links are not followed.
func biTree(root string) (map[string]biEntry, error) {
	tree := map[string]biEntry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no syscall.Stat_t in %T", p, fi.Sys())
		}
		e := biEntry{mode: fi.Mode(), uid: st.Uid, gid: st.Gid}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			dest, err := os.Readlink(p)
			if err != nil {
				return err
			}
			e.data = dest
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			e.data = string(b)
		}
		rel, _ := filepath.Rel(root, p)
		tree[rel] = e
		return nil
	})
	return tree, err
}

// biCompare returns an error naming every difference between two trees;
// changed lists the paths whose content may differ (the edited file).
func biCompare(want, got map[string]biEntry, changed ...string) error {
	var diffs []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			diffs = append(diffs, p+": gone")
		case g.mode != w.mode || g.uid != w.uid || g.gid != w.gid:
			diffs = append(diffs, fmt.Sprintf("%s: mode %v owner %d:%d, was %v %d:%d", p, g.mode, g.uid, g.gid, w.mode, w.uid, w.gid))
		case g.data != w.data && !slices.Contains(changed, p):
			diffs = append(diffs, fmt.Sprintf("%s: content changed (%d bytes, was %d)", p, len(g.data), len(w.data)))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, p+": new (a temporary file left behind?)")
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	sort.Strings(diffs)
	return fmt.Errorf("the directory tree differs from before the apply:\n  %s", strings.Join(diffs, "\n  "))
}

// TestBadInput runs the bad-input table on the local host and over SSH.
func TestBadInput(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	key := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	knownHostsFile := sshtest.WriteFile(t, "known_hosts", srv.KnownHostsLine()+"\n")
	keyFile := sshtest.WriteFile(t, "id_ed25519", key.PEM(t))
	targets := []*biTarget{
		{name: "local", host: "the local host"},
		{
			name:  "ssh",
			srv:   srv,
			login: users.Login,
			provider: fmt.Sprintf(`
provider "apim" {
  ssh = {
    user             = %q
    private_key_path = %q
    known_hosts_file = %q
    agent            = false
    sudo             = false
  }
}
`, users.Login.Name, keyFile, knownHostsFile),
			host: users.Login.Name + "@" + srv.Addr(),
		},
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			for _, tc := range badInputCases() {
				t.Run(tc.name, func(t *testing.T) {
					if tc.sshOnly != "" && tg.srv == nil {
						t.Skip("runs over SSH only: " + tc.sshOnly)
					}
					runBadInput(t, tg, tc)
				})
			}
		})
	}
}

// runBadInput runs one case on one target.
func runBadInput(t *testing.T, tg *biTarget, tc biCase) {
	root := sshtest.TempDir(t)
	home := filepath.Join(root, "wso2am-2.1.0")
	if err := os.CopyFS(home, os.DirFS(newHome(t))); err != nil {
		t.Fatal(err)
	}
	e := &biEnv{t: t, tg: tg, root: root, home: home, file: filepath.Join(home, apim.CarbonXML)}
	summary := "Cannot Set the Port Offset"
	config := tg.provider + instancePortsConfig(home, badInputOffset, "manage_workflow_callback = false\n  "+tg.sshLine())
	if tc.inbound {
		e.file = e.path(apim.WebSocket.File)
		summary = "Cannot Set the WebSocket Port"
		config = tg.provider + webSocketConfig(home, badInputOffset, tg.sshLine())
	}
	e.giveTree(home)
	tc.setup(e)

	before, err := biTree(root)
	if err != nil {
		t.Fatal(err)
	}
	sameTree := func(changed ...string) error {
		after, err := biTree(root)
		if err != nil {
			return err
		}
		return biCompare(before, after, changed...)
	}

	if tc.fail != nil {
		pieces := append([]string{summary, tg.host, e.file}, tc.fail(e)...)
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviders,
			Steps: []resource.TestStep{{
				Config:      config,
				ExpectError: diagText(pieces...),
			}},
		})
		if err := sameTree(); err != nil {
			t.Error(err)
		}
		return
	}

	// A success: the file the edit lands in is the link's destination
	// when the managed file is a link.
	resolved, err := filepath.EvalSymlinks(e.file)
	if err != nil {
		t.Fatal(err)
	}
	realRel, _ := filepath.Rel(root, resolved)
	orig := readFile(t, resolved)
	want := tc.want(t, orig)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return expectFile(resolved, want) },
				func(*terraform.State) error { return sameTree(realRel) },
			),
		}},
		CheckDestroy: func(*terraform.State) error {
			if err := expectFile(resolved, orig); err != nil {
				return err
			}
			return sameTree()
		},
	})
}
