package server

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/pipeline"
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
	// Profile, when set, receives a CPU profile of the posting phase (first
	// post to last acknowledgement).
	Profile io.Writer
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
	// RawElapsed is how long the raw reference took to insert the same
	// number of event rows and one job row each (see rawInsertRate): the
	// median of rawRuns runs, each on its own a fraction of a second and
	// easily disturbed on a busy machine.
	RawElapsed time.Duration
	// CPU and RawCPU are the CPU time this process used while posting
	// (server, delivery and the posting client together) and during the
	// raw reference's median run: on a machine shared with other work
	// they compare the two more steadily than their rates.
	CPU, RawCPU time.Duration
}

// rawRuns is how many times the raw reference is measured.
const rawRuns = 3

// AcceptRate is the accepted events per second.
func (r *BenchResult) AcceptRate() float64 { return float64(r.Accepted) / r.Elapsed.Seconds() }

// RawRate is the raw reference's events per second (0 when not measured).
func (r *BenchResult) RawRate() float64 {
	if r.RawElapsed <= 0 {
		return 0
	}
	return float64(r.Events) / r.RawElapsed.Seconds()
}

// Ratio is AcceptRate over RawRate: how close durable acceptance comes to
// what the database does with the same rows and nothing else.
func (r *BenchResult) Ratio() float64 {
	if r.RawRate() == 0 {
		return 0
	}
	return r.AcceptRate() / r.RawRate()
}

// String formats the result for people.
func (r *BenchResult) String() string {
	s := fmt.Sprintf("database %s: %d events accepted in %s = %.0f events/s (each committed before its 2xx)\naccept-to-delivery: p50 %s, p99 %s, max %s (%d delivered, all within %s)",
		r.Database, r.Accepted, r.Elapsed.Round(time.Millisecond), r.AcceptRate(),
		r.P50.Round(100*time.Microsecond), r.P99.Round(100*time.Microsecond), r.Max.Round(100*time.Microsecond), r.Delivered, r.DeliveredIn.Round(time.Millisecond))
	if r.RawElapsed > 0 {
		s += fmt.Sprintf("\nraw reference: %d event rows + %d job rows in %s = %.0f events/s (batches of %d, one writer, median of %d runs)\nratio: %.2f of the raw rate\nCPU per event: vigil %.0f µs (server, delivery and posting client), raw %.0f µs",
			r.Events, r.Events, r.RawElapsed.Round(time.Millisecond), r.RawRate(), rawBatch, rawRuns, r.Ratio(),
			float64(r.CPU.Microseconds())/float64(max(r.Accepted, 1)), float64(r.RawCPU.Microseconds())/float64(r.Events))
	}
	return s
}

// benchRules is the number of rules the benchmark server has; each event
// matches one of them.
const benchRules = 10

// BenchIngest starts a vigil server (in this process) with ten rules, each
// with a webhook target pointing at a receiver in this process, posts
// events over HTTP and measures how many are accepted per second and how
// long each takes from its acknowledgement to its delivery. Then, with the
// server stopped, it measures the raw reference on the same database
// (rawInsertRate).
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
		srvDone <- RunConfig(srvCtx, cfg, pipeline.Deps{Logger: o.Logger}, RunOptions{Listening: func(a string) { addrCh <- a }})
	}()
	var addr string
	select {
	case addr = <-addrCh:
	case err := <-srvDone:
		stopServer()
		return nil, fmt.Errorf("starting the server: %w", err)
	}
	serverStopped := false
	defer func() {
		if !serverStopped {
			stopServer()
			<-srvDone
		}
	}()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Connections, MaxConnsPerHost: o.Connections}, Timeout: 30 * time.Second}
	acceptedAt := make([]time.Time, o.Events)
	var accepted atomic.Int64
	var firstErr atomic.Value
	if o.Profile != nil {
		if err := pprof.StartCPUProfile(o.Profile); err != nil {
			return nil, err
		}
	}
	cpu0 := cpuTime()
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
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
					body.Write(benchEvent(fmt.Sprintf("b-%s-%d", run, i), i))
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
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	if o.Profile != nil {
		pprof.StopCPUProfile()
	}
	res := &BenchResult{Database: strings.SplitN(o.Database, ":", 2)[0], Events: o.Events, Accepted: int(accepted.Load()), Elapsed: elapsed, CPU: cpu}
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
	// The raw reference runs alone: the server stopped, nothing else on
	// the database.
	stopServer()
	serverStopped = true
	if err := <-srvDone; err != nil && !errors.Is(err, context.Canceled) {
		return nil, fmt.Errorf("stopping the server: %w", err)
	}
	type rawRun struct{ elapsed, cpu time.Duration }
	var raws []rawRun
	for k := range rawRuns {
		c0 := cpuTime()
		d, err := rawInsertRate(ctx, o.Database, fmt.Sprintf("%s-%d", run, k), o.Events)
		if err != nil {
			return nil, err
		}
		raws = append(raws, rawRun{d, cpuTime() - c0})
	}
	slices.SortFunc(raws, func(a, b rawRun) int { return cmp.Compare(a.elapsed, b.elapsed) })
	res.RawElapsed, res.RawCPU = raws[len(raws)/2].elapsed, raws[len(raws)/2].cpu
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

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
