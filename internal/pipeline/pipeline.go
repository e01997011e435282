// Package pipeline is vigil's composition root: from a configuration and
// the process's dependencies it builds, once, everything that receives,
// routes and delivers events — the database (with every package's
// migrations), the job queue with every job kind, the rule table with its
// targets, the explanation engine — and hands each part what it needs.
// vigil serve, vigil lambda, vigil process, vigil demo and the tests all
// assemble vigil through New; nothing below it reaches for a global, an
// environment variable or a second database pool.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vigilhq/vigil/internal/notify/channel"
	"github.com/vigilhq/vigil/internal/schedule"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/deliver"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/explain/llm"
	"github.com/vigilhq/vigil/internal/explanations"
	"github.com/vigilhq/vigil/internal/group"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/investigate"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/notify/slack"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/remediate/playbooks"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/secrets/secretsmanager"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/target"
)

// Deps are what the process gives the pipeline. Every field is optional;
// New fills in what is missing from the configuration.
type Deps struct {
	// Logger receives every log line of every part; none when nil.
	Logger *slog.Logger
	// AWS hands out AWS configurations (endpoint, region, accounts); one
	// built from the environment when nil.
	AWS *awsx.Provider
	// Store is the database; opened from the configuration's database when
	// nil (and then closed by Stop). A given store is migrated, not closed.
	Store *store.Store
	// ID names this process among replicas (River's client id).
	ID string
	// Workers overrides jobs.workers: 0 keeps the configuration's; -1
	// makes an insert-only pipeline that runs no jobs (vigil lambda
	// --store, CLI commands).
	Workers int
	// Stateless builds a pipeline without a database: it can Route and
	// DeliverNow but not Accept (vigil process, vigil lambda without
	// --store).
	Stateless bool
	// Secrets resolves secret references; one reading the environment and
	// AWS Secrets Manager (through AWS) when nil.
	Secrets *secrets.Resolver
	// Explain is the explanation engine; built from the configuration's
	// explain: section when nil (and closed by Stop).
	Explain explain.Engine
	// Net makes every connection to a host the configuration names
	// (notifiers, webhook and forward targets, the LLM API, the
	// documentation server); one built from the network: section when nil.
	Net *netguard.Guard
}

// Pipeline is one assembled vigil.
type Pipeline struct {
	cfg     *config.Config
	secrets *secrets.Resolver
	net     *netguard.Guard
	explain *explanations.Service
	engine  llm.Engine // built here, closed by Stop; nil when given
	notes   map[string]*channel.Named
	// schedules are the configuration's, parsed.
	schedules []schedule.Named
	log       *slog.Logger
	aws       *awsx.Provider
	st        *store.Store
	ownsSt    bool
	q         *jobs.Queue
	deliver   *deliver.Deliverer
	in        *ingest.Ingester
	table     *route.Table
	workers   int
	ask       askParts
	rem       remediationRef
	inv       *investigate.Service

	mu      sync.Mutex // Start and Stop
	started bool
	// cfgMu guards what Reload replaces: cfg, table, notes, schedules.
	cfgMu    sync.RWMutex
	reloadMu sync.Mutex
	bg       context.CancelFunc
	bgDone   sync.WaitGroup
}

// Migrations returns every package's migrations, in the order they are
// applied. A package that owns tables adds its list here.
func Migrations() [][]store.Migration {
	return [][]store.Migration{
		jobs.Migrations,
		deliver.Migrations,
		group.Migrations,
		scan.Migrations,
		slack.Migrations,
		explanations.Migrations,
		audit.Migrations,
		remediate.Migrations,
		investigate.Migrations,
	}
}

// OpenStore opens the database at dsn with every migration applied, for
// commands that use the database without a whole pipeline. shared leaves
// a SQLite file usable by a running vigil serve.
func OpenStore(ctx context.Context, dsn string, shared bool) (*store.Store, error) {
	if shared {
		return store.OpenShared(ctx, dsn, Migrations()...)
	}
	return store.Open(ctx, dsn, Migrations()...)
}

