package pattern

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/corpus"
	"github.com/vigilhq/vigil/internal/shareddata"
)

// The benchmarks report events/s on one goroutine (run with -cpu 1 for one
// core), ns/event and allocations per event. `vigil bench patterns` prints
// the same measurements as a table.

func benchMatch(b *testing.B, m *Matcher, events [][]byte) {
	b.Helper()
	var dst []string
	matched := 0
	// Warm up: build the index and the scratch pool outside the timing.
	for _, ev := range events[:min(len(events), 100)] {
		if _, err := m.AppendMatches(dst[:0], ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		var err error
		dst, err = m.AppendMatches(dst[:0], events[i%len(events)])
		if err != nil {
			b.Fatal(err)
		}
		matched += len(dst)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	_ = matched
}

func BenchmarkCityLots(b *testing.B) {
	sets, err := corpus.CityLotsRuleSets(shareddata.Dir(b, ""))
	if err != nil {
		b.Fatal(err)
	}
	plain, structured := corpus.CityLots(20000, 1), corpus.CityLots2(20000, 1)
	for _, rs := range sets {
		b.Run(rs.Name, func(b *testing.B) {
			events := plain
			if corpus.UsesCityLots2(rs.Name) {
				events = structured
			}
			m := NewMatcher()
			for i, r := range rs.Rules {
				if err := m.AddPattern(fmt.Sprint(rs.Name, i), r); err != nil {
					b.Fatal(err)
				}
			}
			benchMatch(b, m, events)
		})
	}
}

func BenchmarkSecurityRules(b *testing.B) {
	events, err := corpus.SecurityEvents(shareddata.Dir(b, ""), 5000, 1)
	if err != nil {
		b.Fatal(err)
	}
	rules := corpus.SecurityRules(10000)
	for _, n := range []int{1, 100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			m := NewMatcher()
			for i, r := range rules[:n] {
				if err := m.AddPattern(fmt.Sprint("r", i), r); err != nil {
					b.Fatal(err)
				}
			}
			benchMatch(b, m, events)
		})
	}
}

// BenchmarkCompile measures adding 10,000 and 100,000 rules and building the
// index, and the heap the matcher holds afterwards.
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			rules := corpus.SecurityRules(n)
			ev := []byte(`{"source":"x"}`)
			var heap uint64
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				m := NewMatcher()
				for i, r := range rules {
					if err := m.AddPattern(fmt.Sprint("r", i), r); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := m.Match(ev); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap = after.HeapAlloc - before.HeapAlloc
				runtime.KeepAlive(m)
			}
			b.ReportMetric(float64(heap)/(1<<20), "MiB-held")
		})
	}
}
