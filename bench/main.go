// Command bench measures terraform-provider-apim side by side with what it
// is judged against, in one run on one machine: the same configuration
// served by a no-op provider with the same schema (the floor, ./floor), as
// many terraform_data resources, an Ansible playbook doing the same edits
// (./ansible), and raw OpenSSH reading the same files. It applies, plans
// with nothing to change, plans after hand edits and destroys N resources
// on local files and on four real sshd hosts on loopback, each resource on
// an APIM home of its own laid out from testdata/wso2 (-homes: 2.1.0 or
// 4.2.0, see layouts.go), over SSH at each round-trip time of -rtt (a
// toxiproxy latency proxy in front of each sshd above 0, see latency.go),
// alternating the sides round by round after a warm-up round, and writes
// the medians, ranges and ratios (summary.md), every sample (results.json)
// and the charts (seconds-vs-n.png, seconds-vs-rtt.png) to -out.
//
// Run it as root from the repository root, through `make bench`, which
// installs what it needs from Debian's packages first.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/portoffset/terraform-provider-apim/bench/internal/benchhome"
)

// sshHosts is how many SSH hosts the instances are spread over.
const sshHosts = 4

func main() {
	nList := flag.String("n", "10,100,400", "comma-separated numbers of resources")
	reps := flag.Int("reps", 5, "measured rounds per number of resources and target (at least 5 for the published figures)")
	targetList := flag.String("targets", "local,ssh", "where the files are: local, ssh or both")
	homes := flag.String("homes", "2.1.0", "the APIM homes laid out: "+layoutNames())
	out := flag.String("out", "", "directory for summary.md, results.json and the charts (default bench/results for 2.1.0 homes, bench/results-<version> for the others)")
	sideList := flag.String("sides", strings.Join(sideKeys, ","), "comma-separated sides to measure (for a quick re-measurement of some of them)")
	resume := flag.Bool("resume", false, "continue the run whose results.json is in -out: keep the parts (target, RTT, N) it finished, when measured by the same code, machine, sides, homes and rounds, write results.json after every part, and measure only what is missing (otherwise start over)")
	rttList := flag.String("rtt", "0", "comma-separated round-trip times in milliseconds for the ssh target: above 0, every SSH client (our provider, raw OpenSSH, Ansible) reaches each sshd through a latency proxy adding half of it each way (the local target runs at 0 only)")
	flag.Parse()
	log.SetFlags(log.Ltime)

	var ns []int
	for f := range strings.SplitSeq(*nList, ",") {
		n, err := strconv.Atoi(f)
		if err != nil || n < 2 {
			log.Fatalf("bench: -n: %q is not a number of resources of at least 2", f)
		}
		ns = append(ns, n)
	}
	var rtts []int
	for f := range strings.SplitSeq(*rttList, ",") {
		ms, err := strconv.Atoi(f)
		if err != nil || ms < 0 || slices.Contains(rtts, ms) {
			log.Fatalf("bench: -rtt: %q is not a new number of milliseconds, 0 or more", f)
		}
		rtts = append(rtts, ms)
	}
	targets := strings.Split(*targetList, ",")
	for _, t := range targets {
		if t != "local" && t != "ssh" {
			log.Fatalf("bench: -targets: unknown target %q (local, ssh)", t)
		}
	}
	l, ok := layouts[*homes]
	if !ok {
		log.Fatalf("bench: -homes: unknown homes %q (%s)", *homes, layoutNames())
	}
	if *out == "" {
		*out = "bench/results"
		if l != layout21 {
			*out += "-" + l.version
		}
	}
	only := map[string]bool{}
	for _, k := range strings.Split(*sideList, ",") {
		if !slices.Contains(sideKeys, k) {
			log.Fatalf("bench: -sides: unknown side %q (%s)", k, strings.Join(sideKeys, ", "))
		}
		only[k] = true
	}
	if missing := missingTools(only, targets); len(missing) > 0 {
		log.Fatalf("bench: not found: %s; `make bench` installs them (ansible, python3-lxml, gnuplot-nox, time, openssh-client)", strings.Join(missing, ", "))
	}

	r := newRunner()
	defer r.close()
	b := newBench(r, targets, rtts, l, only)
	res := &results{Machine: describeMachine(only), Homes: l.version, Reps: *reps, Identity: b.identity()}
	if *resume {
		earlier, why, err := resumeFrom(*out, res)
		r.check(err, "reading the results to resume in %s", *out)
		if earlier != nil {
			log.Printf("resuming the run in %s: %d parts measured already", *out, len(earlier.Done))
			res = earlier
		} else {
			log.Printf("starting over in %s: %s", *out, why)
		}
	}
	warmed := map[string]bool{}
	for _, target := range targets {
		targetRTTs := rtts
		if target == "local" {
			targetRTTs = []int{0}
		}
		for _, rtt := range targetRTTs {
			for _, n := range ns {
				p := part{target, rtt, n}
				if res.has(p) {
					log.Printf("%s RTT=%dms N=%d: measured already (-resume)", target, rtt, n)
					continue
				}
				sides := b.sides(target, rtt, n)
				if !warmed[target] {
					log.Printf("%s: warm-up round at N=%d, RTT %d ms", target, n, rtt)
					b.round(target, rtt, n, sides, nil)
					warmed[target] = true
				}
				for rep := 1; rep <= *reps; rep++ {
					log.Printf("%s RTT=%dms N=%d: round %d of %d", target, rtt, n, rep, *reps)
					b.round(target, rtt, n, sides, res)
				}
				res.finish(p)
				if *resume {
					r.check(res.write(*out), "writing results to %s", *out)
				}
			}
		}
	}
	r.check(res.write(*out), "writing results to %s", *out)
	log.Printf("results in %s", *out)
}

