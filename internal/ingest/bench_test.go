package ingest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/vigilhq/vigil/internal/config"
	vpipeline "github.com/vigilhq/vigil/internal/pipeline"
)

// BenchmarkAccept accepts events one per call from 64 concurrent callers
// (as 64 HTTP connections do), on SQLite, through ten rules each with a
// webhook target whose input transformer renders two values: one op is
// one event parsed, routed and committed with its delivery job. The
// pipeline is assembled, not started: no job is worked, so the time and
// allocations are the accept path's own.
func BenchmarkAccept(b *testing.B) {
	cfg := "database: sqlite://" + filepath.Join(b.TempDir(), "v.db") + "\nrules:\n"
	for i := range 10 {
		cfg += fmt.Sprintf(`  - name: bench-%d
    event_pattern: {"source": ["vigil.bench"], "detail": {"rule": [%d]}}
    targets:
      - id: hook
        type: webhook
        url: http://127.0.0.1:9/hook
        input_transformer:
          input_paths_map: {"id": "$.id", "n": "$.detail.n"}
          input_template: '{"event": <id>, "n": <n>}'
`, i, i)
	}
	c, err := config.Parse("bench.yaml", []byte(cfg))
	if err != nil {
		b.Fatal(err)
	}
	p, err := vpipeline.New(context.Background(), c, vpipeline.Deps{})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Stop(context.Background())
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			raw := fmt.Appendf(nil, `{"version":"0","id":"b-%d","detail-type":"Bench","source":"vigil.bench","account":"123456789012","time":"2024-01-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{"rule":%d,"n":%d,"pad":"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"}}`, i, i%10, i)
			if r := p.Accept(context.Background(), "http", [][]byte{raw}); r[0].Err != nil || r[0].Duplicate {
				b.Fatalf("event %d: %+v", i, r[0])
			}
		}
	})
}
