package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/ingest"
)

// BenchOptions configures BenchIngest.
type BenchOptions struct {
	// Database is the database of the server BenchIngest starts;
	// "" means a SQLite file in a temporary directory.
	Database string
	// Events is how many events to post.
	Events int
	// Connections is how many requests are in flight at once.
	Connections int
	// Rate, when > 0, paces posting at this many events per second (for
	// latency at a given load); 0 posts as fast as the server accepts.
	Rate int
	// Batch is how many events each request carries (1: one event per
	// request, as EventBridge API destinations send).
	Batch int
	// Workers is jobs.workers of the server.
	Workers int
	Logger  *slog.Logger
}

// BenchResult is what BenchIngest measured.
type BenchResult struct {
	Database  string
	Events    int
	Accepted  int
	Elapsed   time.Duration // first post to last acknowledgement
	Delivered int
	// DeliveredIn is from the first post to the last delivery.
	DeliveredIn time.Duration
	P50, P99    time.Duration // acknowledgement to delivery
	Max         time.Duration
}

// AcceptRate is the accepted events per second.
func (r *BenchResult) AcceptRate() float64 { return float64(r.Accepted) / r.Elapsed.Seconds() }

// String formats the result for people.
func (r *BenchResult) String() string {
	return fmt.Sprintf("database %s: %d events accepted in %s = %.0f events/s (each committed before its 2xx)\naccept-to-delivery: p50 %s, p99 %s, max %s (%d delivered, all within %s)",
		r.Database, r.Accepted, r.Elapsed.Round(time.Millisecond), r.AcceptRate(),
		r.P50.Round(100*time.Microsecond), r.P99.Round(100*time.Microsecond), r.Max.Round(100*time.Microsecond), r.Delivered, r.DeliveredIn.Round(time.Millisecond))
}

// benchRules is the number of rules the benchmark server has; each event
// matches one of them.
const benchRules = 10

