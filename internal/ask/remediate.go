package ask

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/lang"
)

// maxProposals bounds the plans one change request makes.
const maxProposals = 5

// Remediator turns a change request about one finding into a plan and a
// pending approval through the remediation workflow. It never applies
// anything: a person approves first, wherever approvals are decided.
type Remediator interface {
	Propose(ctx context.Context, req ProposalRequest) ([]Proposal, error)
}

// ProposalRequest is one finding to plan the remediation of.
type ProposalRequest struct {
	// Event is the finding as Security Hub sends it to EventBridge.
	Event *event.Event
	// By is who asked: the requester of the approval.
	By   string
	Lang lang.Lang
}

// Proposal is a plan and its pending approval.
type Proposal struct {
	Playbook string
	// Plan says what would change, in the request's language: the API
	// calls, the before-state, how to roll back.
	Plan string
	// ApprovalID is the pending approval; empty when the policy left the
	// plan a dry run (then nothing will ever be applied from it).
	ApprovalID string
	// Mode is the policy's decision for the plan (dry-run, approve).
	Mode string
	// Citations are the policy documents the plan's parameters came from.
	Citations []Citation
}

// remediate answers a change request with plans and pending approvals,
// never with a change.
func (s *session) remediate(ctx context.Context, p *parsed) (*Answer, error) {
	ans := &Answer{Engine: "builtin"}
	f := p.filter
	// 「GuardDuty を有効化して」 asks for control GuardDuty.1, not for the
	// findings GuardDuty writes.
	if slices.Equal(f.Products, []string{"GuardDuty"}) && len(f.ControlIDs) == 0 {
		f.Products, f.ControlIDs = nil, []string{"GuardDuty.1"}
	}
	if len(f.ControlIDs)+len(f.ResourceIDs)+len(f.FindingIDs)+len(f.Services) == 0 {
		ans.Text = text(s.lang, msgChangeNoTarget)
		return ans, nil
	}
	if s.a.deps.Remediator == nil {
		ans.Text = text(s.lang, msgChangeOff)
		return ans, nil
	}
	if _, err := s.run(ctx, "search_findings", f); err != nil {
		return nil, err
	}
	l := s.last
	if l.Total == 0 {
		ans.Text = text(s.lang, msgChangeNone) + "\n" + s.scope(p, l.Filter)
		return ans, nil
	}
	var b strings.Builder
	n := min(len(l.Findings), maxProposals)
	for _, r := range l.Findings[:n] {
		full, err := s.a.fd.get(ctx, r.ID, []string{r.Region})
		if err != nil {
			return nil, err
		}
		ev, err := findingEvent(full)
		if err != nil {
			return nil, err
		}
		prs, err := s.a.deps.Remediator.Propose(ctx, ProposalRequest{Event: ev, By: s.by, Lang: s.lang})
		if err != nil {
			fmt.Fprintf(&b, "%s\n\n", text(s.lang, msgChangeNoPlan, r.ID, short(err.Error())))
			continue
		}
		for _, pr := range prs {
			fmt.Fprintf(&b, "%s\n%s\n", text(s.lang, msgChangePlanned, r.ID, pr.Playbook), strings.TrimSpace(pr.Plan))
			for _, c := range pr.Citations {
				s.cite(c)
			}
			if pr.ApprovalID != "" {
				ans.Approvals = append(ans.Approvals, pr.ApprovalID)
				fmt.Fprintf(&b, "%s\n", text(s.lang, msgChangeApproval, pr.ApprovalID))
			}
			b.WriteString("\n")
		}
	}
	s.derived = append(s.derived, fmt.Sprint(n), fmt.Sprint(l.Total-n))
	if l.Total > n {
		fmt.Fprintf(&b, "%s\n", text(s.lang, msgChangeMore, l.Total-n, n))
	}
	b.WriteString(text(s.lang, msgChangeNeverRuns))
	ans.Text = strings.TrimSpace(b.String())
	return ans, nil
}
