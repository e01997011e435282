package server_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/vigilhq/vigil/internal/server"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// TestBenchIngestRuns checks that the benchmark itself works on a small
// run; the numbers come from vigil bench ingest or BenchmarkIngest.
func TestBenchIngestRuns(t *testing.T) {
	res, err := server.BenchIngest(context.Background(), server.BenchOptions{Events: 300, Connections: 8})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 300 || res.Delivered != 300 {
		t.Errorf("accepted %d, delivered %d of 300", res.Accepted, res.Delivered)
	}
	if res.RawElapsed <= 0 || res.Ratio() <= 0 {
		t.Errorf("raw reference not measured: raw %s, ratio %.2f", res.RawElapsed, res.Ratio())
	}
	t.Log(res)
}

// BenchmarkIngest posts events over HTTP to a server with 10 rules and a
// webhook target (SQLite, and PostgreSQL when VIGIL_TEST_POSTGRES_URL is
// set). VIGIL_BENCH_RATE paces posting (events/s) to measure latency at a
// given load.
func BenchmarkIngest(b *testing.B) {
	rate, _ := strconv.Atoi(os.Getenv("VIGIL_BENCH_RATE"))
	dbs := map[string]func() string{"sqlite": func() string { return "" }}
	if os.Getenv("VIGIL_TEST_POSTGRES_URL") != "" {
		dbs["postgres"] = func() string { return storetest.PostgresURL(b) }
	}
	for name, dsn := range dbs {
		b.Run(name, func(b *testing.B) {
			n := max(b.N, 1000)
			res, err := server.BenchIngest(context.Background(), server.BenchOptions{Database: dsn(), Events: n, Connections: 64, Rate: rate})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(res.AcceptRate(), "events/s")
			b.ReportMetric(res.Ratio(), "ratio-to-raw")
			b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
			b.Log(res)
		})
	}
}
