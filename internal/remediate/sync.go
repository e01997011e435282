package remediate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/store"
)

// Preview plans what ev calls for (playbooks, or the mapping's) with
// read-only clients, and says what the policy would decide, without
// recording anything: vigil remediate plan.
func (s *Service) Preview(ctx context.Context, ev *event.Event, playbooks []string) ([]*Plan, error) {
	fs, err := Findings(ev)
	if err != nil {
		return nil, err
	}
	recent := 0
	if s.st != nil {
		if recent, err = countChanges(ctx, s.st.Q(), s.now().Add(-s.conf().cfg.Limit.Window.D())); err != nil {
			return nil, err
		}
	}
	var out []*Plan
	for _, f := range fs {
		sel, err := s.selections(ctx, f, playbooks)
		if err != nil {
			return nil, err
		}
		for _, x := range sel {
			c, err := s.clients.Clients(ctx, f.Account, firstNonEmpty(x.res.Region, f.Region), true, nil)
			if err != nil {
				return nil, err
			}
			p, err := planWith(ctx, x.pb, c, f, x.res, x.params, x.cites, s.now())
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", x.pb.Name(), x.res.ID, err)
			}
			d := s.conf().policy.Decide(p, x.pb.Info(), f.Severity, f.Account, recent)
			p.Mode, p.Reason, p.ReasonJA = d.Mode, d.Reason, d.ReasonJA
			out = append(out, p)
		}
	}
	if len(out) == 0 && len(playbooks) == 0 {
		return nil, fmt.Errorf("no playbook is mapped to this finding (%s); name one with --playbook", describeFindings(fs))
	}
	return out, nil
}

func describeFindings(fs []*Finding) string {
	if len(fs) == 0 {
		return "no finding"
	}
	f := fs[0]
	what := firstNonEmpty(f.Type, f.Control, f.EventName)
	if what == "" && len(f.ConfigRules) > 0 {
		what = f.ConfigRules[0]
	}
	return f.Source + " " + what
}

// ApplyOptions are a person's one-shot apply from the command line.
type ApplyOptions struct {
	// By is the person applying: the requester and, when Confirm says
	// yes, the approver.
	By string
	// Confirm is asked before anything changes (the CLI without --yes);
	// nil means the person approved already (--yes).
	Confirm func(*Remediation) (bool, error)
	// Progress, when set, hears of each step.
	Progress func(r *Remediation, step string)
}

// ErrRefused is returned when the policy refuses a one-shot apply.
var ErrRefused = errors.New("refused")

