package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigilhq/vigil/internal/store/storetest"
)

// These tests run the real vigil binary and SIGKILL it.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// vigilBinary builds cmd/vigil once per test run.
func vigilBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills the vigil binary; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vigil-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "vigil")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, "github.com/vigilhq/vigil/cmd/vigil")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// hookReceiver is the webhook target: it records every delivery by its
// X-Vigil-Delivery id, duplicates included.
type hookReceiver struct {
	mu    sync.Mutex
	byID  map[string][]int // delivery id -> attempts seen
	total int
	srv   *httptest.Server
}

// newHookReceiver starts a receiver that takes delay to answer each
// request, so that deliveries are in flight when a process is killed.
func newHookReceiver(t *testing.T, delay time.Duration) *hookReceiver {
	h := &hookReceiver{byID: map[string][]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(delay)
		a, _ := strconv.Atoi(r.Header.Get("X-Vigil-Attempt"))
		h.mu.Lock()
		h.byID[r.Header.Get("X-Vigil-Delivery")] = append(h.byID[r.Header.Get("X-Vigil-Delivery")], a)
		h.total++
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) snapshot() (byID map[string][]int, total int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	byID = make(map[string][]int, len(h.byID))
	for k, v := range h.byID {
		byID[k] = append([]int(nil), v...)
	}
	return byID, h.total
}

// vigilProc is a running vigil serve.
type vigilProc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	err  error
	log  *bytes.Buffer
}

var servingRE = regexp.MustCompile(`"msg":"vigil serving","addr":"([^"]+)"`)

func startVigil(t *testing.T, bin, cfgPath, id string) *vigilProc {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--config", cfgPath, "--id", id, "--log-level", "info")
	cmd.Env = append(os.Environ(), "VIGIL_API_KEY=test-key")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &vigilProc{cmd: cmd, done: make(chan struct{}), log: &bytes.Buffer{}}
	addrCh := make(chan string, 1)
	var logMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if m := servingRE.FindSubmatch(line); m != nil {
				addrCh <- string(m[1])
			}
			if bytes.Contains(line, []byte(`"level":"WARN"`)) || bytes.Contains(line, []byte(`"level":"ERROR"`)) {
				logMu.Lock()
				if p.log.Len() < 1<<20 {
					p.log.Write(line)
					p.log.WriteByte('\n')
				}
				logMu.Unlock()
			}
		}
	}()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	select {
	case p.addr = <-addrCh:
	case <-p.done:
		t.Fatalf("vigil serve exited at start: %v", p.err)
	case <-time.After(60 * time.Second):
		t.Fatal("vigil serve did not start within 60s")
	}
	return p
}

func (p *vigilProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

func writeConfig(t *testing.T, dsn, hookURL string) string {
	t.Helper()
	cfg := fmt.Sprintf(`
database: %s
server:
  listen: 127.0.0.1:0
  api_keys: [env:VIGIL_API_KEY]
  drain_timeout: 10s
jobs:
  workers: 20
  timeout: 2s
  rescue_after: 3s
  poll_interval: 20ms
rules:
  - name: ssh-open-to-world
    event_pattern: {"source": ["aws.ec2"], "detail": {"eventName": ["AuthorizeSecurityGroupIngress"]}}
    targets:
      - id: ops-hook
        type: webhook
        url: %s
        input_transformer:
          input_paths_map: {"id": "$.id"}
          input_template: '{"event": <id>}'
        retry: {min_backoff: 50ms, max_backoff: 500ms}
`, dsn, hookURL)
	path := filepath.Join(t.TempDir(), "vigil.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func crashEvent(i int) []byte {
	return []byte(fmt.Sprintf(`{"version":"0","id":"crash-%04d","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"123456789012","time":"2024-01-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{"eventName":"AuthorizeSecurityGroupIngress"}}`, i))
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

// post sends event i to addr and reports whether vigil acknowledged it
// with a 2xx.
func post(addr string, i int) bool {
	req, _ := http.NewRequest("POST", "http://"+addr+"/events", bytes.NewReader(crashEvent(i)))
	req.Header.Set("x-api-key", "test-key")
	resp, err := httpClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var r struct {
		FailedEntryCount int
		Entries          []struct{ EventId string }
	}
	if resp.StatusCode/100 != 2 || json.NewDecoder(resp.Body).Decode(&r) != nil {
		return false
	}
	return r.FailedEntryCount == 0 && len(r.Entries) == 1 && r.Entries[0].EventId == fmt.Sprintf("crash-%04d", i)
}

// postAll posts events [from, to) with 8 senders, calling afterEach with
// the count of events posted so far; it returns which were acknowledged.
func postAll(addr func(i int) string, from, to int, afterEach func(n int64)) map[int]bool {
	var mu sync.Mutex
	acked := map[int]bool{}
	var next, done atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= to {
					return
				}
				if post(addr(i), i) {
					mu.Lock()
					acked[i] = true
					mu.Unlock()
				}
				if afterEach != nil {
					afterEach(done.Add(1))
				}
			}
		}()
	}
	wg.Wait()
	return acked
}

