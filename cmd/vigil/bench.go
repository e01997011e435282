package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/corpus"
	"github.com/vigilhq/vigil/pattern"
)

func newBenchCmd(a *app) *cobra.Command {
	return group("bench", "measure vigil: bench patterns (the matcher), bench ingest (the server)",
		newBenchPatternsCmd(a), newBenchIngestCmd(a))
}

type benchPatternsOptions struct {
	data, only                          string
	events                              int
	eventsFile, rulesFile, set, quamina string
	reps                                int
}

func newBenchPatternsCmd(a *app) *cobra.Command {
	var o benchPatternsOptions
	cmd := leaf("patterns", "events/s of the pattern matcher on CityLots and security events", benchPatternsHelp,
		func(ctx context.Context, args []string) int { return runBenchPatterns(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	fs.StringVar(&o.data, "data", "../shared/data", "directory of the shared test data")
	fs.IntVar(&o.events, "events", 20000, "number of generated events per corpus")
	fs.StringVar(&o.only, "only", "", "run only cases whose name contains this text")
	fs.StringVar(&o.eventsFile, "events-file", "", "measure on these events (JSON Lines, e.g. from quamina-bench --gen) instead of generated ones")
	fs.StringVar(&o.rulesFile, "rules", "", "with --events-file: rule sets, {\"rule_sets\": {NAME: {\"rules\": [...]}}} or one pattern a line (default: the citylots2 sets in --data)")
	fs.StringVar(&o.set, "set", "", "with --events-file: run only the rule set with this name")
	fs.IntVar(&o.reps, "reps", 3, "with --events-file: passes over the file per set; the best is reported")
	fs.StringVar(&o.quamina, "quamina", "", "with --events-file: quamina-bench's output for the same files, to print the ratios")
	return cmd
}

const benchPatternsHelp = `
Measures the EventBridge pattern matcher on one core (GOMAXPROCS=1):

  - CityLots-shaped records against event-ruler's 14 citylots2 rule sets;
  - security events varied from the shared samples against 1, 100, 1,000 and
    10,000 generated rules;
  - the time and memory to compile 10,000 and 100,000 rules.

It prints events/s, ns/event, CPU ns/event (the process's CPU time, which
moves less than the wall clock on a shared machine) and allocations per event. The rule sets and
sample events are read from --data (the repository's ../shared/data).

With --events-file it measures instead the way quamina-bench does, for a
side-by-side comparison: every rule set of --rules (default: the citylots2
sets) over the events of the file, one core, best of --reps, one line per set
with events/s, ns/event and the number of matches. Given quamina-bench's
output of the same file (--quamina), it also prints vigil/quamina per set and
the geometric mean over EXACT, PREFIX, WILDCARD, EQUALS_IGNORE_CASE and
ANYTHING_BUT, and exits with status 1 if a set's match counts differ or one of
those sets is missing from either side. scripts/bench-patterns-vs-quamina.sh
runs the whole comparison three times and prints min/median/max.`

func runBenchPatterns(ctx context.Context, std stdio, o benchPatternsOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(std.err, "vigil bench patterns: unexpected argument %q\n", args[0])
		return exitUsage
	}
	if o.eventsFile != "" {
		rules := o.rulesFile
		if rules == "" {
			rules = filepath.Join(o.data, "citylots", "citylots2_benchmark_rulesets.json")
		}
		return benchPatternsFile(ctx, std, o.eventsFile, rules, o.set, o.reps, o.quamina)
	}
	if _, err := os.Stat(o.data); err != nil {
		fmt.Fprintf(std.err, "vigil bench patterns: shared data not found at %s (set --data): %v\n", o.data, err)
		return exitUsage
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)

	sets, err := corpus.CityLotsRuleSets(o.data)
	if err != nil {
		fmt.Fprintln(std.err, "vigil bench patterns:", err)
		return exitFailure
	}
	secEvents, err := corpus.SecurityEvents(o.data, o.events, 1)
	if err != nil {
		fmt.Fprintln(std.err, "vigil bench patterns:", err)
		return exitFailure
	}
	plain, structured := corpus.CityLots(o.events, 1), corpus.CityLots2(o.events, 1)
	rules := corpus.SecurityRules(10000)
	var oneRule, tenThousand float64 // ns/event

	// Let the core reach its working clock before the first measurement.
	warm := pattern.NewMatcher()
	warm.AddPattern("w", []byte(`{"x":["y"]}`))
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
		for _, ev := range plain[:min(len(plain), 1000)] {
			warm.Match(ev)
		}
	}

	w := tabwriter.NewWriter(std.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "case\trules\tevents/s\tns/event\tCPU ns/event\tallocs/event\tmatches/event\t")
	defer w.Flush()
	row := func(name string, patterns [][]byte, events [][]byte) error {
		if o.only != "" && !contains(name, o.only) {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		m := pattern.NewMatcher()
		for i, p := range patterns {
			if err := m.AddPattern(fmt.Sprint("r", i), p); err != nil {
				return fmt.Errorf("%s rule %d: %w", name, i, err)
			}
		}
		var dst []string
		matches := 0
		for _, ev := range events {
			if dst, err = m.AppendMatches(dst[:0], ev); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			matches += len(dst)
		}
		res := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				dst, _ = m.AppendMatches(dst[:0], events[i%len(events)])
			}
		})
		ns := float64(res.T.Nanoseconds()) / float64(res.N)
		// The same number of events again, timed by CPU time: the ratio of
		// two rows then does not move with the machine's load.
		cpuNS := math.NaN()
		if before, ok := processCPU(); ok {
			for i := 0; i < res.N; i++ {
				dst, _ = m.AppendMatches(dst[:0], events[i%len(events)])
			}
			after, _ := processCPU()
			cpuNS = float64((after - before).Nanoseconds()) / float64(res.N)
		}
		switch name {
		case "security 1 rules":
			oneRule = cpuNS
		case "security 10000 rules":
			tenThousand = cpuNS
		}
		fmt.Fprintf(w, "%s\t%d\t%.0f\t%.0f\t%.0f\t%d\t%.3f\t\n", name, len(patterns), 1e9/ns, ns, cpuNS, res.AllocsPerOp(), float64(matches)/float64(len(events)))
		fmt.Fprintf(std.err, "%s: %.0f events/s\n", name, 1e9/ns)
		return nil
	}
	for _, rs := range sets {
		events := plain
		if corpus.UsesCityLots2(rs.Name) {
			events = structured
		}
		if err := row("citylots "+rs.Name, rs.Rules, events); err != nil {
			fmt.Fprintln(std.err, "vigil bench patterns:", err)
			return exitFailure
		}
	}
	for _, k := range []int{1, 100, 1000, 10000} {
		if err := row(fmt.Sprintf("security %d rules", k), rules[:k], secEvents); err != nil {
			fmt.Fprintln(std.err, "vigil bench patterns:", err)
			return exitFailure
		}
	}
	w.Flush()
	if oneRule > 0 && tenThousand > 0 {
		fmt.Fprintf(std.out, "\nsecurity 10000 rules cost %.2f× 1 rule per event (CPU time)\n\n", tenThousand/oneRule)
	}

	if o.only == "" || contains("compile", o.only) {
		for _, n := range []int{10000, 100000} {
			if err := benchCompile(std, corpus.SecurityRules(n), secEvents[0]); err != nil {
				fmt.Fprintln(std.err, "vigil bench patterns:", err)
				return exitFailure
			}
		}
	}
	return exitOK
}