// ApplyNow is vigil remediate apply: plan, a person's approval, apply with
// retries, wait, verify (rolling back and escalating on failure), all in
// this process, recorded in the database and the audit log as the
// workflow does. A remediation of the same playbook, finding and resource
// that was applied already is returned as it is: nothing changes twice.
func (s *Service) ApplyNow(ctx context.Context, ev *event.Event, playbook string, o ApplyOptions) ([]*Remediation, error) {
	if reservedActor(o.By) {
		return nil, fmt.Errorf("--by: %q is not a person's name; give your own", o.By)
	}
	reqs, err := s.Request(ctx, ev, Request{Playbooks: []string{playbook}, Rule: "cli", RequestedBy: o.By})
	if err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		return nil, fmt.Errorf("%s does not act on anything this event names", playbook)
	}
	var out []*Remediation
	for _, q := range reqs {
		r, err := s.applyOne(ctx, q.ID, o)
		if r != nil {
			out = append(out, r)
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *Service) applyOne(ctx context.Context, id string, o ApplyOptions) (*Remediation, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	switch r.Status {
	case StatusPlanning, StatusDryRun, StatusPendingApproval, StatusExpired, StatusNoChange, StatusSkipped:
	default:
		// Applied, or on its way, or decided: nothing happens twice.
		return r, nil
	}
	progress := func(step string) {
		if o.Progress != nil {
			o.Progress(r, step)
		}
	}
	pb, err := s.reg.Lookup(r.Playbook)
	if err != nil {
		return r, err
	}
	progress("plan")
	plan, err := s.makePlan(ctx, r)
	if err != nil {
		return r, fmt.Errorf("planning %s: %w", r.ID, err)
	}
	plan.Mode = "approve"
	r.Plan = plan
	if plan.NoChange {
		err := s.st.InTx(ctx, func(tx store.Tx) error {
			r.Status, r.Reason, r.ReasonJA = StatusNoChange, "already in the intended state", "既に目的の状態です"
			return s.recordPlanTx(ctx, tx, r)
		})
		return r, err
	}
	if t := s.conf().cfg.ExemptTag; t != "" {
		if _, ok := plan.Tags[t]; ok {
			err := s.st.InTx(ctx, func(tx store.Tx) error {
				r.Status, r.Reason, r.ReasonJA = StatusSkipped, "the resource has the exemption tag "+t, "リソースに除外タグ "+t+" があります"
				return s.recordPlanTx(ctx, tx, r)
			})
			if err != nil {
				return r, err
			}
			return r, fmt.Errorf("%w: %s has the exemption tag %s; remove it to remediate the resource", ErrRefused, r.Resource, t)
		}
	}
	if plan.Destructive || pb.Info().Destructive {
		// The person asking may not approve a destructive change: it waits
		// for another approver (vigil approve, through vigil serve).
		err := s.st.InTx(ctx, func(tx store.Tx) error {
			r.Status, r.Mode, r.Reason = StatusPendingApproval, "approve", r.Playbook+" is destructive: another person must approve it"
			r.ReasonJA = r.Playbook + " は破壊的な操作のため、別の人の承認が必要です"
			if err := s.recordPlanTx(ctx, tx, r); err != nil {
				return err
			}
			now := s.now()
			a := &Approval{ID: shortID("apr-", r.ID), RemediationID: r.ID, Status: ApprovalPending, Destructive: true, RequestedBy: o.By, RequestedAt: now, ExpiresAt: now.Add(s.conf().cfg.ApprovalTTL.D())}
			if err := insertApproval(ctx, tx, a); err != nil {
				return err
			}
			_, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "approval.requested", Subject: a.ID, Detail: map[string]any{"remediation": r.ID, "reason": r.Reason, "expires_at": a.ExpiresAt.UTC()}})
			return err
		})
		if err != nil {
			return r, err
		}
		s.sendNow(ctx, r, noticeApproval)
		if o.Confirm == nil {
			return r, fmt.Errorf("%w: %s is destructive and %s requested it, so %s may not approve it too; another approver runs: vigil approve %s --by NAME",
				ErrRefused, r.Playbook, o.By, o.By, shortID("apr-", r.ID))
		}
		return r, nil
	}
	if o.Confirm != nil {
		ok, err := o.Confirm(r)
		if err != nil {
			return r, err
		}
		if !ok {
			return r, fmt.Errorf("%w: not confirmed; nothing changed", ErrRefused)
		}
	}
	// The person's approval, within the blast-radius limit.
	err = s.st.InTx(ctx, func(tx store.Tx) error {
		recent, err := s.lockAndCount(ctx, tx)
		if err != nil {
			return err
		}
		if lim := s.conf().cfg.Limit.Changes; lim >= 0 && recent >= lim {
			return fmt.Errorf("%w: blast-radius limit reached: %d changes in the last %s (remediation.limit allows %d); wait, or raise the limit", ErrRefused, recent, s.conf().cfg.Limit.Window.D(), lim)
		}
		now := s.now()
		r.Status, r.Mode, r.Reason, r.ChangeAt = StatusApproved, "approve", "approved by "+o.By+" on the command line", now
		r.ReasonJA = o.By + " がコマンドラインで承認しました"
		if err := s.recordPlanTx(ctx, tx, r); err != nil {
			return err
		}
		a := &Approval{ID: shortID("apr-", r.ID), RemediationID: r.ID, Status: ApprovalApproved, RequestedBy: o.By, RequestedAt: now, ExpiresAt: now,
			DecidedBy: o.By, DecidedVia: "cli", DecidedAt: now}
		if err := insertApproval(ctx, tx, a); err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, audit.Record{Actor: o.By, Action: "approval.approved", Subject: a.ID, Detail: map[string]string{"remediation": r.ID, "via": "cli"}})
		return err
	})
	if err != nil {
		return r, err
	}
	return s.runApproved(ctx, r, progress)
}

