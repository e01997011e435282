package explain

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/vigilhq/vigil/event"
)

func benchEvent(b *testing.B) *event.Event {
	raw, err := os.ReadFile("../../../shared/data/events/securityhub_findings_imported.fsbp_ec2_7.json")
	if err != nil {
		b.Fatal(err)
	}
	ev, err := event.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	return ev
}

// BenchmarkBuiltinSecurityHub measures the built-in explanation of a
// Security Hub finding (extraction, knowledge lookup, prose), and reports
// the 99th percentile of single explanations as p99-ns. The target is a
// p99 under 1 ms.
func BenchmarkBuiltinSecurityHub(b *testing.B) {
	for _, lang := range []Lang{EN, JA} {
		b.Run(string(lang), func(b *testing.B) {
			ev := benchEvent(b)
			ctx := context.Background()
			opts := Options{Lang: lang}
			if _, err := (Builtin{}).Explain(ctx, ev, opts); err != nil { // warm the catalogs
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if _, err := (Builtin{}).Explain(ctx, ev, opts); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
		})
	}
}

// BenchmarkRender measures rendering one explanation in each format.
func BenchmarkRender(b *testing.B) {
	x, err := (Builtin{}).Explain(context.Background(), benchEvent(b), Options{Lang: JA})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []Format{Markdown, Text, Slack, JSON} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if err := Render(discard{}, x, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
