package explain

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/shareddata"
)

func benchEvent(b *testing.B) *event.Event {
	raw, err := os.ReadFile(filepath.Join(shareddata.Dir(b, "events"), "securityhub_findings_imported.fsbp_ec2_7.json"))
	if err != nil {
		b.Fatal(err)
	}
	ev, err := event.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	return ev
}

// benchSamples are the events BenchmarkBuiltin explains: kept with the
// package (testdata/events) so that it runs on a fresh clone.
var benchSamples = []string{
	"securityhub.s3_8_bucket",
	"guardduty.exfiltration_s3_anomalousbehavior",
	"cloudtrail.ec2_authorizesecuritygroupingress_world",
	"inspector.package_vulnerability_ec2",
}

// typedView decodes the detail of ev as the engine reads it.
func typedView(ev *event.Event) error {
	var err error
	switch ev.Kind() {
	case event.KindSecurityHub:
		_, err = ev.SecurityHub()
	case event.KindGuardDuty:
		_, err = ev.GuardDuty()
	case event.KindCloudTrail, event.KindConsoleSignIn:
		_, err = ev.CloudTrail()
	case event.KindInspector:
		_, err = ev.Inspector()
	}
	return err
}

// BenchmarkBuiltin measures one built-in explanation of an event already
// parsed (the pipeline parses an event once, when it arrives, and its
// typed views are decoded once), per sample and language. Each iteration
// also times two references on the same event, so that a loaded machine
// weighs on all three alike:
//
//   - valid: json.Valid on the raw event;
//   - decode: event.Parse and the typed decode of its detail, the work the
//     engine used to repeat on every call.
//
// It reports the explanation's p99 on the wall clock (p99-ns, target under
// 1 ms) and on the thread's CPU clock (cpu-p99-ns, Linux: the time other
// processes hold the CPU is not counted), and the CPU p99 as a ratio to the
// references' CPU p99 (x-valid, x-decode), which compare across machines
// and loads. ns/op and allocs/op include the references.
func BenchmarkBuiltin(b *testing.B) {
	for _, name := range benchSamples {
		raw, err := os.ReadFile(filepath.Join("testdata", "events", name+".json"))
		if err != nil {
			b.Fatal(err)
		}
		for _, lg := range lang.All() {
			b.Run(name+"/"+string(lg), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				ev, err := event.Parse(raw)
				if err != nil {
					b.Fatal(err)
				}
				ctx := context.Background()
				opts := Options{Lang: lg}
				if _, err := (Builtin{}).Explain(ctx, ev, opts); err != nil { // warm the catalogs and the views
					b.Fatal(err)
				}
				wall := make([]time.Duration, 0, b.N)
				cpu := make([]time.Duration, 0, b.N)
				valid := make([]time.Duration, 0, b.N)
				decode := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					c0 := threadCPU()
					if !json.Valid(raw) {
						b.Fatal("invalid")
					}
					c1 := threadCPU()
					e2, err := event.Parse(raw)
					if err == nil {
						err = typedView(e2)
					}
					if err != nil {
						b.Fatal(err)
					}
					c2 := threadCPU()
					t0 := time.Now()
					if _, err := (Builtin{}).Explain(ctx, ev, opts); err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					c3 := threadCPU()
					valid = append(valid, c1-c0)
					decode = append(decode, c2-c1)
					cpu = append(cpu, c3-c2)
					wall = append(wall, t1.Sub(t0))
				}
				b.StopTimer()
				p := p99(cpu)
				b.ReportMetric(float64(p99(wall).Nanoseconds()), "p99-ns")
				if threadCPUClock {
					b.ReportMetric(float64(p.Nanoseconds()), "cpu-p99-ns")
				}
				b.ReportMetric(float64(p)/float64(p99(valid)), "x-valid")
				b.ReportMetric(float64(p)/float64(p99(decode)), "x-decode")
			})
		}
	}
}

func p99(d []time.Duration) time.Duration {
	slices.Sort(d)
	p := d[len(d)*99/100]
	if p <= 0 {
		p = 1
	}
	return p
}

// BenchmarkBuiltinCold measures parsing a raw event and explaining it, in
// both languages, as for an event explained once: the upper bound of what
// one event costs the built-in engine.
func BenchmarkBuiltinCold(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "events", benchSamples[0]+".json"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		ev, err := event.Parse(raw)
		if err != nil {
			b.Fatal(err)
		}
		for _, lg := range lang.All() {
			if _, err := (Builtin{}).Explain(ctx, ev, Options{Lang: lg}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkRender measures rendering one explanation in each format.
func BenchmarkRender(b *testing.B) {
	x, err := (Builtin{}).Explain(context.Background(), benchEvent(b), Options{Lang: lang.JA})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []Format{Markdown, Text, JSON} {
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

// BenchmarkExplanationJSON measures storing and loading one explanation
// as JSON, as a shared explanation is kept.
func BenchmarkExplanationJSON(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "events", benchSamples[0]+".json"))
	if err != nil {
		b.Fatal(err)
	}
	ev, err := event.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	x, err := (Builtin{}).Explain(context.Background(), ev, Options{Lang: lang.JA})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for range b.N {
		body, err := json.Marshal(x)
		if err != nil {
			b.Fatal(err)
		}
		var y Explanation
		if err := json.Unmarshal(body, &y); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(body)))
	}
}
