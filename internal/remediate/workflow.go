package remediate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/smithy-go"
	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/store"
)

// The workflow's job kinds. Each step is one job; the step's result, the
// next step's job and the job's completion commit in one transaction.
const (
	KindPlan     = "vigil_remediate_plan"
	KindApply    = "vigil_remediate_apply"
	KindVerify   = "vigil_remediate_verify"
	KindRollback = "vigil_remediate_rollback"
	KindNotify   = "vigil_remediate_notify"
	KindExpire   = "vigil_remediate_expire"
)

// PlanArgs plans a remediation and puts the plan through the policy gate.
type PlanArgs struct {
	ID string `json:"id"`
}

// Kind implements river.JobArgs.
func (PlanArgs) Kind() string { return KindPlan }

// ApplyArgs applies an approved remediation.
type ApplyArgs struct {
	ID string `json:"id"`
}

// Kind implements river.JobArgs.
func (ApplyArgs) Kind() string { return KindApply }

// VerifyArgs verifies an applied remediation, again until it holds or
// remediation.verify_timeout has passed.
type VerifyArgs struct {
	ID string `json:"id"`
}

// Kind implements river.JobArgs.
func (VerifyArgs) Kind() string { return KindVerify }

// RollbackArgs rolls a remediation back: on a person's request (By), or
// after a failure (Failure) before escalating.
type RollbackArgs struct {
	ID      string `json:"id"`
	By      string `json:"by,omitempty"`
	Failure bool   `json:"failure,omitempty"`
}

// Kind implements river.JobArgs.
func (RollbackArgs) Kind() string { return KindRollback }

// NotifyArgs sends one notice about a remediation to one notifier.
type NotifyArgs struct {
	ID       string `json:"id"`
	Notice   string `json:"notice"`
	Notifier string `json:"notifier"`
}

// Kind implements river.JobArgs.
func (NotifyArgs) Kind() string { return KindNotify }

// ExpireArgs expires an approval nobody decided in time.
type ExpireArgs struct {
	Approval string `json:"approval"`
}

// Kind implements river.JobArgs.
func (ExpireArgs) Kind() string { return KindExpire }

func (s *Service) register(q *jobs.Queue) {
	jobs.AddWorker(q, &planWorker{s: s})
	jobs.AddWorker(q, &applyWorker{s: s})
	jobs.AddWorker(q, &verifyWorker{s: s})
	jobs.AddWorker(q, &rollbackWorker{s: s})
	jobs.AddWorker(q, &notifyWorker{s: s})
	jobs.AddWorker(q, &expireWorker{s: s})
}

// retryPolicy is remediation.retry as a job policy (exponential backoff,
// ×2 per attempt, with jitter).
func (s *Service) retryPolicy() jobs.Policy {
	r := s.conf().cfg.Retry
	return jobs.Policy{MaxAttempts: r.MaxAttempts, MinBackoff: r.MinBackoff.D(), MaxBackoff: r.MaxBackoff.D()}
}

// stepOpts are the insert options of steps that follow the retry policy.
// River gets one attempt more than the policy: the worker ends the
// remediation itself at the policy's last attempt (escalating it), so
// River never discards a step silently.
func (s *Service) stepOpts() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: s.conf().cfg.Retry.MaxAttempts + 1}
}

func (s *Service) applyOpts() *river.InsertOpts { return s.stepOpts() }

// retryable says whether a step that failed with err should run again: a
// call AWS may answer differently later (throttling, a 5xx, no answer) and
// attempts left. A playbook's own error (a missing resource, a document
// that failed) is final.
func (s *Service) retryable(attempt int, err error) bool {
	if attempt >= s.conf().cfg.Retry.MaxAttempts {
		return false
	}
	var perm *PermanentError
	if errors.As(err, &perm) || errors.Is(err, ErrNoRollback) {
		return false
	}
	var ro *ReadOnlyError
	if errors.As(err, &ro) {
		return false
	}
	var op *smithy.OperationError
	if !errors.As(err, &op) {
		return false
	}
	return awsx.Retryable(err)
}

