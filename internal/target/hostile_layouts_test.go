package target

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/hostiletest"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// unsafeLayout is one tree for the trust rule's tests on real files, run
// alike by the local target and over SSH.
type unsafeLayout struct {
	name string
	// setup builds the tree in home (owned by owner) and rootDir (root's,
	// 0755) and returns the path to edit and, when the edit must land,
	// the file it must land in.
	setup func(t *testing.T, home, rootDir, victim string) (path, lands string)
	who   string // the controller the refusal names
}

// unsafeLayouts are the everyday layouts, which are followed, and the
// paths the owner of the home could point at a root-only file, which are
// refused.
func unsafeLayouts(owner sshtest.User) []unsafeLayout {
	return []unsafeLayout{
		{name: "home owned by the owner", setup: func(t *testing.T, home, _, _ string) (string, string) {
			conf := filepath.Join(home, "conf")
			if err := os.Mkdir(conf, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(conf, owner.UID, owner.GID); err != nil {
				t.Fatal(err)
			}
			writeOwned(t, filepath.Join(conf, "carbon.xml"), hostileContent(0), owner)
			return filepath.Join(conf, "carbon.xml"), filepath.Join(conf, "carbon.xml")
		}},
		{name: "the owner's link to its own file", setup: func(t *testing.T, home, _, _ string) (string, string) {
			writeOwned(t, filepath.Join(home, "carbon-linked.xml"), hostileContent(0), owner)
			symlinkOwned(t, "carbon-linked.xml", filepath.Join(home, "carbon.xml"), owner)
			return filepath.Join(home, "carbon.xml"), filepath.Join(home, "carbon-linked.xml")
		}},
		{name: "the owner's link to its own file in root's directory", setup: func(t *testing.T, home, rootDir, _ string) (string, string) {
			// The owner may change its own file's content anyway.
			writeOwned(t, filepath.Join(rootDir, "carbon.xml"), hostileContent(0), owner)
			symlinkOwned(t, filepath.Join(rootDir, "carbon.xml"), filepath.Join(home, "carbon.xml"), owner)
			return filepath.Join(home, "carbon.xml"), filepath.Join(rootDir, "carbon.xml")
		}},
		{name: "root's link into the home", setup: func(t *testing.T, home, rootDir, _ string) (string, string) {
			writeOwned(t, filepath.Join(home, "carbon.xml"), hostileContent(0), owner)
			mustSymlink(t, filepath.Join(home, "carbon.xml"), filepath.Join(rootDir, "carbon.xml"))
			return filepath.Join(rootDir, "carbon.xml"), filepath.Join(home, "carbon.xml")
		}},
		{name: "root's link to a root-only file", setup: func(t *testing.T, _, rootDir, victim string) (string, string) {
			mustSymlink(t, victim, filepath.Join(rootDir, "carbon.xml"))
			return filepath.Join(rootDir, "carbon.xml"), victim
		}},
		{name: "the owner's link to a root-only file", setup: func(t *testing.T, home, _, victim string) (string, string) {
			symlinkOwned(t, victim, filepath.Join(home, "carbon.xml"), owner)
			return filepath.Join(home, "carbon.xml"), ""
		}, who: "user " + owner.Name},
		{name: "the owner's relative link to a root-only file", setup: func(t *testing.T, home, _, victim string) (string, string) {
			rel, err := filepath.Rel(home, victim)
			if err != nil {
				t.Fatal(err)
			}
			symlinkOwned(t, rel, filepath.Join(home, "carbon.xml"), owner)
			return filepath.Join(home, "carbon.xml"), ""
		}, who: "user " + owner.Name},
		{name: "the owner's link to a root-only directory", setup: func(t *testing.T, home, _, victim string) (string, string) {
			symlinkOwned(t, filepath.Dir(victim), filepath.Join(home, "conf"), owner)
			return filepath.Join(home, "conf", filepath.Base(victim)), ""
		}, who: "user " + owner.Name},
		{name: "a root link behind the owner's link", setup: func(t *testing.T, home, rootDir, victim string) (string, string) {
			// root's own link cannot launder the owner's.
			mustSymlink(t, victim, filepath.Join(rootDir, "to-victim"))
			symlinkOwned(t, filepath.Join(rootDir, "to-victim"), filepath.Join(home, "carbon.xml"), owner)
			return filepath.Join(home, "carbon.xml"), ""
		}, who: "user " + owner.Name},
		{name: "through the owner's directory and back out", setup: func(t *testing.T, home, _, victim string) (string, string) {
			sub := filepath.Join(home, "sub")
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(sub, owner.UID, owner.GID); err != nil {
				t.Fatal(err)
			}
			// home/sub/../../victim-dir/victim, spelled so the ".."
			// are resolved as the walk goes.
			rel, err := filepath.Rel(filepath.Dir(home), victim)
			if err != nil {
				t.Fatal(err)
			}
			return sub + "/../../" + rel, ""
		}, who: "user " + owner.Name},
		{name: "group-writable parent", setup: func(t *testing.T, _, rootDir, _ string) (string, string) {
			shared := filepath.Join(rootDir, "shared")
			if err := os.Mkdir(shared, 0o775); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(shared, 0, owner.GID); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(shared, 0o775); err != nil {
				t.Fatal(err)
			}
			conf := filepath.Join(shared, "conf")
			if err := os.Mkdir(conf, 0o755); err != nil {
				t.Fatal(err)
			}
			writeTestFile(t, filepath.Join(conf, "carbon.xml"), hostileContent(0), 0o640)
			return filepath.Join(conf, "carbon.xml"), ""
		}, who: "group "},
	}
}

// runUnsafeLayouts edits every layout through tg: the everyday layouts
// land, the others are refused with ErrUnsafePath before anything is read
// (ReadFile and EditFile), naming the path, the controller and each of
// mention, and the victim is untouched. rootDir makes a directory of
// root's, mode 0755, that tg can reach.
func runUnsafeLayouts(t *testing.T, tg Target, rootDir func(t *testing.T) string, mention ...string) {
	owner := hostileOwner(t)
	for _, tc := range unsafeLayouts(owner) {
		t.Run(tc.name, func(t *testing.T) {
			home := sshtest.OwnedTempDir(t, owner)
			victim := hostiletest.NewVictim(t)
			path, lands := tc.setup(t, home, rootDir(t), victim.Path())
			ctx := context.Background()

			_, readErr := tg.ReadFile(ctx, path)
			edited := false
			changed, editErr := tg.EditFile(ctx, path, func(old []byte) ([]byte, error) {
				edited = true
				return setOffset(7)(old)
			})
			if lands != "" {
				if readErr != nil || editErr != nil || !changed {
					t.Fatalf("refused a safe path: read %v, edit %v (changed %v)", readErr, editErr, changed)
				}
				if lands != victim.Path() {
					checkOwnedFile(t, tc.name, lands, owner, 7)
				}
				return
			}
			for op, err := range map[string]error{"ReadFile": readErr, "EditFile": editErr} {
				var ue *UnsafePathError
				if !errors.Is(err, ErrUnsafePath) || !errors.As(err, &ue) {
					t.Errorf("%s = %v; want an *UnsafePathError", op, err)
					continue
				}
				for _, want := range append([]string{path, tc.who, "the path is not safe to follow", "nothing was read or written"}, mention...) {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%s: %q does not say %q", op, err, want)
					}
				}
			}
			if edited || changed {
				t.Error("EditFile read or wrote the file")
			}
			victim.Check(t)
			noPrivateDirs(t, tc.name, home)
		})
	}
}