// recordPlanTx records r's plan and status.
func (s *Service) recordPlanTx(ctx context.Context, tx store.Tx, r *Remediation) error {
	now := s.now()
	if err := recordStep(ctx, tx, r.ID, "plan", r.ID+"/plan", "planned", r.Plan, now); err != nil {
		return err
	}
	if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "remediation.planned", Subject: r.ID, Detail: r.Plan}); err != nil {
		return err
	}
	if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "remediation.gated", Subject: r.ID, Detail: map[string]string{"status": r.Status, "reason": r.Reason}}); err != nil {
		return err
	}
	return updateRemediation(ctx, tx, r, now)
}

// runApproved applies, waits and verifies an approved remediation in this
// process, with the configured retries, rolling back and escalating on
// failure.
func (s *Service) runApproved(ctx context.Context, r *Remediation, progress func(string)) (*Remediation, error) {
	progress("apply")
	pol := s.retryPolicy()
	var res *Result
	var err error
	for attempt := 1; ; attempt++ {
		res, err = s.doApply(ctx, r)
		if err == nil || !s.retryable(attempt, err) {
			break
		}
		if werr := sleep(ctx, pol.Backoff(attempt)); werr != nil {
			return r, werr
		}
	}
	if err != nil {
		return s.failNow(ctx, r, "apply", err)
	}
	if err := s.st.InTx(ctx, func(tx store.Tx) error { return s.appliedTx(ctx, tx, r, res) }); err != nil {
		return r, err
	}
	progress("verify")
	if err := sleep(ctx, s.conf().cfg.PropagationWait.D()); err != nil {
		return r, err
	}
	deadline := r.AppliedAt.Add(s.conf().cfg.VerifyTimeout.D())
	for {
		ok, detail, verr := s.doVerify(ctx, r)
		var perm *PermanentError
		if ok {
			if err := s.st.InTx(ctx, func(tx store.Tx) error { return s.verifiedTx(ctx, tx, r, detail) }); err != nil {
				return r, err
			}
			s.sendNow(ctx, r, noticeVerified)
			return r, nil
		}
		if errors.As(verr, &perm) || s.now().After(deadline) {
			cause := verr
			if cause == nil {
				cause = fmt.Errorf("not in the intended state after %s: %s", s.conf().cfg.VerifyTimeout.D(), detail.EN)
			}
			r.setVerification(detail)
			return s.failNow(ctx, r, "verify", cause)
		}
		if err := sleep(ctx, s.verifyInterval()); err != nil {
			return r, err
		}
	}
}

// failNow records a failure, rolls back where safe, escalates, and
// returns the failure.
func (s *Service) failNow(ctx context.Context, r *Remediation, stage string, cause error) (*Remediation, error) {
	var rollback bool
	err := s.st.InTx(ctx, func(tx store.Tx) error {
		var err error
		rollback, err = s.failTx(ctx, tx, r, stage, cause)
		return err
	})
	if err != nil {
		return r, err
	}
	if rollback {
		rbErr := s.doRollback(ctx, r)
		if err := s.st.InTx(ctx, func(tx store.Tx) error {
			return s.rolledBackTx(ctx, tx, r, RollbackArgs{ID: r.ID, Failure: true}, rbErr)
		}); err != nil {
			return r, err
		}
	}
	s.sendNow(ctx, r, noticeEscalated)
	return r, fmt.Errorf("remediation %s failed and was escalated: %s", r.ID, r.Error)
}

// RollbackNow rolls a remediation back in this process (vigil remediate
// rollback without a server).
func (s *Service) RollbackNow(ctx context.Context, id, by string) (*Remediation, error) {
	var r *Remediation
	if err := s.st.InTx(ctx, func(tx store.Tx) error {
		var err error
		r, err = s.checkRollback(ctx, tx, id, by)
		return err
	}); err != nil {
		return r, err
	}
	rbErr := s.doRollback(ctx, r)
	if err := s.st.InTx(ctx, func(tx store.Tx) error { return s.rolledBackTx(ctx, tx, r, RollbackArgs{ID: id, By: by}, rbErr) }); err != nil {
		return r, err
	}
	if rbErr != nil {
		s.sendNow(ctx, r, noticeEscalated)
		return r, fmt.Errorf("rolling back %s: %w", id, rbErr)
	}
	s.sendNow(ctx, r, noticeRolledBack)
	return r, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
