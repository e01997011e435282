package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/buildinfo"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/console"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/schedule"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/target"
)

// RunOptions are what vigil serve adds to the configuration file.
type RunOptions struct {
	// SQSQueueURL overrides sqs.queue_url.
	SQSQueueURL string
	// Listening, when set, receives the HTTP address once the server
	// accepts connections (useful with listen: 127.0.0.1:0).
	Listening func(addr string)
	// Explain, when set, answers /invocations.
	Explain Explainer
	// Load reads the configuration file again, fully checked, for a
	// reload (POST /-/reload, and each receive on Reload); nil turns
	// reloading off.
	Load func() (*config.Config, error)
	// Reload asks for a reload (vigil serve sends on it at SIGHUP).
	Reload <-chan struct{}
}

// Run is vigil serve around an assembled pipeline: it starts the pipeline's
// jobs, the HTTP API, the SQS consumer and the schedules, and runs until
// ctx ends. Then it drains: /readyz fails, the SQS consumer and the HTTP
// server stop taking events, events already received are committed, and
// running deliveries get until server.drain_timeout to finish (unfinished
// ones are retried on the next start, by this or another replica). Run
// stops the pipeline before it returns.
func Run(ctx context.Context, p *pipeline.Pipeline, opts RunOptions) error {
	cfg := p.Config()
	log := p.Logger()
	auth, err := ResolveAuth(ctx, cfg.Server, p.Secrets())
	if err != nil {
		p.Stop(ctx)
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(p.Collectors()...)
	reg.MustRegister(buildinfo.Current().Collector())

	explainer := opts.Explain
	if explainer == nil {
		// /invocations answers with the configured engine's explanation,
		// as Markdown, like the AgentCore agent it replaces.
		opts := target.ExplainOptions(cfg, "", "", "")
		explainer = func(ctx context.Context, ev *event.Event) (any, error) {
			x, err := p.Explainer().Explain(ctx, ev, opts)
			if err != nil {
				return nil, err
			}
			return string(explain.RenderMarkdown(x)), nil
		}
	}
	metrics := MetricsAuth{Mode: cfg.Server.Metrics.Auth}
	if cfg.Server.Metrics.Key != "" {
		if metrics.Key, err = p.Secrets().Resolve(ctx, cfg.Server.Metrics.Key); err != nil {
			p.Stop(ctx)
			return fmt.Errorf("server.metrics.key: %w", err)
		}
	}
	st := p.Store()
	srv := &Server{Ingester: p.Ingester(), Auth: auth, Metrics: metrics, Registry: reg, Ready: st.Ping, Explain: explainer, Logger: log, Investigate: p.Investigate(),
		Explanations: func(ctx context.Context, eventID string) ([]*store.Explanation, error) {
			return store.Explanations(ctx, st.Q(), eventID)
		}, Remediation: p.Remediation()}
	srv.Asker = p.Asker()
	if sc := cfg.Ask.Slack; sc != nil {
		if srv.AskSlack, err = resolveAskSlack(ctx, sc, p.Secrets()); err != nil {
			p.Stop(ctx)
			return err
		}
		// Answers go to the response_url a request names: through the
		// network guard, as every configured destination.
		srv.AskSlack.HTTPClient = p.Net().Client(netguard.Dest{}, netguard.ClientOptions{Timeout: 30 * time.Second, FollowRedirects: true})
	}
	srv.Operator = p.Operator()
	if ref := cfg.Remediation.SlackSigningSecret; ref != "" {
		if srv.SlackSigningSecret, err = p.Secrets().Resolve(ctx, ref); err != nil {
			p.Stop(ctx)
			return fmt.Errorf("remediation.slack_signing_secret: %w", err)
		}
	}
	var con *console.Console
	if len(cfg.Server.Users) > 0 {
		if con, err = newConsole(ctx, p); err != nil {
			p.Stop(ctx)
			return err
		}
		srv.Console = con.Handler()
	}
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		p.Stop(ctx)
		return fmt.Errorf("server.listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute}

	if err := p.Start(ctx); err != nil {
		ln.Close()
		p.Stop(ctx)
		return err
	}
	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	// Every replica fires the schedules; each firing's event has a fixed
	// id, so it is stored and routed once per cluster. A reload restarts
	// them with the new list.
	var schedMu sync.Mutex
	stopSchedules := func() {}
	startSchedules := func() {
		schedMu.Lock()
		defer schedMu.Unlock()
		stopSchedules()
		list := p.Schedules()
		sctx, cancel := context.WithCancel(bg)
		done := make(chan struct{})
		stopSchedules = func() { cancel(); <-done }
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			schedule.Run(sctx, list, func(ctx context.Context, raw []byte) error {
				return p.Accept(ctx, "schedule", [][]byte{raw})[0].Err
			}, log)
		}()
	}
	startSchedules()
	if opts.Load != nil {
		srv.Reload = func(ctx context.Context) (*ReloadResult, error) {
			cfg, err := opts.Load()
			if err != nil {
				log.Error("reload refused; the running configuration stays", "error", err.Error())
				return nil, err
			}
			// server.users is resolved first: a password that does not
			// resolve refuses the whole reload.
			var users []console.User
			if con != nil {
				if users, err = console.ResolveUsers(ctx, cfg.Server.Users, p.Secrets()); err != nil {
					log.Error("reload refused; the running configuration stays", "error", err.Error())
					return nil, err
				}
			}
			restart, err := p.Reload(ctx, cfg)
			if err != nil {
				log.Error("reload refused; the running configuration stays", "error", err.Error())
				return nil, err
			}
			if con != nil {
				con.SetUsers(users)
			} else if len(cfg.Server.Users) > 0 {
				// The console is mounted at start only.
				restart = append(restart, "server.users")
			}
			startSchedules()
			if len(restart) > 0 {
				log.Warn("reloaded; these sections changed and take effect at the next restart", "sections", restart)
			}
			return &ReloadResult{Rules: len(p.Table().Rules()), RestartNeeded: restart}, nil
		}
		if opts.Reload != nil {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-bg.Done():
						return
					case <-opts.Reload:
						srv.Reload(bg)
					}
				}
			}()
		}
	}
	sqsURL := cfg.SQS.QueueURL
	if opts.SQSQueueURL != "" {
		sqsURL = opts.SQSQueueURL
	}
	sqsCtx, stopSQS := context.WithCancel(context.Background())
	sqsDone := make(chan struct{})
	if sqsURL != "" {
		c := &ingest.SQSConsumer{Ingester: p.Ingester(), AWS: p.AWS(), QueueURL: sqsURL, WaitTime: cfg.SQS.WaitTime.D(), VisibilityTimeout: cfg.SQS.VisibilityTimeout.D(), Receivers: cfg.SQS.Receivers, Logger: log}
		go func() {
			defer close(sqsDone)
			if err := c.Run(sqsCtx); err != nil {
				log.Error("sqs consumer stopped", "error", err.Error())
			}
		}()
		log.Info("consuming SQS", "queue_url", sqsURL)
	} else {
		close(sqsDone)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	log.Info("vigil serving", "addr", ln.Addr().String(), "database", string(st.Kind()), "rules", len(p.Table().Rules()))
	if opts.Listening != nil {
		opts.Listening(ln.Addr().String())
	}

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		runErr = fmt.Errorf("http server: %w", err)
	}

	drain := cfg.Server.DrainTimeout.D()
	log.Info("draining", "deadline", drain.String())
	dctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	srv.SetDraining()
	stopSQS()
	<-sqsDone
	if err := hs.Shutdown(dctx); err != nil {
		log.Warn("http shutdown", "error", err.Error())
	}
	if srv.AskSlack != nil {
		srv.AskSlack.Wait(dctx) // answers being written to Slack
	}
	if err := p.Stop(dctx); err != nil {
		log.Warn("stopping the pipeline", "error", err.Error())
	}
	stopBG()
	wg.Wait()
	log.Info("stopped")
	return runErr
}