// clientsFor returns clients acting where r's resource is, recording every
// call in the audit log under r's id.
func (s *Service) clientsFor(ctx context.Context, r *Remediation, readOnly bool) (*Clients, error) {
	record := func(c Call) {
		if s.st == nil {
			return
		}
		if err := audit.Log(context.WithoutCancel(ctx), s.st, audit.Record{Actor: "vigil", Action: "aws.call", Subject: r.ID, Detail: c}); err != nil {
			s.log.Warn("recording an AWS call in the audit log failed", "remediation", r.ID, "operation", c.Operation, "error", err.Error())
		}
	}
	return s.clients.Clients(ctx, r.Account, r.Region, readOnly, record)
}

// resourceOf returns r's resource as the finding describes it.
func resourceOf(r *Remediation) Resource {
	if r.Finding != nil {
		for _, x := range r.Finding.Resources {
			if x.Type == r.ResourceType && x.ID == r.Resource {
				return x
			}
		}
	}
	return Resource{Type: r.ResourceType, ID: r.Resource, Region: r.Region}
}

// makePlan plans r with read-only clients.
func (s *Service) makePlan(ctx context.Context, r *Remediation) (*Plan, error) {
	pb, err := s.reg.Lookup(r.Playbook)
	if err != nil {
		return nil, Permanent(err)
	}
	c, err := s.clientsFor(ctx, r, true)
	if err != nil {
		return nil, err
	}
	// The parameters were merged when the remediation was requested; the
	// documents that set them are cited as they are now.
	_, cites := s.policyParams(ctx, r.Playbook)
	return planWith(ctx, pb, c, r.Finding, resourceOf(r), r.Params, cites, s.now())
}

// planWith runs pb's Plan and fills in what every plan carries.
func planWith(ctx context.Context, pb Playbook, c *Clients, f *Finding, res Resource, params []byte, cites []kb.Citation, now time.Time) (*Plan, error) {
	p, err := pb.Plan(ctx, PlanInput{Clients: c, Finding: f, Resource: res, Params: params, Now: now})
	if err != nil {
		return nil, err
	}
	p.Playbook, p.Account, p.Region = pb.Name(), c.Account(), c.Region()
	if pb.Info().Destructive {
		p.Destructive = true
	}
	if p.Steps == nil {
		p.Steps = []Step{}
	}
	if p.Rollback == nil {
		p.Rollback = []Step{}
	}
	if len(p.Params) == 0 && len(params) > 0 {
		p.Params = params
	}
	p.Citations = cites
	return p, nil
}

// gateTx records r's plan and the policy's decision in tx, and schedules
// what follows: the apply (auto), an approval request, or a notice.
func (s *Service) gateTx(ctx context.Context, tx store.Tx, r *Remediation, plan *Plan) (Decision, error) {
	pb, err := s.reg.Lookup(r.Playbook)
	if err != nil {
		return Decision{}, err
	}
	recent, err := s.lockAndCount(ctx, tx)
	if err != nil {
		return Decision{}, err
	}
	d := s.conf().policy.Decide(plan, pb.Info(), r.Severity, r.Account, recent)
	if r.Rule == RuleAsk {
		d = askedByPerson(d)
	}
	now := s.now()
	plan.Mode = d.Mode
	plan.Reason, plan.ReasonJA = d.Reason, d.ReasonJA
	r.Plan, r.Status, r.Mode, r.Reason, r.ReasonJA = plan, d.Status, d.Mode, d.Reason, d.ReasonJA
	if err := recordStep(ctx, tx, r.ID, "plan", r.ID+"/plan", "planned", plan, now); err != nil {
		return d, err
	}
	if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "remediation.planned", Subject: r.ID, Detail: plan}); err != nil {
		return d, err
	}
	if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "remediation.gated", Subject: r.ID,
		Detail: map[string]any{"status": d.Status, "mode": d.Mode, "reason": d.Reason, "recent_changes": recent}}); err != nil {
		return d, err
	}
	switch d.Status {
	case StatusApproved:
		r.ChangeAt = now
		if err := s.enqueue(ctx, tx, ApplyArgs{ID: r.ID}, s.applyOpts()); err != nil {
			return d, err
		}
	case StatusPendingApproval:
		a := &Approval{ID: shortID("apr-", r.ID), RemediationID: r.ID, Status: ApprovalPending, Destructive: plan.Destructive,
			RequestedBy: firstNonEmpty(r.RequestedBy, "rule:"+r.Rule), RequestedAt: now, ExpiresAt: now.Add(s.conf().cfg.ApprovalTTL.D())}
		if err := insertApproval(ctx, tx, a); err != nil {
			return d, err
		}
		if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "approval.requested", Subject: a.ID,
			Detail: map[string]any{"remediation": r.ID, "reason": d.Reason, "expires_at": a.ExpiresAt.UTC()}}); err != nil {
			return d, err
		}
		if err := s.enqueue(ctx, tx, ExpireArgs{Approval: a.ID}, &river.InsertOpts{ScheduledAt: a.ExpiresAt}); err != nil {
			return d, err
		}
		if err := s.notifyTx(ctx, tx, r.ID, noticeApproval); err != nil {
			return d, err
		}
	case StatusDryRun:
		if err := s.notifyTx(ctx, tx, r.ID, noticeDryRun); err != nil {
			return d, err
		}
	}
	return d, updateRemediation(ctx, tx, r, now)
}

