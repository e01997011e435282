package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/ask"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain/llm"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs"
	"github.com/vigilhq/vigil/internal/investigate"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/secrets"
)

// askParts are what questions use: the knowledge base and the asker, and
// the documentation client when the asker owns one.
type askParts struct {
	knowledge *kb.Base
	asker     *ask.Asker
	docs      *mcpdocs.Client // closed by Stop; nil when shared or off
}

// buildAsk builds the asker (ask:, with the model settings of explain:,
// and the knowledge base New built). It contacts nothing.
func (p *Pipeline) buildAsk(ctx context.Context, deps Deps) error {
	cfg := p.cfg
	ec, err := ExplainConfig(ctx, cfg.Explain, func(ctx context.Context, ref string) (string, error) {
		return p.secrets.Resolve(ctx, secrets.Ref(ref))
	})
	if err != nil {
		return err
	}
	if cfg.Ask.Engine != "" {
		ec.Engine = cfg.Ask.Engine
	}
	hc := p.net.Client(netguard.Dest{}, netguard.ClientOptions{FollowRedirects: true})
	model, err := llm.NewModel(ctx, ec, llm.Deps{Logger: p.log, AWS: p.aws, HTTPClient: hc})
	if err != nil {
		return fmt.Errorf("ask.engine: %w", err)
	}
	d := ask.Deps{AWS: p.aws, Explainer: kb.Uncited(p.explain.Engine()), Knowledge: p.ask.knowledge, Model: model, Logger: p.log}
	if !deps.Stateless {
		// The remediation service is built later in New (it needs the
		// job queue); change requests reach it through p.rem.
		d.Remediator = askRemediator{&p.rem}
		d.Investigation = askInvestigation{p}
	}
	if model != nil && !ec.NoDocs {
		if e, ok := p.engine.(*llm.LLM); ok && e.Docs() != nil {
			d.Docs = e.Docs() // one session with a rate-limited server
		} else {
			p.ask.docs = mcpdocs.New(mcpdocs.Options{URL: ec.DocsURL, HTTPClient: hc, CacheDir: ec.CacheDir, MinInterval: ec.DocsMinInterval, Logger: p.log})
			d.Docs = p.ask.docs
		}
	}
	p.ask.asker, err = ask.New(d, ask.Options{Engine: ec.Engine, Lang: lang.Lang(cfg.Ask.Lang), Regions: cfg.Ask.Regions, Limit: cfg.Ask.Limit,
		Timeout: time.Duration(ec.Timeout), MaxTokens: ec.MaxTokens})
	return err
}

// NewKnowledge returns the knowledge base knowledge: describes, nil when it
// lists no source. It opens nothing.
func NewKnowledge(cfg *config.Config, aws *awsx.Provider, log *slog.Logger) (*kb.Base, error) {
	k := cfg.Knowledge
	if !k.Enabled() {
		return nil, nil
	}
	base, err := kb.New(kb.Options{Sources: k.Sources, IndexDir: kb.IndexDir(k, cfg.Database), Refresh: k.Refresh.D(), AWS: aws, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("knowledge: %w", err)
	}
	return base, nil
}

// askRemediator turns the change requests of questions into remediation
// plans and pending approvals.
type askRemediator struct{ rem *remediationRef }

func (r askRemediator) Propose(ctx context.Context, req ask.ProposalRequest) ([]ask.Proposal, error) {
	if r.rem.svc == nil {
		return nil, errors.New("remediation needs vigil's database: ask vigil serve")
	}
	ps, err := r.rem.svc.Propose(ctx, req.Event, req.By)
	if err != nil {
		return nil, err
	}
	var out []ask.Proposal
	for _, p := range ps {
		rem := p.Remediation
		var plan strings.Builder
		if rem.Plan != nil {
			if err := remediate.RenderText(&plan, []*remediate.Plan{rem.Plan}, req.Lang); err != nil {
				return nil, err
			}
		}
		pr := ask.Proposal{Playbook: rem.Playbook, Plan: plan.String(), ApprovalID: p.ApprovalID, Mode: rem.Mode}
		if rem.Plan != nil {
			for _, c := range rem.Plan.Citations {
				pr.Citations = append(pr.Citations, ask.Citation{Type: ask.CitePolicy, Title: c.Title, Path: c.Path, Heading: c.Heading})
			}
		}
		out = append(out, pr)
	}
	return out, nil
}

// askInvestigation gives questions investigation's timelines and
// relations; the service is built after the asker.
type askInvestigation struct{ p *Pipeline }

var errNoInvestigation = errors.New("investigation needs vigil's database: ask vigil serve")

func (a askInvestigation) Timeline(ctx context.Context, e investigate.Entity, q investigate.TimelineQuery) (*investigate.Timeline, error) {
	if a.p.inv == nil {
		return nil, errNoInvestigation
	}
	return a.p.inv.Timeline(ctx, e, q)
}

func (a askInvestigation) Related(ctx context.Context, e investigate.Entity, limit int) (*investigate.Related, error) {
	if a.p.inv == nil {
		return nil, errNoInvestigation
	}
	return a.p.inv.Related(ctx, e, limit)
}

// Asker returns the process's asker: POST /ask and Slack questions.
func (p *Pipeline) Asker() *ask.Asker { return p.ask.asker }

// Knowledge returns the organisation's policy documents, nil when
// knowledge: lists none.
func (p *Pipeline) Knowledge() *kb.Base { return p.ask.knowledge }

func (p *Pipeline) closeAsk() {
	if p.ask.docs != nil {
		p.ask.docs.Close()
		p.ask.docs = nil
	}
	if p.ask.knowledge != nil {
		p.ask.knowledge.Close()
	}
}