// New assembles a pipeline from cfg. It opens the database and checks
// every rule and target, but starts nothing: call Start to run jobs.
func New(ctx context.Context, cfg *config.Config, deps Deps) (*Pipeline, error) {
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &Pipeline{cfg: cfg, log: log, aws: deps.AWS, secrets: deps.Secrets, net: deps.Net}
	if p.net == nil {
		p.net = netguard.New(cfg.Network.Policy())
	}
	scheds, err := parseSchedules(cfg)
	if err != nil {
		return nil, err
	}
	p.schedules = scheds
	if p.aws == nil {
		p.aws = awsx.NewProvider(awsx.ProviderOptions{})
	}
	if p.secrets == nil {
		p.secrets = &secrets.Resolver{Backend: secretsmanager.New(p.aws)}
	}
	// Every log line of every part passes the resolver: a credential a
	// peer echoes back never reaches the logs.
	log = slog.New(p.secrets.Handler(log.Handler()))
	p.log = log
	// The AWS SDK's warnings too, as records of this logger (JSON when
	// the logs are JSON).
	p.aws.SetLogger(log)
	if !deps.Stateless {
		p.st = deps.Store
		if p.st == nil {
			if p.st, err = OpenStore(ctx, cfg.Database, false); err != nil {
				return nil, err
			}
			p.ownsSt = true
		} else if err := p.st.Migrate(ctx, Migrations()...); err != nil {
			return nil, err
		}
	}
	engine := deps.Explain
	if engine == nil {
		ec, err := ExplainConfig(ctx, cfg.Explain, func(ctx context.Context, ref string) (string, error) {
			return p.secrets.Resolve(ctx, secrets.Ref(ref))
		})
		if err == nil {
			// The model API and the documentation server are reached
			// under the network policy like every configured host.
			hc := p.net.Client(netguard.Dest{}, netguard.ClientOptions{FollowRedirects: true})
			p.engine, err = llm.New(ctx, ec, llm.Deps{Logger: log, AWS: p.aws, HTTPClient: hc})
		}
		if err != nil {
			p.closeStore()
			return nil, fmt.Errorf("explain: %w", err)
		}
		engine = p.engine
	}
	// The policy documents (knowledge:) are quoted in explanations of the
	// controls they are about, and used by questions and remediation.
	if p.ask.knowledge, err = NewKnowledge(cfg, p.aws, log); err != nil {
		p.closeEngine()
		p.closeStore()
		return nil, err
	}
	p.explain = explanations.New(kb.CitingEngine(engine, p.ask.knowledge, log), p.st, log, p.secrets)
	if err := p.buildAsk(ctx, deps); err != nil {
		p.closeEngine()
		p.closeStore()
		return nil, err
	}
	table, err := p.compile(channel.Deps{Store: p.st, AWS: p.aws, Secrets: p.secrets, Net: p.net, Logger: log}, false)
	if err != nil {
		p.Stop(ctx)
		return nil, err
	}
	p.table = table
	if deps.Stateless {
		return p, nil
	}
	p.workers = cfg.Jobs.Workers
	switch {
	case deps.Workers < 0:
		p.workers = 0
	case deps.Workers > 0:
		p.workers = deps.Workers
	}
	p.q = jobs.New(p.st, jobs.Options{
		ID:           deps.ID,
		Workers:      p.workers,
		JobTimeout:   cfg.Jobs.Timeout.D(),
		RescueAfter:  cfg.Jobs.RescueAfter.D(),
		PollInterval: cfg.Jobs.PollInterval.D(),
		Retention:    cfg.Jobs.Retention.D(),
		Logger:       log,
	})
	p.deliver = deliver.New(p.q, deliver.Options{Logger: log, Secrets: p.secrets})
	p.deliver.SetSender(table)
	var hooks []ingest.Hook
	// Capabilities: each builds its service once, registers its job kinds
	// on p.q and adds its ingest hooks here.
	if p.rem.svc, err = NewRemediation(cfg, p.st, p.q, p.aws, p.notes, p.ask.knowledge, log); err != nil {
		p.Stop(ctx)
		return nil, err
	}
	invOpts := investigate.OptionsFrom(cfg.Investigate, cfg.Explain.Lang)
	invOpts.AWS, invOpts.Logger = p.aws, log
	p.inv = investigate.New(p.st, invOpts)
	p.inv.Register(p.q)
	if invOpts.Live {
		hooks = append(hooks, p.inv.Hook())
	}
	p.in = ingest.New(p.st, p.q, p.deliver, table, ingest.Options{Logger: log, Hooks: hooks})
	if err := p.in.LoadSilences(ctx); err != nil {
		p.Stop(ctx)
		return nil, fmt.Errorf("loading silences: %w", err)
	}
	return p, nil
}

