// Package sandbox is a simulated AWS account: an in-memory, stateful server
// on 127.0.0.1 that real AWS clients (aws-sdk-go-v2, the AWS CLI) talk to
// unchanged, only the endpoint URL differs.
//
// It speaks the wire protocols the current clients use: EC2 query, the AWS
// query protocol (IAM, STS, SNS, and SQS and CloudWatch for older clients),
// JSON 1.0 (SQS), JSON 1.1 (Secrets Manager), RPC v2 CBOR (CloudWatch),
// REST-XML (S3, path or virtual-host style) and REST-JSON (Security Hub).
//
// Use it from Go tests:
//
//	sb, err := sandbox.Start(ctx, sandbox.Options{Scenario: sandbox.Demo()})
//	defer sb.Close()
//	t.Setenv("AWS_ENDPOINT_URL", sb.URL())
//
// and inspect what happened with State, Calls and the /_sandbox/ HTTP
// endpoints; inject throttling, latency and failures with AddFault.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"
)

// Options configure a sandbox.
type Options struct {
	// Addr to listen on; default "127.0.0.1:0" (a free port).
	Addr string
	// Scenario seeds the state; nil means an empty account 000000000000.
	Scenario *Scenario
	// Findings adds that many generated Security Hub findings with a
	// realistic mix of controls, severities, workflow and record states.
	Findings int
	// Seed makes generated ids, findings and fault rates reproducible;
	// zero picks 1.
	Seed uint64
	// Listener, if set, is used instead of listening on Addr.
	Listener net.Listener
	// TrailDir, if set, receives the CloudTrail record of every call the
	// sandbox serves, as gzipped log files in CloudTrail's S3 layout
	// (AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/...json.gz).
	TrailDir string
	// EventsURL, if set, receives what AWS would send to EventBridge: an
	// "AWS API Call via CloudTrail" event for every call that changes
	// something, and the GuardDuty, Security Hub and CloudWatch alarm
	// events the sandbox produces, POSTed as JSON arrays (vigil's
	// POST /events), with EventsAPIKey in x-api-key.
	EventsURL    string
	EventsAPIKey string
	// MaxObjectBytes bounds the S3 object bytes kept in memory; 256 MiB
	// when zero.
	MaxObjectBytes int64
	// Logger receives the sandbox's own warnings (a log file or an event
	// that could not be delivered); nothing is logged when nil.
	Logger *slog.Logger
}

// Sandbox is a running simulated AWS account. Its methods are safe for
// concurrent use.
type Sandbox struct {
	opts Options
	ln   net.Listener
	srv  *http.Server
	url  string

	services *serviceTable

	closing   chan struct{}
	closeOnce sync.Once

	mu          sync.Mutex // guards everything below
	sc          *Scenario  // the scenario as loaded, for Reset
	st          *world
	rnd         *rand.Rand
	calls       []*Call
	callSeq     int64
	callBytes   int   // estimated bytes held by calls
	objectBytes int64 // S3 object bodies held
	trailBuf    map[trailKey]*trailBuffer

	trailMu   sync.Mutex // one CloudTrail file writer at a time
	trailWake chan struct{}
	sink      *eventSink
	log       *slog.Logger
	snsClient *http.Client   // SNS deliveries to HTTP(S) endpoints
	attack    *AttackReport  // what the scenario's attack did
	snsWG     sync.WaitGroup // deliveries in flight
	faults    []*activeFault
	faultSeq  int
	reqSeq    uint64
}