// missingTools lists the programs the selected sides and targets need that
// are not installed: terraform for the Terraform sides, GNU time for the
// two provider sides (it measures the provider processes), ansible-playbook
// for Ansible, the OpenSSH client for raw OpenSSH and for Ansible over SSH,
// and gnuplot for the charts. The ssh target's sshd is checked when the
// hosts start (internal/sshtest).
func missingTools(only map[string]bool, targets []string) []string {
	need := []string{"gnuplot"}
	if only["apim"] || only["floor"] || only["terraform_data"] {
		need = append(need, "terraform")
	}
	if only["apim"] || only["floor"] {
		need = append(need, "/usr/bin/time")
	}
	if only["ansible"] {
		need = append(need, "ansible-playbook")
	}
	if slices.Contains(targets, "ssh") && (only["raw"] || only["ansible"]) {
		need = append(need, "ssh")
	}
	var missing []string
	for _, tool := range need {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	return missing
}

// bench holds what every round uses.
type bench struct {
	r        *runner
	work     string
	layout   *homeLayout
	fixtures fixtures
	hosts    []*host
	access   sshAccess
	ours     string // CLI configuration selecting our provider
	floor    string // and the floor provider
	// floorHome tells the floor what the homes are, so that it plans the
	// values the real provider plans without reading them (floorhome).
	floorHome string
	only      map[string]bool
	// binaries are the providers built for the run, which its identity
	// hashes.
	binaries []string
}

// identity is what a run resumed with -resume must share with this one:
// the code measured (both providers and the benchmark itself) and the
// sides.
func (b *bench) identity() runIdentity {
	self, err := os.Executable()
	b.r.check(err, "locating the benchmark's own binary")
	code, err := codeHash(append([]string{self}, b.binaries...)...)
	b.r.check(err, "hashing the binaries measured")
	var sides []string
	for _, k := range sideKeys {
		if b.only[k] {
			sides = append(sides, k)
		}
	}
	return runIdentity{Code: code, Sides: sides}
}

func newBench(r *runner, targets []string, rtts []int, l *homeLayout, only map[string]bool) *bench {
	b := &bench{r: r, work: r.TempDir(), layout: l, only: only}
	var err error
	b.fixtures, err = l.readFixtures()
	r.check(err, "reading the fixtures (run from the repository root)")
	facts, err := benchhome.Describe(b.fixtures)
	r.check(err, "describing the APIM %s homes for the floor", l.version)
	b.floorHome = benchhome.EnvVar + "=" + facts.Encode()
	for _, p := range []struct {
		key, pkg string
		cli      *string
	}{{"apim", ".", &b.ours}, {"floor", "./bench/floor", &b.floor}} {
		if !only[p.key] {
			continue
		}
		dir := filepath.Join(b.work, "providers", p.key)
		r.check(os.MkdirAll(dir, 0o755), "creating %s", dir)
		binary := filepath.Join(dir, "provider")
		b.binaries = append(b.binaries, binary)
		// No VCS stamp: the binary then depends on the code alone, which
		// -resume compares (runIdentity).
		if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", binary, p.pkg).CombinedOutput(); err != nil {
			r.Fatalf("bench: go build %s: %v\n%s", p.pkg, err, out)
		}
		*p.cli, err = providerBinary(dir, binary)
		r.check(err, "installing the %s provider", p.key)
	}
	if slices.Contains(targets, "ssh") {
		b.hosts, b.access = startHosts(r, sshHosts, rtts)
	}
	return b
}

// namedSide is one side of the comparison.
type namedSide struct {
	name        string
	steps       []step
	providerLog string
}

// sideKeys name the sides for -sides, in the order they are measured.
var sideKeys = []string{"apim", "floor", "terraform_data", "ansible", "raw"}

// The sides' names, as the tables show them.
const (
	sideOurs          = "apim provider"
	sideFloor         = "floor (no-op provider)"
	sideTerraformData = "terraform_data"
	sideAnsible       = "Ansible"
	sideRawSSH        = "raw OpenSSH"
)

