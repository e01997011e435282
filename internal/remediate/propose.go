package remediate

import (
	"context"
	"fmt"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/store"
)

// RuleAsk is the Rule of remediations a person asked for with a question
// (vigil ask, POST /ask, Slack). Such a request is never applied without a
// person's approval, and never left a dry run: the mode becomes approve
// (an exempt resource or one already in the intended state stays as it
// is).
const RuleAsk = "ask"

// Proposal is one remediation a change request made: its plan and its
// approval.
type Proposal struct {
	Remediation *Remediation
	// ApprovalID is the pending approval; empty when nothing is to be
	// approved (no change needed, exempt, or decided already).
	ApprovalID string
}

// Propose is a person's change request made through a question: each
// remediation ev calls for is recorded, planned now with read-only
// clients, and put before a person for approval. Nothing is applied here.
// A finding asked about again finds its remediations as they are.
func (s *Service) Propose(ctx context.Context, ev *event.Event, by string) ([]Proposal, error) {
	reqs, err := s.Request(ctx, ev, Request{Rule: RuleAsk, RequestedBy: by})
	if err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		fs, _ := Findings(ev)
		return nil, fmt.Errorf("no playbook is mapped to this finding (%s)", describeFindings(fs))
	}
	var out []Proposal
	for _, q := range reqs {
		r, err := s.Get(ctx, q.ID)
		if err != nil {
			return out, err
		}
		if r.Status == StatusPlanning {
			// Plan now, as the plan job would; the job then finds the
			// remediation planned and does nothing.
			plan, perr := s.makePlan(ctx, r)
			if perr != nil {
				return out, fmt.Errorf("planning %s on %s: %w", r.Playbook, r.Resource, perr)
			}
			err := s.st.InTx(ctx, func(tx store.Tx) error {
				cur, err := getRemediation(ctx, tx, r.ID)
				if err != nil || cur.Status != StatusPlanning {
					return err
				}
				_, err = s.gateTx(ctx, tx, cur, plan)
				return err
			})
			if err != nil {
				return out, err
			}
			if r, err = s.Get(ctx, q.ID); err != nil {
				return out, err
			}
		}
		p := Proposal{Remediation: r}
		if r.Status == StatusPendingApproval {
			a, err := approvalOf(ctx, s.st.Q(), r.ID)
			if err != nil {
				return out, err
			}
			if a != nil {
				p.ApprovalID = a.ID
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// askedByPerson is the decision for a remediation a person asked for: at
// least a person's approval, never an automatic change, never a dry run.
func askedByPerson(d Decision) Decision {
	switch d.Status {
	case StatusApproved, StatusDryRun:
		d.Status, d.Mode = StatusPendingApproval, config.ModeApprove
		d.Reason = "a person asked for it through vigil ask: it waits for a person's approval"
		d.ReasonJA = "vigil ask で人が依頼した変更のため、人の承認を待ちます"
	}
	return d
}
