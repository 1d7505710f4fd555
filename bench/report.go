package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// series is every sample of one side, operation, target and N.
type series struct {
	Target string `json:"target"`
	// RTT is the round trip in milliseconds the latency proxies added
	// (-rtt); 0 without a proxy, and always for the local target.
	RTT     int      `json:"rtt_ms"`
	N       int      `json:"n"`
	Side    string   `json:"side"`
	Op      op       `json:"op"`
	Samples []sample `json:"samples"`
}

// results are a run's samples and what they were measured on.
type results struct {
	Machine map[string]string `json:"machine"`
	// Homes is the -homes value: the APIM version the homes were laid
	// out from.
	Homes  string    `json:"homes"`
	Reps   int       `json:"reps"`
	Series []*series `json:"series"`
	// Identity and Done let -resume continue the run (resume.go).
	Identity runIdentity `json:"identity"`
	Done     []part      `json:"done"`
}

func (res *results) add(target string, rtt, n int, side string, o op, smp sample) {
	if s := res.find(target, rtt, n, side, o); s != nil {
		s.Samples = append(s.Samples, smp)
		return
	}
	res.Series = append(res.Series, &series{Target: target, RTT: rtt, N: n, Side: side, Op: o, Samples: []sample{smp}})
}

func (res *results) find(target string, rtt, n int, side string, o op) *series {
	for _, s := range res.Series {
		if s.Target == target && s.RTT == rtt && s.N == n && s.Side == side && s.Op == o {
			return s
		}
	}
	return nil
}

// stat is the spread of one figure of a series; the zero spread when the
// series was not measured.
func (res *results) stat(target string, rtt, n int, side string, o op, figure func(sample) float64) spread {
	s := res.find(target, rtt, n, side, o)
	if s == nil {
		return spread{}
	}
	var xs []float64
	for _, smp := range s.Samples {
		xs = append(xs, figure(smp))
	}
	return spreadOf(xs)
}

func wall(s sample) float64 { return s.Wall }

// The dimensions of the run, in the order measured.
func (res *results) targets() []string {
	return distinct(res, func(s *series) string { return s.Target })
}
func (res *results) ns() []int       { return distinct(res, func(s *series) int { return s.N }) }
func (res *results) sides() []string { return distinct(res, func(s *series) string { return s.Side }) }

// rtts are the round trips a target was measured at.
func (res *results) rtts(target string) []int {
	var out []int
	for _, s := range res.Series {
		if s.Target == target && !slices.Contains(out, s.RTT) {
			out = append(out, s.RTT)
		}
	}
	return out
}

// where names a target and RTT in headings: the target alone when it was
// measured at RTT 0 only (local, and ssh without -rtt), as before -rtt.
func (res *results) where(target string, rtt int) string {
	if rtts := res.rtts(target); len(rtts) == 1 && rtts[0] == 0 {
		return target
	}
	return fmt.Sprintf("%s, RTT %d ms", target, rtt)
}

func distinct[T comparable](res *results, key func(*series) T) []T {
	var out []T
	for _, s := range res.Series {
		if k := key(s); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// write saves results.json, summary.md and the chart in dir.
func (res *results) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), js, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.md"), []byte(res.summary()), 0o644); err != nil {
		return err
	}
	return res.chart(dir)
}

// summary is the Markdown tables BENCHMARKS.md quotes.
func (res *results) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark results\n\nWritten by `make bench`; every figure is a median of %d rounds with its minimum–maximum, every ratio a quotient of medians from the same run. The homes are APIM %s homes (`-homes %s`).\n\n", res.Reps, res.Homes, res.Homes)
	keys := make([]string, 0, len(res.Machine))
	for k := range res.Machine {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "- %s: %s\n", k, res.Machine[k])
	}
	for _, target := range res.targets() {
		if rtts := res.rtts(target); len(rtts) > 1 {
			for _, n := range res.ns() {
				res.rttTable(&b, target, n)
			}
		}
		for _, rtt := range res.rtts(target) {
			res.wallTable(&b, target, rtt)
			res.ratioTable(&b, target, rtt)
			res.perResourceTable(&b, target, rtt)
			res.resourceTable(&b, target, rtt)
		}
	}
	return b.String()
}