// changeLock serialises the blast-radius count and the change it
// authorises across replicas (PostgreSQL); SQLite's write lock does it
// there.
const changeLock = 7311103

// lockAndCount takes the change lock and counts the changes authorised in
// the limit's window.
func (s *Service) lockAndCount(ctx context.Context, tx store.Tx) (int, error) {
	if s.st.Kind() == store.Postgres {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(changeLock)); err != nil {
			return 0, fmt.Errorf("taking the change lock: %w", err)
		}
	}
	return countChanges(ctx, tx, s.now().Add(-s.conf().cfg.Limit.Window.D()))
}

// doApply applies r's plan with recording clients.
func (s *Service) doApply(ctx context.Context, r *Remediation) (*Result, error) {
	pb, err := s.reg.Lookup(r.Playbook)
	if err != nil {
		return nil, Permanent(err)
	}
	c, err := s.clientsFor(ctx, r, false)
	if err != nil {
		return nil, err
	}
	key := r.ID + "/apply"
	res, err := pb.Apply(ctx, c, r.Plan, key)
	if err != nil {
		return nil, err
	}
	res.Key = key
	return res, nil
}

// appliedTx records a successful apply and schedules the verification
// after the propagation wait.
func (s *Service) appliedTx(ctx context.Context, tx store.Tx, r *Remediation, res *Result) error {
	now := s.now()
	r.Result, r.Status, r.AppliedAt = res, StatusApplied, now
	if err := recordStep(ctx, tx, r.ID, "apply", res.Key, "applied", res, now); err != nil {
		return err
	}
	if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "remediation.applied", Subject: r.ID, Detail: res}); err != nil {
		return err
	}
	// The verification job is available at once and waits out the
	// propagation by snoozing: River only looks at scheduled jobs every few
	// seconds, which would stretch a short wait.
	if err := s.enqueue(ctx, tx, VerifyArgs{ID: r.ID}, &river.InsertOpts{MaxAttempts: s.conf().cfg.Retry.MaxAttempts + 1}); err != nil {
		return err
	}
	return updateRemediation(ctx, tx, r, now)
}

func (s *Service) doVerify(ctx context.Context, r *Remediation) (bool, Note, error) {
	pb, err := s.reg.Lookup(r.Playbook)
	if err != nil {
		return false, Note{}, Permanent(err)
	}
	c, err := s.clientsFor(ctx, r, true)
	if err != nil {
		return false, Note{}, err
	}
	return pb.Verify(ctx, c, r.Plan, r.Result)
}

func (s *Service) verifiedTx(ctx context.Context, tx store.Tx, r *Remediation, detail Note) error {
	now := s.now()
	r.Status, r.VerifiedAt = StatusVerified, now
	r.setVerification(detail)
	found := map[string]string{"detail": detail.EN}
	if detail.JA != "" {
		found["detail_ja"] = detail.JA
	}
	if err := recordStep(ctx, tx, r.ID, "verify", r.ID+"/verify", "verified", found, now); err != nil {
		return err
	}
	if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "remediation.verified", Subject: r.ID, Detail: found}); err != nil {
		return err
	}
	if err := s.notifyTx(ctx, tx, r.ID, noticeVerified); err != nil {
		return err
	}
	return updateRemediation(ctx, tx, r, now)
}