// Start listens and serves until Close or until ctx is done.
func Start(ctx context.Context, opts Options) (*Sandbox, error) {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	sc := opts.Scenario
	if sc == nil {
		sc = &Scenario{Name: "empty", Accounts: []*Account{{ID: "000000000000"}}}
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	sb := &Sandbox{opts: opts, closing: make(chan struct{}), sc: sc, services: newServiceTable(),
		trailBuf: map[trailKey]*trailBuffer{}, trailWake: make(chan struct{}, 1), log: opts.Logger,
		snsClient: &http.Client{Timeout: 5 * time.Second}}
	if sb.log == nil {
		sb.log = slog.New(slog.DiscardHandler)
	}
	if opts.TrailDir != "" {
		if err := os.MkdirAll(opts.TrailDir, 0o755); err != nil {
			return nil, fmt.Errorf("sandbox: trail directory: %w", err)
		}
	}
	if opts.EventsURL != "" {
		u, err := url.Parse(opts.EventsURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("sandbox: events URL %q is not an http(s) URL", opts.EventsURL)
		}
		sb.sink = newEventSink(opts.EventsURL, opts.EventsAPIKey, sb.log)
	}
	ln := opts.Listener
	if ln == nil {
		addr := opts.Addr
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		var err error
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("sandbox: listen on %s: %w", addr, err)
		}
	}
	sb.ln = ln
	sb.url = "http://" + ln.Addr().String()
	if err := sb.load(); err != nil {
		ln.Close()
		return nil, err
	}
	sb.srv = &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	go sb.srv.Serve(ln)
	go sb.runTrailWriter()
	if sc.Attack != "" {
		rep, err := sb.Play(ctx, sc.Attack)
		sb.attack = rep
		if err != nil {
			sb.Close()
			return nil, fmt.Errorf("sandbox: playing attack %s: %w", sc.Attack, err)
		}
	}
	go func() {
		select {
		case <-ctx.Done():
			sb.Close()
		case <-sb.closing:
		}
	}()
	return sb, nil
}

// load (re)builds the state from the scenario; the caller holds mu or owns sb.
func (sb *Sandbox) load() error {
	sb.rnd = rand.New(rand.NewPCG(sb.opts.Seed, 0x5eed))
	sb.objectBytes = 0
	w, err := newWorld(sb, sb.sc)
	if err != nil {
		return err
	}
	sb.st = w
	n := sb.opts.Findings + sb.sc.GeneratedFindings
	if n > 0 {
		w.generateFindings(n, sb.rnd)
	}
	return nil
}

// URL is the endpoint to give clients, e.g. http://127.0.0.1:40123.
func (sb *Sandbox) URL() string { return sb.url }

// Close stops the server; pending long polls return at once.
func (sb *Sandbox) Close() error {
	var err error
	sb.closeOnce.Do(func() {
		close(sb.closing)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = sb.srv.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = sb.srv.Close()
		}
		// What was recorded goes out before the sandbox is gone.
		if ferr := sb.Flush(ctx); err == nil && !errors.Is(ferr, context.DeadlineExceeded) {
			err = ferr
		}
		if sb.sink != nil {
			sb.sink.close()
		}
	})
	return err
}

// Reset restores the scenario's state and forgets calls and faults.
func (sb *Sandbox) Reset() error {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.st.wakeAll()
	sb.calls = nil
	sb.callBytes = 0
	sb.faults = nil
	return sb.load()
}

// Seed adds a scenario's accounts, resources and findings to the running
// sandbox (merging into accounts and regions that already exist). Reset
// forgets them.
func (sb *Sandbox) Seed(sc *Scenario) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if err := sb.st.merge(sc); err != nil {
		return err
	}
	if sc.GeneratedFindings > 0 {
		sb.st.generateFindings(sc.GeneratedFindings, sb.rnd)
	}
	return nil
}

// State returns a deep copy of the current state in the shape of a
// Scenario, so it can be inspected, or saved and loaded again. Security Hub
// findings are left out (there may be 100,000 of them): use Finding,
// FindingCount or the Security Hub API.
func (sb *Sandbox) State() *Scenario {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.st.snapshot(false)
}

// Calls returns every API call received so far, oldest first.
func (sb *Sandbox) Calls() []Call {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	out := make([]Call, len(sb.calls))
	for i, c := range sb.calls {
		out[i] = *c
	}
	return out
}

// Finding returns the stored ASFF JSON of the finding with this Id.
func (sb *Sandbox) Finding(id string) ([]byte, bool) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	f := sb.st.findings.byID[id]
	if f == nil {
		return nil, false
	}
	return append([]byte(nil), f.raw...), true
}

// FindingCount is the number of Security Hub findings held, all accounts
// and regions together.
func (sb *Sandbox) FindingCount() int {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return len(sb.st.findings.list)
}

// AttackReport is what the scenario's attack did when Start played it;
// nil when the scenario has no attack.
func (sb *Sandbox) AttackReport() *AttackReport { return sb.attack }
