package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/vigilhq/vigil/internal/corpus"
	"github.com/vigilhq/vigil/pattern"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "measure vigil: bench patterns (the matcher), bench ingest (the server)",
		run: func(ctx context.Context, std stdio, args []string) int {
			return subcommand(ctx, std, "bench", args, map[string]*command{
				"patterns": {name: "patterns", summary: "events/s of the pattern matcher on CityLots and security events", run: runBenchPatterns},
				"ingest":   benchIngest,
			})
		},
	})
}

func runBenchPatterns(ctx context.Context, std stdio, args []string) int {
	fs := newFlags(std, "bench patterns", "", `
Measures the EventBridge pattern matcher on one core (GOMAXPROCS=1):

  - CityLots-shaped records against event-ruler's 14 citylots2 rule sets;
  - security events varied from the shared samples against 1, 100, 1,000 and
    10,000 generated rules;
  - the time and memory to compile 10,000 rules.

It prints events/s, ns/event and allocations per event. The rule sets and
sample events are read from --data (the repository's ../shared/data).`)
	data := fs.String("data", "../shared/data", "directory of the shared test data")
	n := fs.Int("events", 20000, "number of generated events per corpus")
	only := fs.String("only", "", "run only cases whose name contains this text")
	if code, ok := parseFlags(fs, std, args); !ok {
		return code
	}
	if _, err := os.Stat(*data); err != nil {
		fmt.Fprintf(std.err, "vigil bench patterns: shared data not found at %s (set --data): %v\n", *data, err)
		return exitUsage
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)

	sets, err := corpus.CityLotsRuleSets(*data)
	if err != nil {
		fmt.Fprintln(std.err, "vigil bench patterns:", err)
		return exitFailure
	}
	secEvents, err := corpus.SecurityEvents(*data, *n, 1)
	if err != nil {
		fmt.Fprintln(std.err, "vigil bench patterns:", err)
		return exitFailure
	}
	plain, structured := corpus.CityLots(*n, 1), corpus.CityLots2(*n, 1)
	rules := corpus.SecurityRules(10000)

	// Let the core reach its working clock before the first measurement.
	warm := pattern.NewMatcher()
	warm.AddPattern("w", []byte(`{"x":["y"]}`))
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
		for _, ev := range plain[:min(len(plain), 1000)] {
			warm.Match(ev)
		}
	}

	w := tabwriter.NewWriter(std.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "case\trules\tevents/s\tns/event\tallocs/event\tmatches/event\t")
	defer w.Flush()
	row := func(name string, patterns [][]byte, events [][]byte) error {
		if *only != "" && !contains(name, *only) {
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
		fmt.Fprintf(w, "%s\t%d\t%.0f\t%.0f\t%d\t%.3f\t\n", name, len(patterns), 1e9/ns, ns, res.AllocsPerOp(), float64(matches)/float64(len(events)))
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

	if *only == "" || contains("compile", *only) {
		start := time.Now()
		m := pattern.NewMatcher()
		for i, r := range rules {
			if err := m.AddPattern(fmt.Sprint("r", i), r); err != nil {
				fmt.Fprintln(std.err, "vigil bench patterns:", err)
				return exitFailure
			}
		}
		added := time.Since(start)
		if _, err := m.Match(secEvents[0]); err != nil { // builds the index
			fmt.Fprintln(std.err, "vigil bench patterns:", err)
			return exitFailure
		}
		total := time.Since(start)
		// What the matcher holds: the heap with it, less the heap without.
		var with, without runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&with)
		runtime.KeepAlive(m)
		m = nil
		runtime.GC()
		runtime.ReadMemStats(&without)
		fmt.Fprintf(std.out, "\ncompile 10000 rules: %v (validate and add %v, build index %v), heap held %.1f MiB\n",
			total.Round(time.Millisecond), added.Round(time.Millisecond), (total - added).Round(time.Millisecond),
			float64(int64(with.HeapAlloc)-int64(without.HeapAlloc))/(1<<20))
	}
	return exitOK
}

func contains(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