// failTx records that r failed at stage and decides what follows: a
// rollback first when the playbook's rollback is safe and something may
// have changed, otherwise escalation at once. It reports whether a
// rollback follows.
func (s *Service) failTx(ctx context.Context, tx store.Tx, r *Remediation, stage string, cause error) (bool, error) {
	now := s.now()
	r.Error = stage + ": " + cause.Error()
	rollback := false
	if pb, err := s.reg.Lookup(r.Playbook); err == nil && (stage == "apply" || stage == "verify") {
		info := pb.Info()
		rollback = info.Reversible && info.RollbackOnFailure && r.Plan != nil
	}
	if err := recordStep(ctx, tx, r.ID, stage, r.ID+"/"+stage+"/failed", "failed", map[string]string{"error": cause.Error()}, now); err != nil {
		return false, err
	}
	if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "remediation.failed", Subject: r.ID, Detail: map[string]any{"stage": stage, "error": cause.Error(), "rollback": rollback}}); err != nil {
		return false, err
	}
	if rollback {
		r.Status = StatusRollingBack
		if r.Result == nil {
			// The failed apply recorded nothing: the rollback finds what it
			// created by the idempotency key.
			r.Result = &Result{Key: r.ID + "/apply"}
		}
		if err := s.enqueue(ctx, tx, RollbackArgs{ID: r.ID, Failure: true}, s.stepOpts()); err != nil {
			return false, err
		}
	} else {
		r.Status = StatusEscalated
		if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "remediation.escalated", Subject: r.ID, Detail: map[string]string{"error": r.Error}}); err != nil {
			return false, err
		}
		if err := s.notifyTx(ctx, tx, r.ID, noticeEscalated); err != nil {
			return false, err
		}
	}
	return rollback, updateRemediation(ctx, tx, r, now)
}

func (s *Service) doRollback(ctx context.Context, r *Remediation) error {
	pb, err := s.reg.Lookup(r.Playbook)
	if err != nil {
		return Permanent(err)
	}
	c, err := s.clientsFor(ctx, r, false)
	if err != nil {
		return err
	}
	return pb.Rollback(ctx, c, r.Plan, r.Result)
}

// rolledBackTx records the end of a rollback: after a failure the
// remediation is escalated (rolled back, or not when the rollback failed
// too); on request it is rolled back.
func (s *Service) rolledBackTx(ctx context.Context, tx store.Tx, r *Remediation, a RollbackArgs, rbErr error) error {
	now := s.now()
	outcome := "rolled_back"
	if rbErr != nil {
		outcome = "failed"
	}
	detail := map[string]string{"by": a.By}
	if rbErr != nil {
		detail["error"] = rbErr.Error()
	}
	if err := recordStep(ctx, tx, r.ID, "rollback", fmt.Sprintf("%s/rollback/%d", r.ID, now.UnixMicro()), outcome, detail, now); err != nil {
		return err
	}
	actor := firstNonEmpty(a.By, "vigil")
	switch {
	case a.Failure:
		if rbErr != nil {
			r.Error += "; rollback failed: " + rbErr.Error()
		} else {
			r.Error += " (rolled back)"
		}
		r.Status = StatusEscalated
		if _, err := audit.Append(ctx, tx, audit.Record{Actor: actor, Action: "remediation.escalated", Subject: r.ID, Detail: map[string]string{"error": r.Error}}); err != nil {
			return err
		}
		if err := s.notifyTx(ctx, tx, r.ID, noticeEscalated); err != nil {
			return err
		}
	case rbErr != nil:
		r.Error = "rollback failed: " + rbErr.Error()
		r.Status = StatusEscalated
		if _, err := audit.Append(ctx, tx, audit.Record{Actor: actor, Action: "remediation.escalated", Subject: r.ID, Detail: map[string]string{"error": r.Error}}); err != nil {
			return err
		}
		if err := s.notifyTx(ctx, tx, r.ID, noticeEscalated); err != nil {
			return err
		}
	default:
		r.Status = StatusRolledBack
		if _, err := audit.Append(ctx, tx, audit.Record{Actor: actor, Action: "remediation.rolled_back", Subject: r.ID}); err != nil {
			return err
		}
		if err := s.notifyTx(ctx, tx, r.ID, noticeRolledBack); err != nil {
			return err
		}
	}
	return updateRemediation(ctx, tx, r, now)
}