// NewRemediation builds the remediation service of cfg on st with the
// configured notifiers: with q it registers the workflow's job kinds there;
// without, it serves synchronous use (vigil remediate apply). AWS calls go
// through aws, or through a provider assuming remediation.role in other
// accounts when one is configured.
// Playbook parameters come from the organisation's documents in knowledge
// (nil: none) over the configured ones.
func NewRemediation(cfg *config.Config, st *store.Store, q *jobs.Queue, aws *awsx.Provider, notifiers map[string]*channel.Named, knowledge *kb.Base, log *slog.Logger) (*remediate.Service, error) {
	r := cfg.Remediation
	if r.Role != "" {
		aws = awsx.NewProvider(awsx.ProviderOptions{Options: awsx.Options{Endpoint: aws.Endpoint()}, Role: r.Role, ExternalID: r.ExternalID})
	}
	d := remediate.Deps{Config: cfg, Store: st, Queue: q, AWS: aws, Registry: playbooks.All(), Notifiers: notifiers, Logger: log}
	if knowledge != nil {
		d.Policies = knowledge
	}
	return remediate.New(d)
}

// Remediation returns the pipeline's remediation service (nil for a
// stateless pipeline).
func (p *Pipeline) Remediation() *remediate.Service { return p.rem.svc }

// remediationRef hands remediate targets the remediation service, which is
// built after the targets (it needs their notifiers and the job queue)
// and before any delivery.
type remediationRef struct{ svc *remediate.Service }

func (r *remediationRef) RequestRemediations(ctx context.Context, ev *event.Event, rule string, playbooks []string) error {
	if r.svc == nil {
		return errors.New("remediate targets need vigil's database: run them in vigil serve (or vigil lambda --store)")
	}
	return r.svc.RequestRemediations(ctx, ev, rule, playbooks)
}

