package remediate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// Approval statuses.
const (
	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
	ApprovalRejected = "rejected"
	ApprovalExpired  = "expired"
)

// Approval is a request for a person to approve one remediation.
type Approval struct {
	ID            string    `json:"id"`
	RemediationID string    `json:"remediation_id"`
	Status        string    `json:"status"`
	Destructive   bool      `json:"destructive"`
	RequestedBy   string    `json:"requested_by"`
	RequestedAt   time.Time `json:"requested_at"`
	ExpiresAt     time.Time `json:"expires_at"`
	DecidedBy     string    `json:"decided_by,omitempty"`
	// DecidedVia is cli, http or slack.
	DecidedVia string    `json:"decided_via,omitempty"`
	DecidedAt  time.Time `json:"decided_at,omitzero"`
	Reason     string    `json:"reason,omitempty"`
}

// ApprovalView is an approval with what a person needs to decide: the
// remediation, its plan (steps, before-state, rollback) and explanation.
type ApprovalView struct {
	*Approval
	Playbook     string `json:"playbook"`
	Resource     string `json:"resource"`
	ResourceType string `json:"resource_type"`
	Account      string `json:"account"`
	Region       string `json:"region"`
	Severity     string `json:"severity,omitempty"`
	Finding      string `json:"finding"`
	Title        string `json:"title,omitempty"`
	// Why is the policy's reason for asking (WhyJA in Japanese).
	Why   string `json:"why"`
	WhyJA string `json:"why_ja,omitempty"`
	Plan  *Plan  `json:"plan,omitempty"`
}

// Errors of approving and rejecting, for the API's status codes.
var (
	// ErrNotPending: the approval was decided already or expired.
	ErrNotPending = errors.New("approval is not pending")
	// ErrNotApprover: the person is not allowed to decide.
	ErrNotApprover = errors.New("not allowed to approve")
)

const approvalColumns = `id, remediation_id, status, destructive, requested_by, requested_at, expires_at, decided_by, decided_via, decided_at, reason`

func scanApproval(row store.Row) (*Approval, error) {
	a := &Approval{}
	var destructive, req, exp, dec int64
	if err := row.Scan(&a.ID, &a.RemediationID, &a.Status, &destructive, &a.RequestedBy, &req, &exp, &a.DecidedBy, &a.DecidedVia, &dec, &a.Reason); err != nil {
		return nil, err
	}
	a.Destructive = destructive != 0
	a.RequestedAt, a.ExpiresAt, a.DecidedAt = store.Time(req), store.Time(exp), store.Time(dec)
	return a, nil
}

func getApproval(ctx context.Context, q store.Querier, id string) (*Approval, error) {
	a, err := scanApproval(q.QueryRow(ctx, `SELECT `+approvalColumns+` FROM vigil_approvals WHERE id = ?`, id))
	if err == store.ErrNotFound {
		return nil, fmt.Errorf("no approval %q: %w", id, ErrNotFound)
	}
	return a, err
}

func approvalOf(ctx context.Context, q store.Querier, remID string) (*Approval, error) {
	a, err := scanApproval(q.QueryRow(ctx, `SELECT `+approvalColumns+` FROM vigil_approvals WHERE remediation_id = ?`, remID))
	if err == store.ErrNotFound {
		return nil, nil
	}
	return a, err
}

func insertApproval(ctx context.Context, tx store.Tx, a *Approval) error {
	d := 0
	if a.Destructive {
		d = 1
	}
	_, err := tx.Exec(ctx, `INSERT INTO vigil_approvals (`+approvalColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (remediation_id) DO UPDATE SET status = excluded.status, requested_by = excluded.requested_by, requested_at = excluded.requested_at,
		expires_at = excluded.expires_at, decided_by = excluded.decided_by, decided_via = excluded.decided_via, decided_at = excluded.decided_at, reason = excluded.reason`,
		a.ID, a.RemediationID, a.Status, d, a.RequestedBy, store.Micros(a.RequestedAt), store.Micros(a.ExpiresAt), a.DecidedBy, a.DecidedVia, store.Micros(a.DecidedAt), a.Reason)
	return err
}

func decideApproval(ctx context.Context, tx store.Tx, a *Approval) error {
	_, err := tx.Exec(ctx, `UPDATE vigil_approvals SET status = ?, decided_by = ?, decided_via = ?, decided_at = ?, reason = ? WHERE id = ?`,
		a.Status, a.DecidedBy, a.DecidedVia, store.Micros(a.DecidedAt), a.Reason, a.ID)
	return err
}

func listApprovals(ctx context.Context, q store.Querier, all bool) ([]*Approval, error) {
	sql := `SELECT ` + approvalColumns + ` FROM vigil_approvals`
	if !all {
		sql += ` WHERE status = 'pending'`
	}
	sql += ` ORDER BY requested_at DESC, id LIMIT 500`
	rows, err := q.Query(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Approval
	for rows.Next() {
		a, err := scanApproval(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// reservedActor reports names that are vigil's own, never a person's: a
// decision must be made by a person, never by a rule, the policy or a
// model.
func reservedActor(by string) bool {
	b := strings.ToLower(strings.TrimSpace(by))
	return b == "" || b == "vigil" || strings.HasPrefix(b, "rule:") || strings.HasPrefix(b, "policy:") || strings.HasPrefix(b, "model:")
}

// checkDecider says whether by may decide a: a configured approver when
// there are any, never vigil itself, and for a destructive remediation
// never the person who requested it.
func (s *Service) checkDecider(a *Approval, by string, approving bool) error {
	if reservedActor(by) {
		return fmt.Errorf("%w: %q is not a person's name; give your own with --by (or \"by\")", ErrNotApprover, by)
	}
	if len(s.conf().cfg.Approvers) > 0 {
		ok := false
		for _, ap := range s.conf().cfg.Approvers {
			ok = ok || ap.Name == by
		}
		if !ok {
			return fmt.Errorf("%w: %q is not in remediation.approvers", ErrNotApprover, by)
		}
	}
	if approving && a.Destructive && by == a.RequestedBy {
		return fmt.Errorf("%w: %s requested this destructive remediation and may not also approve it; another approver must", ErrNotApprover, by)
	}
	return nil
}

// SlackApprover returns the configured approver whose Slack user id is
// user.
func (s *Service) SlackApprover(user string) (string, error) {
	if len(s.conf().cfg.Approvers) == 0 {
		return "", fmt.Errorf("%w: approving in Slack needs remediation.approvers with their Slack user ids", ErrNotApprover)
	}
	for _, ap := range s.conf().cfg.Approvers {
		if ap.Slack != "" && ap.Slack == user {
			return ap.Name, nil
		}
	}
	return "", fmt.Errorf("%w: Slack user %s is not in remediation.approvers", ErrNotApprover, user)
}