// expireTx expires a pending approval and its remediation.
func (s *Service) expireTx(ctx context.Context, tx store.Tx, a *Approval, now time.Time) error {
	a.Status, a.DecidedAt = ApprovalExpired, now
	if err := decideApproval(ctx, tx, a); err != nil {
		return err
	}
	r, err := getRemediation(ctx, tx, a.RemediationID)
	if err != nil {
		return err
	}
	r.Status = StatusExpired
	if _, err := audit.Append(ctx, tx, audit.Record{Actor: "vigil", Action: "approval.expired", Subject: a.ID, Detail: map[string]string{"remediation": r.ID}}); err != nil {
		return err
	}
	if err := s.notifyTx(ctx, tx, r.ID, noticeExpired); err != nil {
		return err
	}
	return updateRemediation(ctx, tx, r, now)
}

// notifyTx schedules one notice job per notifier that should hear of it.
func (s *Service) notifyTx(ctx context.Context, tx store.Tx, id, notice string) error {
	if s.q == nil {
		return nil
	}
	for _, n := range s.noticeTargets(notice) {
		if err := s.enqueue(ctx, tx, NotifyArgs{ID: id, Notice: notice, Notifier: n}, &river.InsertOpts{MaxAttempts: 10}); err != nil {
			return err
		}
	}
	return nil
}

// noticeTargets names the notifiers of a notice: remediation.notify, and
// for an escalation remediation.escalation too.
func (s *Service) noticeTargets(notice string) []string {
	out := append([]string(nil), s.conf().cfg.Notify...)
	if notice == noticeEscalated {
		for _, n := range s.conf().cfg.Escalation {
			dup := false
			for _, o := range out {
				dup = dup || o == n
			}
			if !dup {
				out = append(out, n)
			}
		}
	}
	return out
}

// step loads the remediation a job works on. It returns nil when there is
// nothing to do: the remediation is gone (the job is cancelled), or no
// longer in the status the step starts from (a step that ran again after
// its result was committed, or one overtaken by a person's decision).
func (s *Service) step(ctx context.Context, id string, from string) (*Remediation, error) {
	r, err := s.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, river.JobCancel(err)
	}
	if err != nil || r.Status != from {
		return nil, err
	}
	return r, nil
}

type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	s *Service
}

func (w *planWorker) NextRetry(job *river.Job[PlanArgs]) time.Time {
	return time.Now().Add(w.s.retryPolicy().Backoff(job.Attempt))
}