// ResolveAuth reads the API keys and passwords the configuration refers to.
func ResolveAuth(ctx context.Context, s config.Server, rs *secrets.Resolver) (Auth, error) {
	a := Auth{Header: s.APIKeyHeader, NoAuth: s.NoAuth, Basic: map[string]string{}}
	for i, k := range s.APIKeys {
		v, err := rs.Resolve(ctx, k)
		if err != nil {
			return a, fmt.Errorf("server.api_keys[%d]: %w", i, err)
		}
		a.APIKeys = append(a.APIKeys, v)
	}
	for i, b := range s.BasicAuth {
		v, err := rs.Resolve(ctx, b.Password)
		if err != nil {
			return a, fmt.Errorf("server.basic_auth[%d].password: %w", i, err)
		}
		a.Basic[b.Username] = v
	}
	for i, k := range s.AccessKeys {
		v, err := rs.Resolve(ctx, k.Secret)
		if err != nil {
			return a, fmt.Errorf("server.access_keys[%d].secret: %w", i, err)
		}
		if a.AccessKeys == nil {
			a.AccessKeys = map[string]string{}
		}
		a.AccessKeys[k.ID] = v
	}
	if err := config.ServeProblem(s); err != nil {
		return a, err
	}
	return a, nil
}

// RunConfig assembles the pipeline cfg describes with deps and runs it as
// Run does.
func RunConfig(ctx context.Context, cfg *config.Config, deps pipeline.Deps, opts RunOptions) error {
	p, err := pipeline.New(ctx, cfg, deps)
	if err != nil {
		return err
	}
	return Run(ctx, p, opts)
}