// compile builds the notifiers and the rule table with every target.
func (p *Pipeline) compile(nd channel.Deps, check bool) (*route.Table, error) {
	var errs config.Errors
	add := func(err error) {
		var ces config.Errors
		var ce *config.Error
		switch {
		case errors.As(err, &ces):
			errs = append(errs, ces...)
		case errors.As(err, &ce):
			errs = append(errs, ce)
		default:
			errs = append(errs, &config.Error{File: p.cfg.File(), Msg: err.Error()})
		}
	}
	notifiers, err := BuildNotifiers(p.cfg, nd)
	if err != nil {
		add(err)
	}
	p.notes = notifiers
	reg := target.NewRegistry(target.Deps{
		Config: p.cfg, Store: p.st, AWS: p.aws, Secrets: p.secrets, Net: p.net, Explain: p.explain,
		Notifiers: notifiers, Remediation: &p.rem, Logger: p.log, Check: check,
	}, TargetTypes()...)
	table, err := route.Compile(p.cfg, reg)
	if err != nil {
		add(err)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return table, nil
}

// BuildNotifiers builds every configured notifier with its channel.
// Building contacts nothing.
func BuildNotifiers(cfg *config.Config, d channel.Deps) (map[string]*channel.Named, error) {
	channels := Channels()
	out := map[string]*channel.Named{}
	var errs config.Errors
	for i := range cfg.Notifiers {
		nc := &cfg.Notifiers[i]
		if nc.Channel == "" {
			continue // config.Parse reported it
		}
		build, ok := channels[nc.Channel]
		if !ok {
			names := make([]string, 0, len(channels))
			for k := range channels {
				names = append(names, k)
			}
			sort.Strings(names)
			errs = append(errs, cfg.Errorf(fmt.Sprintf("notifiers[%d].%s", i, nc.Channel), "unknown channel %q (known: %s)", nc.Channel, strings.Join(names, ", ")))
			continue
		}
		n, err := build(nc.Spec, d)
		if err != nil {
			var ces config.Errors
			var ce *config.Error
			switch {
			case errors.As(err, &ces):
				errs = append(errs, ces...)
			case errors.As(err, &ce):
				errs = append(errs, ce)
			default:
				errs = append(errs, cfg.Errorf(fmt.Sprintf("notifiers[%d]", i), "%v", err))
			}
			continue
		}
		lng := lang.EN
		if nc.Lang == "ja" {
			lng = lang.JA
		}
		out[nc.Name] = &channel.Named{Name: nc.Name, Lang: lng, Channel: nc.Channel, Notifier: n}
	}
	if len(errs) > 0 {
		return out, errs
	}
	return out, nil
}

// CheckBytes reports every problem of the configuration file data (named
// name in messages): the file's own, and its notifiers' and targets', in
// file order (vigil config check).
func CheckBytes(name string, data []byte) error {
	cfg, err := config.ParseLenient(name, data)
	if cfg == nil {
		return err
	}
	var all config.Errors
	seen := map[string]bool{}
	for _, e := range []error{err, Check(cfg)} {
		var es config.Errors
		if errors.As(e, &es) {
			for _, x := range es {
				if !seen[x.Error()] {
					seen[x.Error()] = true
					all = append(all, x)
				}
			}
		} else if e != nil {
			return e
		}
	}
	if len(all) == 0 {
		return nil
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Line != all[j].Line {
			return all[i].Line < all[j].Line
		}
		return all[i].Column < all[j].Column
	})
	return all
}

// Check builds every notifier and target of cfg without contacting
// anything or opening the database, and returns every problem (vigil
// config check).
func Check(cfg *config.Config) error {
	p := &Pipeline{cfg: cfg, log: slog.New(slog.DiscardHandler), aws: awsx.NewProvider(awsx.ProviderOptions{}), secrets: &secrets.Resolver{}}
	p.explain = explanations.New(explain.Builtin{}, nil, p.log, p.secrets)
	_, err := p.compile(channel.Deps{AWS: p.aws, Secrets: p.secrets, Logger: p.log}, true)
	// The remediation section's playbook names and parameters.
	if _, rerr := NewRemediation(cfg, nil, nil, p.aws, nil, nil, p.log); rerr != nil {
		var errs config.Errors
		errors.As(err, &errs)
		var more config.Errors
		if errors.As(rerr, &more) {
			errs = append(errs, more...)
		} else {
			errs = append(errs, &config.Error{File: cfg.File(), Msg: rerr.Error()})
		}
		return errs
	}
	return err
}

// Explainer returns the process's explanation service: each event is
// explained once per language and documentation policy.
func (p *Pipeline) Explainer() *explanations.Service { return p.explain }

// Notifiers returns the configured notifiers by name.
func (p *Pipeline) Notifiers() map[string]*channel.Named {
	p.cfgMu.RLock()
	defer p.cfgMu.RUnlock()
	return p.notes
}

