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
	Target  string   `json:"target"`
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
}

func (res *results) add(target string, n int, side string, o op, smp sample) {
	if s := res.find(target, n, side, o); s != nil {
		s.Samples = append(s.Samples, smp)
		return
	}
	res.Series = append(res.Series, &series{Target: target, N: n, Side: side, Op: o, Samples: []sample{smp}})
}

func (res *results) find(target string, n int, side string, o op) *series {
	for _, s := range res.Series {
		if s.Target == target && s.N == n && s.Side == side && s.Op == o {
			return s
		}
	}
	return nil
}

// stat is the spread of one figure of a series; the zero spread when the
// series was not measured.
func (res *results) stat(target string, n int, side string, o op, figure func(sample) float64) spread {
	s := res.find(target, n, side, o)
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
		res.wallTable(&b, target)
		res.ratioTable(&b, target)
		res.perResourceTable(&b, target)
		res.resourceTable(&b, target)
	}
	return b.String()
}

func header(b *strings.Builder, cols ...string) {
	fmt.Fprintf(b, "\n| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat(" --- |", len(cols)))
}

func (res *results) wallTable(b *strings.Builder, target string) {
	fmt.Fprintf(b, "\n## %s: wall seconds\n", target)
	cols := []string{"side", "operation"}
	for _, n := range res.ns() {
		cols = append(cols, fmt.Sprintf("N = %d", n))
	}
	header(b, cols...)
	for _, side := range res.sides() {
		for _, o := range ops {
			if res.find(target, res.ns()[0], side, o) == nil {
				continue
			}
			row := []string{side, string(o)}
			for _, n := range res.ns() {
				row = append(row, res.stat(target, n, side, o, wall).seconds())
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

func (res *results) ratioTable(b *strings.Builder, target string) {
	fmt.Fprintf(b, "\n## %s: ratios of median wall times\n", target)
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
			if res.find(target, res.ns()[0], q.num, o) == nil || res.find(target, res.ns()[0], q.den, o) == nil {
				continue
			}
			row := []string{q.name, string(o)}
			for _, n := range res.ns() {
				row = append(row, ratio(res.stat(target, n, q.num, o, wall).Median, res.stat(target, n, q.den, o, wall).Median))
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

// perResourceTable shows how time grows with N: the median wall time per
// resource, and the marginal time per added resource between consecutive
// Ns (which leaves out the fixed cost of starting Terraform and the
// provider, so it is flat exactly when the cost is linear).
func (res *results) perResourceTable(b *strings.Builder, target string) {
	fmt.Fprintf(b, "\n## %s: milliseconds per resource (wall / N; marginal: Δwall / ΔN)\n", target)
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
			if res.find(target, ns[0], side, o) == nil {
				continue
			}
			row := []string{side, string(o)}
			for i, n := range ns {
				t := res.stat(target, n, side, o, wall).Median
				row = append(row, fmt.Sprintf("%.1f", 1000*t/float64(n)))
				if i > 0 {
					prev := res.stat(target, ns[i-1], side, o, wall).Median
					row = append(row, fmt.Sprintf("%.1f", 1000*(t-prev)/float64(n-ns[i-1])))
				}
			}
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

// resourceTable is CPU, memory and logins at the largest N.
func (res *results) resourceTable(b *strings.Builder, target string) {
	n := slices.Max(res.ns())
	fmt.Fprintf(b, "\n## %s, N = %d: CPU seconds, provider memory, logins\n", target, n)
	header(b, "side", "operation", "CPU (client)", "CPU (SSH hosts)", "provider CPU", "provider peak RSS (MiB)", "logins per host")
	for _, side := range res.sides() {
		for _, o := range ops {
			if res.find(target, n, side, o) == nil {
				continue
			}
			rss := res.stat(target, n, side, o, func(s sample) float64 { return float64(s.ProviderRSS) / 1024 })
			logins := res.stat(target, n, side, o, func(s sample) float64 { return float64(s.Logins) })
			row := []string{side, string(o),
				res.stat(target, n, side, o, func(s sample) float64 { return s.CPU }).seconds(),
				res.stat(target, n, side, o, func(s sample) float64 { return s.HostCPU }).seconds(),
				res.stat(target, n, side, o, func(s sample) float64 { return s.ProviderCPU }).seconds(),
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

// chart plots median wall seconds against N, log-log, for us, the floor
// and Ansible, apply and plan, with gnuplot.
func (res *results) chart(dir string) error {
	var data strings.Builder
	var plots []string
	col := 2
	for _, o := range []op{opApply, opPlan} {
		var lines []string
		for _, target := range res.targets() {
			for _, side := range []string{sideOurs, sideFloor, sideAnsible} {
				fmt.Fprintf(&data, "# %s %s %s\n", target, side, o)
				for _, n := range res.ns() {
					fmt.Fprintf(&data, "%d %g\n", n, res.stat(target, n, side, o, wall).Median)
				}
				data.WriteString("\n\n")
				lines = append(lines, fmt.Sprintf("'seconds-vs-n.dat' index %d using 1:2 with linespoints lw 2 title '%s, %s'", col-2, side, target))
				col++
			}
		}
		plots = append(plots, fmt.Sprintf("set title 'terraform %s (Ansible: %s)'\nplot %s\n", o,
			map[op]string{opApply: "playbook", opPlan: "--check --diff"}[o], strings.Join(lines, ", \\\n  ")))
	}
	if err := os.WriteFile(filepath.Join(dir, "seconds-vs-n.dat"), []byte(data.String()), 0o644); err != nil {
		return err
	}
	script := `set terminal pngcairo size 1400,600 font ',10'
set output 'seconds-vs-n.png'
set logscale xy
set xlabel 'resources (N)'
set ylabel 'median wall seconds'
set key top left
set grid
set multiplot layout 1,2
` + strings.Join(plots, "") + "unset multiplot\n"
	if err := os.WriteFile(filepath.Join(dir, "seconds-vs-n.gp"), []byte(script), 0o644); err != nil {
		return err
	}
	cmd := exec.Command("gnuplot", "seconds-vs-n.gp")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gnuplot: %w\n%s", err, out)
	}
	return nil
}