// BenchIngest starts a vigil server (in this process) with ten rules, each
// with a webhook target pointing at a receiver in this process, posts
// events over HTTP and measures how many are accepted per second and how
// long each takes from its acknowledgement to its delivery.
func BenchIngest(ctx context.Context, o BenchOptions) (*BenchResult, error) {
	if o.Events <= 0 {
		o.Events = 10000
	}
	o.Connections = max(o.Connections, 1)
	o.Batch = max(o.Batch, 1)
	if o.Workers == 0 {
		o.Workers = 50
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	dir, err := os.MkdirTemp("", "vigil-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if o.Database == "" {
		o.Database = "sqlite://" + filepath.Join(dir, "vigil.db")
	}
	run := ingest.NewID()[:8]

	// The receiver notes when each event's delivery arrives.
	var mu sync.Mutex
	deliveredAt := make(map[string]time.Time, o.Events)
	rl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	recv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		now := time.Now()
		id := r.Header.Get("X-Vigil-Delivery") // id:<event id>/<rule>/<target>
		id = strings.TrimPrefix(id, "id:")
		if i := strings.IndexByte(id, '/'); i > 0 {
			id = id[:i]
		}
		mu.Lock()
		if _, seen := deliveredAt[id]; !seen {
			deliveredAt[id] = now
		}
		mu.Unlock()
	})}
	go recv.Serve(rl)
	defer recv.Close()

	var cfgText strings.Builder
	fmt.Fprintf(&cfgText, "database: %s\nserver:\n  listen: 127.0.0.1:0\n  no_auth: true\n  drain_timeout: 5s\njobs:\n  workers: %d\nrules:\n", o.Database, o.Workers)
	for i := range benchRules {
		fmt.Fprintf(&cfgText, `  - name: bench-%d
    event_pattern: {"source": ["vigil.bench"], "detail": {"rule": [%d]}}
    targets:
      - id: hook
        type: webhook
        url: http://%s/hook
        input_transformer:
          input_paths_map: {"id": "$.id", "n": "$.detail.n"}
          input_template: '{"event": <id>, "n": <n>}'
        retry: {min_backoff: 100ms, max_backoff: 1s}
`, i, i, rl.Addr())
	}
	cfg, err := config.Parse("bench.yaml", []byte(cfgText.String()))
	if err != nil {
		return nil, err
	}
	addrCh := make(chan string, 1)
	srvCtx, stopServer := context.WithCancel(ctx)
	srvDone := make(chan error, 1)
	go func() {
		srvDone <- Run(srvCtx, cfg, RunOptions{Logger: o.Logger, Listening: func(a string) { addrCh <- a }})
	}()
	var addr string
	select {
	case addr = <-addrCh:
	case err := <-srvDone:
		stopServer()
		return nil, fmt.Errorf("starting the server: %w", err)
	}
	defer func() {
		stopServer()
		<-srvDone
	}()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Connections, MaxConnsPerHost: o.Connections}, Timeout: 30 * time.Second}
	acceptedAt := make([]time.Time, o.Events)
	var accepted atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	var body bytes.Buffer
	for c := 0; c < o.Connections; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var body bytes.Buffer
			for {
				first := int(next.Add(int64(o.Batch))) - o.Batch
				if first >= o.Events || ctx.Err() != nil {
					return
				}
				last := min(first+o.Batch, o.Events)
				if o.Rate > 0 {
					if d := time.Until(start.Add(time.Duration(float64(first) / float64(o.Rate) * float64(time.Second)))); d > 0 {
						time.Sleep(d)
					}
				}
				body.Reset()
				if o.Batch > 1 {
					body.WriteByte('[')
				}
				for i := first; i < last; i++ {
					if i > first {
						body.WriteByte(',')
					}
					fmt.Fprintf(&body, `{"version":"0","id":"b-%s-%d","detail-type":"Bench","source":"vigil.bench","account":"123456789012","time":"2024-01-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{"rule":%d,"n":%d,"pad":"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"}}`, run, i, i%benchRules, i)
				}
				if o.Batch > 1 {
					body.WriteByte(']')
				}
				resp, err := client.Post("http://"+addr+"/events", "application/json", bytes.NewReader(body.Bytes()))
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				now := time.Now()
				if resp.StatusCode != 200 || bytes.Contains(b, []byte(`"ErrorCode"`)) {
					firstErr.CompareAndSwap(nil, fmt.Errorf("POST /events: %d %s", resp.StatusCode, b))
					continue
				}
				for i := first; i < last; i++ {
					acceptedAt[i] = now
				}
				accepted.Add(int64(last - first))
			}
		}()
	}
	_ = body
	wg.Wait()
	elapsed := time.Since(start)
	res := &BenchResult{Database: strings.SplitN(o.Database, ":", 2)[0], Events: o.Events, Accepted: int(accepted.Load()), Elapsed: elapsed}
	if e, ok := firstErr.Load().(error); ok && res.Accepted == 0 {
		return nil, e
	}
	// Wait (bounded) for every accepted event to be delivered.
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		mu.Lock()
		n := len(deliveredAt)
		mu.Unlock()
		if n >= res.Accepted {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	var lat []time.Duration
	var lastDelivery time.Time
	for i, at := range acceptedAt {
		if at.IsZero() {
			continue
		}
		d, ok := deliveredAt[fmt.Sprintf("b-%s-%d", run, i)]
		if !ok {
			continue
		}
		if d.After(lastDelivery) {
			lastDelivery = d
		}
		lat = append(lat, max(d.Sub(at), 0))
	}
	res.Delivered = len(lat)
	if len(lat) == 0 {
		return res, errors.New("no event was delivered")
	}
	slices.Sort(lat)
	res.P50 = lat[len(lat)/2]
	res.P99 = lat[min(len(lat)-1, len(lat)*99/100)]
	res.Max = lat[len(lat)-1]
	res.DeliveredIn = lastDelivery.Sub(start)
	if res.Delivered < res.Accepted {
		return res, fmt.Errorf("only %d of %d accepted events were delivered within 5 minutes", res.Delivered, res.Accepted)
	}
	return res, nil
}