func (w *planWorker) Work(ctx context.Context, job *river.Job[PlanArgs]) error {
	s := w.s
	r, err := s.step(ctx, job.Args.ID, StatusPlanning)
	if r == nil {
		return err
	}
	plan, perr := s.makePlan(ctx, r)
	if perr != nil && s.retryable(job.Attempt, perr) {
		s.log.Warn("planning failed; will retry", "remediation", r.ID, "attempt", job.Attempt, "error", perr.Error())
		return perr
	}
	return s.st.InTx(ctx, func(tx store.Tx) error {
		cur, err := getRemediation(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if cur.Status == StatusPlanning {
			if perr != nil {
				if _, err := s.failTx(ctx, tx, cur, "plan", perr); err != nil {
					return err
				}
			} else if d, err := s.gateTx(ctx, tx, cur, plan); err != nil {
				return err
			} else {
				s.log.Info("remediation planned", "remediation", r.ID, "playbook", r.Playbook, "resource", r.Resource, "status", d.Status, "reason", d.Reason)
			}
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

type applyWorker struct {
	river.WorkerDefaults[ApplyArgs]
	s *Service
}

func (w *applyWorker) NextRetry(job *river.Job[ApplyArgs]) time.Time {
	return time.Now().Add(w.s.retryPolicy().Backoff(job.Attempt))
}

func (w *applyWorker) Work(ctx context.Context, job *river.Job[ApplyArgs]) error {
	s := w.s
	// Nothing to do when applied already (the job ran again after its
	// completion was committed with the result), or no longer wanted.
	r, err := s.step(ctx, job.Args.ID, StatusApproved)
	if r == nil {
		return err
	}
	res, aerr := s.doApply(ctx, r)
	if aerr != nil && s.retryable(job.Attempt, aerr) {
		s.log.Warn("apply failed; will retry", "remediation", r.ID, "attempt", job.Attempt, "error", aerr.Error())
		return aerr
	}
	return s.st.InTx(ctx, func(tx store.Tx) error {
		cur, err := getRemediation(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if cur.Status == StatusApproved {
			if aerr != nil {
				s.log.Error("apply failed", "remediation", r.ID, "error", aerr.Error())
				if _, err := s.failTx(ctx, tx, cur, "apply", aerr); err != nil {
					return err
				}
			} else {
				s.log.Info("remediation applied", "remediation", r.ID, "changed", res.Changed, "summary", res.Summary)
				if err := s.appliedTx(ctx, tx, cur, res); err != nil {
					return err
				}
			}
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

type verifyWorker struct {
	river.WorkerDefaults[VerifyArgs]
	s *Service
}

func (w *verifyWorker) NextRetry(job *river.Job[VerifyArgs]) time.Time {
	return time.Now().Add(w.s.retryPolicy().Backoff(job.Attempt))
}

// verifyInterval is the wait between two verifications of one change.
func (s *Service) verifyInterval() time.Duration {
	return min(max(s.conf().cfg.PropagationWait.D(), 100*time.Millisecond), 30*time.Second)
}

func (w *verifyWorker) Work(ctx context.Context, job *river.Job[VerifyArgs]) error {
	s := w.s
	r, err := s.step(ctx, job.Args.ID, StatusApplied)
	if r == nil {
		return err
	}
	if wait := time.Until(r.AppliedAt.Add(s.conf().cfg.PropagationWait.D())); wait > 0 {
		return river.JobSnooze(wait)
	}
	ok, detail, verr := s.doVerify(ctx, r)
	late := s.now().After(r.AppliedAt.Add(s.conf().cfg.VerifyTimeout.D()))
	var perm *PermanentError
	if !ok && !late && !errors.As(verr, &perm) {
		if verr != nil {
			s.log.Warn("verification could not read the resource; will try again", "remediation", r.ID, "error", verr.Error())
		}
		return river.JobSnooze(s.verifyInterval())
	}
	return s.st.InTx(ctx, func(tx store.Tx) error {
		cur, err := getRemediation(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if cur.Status == StatusApplied {
			if ok {
				s.log.Info("remediation verified", "remediation", r.ID, "detail", detail.EN)
				if err := s.verifiedTx(ctx, tx, cur, detail); err != nil {
					return err
				}
			} else {
				cause := verr
				if cause == nil {
					cause = fmt.Errorf("not in the intended state after %s: %s", s.conf().cfg.VerifyTimeout.D(), detail.EN)
				}
				cur.setVerification(detail)
				s.log.Error("verification failed", "remediation", r.ID, "error", cause.Error())
				if _, err := s.failTx(ctx, tx, cur, "verify", cause); err != nil {
					return err
				}
			}
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

type rollbackWorker struct {
	river.WorkerDefaults[RollbackArgs]
	s *Service
}

func (w *rollbackWorker) NextRetry(job *river.Job[RollbackArgs]) time.Time {
	return time.Now().Add(w.s.retryPolicy().Backoff(job.Attempt))
}

func (w *rollbackWorker) Work(ctx context.Context, job *river.Job[RollbackArgs]) error {
	s := w.s
	a := job.Args
	r, err := s.Get(ctx, a.ID)
	if errors.Is(err, ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	want := func(st string) bool {
		if a.Failure {
			return st == StatusRollingBack
		}
		return st == StatusVerified || st == StatusApplied || st == StatusEscalated
	}
	if !want(r.Status) {
		return nil
	}
	rbErr := s.doRollback(ctx, r)
	if rbErr != nil && s.retryable(job.Attempt, rbErr) {
		s.log.Warn("rollback failed; will retry", "remediation", r.ID, "attempt", job.Attempt, "error", rbErr.Error())
		return rbErr
	}
	return s.st.InTx(ctx, func(tx store.Tx) error {
		cur, err := getRemediation(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if want(cur.Status) {
			if err := s.rolledBackTx(ctx, tx, cur, a, rbErr); err != nil {
				return err
			}
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}

type expireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	s *Service
}

func (w *expireWorker) Work(ctx context.Context, job *river.Job[ExpireArgs]) error {
	s := w.s
	return s.st.InTx(ctx, func(tx store.Tx) error {
		a, err := getApproval(ctx, tx, job.Args.Approval)
		if err != nil {
			return err
		}
		now := s.now()
		if a.Status == ApprovalPending {
			if now.Before(a.ExpiresAt) {
				return river.JobSnooze(a.ExpiresAt.Sub(now))
			}
			if err := s.expireTx(ctx, tx, a, now); err != nil {
				return err
			}
		}
		return jobs.CompleteTx(ctx, tx, job)
	})
}