func header(b *strings.Builder, cols ...string) {
	fmt.Fprintf(b, "\n| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat(" --- |", len(cols)))
}

// rttTable is the median wall seconds of every side and operation at each
// RTT, for one N: how each grows with the round trip.
func (res *results) rttTable(b *strings.Builder, target string, n int) {
	fmt.Fprintf(b, "\n## %s, N = %d: median wall seconds against RTT\n", target, n)
	cols := []string{"side", "operation"}
	for _, rtt := range res.rtts(target) {
		cols = append(cols, fmt.Sprintf("RTT %d ms", rtt))
	}
	header(b, cols...)
	for _, side := range res.sides() {
		for _, o := range ops {
			if res.find(target, res.rtts(target)[0], n, side, o) == nil {
				continue
			}
			row := []string{side, string(o)}
			for _, rtt := range res.rtts(target) {
				row = append(row, sig(res.stat(target, rtt, n, side, o, wall).Median))
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

func (res *results) wallTable(b *strings.Builder, target string, rtt int) {
	fmt.Fprintf(b, "\n## %s: wall seconds\n", res.where(target, rtt))
	cols := []string{"side", "operation"}
	for _, n := range res.ns() {
		cols = append(cols, fmt.Sprintf("N = %d", n))
	}
	header(b, cols...)
	for _, side := range res.sides() {
		for _, o := range ops {
			if res.find(target, rtt, res.ns()[0], side, o) == nil {
				continue
			}
			row := []string{side, string(o)}
			for _, n := range res.ns() {
				row = append(row, res.stat(target, rtt, n, side, o, wall).seconds())
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

func (res *results) ratioTable(b *strings.Builder, target string, rtt int) {
	fmt.Fprintf(b, "\n## %s: ratios of median wall times\n", res.where(target, rtt))
	cols := []string{"ratio", "operation"}
	for _, n := range res.ns() {
		cols = append(cols, fmt.Sprintf("N = %d", n))
	}
	header(b, cols...)
	for _, q := range []struct{ name, num, den string }{
		{"apim provider / floor", sideOurs, sideFloor},
		{"terraform_data / floor", sideTerraformData, sideFloor},
		{"Ansible / apim provider", sideAnsible, sideOurs},
		{"apim provider / raw OpenSSH", sideOurs, sideRawSSH},
	} {
		for _, o := range ops {
			if res.find(target, rtt, res.ns()[0], q.num, o) == nil || res.find(target, rtt, res.ns()[0], q.den, o) == nil {
				continue
			}
			row := []string{q.name, string(o)}
			for _, n := range res.ns() {
				row = append(row, ratio(res.stat(target, rtt, n, q.num, o, wall).Median, res.stat(target, rtt, n, q.den, o, wall).Median))
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

// perResourceTable shows how time grows with N: the median wall time per
// resource, and the marginal time per added resource between consecutive
// Ns (which leaves out the fixed cost of starting Terraform and the
// provider, so it is flat exactly when the cost is linear).
func (res *results) perResourceTable(b *strings.Builder, target string, rtt int) {
	fmt.Fprintf(b, "\n## %s: milliseconds per resource (wall / N; marginal: Δwall / ΔN)\n", res.where(target, rtt))
	ns := res.ns()
	cols := []string{"side", "operation"}
	for i, n := range ns {
		cols = append(cols, fmt.Sprintf("N = %d", n))
		if i > 0 {
			cols = append(cols, fmt.Sprintf("marginal %d→%d", ns[i-1], n))
		}
	}
	header(b, cols...)
	for _, side := range []string{sideOurs, sideFloor, sideAnsible} {
		for _, o := range ops {
			if res.find(target, rtt, ns[0], side, o) == nil {
				continue
			}
			row := []string{side, string(o)}
			for i, n := range ns {
				t := res.stat(target, rtt, n, side, o, wall).Median
				row = append(row, fmt.Sprintf("%.1f", 1000*t/float64(n)))
				if i > 0 {
					prev := res.stat(target, rtt, ns[i-1], side, o, wall).Median
					row = append(row, fmt.Sprintf("%.1f", 1000*(t-prev)/float64(n-ns[i-1])))
				}
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

// resourceTable is CPU, memory and logins at the largest N.
func (res *results) resourceTable(b *strings.Builder, target string, rtt int) {
	n := slices.Max(res.ns())
	fmt.Fprintf(b, "\n## %s, N = %d: CPU seconds, provider memory, logins\n", res.where(target, rtt), n)
	header(b, "side", "operation", "CPU (client)", "CPU (SSH hosts)", "provider CPU", "provider peak RSS (MiB)", "logins per host")
	for _, side := range res.sides() {
		for _, o := range ops {
			if res.find(target, rtt, n, side, o) == nil {
				continue
			}
			rss := res.stat(target, rtt, n, side, o, func(s sample) float64 { return float64(s.ProviderRSS) / 1024 })
			logins := res.stat(target, rtt, n, side, o, func(s sample) float64 { return float64(s.Logins) })
			row := []string{side, string(o),
				res.stat(target, rtt, n, side, o, func(s sample) float64 { return s.CPU }).seconds(),
				res.stat(target, rtt, n, side, o, func(s sample) float64 { return s.HostCPU }).seconds(),
				res.stat(target, rtt, n, side, o, func(s sample) float64 { return s.ProviderCPU }).seconds(),
				fmt.Sprintf("%.1f (max %.1f)", rss.Median, rss.Max),
				fmt.Sprintf("%.0f (%.0f–%.0f)", logins.Median, logins.Min, logins.Max),
			}
			if rss.Max == 0 {
				row[4], row[5] = "—", "—"
			}
			if target == "local" {
				row[3], row[6] = "—", "—"
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

// chart writes seconds-vs-n.png, median wall seconds against N, log-log,
// for us, the floor and Ansible, apply and plan, at RTT 0 (every target has
// it when measured without a proxy), and, when the ssh target was measured
// at more than one RTT, seconds-vs-rtt.png: median wall seconds against
// RTT for every side, each N a line, apply, plan and plan after edits.
func (res *results) chart(dir string) error {
	var data strings.Builder
	var plots []string
	index := 0
	for _, o := range []op{opApply, opPlan} {
		var lines []string
		for _, target := range res.targets() {
			if !slices.Contains(res.rtts(target), 0) {
				continue
			}
			for _, side := range []string{sideOurs, sideFloor, sideAnsible} {
				if res.find(target, 0, res.ns()[0], side, o) == nil {
					continue
				}
				fmt.Fprintf(&data, "# %s %s %s\n", target, side, o)
				for _, n := range res.ns() {
					fmt.Fprintf(&data, "%d %g\n", n, res.stat(target, 0, n, side, o, wall).Median)
				}
				data.WriteString("\n\n")
				lines = append(lines, fmt.Sprintf("'seconds-vs-n.dat' index %d using 1:2 with linespoints lw 2 title '%s, %s'", index, side, target))
				index++
			}
		}
		if len(lines) > 0 {
			plots = append(plots, fmt.Sprintf("set title 'terraform %s (Ansible: %s), RTT 0'\nplot %s\n", o,
				map[op]string{opApply: "playbook", opPlan: "--check --diff"}[o], strings.Join(lines, ", \\\n  ")))
		}
	}
	if err := gnuplot(dir, "seconds-vs-n", data.String(), `set logscale xy
set xlabel 'resources (N)'
`, plots); err != nil {
		return err
	}
	if len(res.rtts("ssh")) < 2 {
		return nil
	}

	data.Reset()
	plots = nil
	index = 0
	rtts := slices.Sorted(slices.Values(res.rtts("ssh")))
	for _, o := range []op{opApply, opPlan, opPlanDrift} {
		var lines []string
		for _, side := range res.sides() {
			for _, n := range res.ns() {
				if res.find("ssh", rtts[0], n, side, o) == nil {
					continue
				}
				fmt.Fprintf(&data, "# ssh %s %s N=%d\n", side, o, n)
				for _, rtt := range rtts {
					fmt.Fprintf(&data, "%d %g\n", rtt, res.stat("ssh", rtt, n, side, o, wall).Median)
				}
				data.WriteString("\n\n")
				lines = append(lines, fmt.Sprintf("'seconds-vs-rtt.dat' index %d using 1:2 with linespoints lw 2 title '%s, N = %d'", index, side, n))
				index++
			}
		}
		if len(lines) > 0 {
			plots = append(plots, fmt.Sprintf("set title 'ssh: %s'\nplot %s\n", o, strings.Join(lines, ", \\\n  ")))
		}
	}
	return gnuplot(dir, "seconds-vs-rtt", data.String(), `set logscale y
set xlabel 'round-trip time (ms)'
`, plots)
}

// gnuplot writes name.dat and name.gp in dir and renders name.png, one
// panel per plot side by side.
func gnuplot(dir, name, data, axes string, plots []string) error {
	if len(plots) == 0 {
		return nil
	}
	if err := os.WriteFile(filepath.Join(dir, name+".dat"), []byte(data), 0o644); err != nil {
		return err
	}
	script := fmt.Sprintf("set terminal pngcairo noenhanced size %d,600 font ',10'\nset output '%s.png'\n", 700*len(plots), name) + axes + `set ylabel 'median wall seconds'
set key top left
set grid
` + fmt.Sprintf("set multiplot layout 1,%d\n", len(plots)) + strings.Join(plots, "") + "unset multiplot\n"
	if err := os.WriteFile(filepath.Join(dir, name+".gp"), []byte(script), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("gnuplot", name+".gp")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gnuplot: %w\n%s", err, out)
	}
	return nil
}
