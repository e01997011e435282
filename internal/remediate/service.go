// Package remediate closes the loop from a finding to a fix: it maps
// findings to playbooks, plans each one with read-only AWS clients, puts the
// plan through the policy gate (mode, exemption, severity, destructive
// playbooks, blast-radius limit), asks a person when the policy says so,
// applies with retries, waits for the change to propagate, verifies it,
// and notifies; a failure is rolled back where that is safe and escalated
// to on-call. Every step is a job (package jobs) whose result is committed
// with the step's completion, so a crash between two steps resumes without
// doing a step twice, and every plan, decision, AWS call and result goes to
// the audit log (package audit).
//
// The playbooks themselves live in package playbooks; the composition root
// hands New their registry.
package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/notify/channel"
	"github.com/vigilhq/vigil/internal/store"
)

// Deps are what the service is built from.
type Deps struct {
	// Config supplies the remediation section and, for errors, the file.
	Config *config.Config
	Store  *store.Store
	// Queue runs the workflow's jobs; nil makes a service for synchronous
	// use (vigil remediate apply), whose Apply runs every step itself.
	Queue *jobs.Queue
	// AWS acts in the findings' accounts (with remediation.role for
	// other accounts).
	AWS      *awsx.Provider
	Registry *Registry
	// Notifiers are those remediation.notify and remediation.escalation
	// name, by name.
	Notifiers map[string]*channel.Named
	// Policies, when set, give playbook parameters from the
	// organisation's documents, over the configured ones.
	Policies Policies
	Logger   *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Service runs remediations.
type Service struct {
	st      *store.Store
	q       *jobs.Queue
	reg     *Registry
	clients ClientSource
	// policies give parameters from the policy documents; nil: none.
	policies Policies
	log      *slog.Logger
	now      func() time.Time
	// set is what the configuration decides; a reload replaces it whole.
	set atomic.Pointer[settings]
}

// settings are the service's configuration-derived parts.
type settings struct {
	cfg       config.Remediation
	file      *config.Config
	policy    *Policy
	mapping   *Mapping
	notifiers map[string]*channel.Named
}

func (s *Service) conf() *settings { return s.set.Load() }

func newSettings(cfg *config.Config, notifiers map[string]*channel.Named) *settings {
	return &settings{cfg: cfg.Remediation, file: cfg, policy: NewPolicy(cfg.Remediation), mapping: NewMapping(cfg.Remediation), notifiers: notifiers}
}

// Reconfigure switches to a reloaded configuration (mode, overrides,
// limits, approvers, mapping, parameters, notifiers); a configuration with
// unknown playbooks or bad parameters is refused and the running one kept.
// remediation.role and external_id take effect at the next start.
func (s *Service) Reconfigure(cfg *config.Config, notifiers map[string]*channel.Named) error {
	set := newSettings(cfg, notifiers)
	if err := s.checkNames(set); err != nil {
		return err
	}
	s.set.Store(set)
	return nil
}

// New checks the configuration's playbook names and builds the service.
// With a queue it registers the workflow's job kinds on it.
func New(d Deps) (*Service, error) {
	if d.Config == nil || d.Registry == nil || d.AWS == nil {
		return nil, errors.New("remediate: New needs Config, Registry and AWS")
	}
	s := &Service{st: d.Store, q: d.Queue, reg: d.Registry, clients: ClientSource{AWS: d.AWS}, policies: d.Policies, log: d.Logger, now: d.Now}
	s.set.Store(newSettings(d.Config, d.Notifiers))
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.checkNames(s.conf()); err != nil {
		return nil, err
	}
	if d.Queue != nil {
		s.register(d.Queue)
	}
	return s, nil
}

// checkNames reports every playbook name in the configuration that no
// playbook has, with file and line.
func (s *Service) checkNames(set *settings) error {
	var errs config.Errors
	add := func(ce error) {
		var e *config.Error
		if errors.As(ce, &e) {
			errs = append(errs, e)
		}
	}
	check := func(path, name string) {
		if _, ok := s.reg.Get(name); !ok {
			add(set.file.Errorf(path, "unknown playbook %q (known: %s)", name, joinNames(s.reg.Names())))
		}
	}
	checkParams := func(path, name string, params []byte) {
		pb, ok := s.reg.Get(name)
		if !ok {
			return
		}
		if pc, ok := pb.(ParamChecker); ok && len(params) > 0 {
			if err := pc.CheckParams(params); err != nil {
				add(set.file.Errorf(path, "%v", err))
			}
		}
	}
	for name, params := range set.cfg.Playbooks {
		check("remediation.playbooks."+name, name)
		checkParams("remediation.playbooks."+name, name, params)
	}
	for i, m := range set.cfg.Mapping {
		for j, p := range m.Playbooks {
			check(fmt.Sprintf("remediation.mapping[%d].playbooks[%d]", i, j), p)
		}
		for name, params := range m.Params {
			merged, err := mergeParams(set.cfg.Playbooks[name], json.RawMessage(params))
			if err != nil {
				add(set.file.Errorf(fmt.Sprintf("remediation.mapping[%d].params.%s", i, name), "%v", err))
				continue
			}
			checkParams(fmt.Sprintf("remediation.mapping[%d].params.%s", i, name), name, merged)
		}
	}
	for i, o := range set.cfg.Overrides {
		for j, p := range o.Playbooks {
			check(fmt.Sprintf("remediation.overrides[%d].playbooks[%d]", i, j), p)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Registry returns the playbooks the service knows.
func (s *Service) Registry() *Registry { return s.reg }

// Request is who asks for remediations, and which.
type Request struct {
	// Playbooks to run; empty means the mapping decides.
	Playbooks []string
	// Rule is what asked: a rule's name, "cli" or "api".
	Rule string
	// RequestedBy is a person's name, or "rule:NAME" for a rule.
	RequestedBy string
}

// Requested is one remediation a request made or found.
type Requested struct {
	ID       string `json:"id"`
	Playbook string `json:"playbook"`
	Resource string `json:"resource"`
	Status   string `json:"status"`
	// New is false when the finding had this remediation already (it was
	// sent again): nothing new is started.
	New bool `json:"new"`
}

// selections returns, for a finding, the playbooks to run with their
// parameters (the configuration's, then the policy documents', then the
// mapping's) and the resource each acts on.
func (s *Service) selections(ctx context.Context, f *Finding, names []string) ([]selected, error) {
	var sel []Selection
	if len(names) == 0 {
		sel = s.conf().mapping.Select(f)
	} else {
		// Named playbooks still take the mapping's parameters for this
		// finding when the mapping would pick them too.
		mapped := s.conf().mapping.Select(f)
		for _, n := range names {
			x := Selection{Playbook: n}
			for _, m := range mapped {
				if m.Playbook == n {
					x.Params = m.Params
				}
			}
			sel = append(sel, x)
		}
	}
	var out []selected
	for _, x := range sel {
		pb, err := s.reg.Lookup(x.Playbook)
		if err != nil {
			return nil, err
		}
		res, ok := pickResource(pb.Info(), f)
		if !ok {
			continue
		}
		docParams, cites := s.policyParams(ctx, x.Playbook)
		params, err := mergeParams(s.conf().cfg.Playbooks[x.Playbook], docParams)
		if err == nil {
			params, err = mergeParams(config.JSON(params), x.Params)
		}
		if err != nil {
			return nil, fmt.Errorf("parameters of %s: %w", x.Playbook, err)
		}
		out = append(out, selected{pb: pb, res: res, params: params, cites: cites})
	}
	return out, nil
}

type selected struct {
	pb     Playbook
	res    Resource
	params json.RawMessage
	cites  []kb.Citation
}

// pickResource returns the finding's resource the playbook acts on: the
// first of its resource types the finding has (any resource when the
// playbook names none).
func pickResource(info Info, f *Finding) (Resource, bool) {
	if len(info.Resources) == 0 {
		for _, r := range f.Resources {
			if r.Type != TypeAccount {
				return r, true
			}
		}
		return f.Resource(TypeAccount)
	}
	for _, t := range info.Resources {
		if r, ok := f.Resource(t); ok && r.ID != "" {
			return r, true
		}
	}
	return Resource{}, false
}

// mergeParams overlays the mapping's parameters on the configuration's,
// field by field.
func mergeParams(base config.JSON, over json.RawMessage) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	for _, b := range [][]byte{base, over} {
		if len(b) == 0 {
			continue
		}
		var part map[string]json.RawMessage
		if err := json.Unmarshal(b, &part); err != nil {
			return nil, fmt.Errorf("want a mapping of parameter names to values: %w", err)
		}
		for k, v := range part {
			m[k] = v
		}
	}
	if len(m) == 0 {
		return nil, nil
	}
	return json.Marshal(m)
}

// Request makes the remediations ev calls for: for each finding, each
// selected playbook on its resource. A finding sent again (same finding
// id, any event id) finds the remediations it has and starts nothing.
func (s *Service) Request(ctx context.Context, ev *event.Event, req Request) ([]Requested, error) {
	if s.st == nil {
		return nil, errors.New("remediate: requesting needs a database")
	}
	fs, err := Findings(ev)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var rems []*Remediation
	for _, f := range fs {
		sel, err := s.selections(ctx, f, req.Playbooks)
		if err != nil {
			return nil, err
		}
		for _, x := range sel {
			key := dedupKey(x.pb.Name(), f, x.res)
			rems = append(rems, &Remediation{
				ID: shortID("rem-", key), DedupKey: key, Playbook: x.pb.Name(), FindingID: f.ID, EventID: f.EventID,
				Account: f.Account, Region: firstNonEmpty(x.res.Region, f.Region), ResourceType: x.res.Type, Resource: x.res.ID,
				Severity: f.Severity, Rule: req.Rule, RequestedBy: req.RequestedBy, Status: StatusPlanning, Finding: f, Params: x.params, CreatedAt: now,
			})
		}
	}
	var out []Requested
	err = s.st.InTx(ctx, func(tx store.Tx) error {
		out = out[:0]
		for _, r := range rems {
			isNew, err := insertRemediation(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("recording remediation %s: %w", r.ID, err)
			}
			if !isNew {
				old, err := getRemediation(ctx, tx, r.ID)
				if err != nil {
					return err
				}
				out = append(out, Requested{ID: old.ID, Playbook: old.Playbook, Resource: old.Resource, Status: old.Status})
				continue
			}
			out = append(out, Requested{ID: r.ID, Playbook: r.Playbook, Resource: r.Resource, Status: r.Status, New: true})
			if _, err := audit.Append(ctx, tx, audit.Record{Actor: actorOf(req), Action: "remediation.requested", Subject: r.ID,
				Detail: map[string]any{"playbook": r.Playbook, "finding": r.FindingID, "event": r.EventID, "account": r.Account, "region": r.Region, "resource": r.Resource, "rule": r.Rule}}); err != nil {
				return err
			}
			if s.q != nil {
				if _, err := s.q.InsertOneTx(ctx, tx, PlanArgs{ID: r.ID}, s.stepOpts()); err != nil {
					return fmt.Errorf("scheduling the plan of %s: %w", r.ID, err)
				}
			}
		}
		return nil
	})
	return out, err
}

func actorOf(req Request) string {
	if req.RequestedBy != "" {
		return req.RequestedBy
	}
	return "rule:" + req.Rule
}

// RequestRemediations requests, for rule, the playbooks named (the
// mapping's when none) for every finding of ev (the remediate target type).
func (s *Service) RequestRemediations(ctx context.Context, ev *event.Event, rule string, playbooks []string) error {
	_, err := s.Request(ctx, ev, Request{Playbooks: playbooks, Rule: rule, RequestedBy: "rule:" + rule})
	return err
}

// Get returns a remediation.
func (s *Service) Get(ctx context.Context, id string) (*Remediation, error) {
	return getRemediation(ctx, s.st.Q(), id)
}

// Detail is a remediation with its approval, recorded steps and audit
// trail, for vigil remediate show.
type Detail struct {
	*Remediation
	Approval *Approval      `json:"approval,omitempty"`
	Steps    []StepRecord   `json:"steps"`
	Audit    []*audit.Entry `json:"audit"`
}

// Show returns a remediation with everything recorded about it.
func (s *Service) Show(ctx context.Context, id string) (*Detail, error) {
	q := s.st.Q()
	r, err := getRemediation(ctx, q, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Remediation: r}
	if d.Approval, err = approvalOf(ctx, q, id); err != nil {
		return nil, err
	}
	if d.Steps, err = listSteps(ctx, q, id); err != nil {
		return nil, err
	}
	if d.Approval != nil {
		if d.Audit, err = audit.List(ctx, q, audit.Query{Subject: d.Approval.ID}); err != nil {
			return nil, err
		}
	}
	own, err := audit.List(ctx, q, audit.Query{Subject: id})
	if err != nil {
		return nil, err
	}
	d.Audit = append(d.Audit, own...)
	slices.SortFunc(d.Audit, func(a, b *audit.Entry) int { return int(a.Seq - b.Seq) })
	return d, nil
}

// List returns remediations, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]*Remediation, error) {
	return listRemediations(ctx, s.st.Q(), f)
}

// Approvals returns the pending approvals (all of them with all), newest
// first, each with what a person needs to decide.
func (s *Service) Approvals(ctx context.Context, all bool) ([]*ApprovalView, error) {
	as, err := listApprovals(ctx, s.st.Q(), all)
	if err != nil {
		return nil, err
	}
	out := make([]*ApprovalView, 0, len(as))
	for _, a := range as {
		v, err := s.view(ctx, s.st.Q(), a)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Approval returns one approval with what a person needs to decide.
func (s *Service) Approval(ctx context.Context, id string) (*ApprovalView, error) {
	a, err := getApproval(ctx, s.st.Q(), id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, s.st.Q(), a)
}

func (s *Service) view(ctx context.Context, q store.Querier, a *Approval) (*ApprovalView, error) {
	r, err := getRemediation(ctx, q, a.RemediationID)
	if err != nil {
		return nil, err
	}
	v := &ApprovalView{Approval: a, Playbook: r.Playbook, Resource: r.Resource, ResourceType: r.ResourceType, Account: r.Account, Region: r.Region,
		Severity: r.Severity, Finding: r.FindingID, Why: r.Reason, WhyJA: r.ReasonJA, Plan: r.Plan}
	if r.Finding != nil {
		v.Title = r.Finding.Title
	}
	if a.Status == ApprovalPending && !s.now().Before(a.ExpiresAt) {
		v.Status = ApprovalExpired
	}
	return v, nil
}

// Approve approves a pending approval as by (a person), via cli, http or
// slack, and schedules the apply.
func (s *Service) Approve(ctx context.Context, id, by, via string) (*Approval, error) {
	return s.decide(ctx, id, by, via, "", true)
}

// Reject rejects a pending approval as by, with a reason.
func (s *Service) Reject(ctx context.Context, id, by, via, reason string) (*Approval, error) {
	return s.decide(ctx, id, by, via, reason, false)
}

func (s *Service) decide(ctx context.Context, id, by, via, reason string, approve bool) (*Approval, error) {
	var out *Approval
	var expired bool
	err := s.st.InTx(ctx, func(tx store.Tx) error {
		a, err := getApproval(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Status != ApprovalPending {
			return fmt.Errorf("%w: %s was %s by %s at %s", ErrNotPending, id, a.Status, firstNonEmpty(a.DecidedBy, "vigil"), a.DecidedAt.UTC().Format(time.RFC3339))
		}
		now := s.now()
		if !now.Before(a.ExpiresAt) {
			expired = true
			return s.expireTx(ctx, tx, a, now)
		}
		if err := s.checkDecider(a, by, approve); err != nil {
			out = a
			return err
		}
		r, err := getRemediation(ctx, tx, a.RemediationID)
		if err != nil {
			return err
		}
		a.DecidedBy, a.DecidedVia, a.DecidedAt, a.Reason = by, via, now, reason
		action := "approval.rejected"
		if approve {
			a.Status, r.Status, r.ChangeAt = ApprovalApproved, StatusApproved, now
			action = "approval.approved"
		} else {
			a.Status, r.Status = ApprovalRejected, StatusRejected
		}
		if err := decideApproval(ctx, tx, a); err != nil {
			return err
		}
		if err := updateRemediation(ctx, tx, r, now); err != nil {
			return err
		}
		if _, err := audit.Append(ctx, tx, audit.Record{Actor: by, Action: action, Subject: id, Detail: map[string]string{"remediation": r.ID, "via": via, "reason": reason}}); err != nil {
			return err
		}
		out = a
		if approve {
			return s.enqueue(ctx, tx, ApplyArgs{ID: r.ID}, s.applyOpts())
		}
		return s.notifyTx(ctx, tx, r.ID, noticeRejected)
	})
	if err != nil && !expired {
		// The refusal is recorded too, outside the transaction that
		// rolled back.
		if errors.Is(err, ErrNotApprover) {
			audit.Log(ctx, s.st, audit.Record{Actor: by, Action: "approval.refused", Subject: id, Detail: map[string]string{"via": via, "error": err.Error()}})
		}
		return out, err
	}
	if expired {
		return nil, fmt.Errorf("%w: %s expired (remediation.approval_ttl is %s)", ErrNotPending, id, s.conf().cfg.ApprovalTTL.D())
	}
	return out, nil
}

// Rollback schedules the rollback of an applied or verified remediation,
// asked for by by.
func (s *Service) Rollback(ctx context.Context, id, by string) (*Remediation, error) {
	if s.q == nil {
		return nil, errors.New("remediate: Rollback needs the job queue; use RollbackNow")
	}
	var r *Remediation
	err := s.st.InTx(ctx, func(tx store.Tx) error {
		var err error
		if r, err = s.checkRollback(ctx, tx, id, by); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, RollbackArgs{ID: id, By: by}, s.stepOpts())
	})
	return r, err
}

func (s *Service) checkRollback(ctx context.Context, tx store.Tx, id, by string) (*Remediation, error) {
	r, err := getRemediation(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusVerified && r.Status != StatusApplied && r.Status != StatusEscalated {
		return nil, fmt.Errorf("%w: remediation %s is %s: only applied, verified or escalated remediations can be rolled back", ErrRefused, id, r.Status)
	}
	if r.Plan == nil {
		return nil, fmt.Errorf("remediation %s has no plan to roll back", id)
	}
	pb, err := s.reg.Lookup(r.Playbook)
	if err != nil {
		return nil, err
	}
	if !pb.Info().Reversible {
		return nil, fmt.Errorf("remediation %s (%s) cannot be rolled back: %w", id, r.Playbook, ErrNoRollback)
	}
	if reservedActor(by) {
		return nil, fmt.Errorf("rollback of %s: %q is not a person's name; give your own with --by", id, by)
	}
	_, err = audit.Append(ctx, tx, audit.Record{Actor: by, Action: "remediation.rollback_requested", Subject: id})
	return r, err
}

// enqueue inserts a follow-up job in tx; without a queue (synchronous
// use) only notifications matter, and they are sent after the commit by
// the caller.
func (s *Service) enqueue(ctx context.Context, tx store.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	if s.q == nil {
		return nil
	}
	_, err := s.q.InsertOneTx(ctx, tx, args, opts)
	return err
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
