package remediate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/channel"
)

// Notices: what a remediation message is about.
const (
	noticeApproval   = "approval"
	noticeDryRun     = "dry_run"
	noticeVerified   = "verified"
	noticeEscalated  = "escalated"
	noticeRolledBack = "rolled_back"
	noticeRejected   = "rejected"
	noticeExpired    = "expired"
)

// Slack action ids of the approval buttons (POST /slack/interactions).
const (
	ActionApprove = "vigil_approve"
	ActionReject  = "vigil_reject"
)

// catalog returns the message texts of a language (messages_en.go,
// messages_ja.go).
func catalog(l lang.Lang) map[string]string {
	if l == lang.JA {
		return messagesJA
	}
	return messagesEN
}

// maxBefore bounds the before-state a message shows.
const maxBefore = 1500

// Message builds the notice about r for a reader of language l.
func (s *Service) Message(r *Remediation, a *Approval, notice string, l lang.Lang) notify.Message {
	t := catalog(l)
	m := notify.Message{ID: "remediation/" + r.ID + "/" + notice, Lang: l, Thread: "finding/" + r.FindingID}
	where := fmt.Sprintf("%s/%s", r.Account, r.Region)
	m.Subject = fmt.Sprintf(t["subject."+notice], r.Playbook, r.Resource, where)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if r.Plan != nil {
		expl := r.Plan.Explanation
		if l == lang.JA && r.Plan.ExplanationJA != "" {
			expl = r.Plan.ExplanationJA
		}
		line("%s", expl)
	}
	if r.Finding != nil {
		line(t["finding"], firstNonEmpty(r.Finding.Title, r.FindingID), firstNonEmpty(r.Severity, "-"), r.FindingID)
	}
	line(t["remediation"], r.ID, r.Status)
	switch notice {
	case noticeApproval, noticeDryRun:
		if why := r.Reason; why != "" {
			if l == lang.JA && r.ReasonJA != "" {
				why = r.ReasonJA
			}
			line(t["why"], why)
		}
		if r.Plan != nil {
			line("%s", t["steps"])
			for _, st := range r.Plan.Steps {
				line("  • %s %s", st.API, plainJSON(st.Params))
			}
			if len(r.Plan.Before) > 0 {
				before, _ := notify.Truncate(string(r.Plan.Before), maxBefore)
				line(t["before"], before)
			}
			if len(r.Plan.Rollback) == 0 {
				line("%s", t["no_rollback"])
			} else {
				line("%s", t["rollback"])
				for _, st := range r.Plan.Rollback {
					line("  • %s %s", st.API, plainJSON(st.Params))
				}
			}
		}
		if notice == noticeApproval && a != nil {
			line(t["how"], a.ID, a.ID, a.ExpiresAt.UTC().Format(time.RFC3339))
			if a.Destructive {
				line(t["destructive"], a.RequestedBy)
			}
			m.Actions = []notify.Action{
				{ID: ActionApprove, Text: t["button.approve"], Value: a.ID, Style: "primary"},
				{ID: ActionReject, Text: t["button.reject"], Value: a.ID, Style: "danger"},
			}
		}
	case noticeVerified:
		if r.Result != nil && r.Result.Summary != "" {
			line(t["done"], r.Result.Summary)
		}
		line(t["verified"], r.VerificationIn(l))
		line(t["how_rollback"], r.ID)
	case noticeEscalated:
		line(t["error"], r.Error)
		line(t["escalated"])
	case noticeRolledBack:
		line("%s", t["rolled_back"])
	case noticeRejected, noticeExpired:
		if a != nil {
			line(t["decided"], firstNonEmpty(a.DecidedBy, "vigil"), a.DecidedAt.UTC().Format(time.RFC3339), firstNonEmpty(a.Reason, "-"))
		}
	}
	m.Text = strings.TrimSpace(b.String())
	return m
}

type notifyWorker struct {
	river.WorkerDefaults[NotifyArgs]
	s *Service
}

func (w *notifyWorker) Work(ctx context.Context, job *river.Job[NotifyArgs]) error {
	s := w.s
	a := job.Args
	n, ok := s.conf().notifiers[a.Notifier]
	if !ok {
		return river.JobCancel(fmt.Errorf("notifier %q is not configured any more", a.Notifier))
	}
	r, err := s.Get(ctx, a.ID)
	if errors.Is(err, ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	return s.send(ctx, r, a.Notice, n)
}

// send sends one notice to one notifier and records it.
func (s *Service) send(ctx context.Context, r *Remediation, notice string, n *channel.Named) error {
	ap, err := approvalOf(ctx, s.st.Q(), r.ID)
	if err != nil {
		return err
	}
	m := s.Message(r, ap, notice, n.Lang)
	retry, err := n.Notifier.Notify(ctx, m)
	if err != nil {
		s.log.Warn("remediation notice failed", "remediation", r.ID, "notice", notice, "notifier", n.Name, "retry", retry, "error", err.Error())
		if !retry {
			audit.Log(context.WithoutCancel(ctx), s.st, audit.Record{Actor: "vigil", Action: "notification.failed", Subject: r.ID, Detail: map[string]string{"notice": notice, "notifier": n.Name, "error": err.Error()}})
			return river.JobCancel(err)
		}
		return err
	}
	return audit.Log(ctx, s.st, audit.Record{Actor: "vigil", Action: "notification.sent", Subject: r.ID, Detail: map[string]string{"notice": notice, "notifier": n.Name}})
}

// sendNow sends a notice to every notifier that should hear of it, at
// once (synchronous use, without a job queue); failures are logged.
func (s *Service) sendNow(ctx context.Context, r *Remediation, notice string) {
	for _, name := range s.noticeTargets(notice) {
		if n, ok := s.conf().notifiers[name]; ok {
			if err := s.send(ctx, r, notice, n); err != nil {
				s.log.Warn("remediation notice not sent", "remediation", r.ID, "notifier", name, "error", err.Error())
			}
		}
	}
}