// checkDelivered waits (bounded) until every acknowledged event is
// delivered, then checks that every delivery id is an expected one and that
// any repeated delivery is a retry (attempt >= 2) of a job that was in
// flight in the killed process (sent, but its completion not yet recorded),
// never the same job run by two live workers. A worker records its job's
// completion right after the delivery, so at most bound (jobs.workers)
// deliveries can be sent but unrecorded at a kill.
func checkDelivered(t *testing.T, h *hookReceiver, acked map[int]bool, bound int) {
	t.Helper()
	want := func(i int) string { return fmt.Sprintf("id:crash-%04d/ssh-open-to-world/ops-hook", i) }
	deadline := time.Now().Add(90 * time.Second)
	var missing []int
	for {
		byID, _ := h.snapshot()
		missing = missing[:0]
		for i := range acked {
			if len(byID[want(i)]) == 0 {
				missing = append(missing, i)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(missing) > 0 {
		t.Fatalf("%d acknowledged events never delivered, e.g. %v", len(missing), missing[:min(10, len(missing))])
	}
	byID, total := h.snapshot()
	repeats := 0
	for id, attempts := range byID {
		if len(attempts) > 1 {
			repeats += len(attempts) - 1
			for _, a := range attempts[1:] {
				if a < 2 {
					t.Errorf("delivery %s repeated on attempt %d: two workers ran the same job", id, a)
				}
			}
		}
	}
	t.Logf("%d events acknowledged, %d delivery ids, %d requests (%d repeats of deliveries in flight at the kill; receivers drop them by X-Vigil-Delivery)", len(acked), len(byID), total, repeats)
	if repeats > bound {
		t.Errorf("%d repeated deliveries; at most %d jobs can be in flight", repeats, bound)
	}
	for id := range byID {
		var n int
		if _, err := fmt.Sscanf(id, "id:crash-%04d/ssh-open-to-world/ops-hook", &n); err != nil {
			t.Errorf("unexpected delivery id %q", id)
		}
	}
}

// TestCrashDuringIngest SIGKILLs vigil serve (SQLite) while 1,000 events
// are being posted; after a restart every event that got a 2xx is
// delivered, once per delivery id.
func TestCrashDuringIngest(t *testing.T) {
	bin := vigilBinary(t)
	h := newHookReceiver(t, 5*time.Millisecond)
	cfg := writeConfig(t, "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"), h.srv.URL)
	p := startVigil(t, bin, cfg, "crash-1")
	const total = 1000
	var killOnce sync.Once
	acked := postAll(func(int) string { return p.addr }, 0, total, func(n int64) {
		if n == 400 {
			killOnce.Do(func() { p.kill(t) })
		}
	})
	if len(acked) < 300 || len(acked) >= total {
		t.Fatalf("want the kill to interrupt the run, got %d of %d acknowledged", len(acked), total)
	}
	// Restart on the same file; the sender retries what was not
	// acknowledged (some of it was stored: those are duplicates now).
	p2 := startVigil(t, bin, cfg, "crash-2")
	var retry []int
	for i := range total {
		if !acked[i] {
			retry = append(retry, i)
		}
	}
	for _, i := range retry {
		if post(p2.addr, i) {
			acked[i] = true
		}
	}
	if len(acked) != total {
		t.Fatalf("after restart: %d of %d acknowledged", len(acked), total)
	}
	checkDelivered(t, h, acked, 20)
	// SIGTERM drains and exits cleanly.
	p2.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p2.done:
		if p2.err != nil {
			t.Errorf("vigil serve after SIGTERM: %v", p2.err)
		}
	case <-time.After(20 * time.Second):
		t.Error("vigil serve did not stop within its drain deadline after SIGTERM")
	}
}

// TestTwoReplicasOneKilled runs two vigil serve replicas on one PostgreSQL
// database, posts 1,000 events to both, and SIGKILLs one mid-run: every
// acknowledged event is delivered, and no job is run by two live replicas.
func TestTwoReplicasOneKilled(t *testing.T) {
	bin := vigilBinary(t)
	dsn := storetest.PostgresURL(t)
	h := newHookReceiver(t, 20*time.Millisecond)
	cfg := writeConfig(t, dsn, h.srv.URL)
	a := startVigil(t, bin, cfg, "replica-a")
	b := startVigil(t, bin, cfg, "replica-b")
	const total = 1000
	var killed atomic.Bool
	var killOnce sync.Once
	var inFlight atomic.Int64
	acked := postAll(func(i int) string {
		if i%2 == 0 && !killed.Load() {
			return a.addr
		}
		return b.addr
	}, 0, total, func(n int64) {
		if n == 400 {
			killOnce.Do(func() {
				a.kill(t)
				killed.Store(true)
				inFlight.Store(runningOn(t, dsn, "replica-a"))
			})
		}
	})
	// What replica A dropped at the kill, the sender retries on B.
	for i := range total {
		if !acked[i] && post(b.addr, i) {
			acked[i] = true
		}
	}
	if len(acked) != total {
		t.Fatalf("%d of %d acknowledged", len(acked), total)
	}
	t.Logf("%d jobs were running on the killed replica", inFlight.Load())
	if inFlight.Load() == 0 {
		t.Log("the kill caught no delivery in flight; the rescue path was not exercised this run")
	}
	checkDelivered(t, h, acked, 20)
	if errs := a.log.String() + b.log.String(); bytes.Contains([]byte(errs), []byte(`"level":"ERROR"`)) {
		t.Logf("errors logged:\n%s", errs)
	}
}

// runningOn counts the jobs River shows running on the replica named id.
func runningOn(t *testing.T, dsn, id string) int64 {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'running' AND attempted_by[array_upper(attempted_by, 1)] LIKE $1`, id+"%").Scan(&n); err != nil {
		t.Error(err)
	}
	return n
}

// TestReloadOnSIGHUP: SIGHUP switches vigil serve to the configuration file
// as it now is; a broken file keeps the running configuration (and
// POST /-/reload says why); SIGTERM then drains and exits 0.
func TestReloadOnSIGHUP(t *testing.T) {
	bin := vigilBinary(t)
	first, second := newHookReceiver(t, 0), newHookReceiver(t, 0)
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "vigil.db")
	cfgPath := writeConfig(t, dsn, first.srv.URL)
	p := startVigil(t, bin, cfgPath, "reload")
	if !post(p.addr, 1) {
		t.Fatal("event 1 not acknowledged")
	}
	waitDelivered(t, first, 1)

	// The target moves to the second receiver.
	text, _ := os.ReadFile(writeConfig(t, dsn, second.srv.URL))
	if err := os.WriteFile(cfgPath, text, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for i := 2; ; i++ {
		if !post(p.addr, i) {
			t.Fatalf("event %d not acknowledged (did SIGHUP stop the server? %v)", i, p.err)
		}
		if _, n := second.snapshot(); n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the reloaded target never received anything")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// A broken file is refused; the running configuration stays.
	if err := os.WriteFile(cfgPath, []byte("rules: [{name: x, event_pattern: {\"source\": \"not-an-array\"}}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "http://"+p.addr+"/-/reload", nil)
	req.Header.Set("x-api-key", "test-key")
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(body, []byte("running one stays")) || !bytes.Contains(body, []byte("event_pattern")) {
		t.Errorf("reload of a broken file: %d %s", resp.StatusCode, body)
	}
	_, before := second.snapshot()
	if !post(p.addr, 1000) {
		t.Fatal("event after a refused reload not acknowledged")
	}
	waitDelivered(t, second, before+1)

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("vigil serve after SIGTERM: %v", p.err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("vigil serve did not drain and exit after SIGTERM")
	}
}

func waitDelivered(t *testing.T, h *hookReceiver, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, total := h.snapshot(); total >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d deliveries after 30s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