// sides lays out n instances for a target and prepares every side's
// working directory.
func (b *bench) sides(target string, rtt, n int) []namedSide {
	dir := filepath.Join(b.work, target, fmt.Sprintf("rtt%d", rtt), strconv.Itoa(n))
	var hosts []*host
	var access *sshAccess
	if target == "ssh" {
		hosts, access = b.hosts, &b.access
	}
	ins := instances(n, filepath.Join(b.work, target, "homes"), hosts, rtt, b.layout)
	b.r.check(b.fixtures.layOut(ins), "laying out %d APIM %s homes", n, b.layout.version)

	var sides []namedSide
	for _, s := range []struct {
		key, name, cli string
		files          *fixtures
	}{{"apim", sideOurs, b.ours, &b.fixtures}, {"floor", sideFloor, b.floor, nil}, {"terraform_data", sideTerraformData, "", nil}} {
		if !b.only[s.key] {
			continue
		}
		tf := &terraformSide{dir: filepath.Join(dir, s.key), files: s.files}
		config := terraformDataConfig
		if s.cli != "" {
			config = apimConfig(access)
			tf.providerLog = filepath.Join(tf.dir, "provider-time.log")
		}
		b.r.check(writeTerraformDir(tf.dir, config, ins), "writing %s", tf.dir)
		tf.env = append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_LOG=",
			"TF_CLI_CONFIG_FILE="+s.cli, "BENCH_PROVIDER_LOG="+tf.providerLog)
		if s.key == "floor" {
			tf.env = append(tf.env, b.floorHome)
		}
		sides = append(sides, namedSide{name: s.name, steps: tf.steps(ins), providerLog: tf.providerLog})
	}

	if b.only["ansible"] {
		playbook, err := filepath.Abs(b.layout.playbook)
		b.r.check(err, "locating the playbook")
		ans, err := newAnsibleSide(filepath.Join(dir, "ansible"), playbook, ins, access, &b.fixtures)
		b.r.check(err, "writing the Ansible inventory")
		sides = append(sides, namedSide{name: sideAnsible, steps: ans.steps(ins)})
	}

	if target == "ssh" && b.only["raw"] {
		raw := &rawSSHSide{dir: filepath.Join(dir, "ssh"), access: b.access, rtt: rtt}
		b.r.check(os.MkdirAll(raw.dir, 0o700), "creating %s", raw.dir)
		sides = append(sides, namedSide{name: sideRawSSH, steps: raw.steps(ins)})
	}
	return sides
}

// round runs every side's steps once, side after side, recording the
// samples in res (nil for the warm-up).
func (b *bench) round(target string, rtt, n int, sides []namedSide, res *results) {
	for _, s := range sides {
		for _, st := range s.steps {
			smp, err := measure(st, b.hosts, s.providerLog)
			if err != nil {
				b.r.Fatalf("bench: %s, RTT %d ms, N=%d, %s: %v", target, rtt, n, s.name, err)
			}
			log.Printf("  %-22s %-17s %7.2fs wall %7.2fs cpu %5d KiB provider %d logins/host",
				s.name, st.op, smp.Wall, smp.CPU, smp.ProviderRSS, smp.Logins)
			if res != nil {
				res.add(target, rtt, n, s.name, st.op, smp)
			}
		}
	}
}

// describeMachine records what the figures were measured on: the versions
// of the tools the selected sides use.
func describeMachine(only map[string]bool) map[string]string {
	sh := func(cmd string) string {
		out, _ := exec.Command("sh", "-c", cmd).CombinedOutput()
		return strings.TrimSpace(string(out))
	}
	m := map[string]string{
		"cpu":       sh(`grep -m1 'model name' /proc/cpuinfo | cut -d: -f2`) + ", " + sh("nproc") + " cores",
		"memory":    sh(`awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo`),
		"kernel":    sh("uname -sr"),
		"os":        sh(`. /etc/os-release && echo "$PRETTY_NAME"`),
		"go":        sh("go version"),
		"toxiproxy": "github.com/Shopify/toxiproxy/v2 " + toxiproxyVersion(),
		"openssh":   sh("ssh -V"),
		"terraform": sh("terraform version 2>/dev/null | grep -m1 '^Terraform v'"),
	}
	if only["ansible"] {
		m["ansible"] = sh("ansible-playbook --version | head -1") + ", community.general " + sh(`ansible-galaxy collection list community.general 2>/dev/null | awk '/community.general/ {print $2; exit}'`)
		m["python"] = sh("/usr/bin/python3 --version") + ", lxml " + sh(`/usr/bin/python3 -c 'import lxml.etree as e; print(e.__version__)'`)
	}
	return m
}

// toxiproxyVersion is the toxiproxy module the benchmark was built with.
func toxiproxyVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/Shopify/toxiproxy/v2" {
				return d.Version
			}
		}
	}
	return "(version unknown)"
}

func init() {
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./bench [flags]  (from the repository root, as root)\n")
		flag.PrintDefaults()
	}
}
