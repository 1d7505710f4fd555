package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/portoffset/terraform-provider-apim/internal/apim"
	"github.com/portoffset/terraform-provider-apim/internal/hostiletest"
	"github.com/portoffset/terraform-provider-apim/internal/sshtest"
)

// hostileCLITrials is how many applies each attack races through the CLI,
// as many as internal/target runs against the targets directly.
const hostileCLITrials = 50

// TestHostileOwnerCLI: the account that owns an APIM home races every
// terraform apply that the provider runs as root, locally and through sudo
// over SSH, with a real process watching the configuration directory: it
// swaps a link to a root-only file over every new entry, flips the linked
// carbon.xml to that file right after it is read, or replaces carbon.xml
// right after it is read. Through the real CLI and provider process, the
// root-only file keeps its bytes, owner and mode in every trial, and every
// apply either sets the offset in the home's own carbon.xml or fails saying
// why, with nothing written.
func TestHostileOwnerCLI(t *testing.T) {
	users := sshtest.EnsureUsers(t)
	owner := users.Owner
	key := sshtest.NewKey(t)
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []string{key.AuthorizedKey()}})
	keyPath := sshtest.WriteFile(t, "id_ed25519", key.PEM(t))
	knownHostsFile := sshtest.WriteFile(t, "known_hosts", srv.KnownHostsLine()+"\n")

	ways := []struct {
		name string
		ssh  string // the resource's ssh object, "" for the local host
	}{
		{name: "local as root"},
		{name: "sudo", ssh: fmt.Sprintf(`ssh = {
    host             = %q
    port             = %d
    user             = %q
    private_key_path = %q
    known_hosts_file = %q
    agent            = false
    sudo             = true
  }`, srv.Host(), srv.Port(), users.Login.Name, keyPath, knownHostsFile)},
	}
	attacks := []hostiletest.Attack{hostiletest.SymlinkNew, hostiletest.FlipAfterRead, hostiletest.ReplaceAfterRead}
	for _, way := range ways {
		for _, attack := range attacks {
			t.Run(way.name+"/"+string(attack), func(t *testing.T) {
				home := ownedHome(t, owner)
				conf := filepath.Dir(filepath.Join(home, apim.CarbonXML))
				carbon := filepath.Join(home, apim.CarbonXML)
				shipped := readFile(t, carbon)
				victim := hostiletest.NewVictim(t)
				const linked = "carbon-real.xml"
				// edited is the file the edits land in: the link's
				// target when carbon.xml is a link.
				edited := filepath.Join(conf, "carbon.xml")
				if attack == hostiletest.FlipAfterRead {
					edited = filepath.Join(conf, linked)
				}
				// reset puts carbon.xml back as the attack expects
				// it, owned by the home's owner: whatever the attacker
				// left there is gone, the content is what the last
				// apply wrote (or the shipped file).
				reset := func(content []byte) {
					for _, name := range []string{"carbon.xml", linked} {
						os.Remove(filepath.Join(conf, name))
					}
					if attack == hostiletest.FlipAfterRead {
						if err := os.Symlink(linked, carbon); err != nil {
							t.Fatal(err)
						}
						if err := os.Lchown(carbon, owner.UID, owner.GID); err != nil {
							t.Fatal(err)
						}
					}
					writeFile(t, edited, content)
					if err := os.Chown(edited, owner.UID, owner.GID); err != nil {
						t.Fatal(err)
					}
				}
				reset(shipped)
				a := hostiletest.Start(t, hostiletest.Config{Attack: attack, Dir: conf, File: "carbon.xml", Real: linked,
					Victim: victim.Path(), UID: owner.UID, GID: owner.GID})

				cli := newTerraformCLI(t)
				cli.writeConfig(fmt.Sprintf(`
variable "offset" { type = number }

resource "apim_instance_ports" "test" {
  apim_home                = %q
  offset                   = var.offset
  manage_workflow_callback = false
  %s
}
`, home, way.ssh))
				moves, landed, refused := 0, 0, 0
				for trial := 1; trial <= hostileCLITrials; trial++ {
					before := readFile(t, edited)
					a.Arm(t)
					out, code := cli.run("apply", "-auto-approve", fmt.Sprintf("-var=offset=%d", trial))
					stats := a.Disarm(t)
					moves += stats.Moves
					victim.Check(t)
					switch {
					case code == 0:
						landed++
					case diagText("the file was replaced while it was being edited").MatchString(out),
						diagText("the path is not safe to follow").MatchString(out),
						diagText("is interfering with the edit").MatchString(out):
						refused++
					default:
						t.Fatalf("trial %d: apply failed without saying the file was replaced, the path unsafe or the edit interfered with (exit %d):\n%s", trial, code, out)
					}
					if code == 0 && stats.Moves == 0 {
						// Nothing raced this apply: it must have
						// set the offset in the home's own file.
						if got, err := apim.ReadOffset(readFile(t, edited)); err != nil || got != int64(trial) {
							t.Fatalf("trial %d: apply succeeded but %s holds offset %d (%v)", trial, edited, got, err)
						}
					}
					after := before
					if doc, err := os.ReadFile(edited); err == nil {
						if _, err := apim.ReadOffset(doc); err == nil {
							after = doc
						}
					}
					reset(after)
				}
				if moves == 0 {
					t.Fatalf("the attacker never acted in %d applies: the test proves nothing", hostileCLITrials)
				}
				t.Logf("HOSTILE-CLI way=%q attack=%s applies=%d landed=%d refused=%d attacker_moves=%d victim_damaged=0",
					way.name, attack, hostileCLITrials, landed, refused, moves)
			})
		}
	}
}
