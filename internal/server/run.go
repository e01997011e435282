package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/summarize"
)

// RunOptions are what vigil serve adds to the configuration file.
type RunOptions struct {
	Logger *slog.Logger
	// SQSQueueURL overrides sqs.queue_url.
	SQSQueueURL string
	// Listening, when set, receives the HTTP address once the server
	// accepts connections (useful with listen: 127.0.0.1:0).
	Listening func(addr string)
	// ID names the process among replicas; "" lets River choose.
	ID string
	// Explain, when set, answers /invocations.
	Explain Explainer
}

// Run is vigil serve: it opens the database, starts the job workers, the
// HTTP API and the SQS consumer, and runs until ctx ends. Then it drains:
// /readyz fails, the SQS consumer and the HTTP server stop taking events,
// events already received are committed, and running deliveries get until
// server.drain_timeout to finish (unfinished ones are retried on the next
// start, by this or another replica).
func Run(ctx context.Context, cfg *config.Config, opts RunOptions) error {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	table, err := route.Compile(cfg)
	if err != nil {
		return err
	}
	auth, err := ResolveAuth(cfg.Server)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer st.Close()
	q, err := jobs.New(ctx, st, jobs.Options{
		ID:           opts.ID,
		Workers:      cfg.Jobs.Workers,
		JobTimeout:   cfg.Jobs.Timeout.D(),
		RescueAfter:  cfg.Jobs.RescueAfter.D(),
		PollInterval: cfg.Jobs.PollInterval.D(),
		Retention:    cfg.Jobs.Retention.D(),
		Logger:       log,
	})
	if err != nil {
		return err
	}
	q.SetSender(table)
	in := ingest.New(st, q, table, ingest.Options{Logger: log})
	if err := in.LoadSilences(ctx); err != nil {
		in.Close()
		return fmt.Errorf("loading silences: %w", err)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(in.Collectors()...)
	reg.MustRegister(q.Collectors()...)
	reg.MustRegister(explain.Collectors()...)

	explainer := opts.Explain
	if explainer == nil {
		// /invocations answers with the configured engine's explanation,
		// as Markdown, like the AgentCore agent it replaces.
		explainer = func(ctx context.Context, ev *event.Event) (any, error) {
			eng, err := summarize.Engine(ctx, cfg)
			if err != nil {
				return nil, err
			}
			x, err := eng.Explain(ctx, ev, summarize.Options(cfg, nil, ""))
			if err != nil {
				return nil, err
			}
			return string(explain.RenderMarkdown(x)), nil
		}
	}
	srv := &Server{Ingester: in, Auth: auth, Registry: reg, Ready: st.Ping, Explain: explainer, Logger: log,
		Explanations: func(ctx context.Context, eventID string) ([]*store.Explanation, error) {
			return store.Explanations(ctx, st.Q(), eventID)
		}}
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		in.Close()
		return fmt.Errorf("server.listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute}

	if err := q.Start(ctx); err != nil {
		ln.Close()
		in.Close()
		return err
	}
	bg, stopBG := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		in.WatchSilences(bg, 5*time.Second)
	}()
	if len(cfg.Schedules) > 0 {
		// Every replica fires the schedules; each firing's event has a
		// fixed id, so it is stored and routed once per cluster.
		wg.Add(1)
		go func() {
			defer wg.Done()
			scan.RunSchedules(bg, cfg.Schedules, func(ctx context.Context, raw []byte) error {
				return in.Accept(ctx, "schedule", [][]byte{raw})[0].Err
			}, log)
		}()
	}
	sqsURL := cfg.SQS.QueueURL
	if opts.SQSQueueURL != "" {
		sqsURL = opts.SQSQueueURL
	}
	sqsCtx, stopSQS := context.WithCancel(context.Background())
	sqsDone := make(chan struct{})
	if sqsURL != "" {
		c := &ingest.SQSConsumer{Ingester: in, QueueURL: sqsURL, WaitTime: cfg.SQS.WaitTime.D(), VisibilityTimeout: cfg.SQS.VisibilityTimeout.D(), Receivers: cfg.SQS.Receivers, Logger: log}
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
	log.Info("vigil serving", "addr", ln.Addr().String(), "database", string(st.Kind()), "rules", len(table.Rules()))
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
	in.Close()
	if err := q.Stop(dctx); err != nil {
		log.Warn("stopping jobs", "error", err.Error())
	}
	stopBG()
	wg.Wait()
	log.Info("stopped")
	return runErr
}

// ResolveAuth reads the API keys and passwords the configuration refers to.
func ResolveAuth(s config.Server) (Auth, error) {
	a := Auth{Header: s.APIKeyHeader, NoAuth: s.NoAuth, Basic: map[string]string{}}
	for i, k := range s.APIKeys {
		v, err := k.Resolve()
		if err != nil {
			return a, fmt.Errorf("server.api_keys[%d]: %w", i, err)
		}
		a.APIKeys = append(a.APIKeys, v)
	}
	for i, b := range s.BasicAuth {
		v, err := b.Password.Resolve()
		if err != nil {
			return a, fmt.Errorf("server.basic_auth[%d].password: %w", i, err)
		}
		a.Basic[b.Username] = v
	}
	if !a.NoAuth && len(a.APIKeys) == 0 && len(a.Basic) == 0 {
		return a, errors.New("server: no credentials configured: set server.api_keys (e.g. [env:VIGIL_API_KEY]) or server.basic_auth, or server.no_auth: true to accept anyone who can reach server.listen")
	}
	return a, nil
}