// Net returns the process's network guard: every connection to a host the
// configuration (or a request) names goes through it.
func (p *Pipeline) Net() *netguard.Guard { return p.net }

// Secrets returns the process's secret resolver.
func (p *Pipeline) Secrets() *secrets.Resolver { return p.secrets }

// Config returns the configuration in force.
func (p *Pipeline) Config() *config.Config {
	p.cfgMu.RLock()
	defer p.cfgMu.RUnlock()
	return p.cfg
}

// Store returns the pipeline's database.
func (p *Pipeline) Store() *store.Store { return p.st }

// Queue returns the pipeline's job queue.
func (p *Pipeline) Queue() *jobs.Queue { return p.q }

// Table returns the current rule table.
func (p *Pipeline) Table() *route.Table {
	if p.in == nil {
		return p.table
	}
	return p.in.Table()
}

// Investigate returns the pipeline's investigation service (nil for a
// stateless pipeline).
func (p *Pipeline) Investigate() *investigate.Service { return p.inv }

// Logger returns the pipeline's logger.
func (p *Pipeline) Logger() *slog.Logger { return p.log }

// AWS returns the pipeline's AWS provider.
func (p *Pipeline) AWS() *awsx.Provider { return p.aws }

// Collectors returns the pipeline's metrics.
func (p *Pipeline) Collectors() []prometheus.Collector {
	var out []prometheus.Collector
	if p.in == nil {
		return nil
	}
	out = append(out, p.in.Collectors()...)
	out = append(out, p.q.Collectors()...)
	out = append(out, p.deliver.Collectors()...)
	if c, ok := kb.Uncited(p.explain.Engine()).(interface{ Collectors() []prometheus.Collector }); ok {
		out = append(out, c.Collectors()...)
	}
	return out
}

// Start runs the job workers (unless the pipeline is insert-only) and the
// background upkeep (silences reloaded from the database).
func (p *Pipeline) Start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return errors.New("pipeline: already started")
	}
	if p.in == nil {
		return errors.New("pipeline: a stateless pipeline cannot start")
	}
	if p.workers > 0 {
		p.deliver.Start()
		if err := p.q.Start(ctx); err != nil {
			p.deliver.Stop()
			return err
		}
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.bg = cancel
	p.bgDone.Add(1)
	go func() {
		defer p.bgDone.Done()
		p.in.WatchSilences(bg, 5*time.Second)
	}()
	p.started = true
	return nil
}

// Accept parses, routes and durably stores raws (each one event); see
// ingest.Ingester.Accept.
func (p *Pipeline) Accept(ctx context.Context, input string, raws [][]byte) []ingest.Result {
	if p.in == nil {
		out := make([]ingest.Result, len(raws))
		for i := range out {
			out[i].Err = errors.New("pipeline: a stateless pipeline stores no events")
		}
		return out
	}
	return p.in.Accept(ctx, input, raws)
}

// Ingester returns the pipeline's intake.
func (p *Pipeline) Ingester() *ingest.Ingester { return p.in }

// Stop stops taking events, commits those already received, gives running
// jobs until ctx ends to finish (unfinished ones run again at the next
// start, here or in another replica) and releases everything New opened.
func (p *Pipeline) Stop(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.closeEngine()
	defer p.closeAsk()
	if p.in == nil {
		p.closeStore()
		return nil
	}
	p.in.Close()
	var err error
	if p.started {
		if p.workers > 0 {
			if err = p.q.Stop(ctx); err != nil {
				p.log.Warn("stopping jobs", "error", err.Error())
			}
			p.deliver.Stop()
		}
		p.bg()
		p.bgDone.Wait()
		p.started = false
	}
	p.closeStore()
	return err
}

func (p *Pipeline) closeEngine() {
	if p.engine != nil {
		p.engine.Close()
		p.engine = nil
	}
}

func (p *Pipeline) closeStore() {
	if p.ownsSt && p.st != nil {
		p.st.Close()
		p.st = nil
	}
}