// benchCompile times adding rules and building the index, and reports the
// heap the matcher holds.
func benchCompile(std stdio, rules [][]byte, ev []byte) error {
	runtime.GC()
	cpu0, haveCPU := processCPU()
	start := time.Now()
	m := pattern.NewMatcher()
	for i, r := range rules {
		if err := m.AddPattern(strconv.Itoa(i), r); err != nil {
			return err
		}
	}
	added := time.Since(start)
	if _, err := m.Match(ev); err != nil { // builds the index
		return err
	}
	total := time.Since(start)
	cpu := "unknown"
	if cpu1, _ := processCPU(); haveCPU {
		cpu = (cpu1 - cpu0).Round(time.Millisecond).String()
	}
	// What the matcher holds: the heap with it, less the heap without.
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	runtime.KeepAlive(m)
	m = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	fmt.Fprintf(std.out, "compile %d rules: %v (validate and add %v, build index %v), CPU time %s, heap held %.1f MiB\n",
		len(rules), total.Round(time.Millisecond), added.Round(time.Millisecond), (total - added).Round(time.Millisecond), cpu,
		float64(int64(with.HeapAlloc)-int64(without.HeapAlloc))/(1<<20))
	return nil
}

func contains(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// benchPatternsFile measures the matcher the way quamina-bench measures
// quamina, so that the two outputs compare line by line.
func benchPatternsFile(ctx context.Context, std stdio, eventsFile, rulesFile, only string, reps int, quaminaOut string) int {
	fail := func(err error) int {
		fmt.Fprintln(std.err, "vigil bench patterns:", err)
		return exitFailure
	}
	if reps < 1 {
		fmt.Fprintf(std.err, "vigil bench patterns: --reps %d: must be at least 1\n", reps)
		return exitUsage
	}
	events, err := corpus.ReadEvents(eventsFile)
	if err != nil {
		return fail(fmt.Errorf("--events-file: %w", err))
	}
	sets, err := corpus.ReadRuleSets(rulesFile)
	if err != nil {
		return fail(fmt.Errorf("--rules: %w", err))
	}
	var ref map[string]quaminaResult
	if quaminaOut != "" {
		if ref, err = readQuaminaOutput(quaminaOut); err != nil {
			return fail(fmt.Errorf("--quamina: %w", err))
		}
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)

	ratios := map[string]float64{}
	var problems []string // why the comparison does not hold
	for _, rs := range sets {
		if only != "" && rs.Name != only {
			continue
		}
		if ctx.Err() != nil {
			return fail(ctx.Err())
		}
		m := pattern.NewMatcher()
		for i, p := range rs.Rules {
			if err := m.AddPattern(strconv.Itoa(i), p); err != nil {
				return fail(fmt.Errorf("%s rule %d: %w", rs.Name, i, err))
			}
		}
		var dst []string
		best := time.Duration(math.MaxInt64)
		matches := -1
		for r := 0; r < reps; r++ {
			n := 0
			start := time.Now()
			for _, ev := range events {
				if dst, err = m.AppendMatches(dst[:0], ev); err != nil {
					return fail(fmt.Errorf("%s: %w", rs.Name, err))
				}
				n += len(dst)
			}
			best = min(best, time.Since(start))
			if matches >= 0 && n != matches {
				return fail(fmt.Errorf("%s: %d matches in one pass, %d in another", rs.Name, matches, n))
			}
			matches = n
		}
		ns := float64(best.Nanoseconds()) / float64(len(events))
		line := fmt.Sprintf("%-26s vigil   %9.0f events/s %7.0f ns/event  matches %d", rs.Name, 1e9/ns, ns, matches)
		if q, ok := ref[rs.Name]; ok {
			ratios[rs.Name] = q.ns / ns
			line += fmt.Sprintf("  vigil/quamina %.2f", q.ns/ns)
			if q.matches != matches {
				line += fmt.Sprintf("  MATCH COUNTS DIFFER (quamina %d)", q.matches)
				problems = append(problems, fmt.Sprintf("%s: vigil %d matches, quamina %d", rs.Name, matches, q.matches))
			}
		}
		fmt.Fprintln(std.out, line)
	}
	if ref == nil {
		return exitOK
	}
	prod, k := 1.0, 0
	for _, name := range ratioSets {
		r, ok := ratios[name]
		if !ok {
			if only == "" || only == name {
				problems = append(problems, fmt.Sprintf("%s: not measured by both (check --rules and the quamina-bench output)", name))
			}
			continue
		}
		prod *= r
		k++
	}
	if k > 0 {
		fmt.Fprintf(std.out, "geomean vigil/quamina over %d of %s: %.2f\n", k, strings.Join(ratioSets, ", "), math.Pow(prod, 1/float64(k)))
	}
	// A ratio means nothing unless both found the same matches; a script
	// that repeats the comparison stops on the exit status.
	for _, p := range problems {
		fmt.Fprintln(std.err, "vigil bench patterns: --quamina:", p)
	}
	if len(problems) > 0 {
		return exitFailure
	}
	return exitOK
}

// ratioSets are the rule sets the matcher is compared on (quamina supports
// them; the others it rejects).
var ratioSets = []string{"EXACT", "PREFIX", "WILDCARD", "EQUALS_IGNORE_CASE", "ANYTHING_BUT"}

type quaminaResult struct {
	ns      float64
	matches int
}

// readQuaminaOutput reads the lines quamina-bench prints for the sets it
// measured: NAME quamina N events/s NS ns/event matches M.
func readQuaminaOutput(path string) (map[string]quaminaResult, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]quaminaResult{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 8 || f[1] != "quamina" || f[5] != "ns/event" || f[6] != "matches" {
			continue
		}
		ns, err1 := strconv.ParseFloat(f[4], 64)
		m, err2 := strconv.Atoi(f[7])
		if err1 != nil || err2 != nil || ns <= 0 {
			return nil, fmt.Errorf("%s: cannot read %q", path, line)
		}
		out[f[0]] = quaminaResult{ns: ns, matches: m}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no quamina-bench result lines", path)
	}
	return out, nil
}
