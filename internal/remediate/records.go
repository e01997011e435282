package remediate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/store"
)

// Statuses of a remediation.
const (
	// StatusPlanning: requested, its plan not made yet.
	StatusPlanning = "planning"
	// StatusNoChange: the resource was already in the intended state.
	StatusNoChange = "no_change"
	// StatusSkipped: the resource carries the exemption tag.
	StatusSkipped = "skipped"
	// StatusDryRun: planned and reported; the mode allows no change.
	StatusDryRun = "dry_run"
	// StatusPendingApproval: waiting for a person.
	StatusPendingApproval = "pending_approval"
	StatusRejected        = "rejected"
	StatusExpired         = "expired"
	// StatusApproved: approved (by a person or the auto mode), to apply.
	StatusApproved = "approved"
	// StatusApplied: applied, to verify.
	StatusApplied = "applied"
	// StatusVerified: applied and verified. Success.
	StatusVerified = "verified"
	// StatusRollingBack: a failed apply or verification is being rolled
	// back before escalating.
	StatusRollingBack = "rolling_back"
	// StatusEscalated: failed (after rolling back where safe); on-call
	// was told.
	StatusEscalated = "escalated"
	// StatusRolledBack: rolled back on request.
	StatusRolledBack = "rolled_back"
)

// Remediation is one playbook applied (or to be) to one resource of one
// finding.
type Remediation struct {
	ID string `json:"id"`
	// DedupKey is the playbook, account, finding and resource: a finding
	// sent again gets the same key, and no second remediation.
	DedupKey     string `json:"-"`
	Playbook     string `json:"playbook"`
	FindingID    string `json:"finding_id"`
	EventID      string `json:"event_id"`
	Account      string `json:"account"`
	Region       string `json:"region"`
	ResourceType string `json:"resource_type"`
	Resource     string `json:"resource"`
	Severity     string `json:"severity,omitempty"`
	// Rule is what asked for it: a rule's name, or cli, or api.
	Rule        string `json:"rule"`
	RequestedBy string `json:"requested_by"`
	Status      string `json:"status"`
	// Mode and Reason are the policy's decision and why.
	Mode     string `json:"mode,omitempty"`
	Reason   string `json:"reason,omitempty"`
	ReasonJA string `json:"reason_ja,omitempty"`
	// Error says why it failed, for escalated remediations.
	Error   string          `json:"error,omitempty"`
	Finding *Finding        `json:"finding"`
	Params  json.RawMessage `json:"params,omitempty"`
	Plan    *Plan           `json:"plan,omitempty"`
	Result  *Result         `json:"result,omitempty"`
	// Verification is what the last verification found, in English;
	// VerificationJA the same in Japanese (empty for remediations
	// verified before vigil wrote it: VerificationIn falls back).
	Verification   string    `json:"verification,omitempty"`
	VerificationJA string    `json:"verification_ja,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// ChangeAt is when the change was authorised (counted against the
	// blast-radius limit).
	ChangeAt   time.Time `json:"change_at,omitzero"`
	AppliedAt  time.Time `json:"applied_at,omitzero"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
}

// Final reports whether the remediation has ended.
func (r *Remediation) Final() bool {
	switch r.Status {
	case StatusNoChange, StatusSkipped, StatusDryRun, StatusRejected, StatusExpired, StatusVerified, StatusEscalated, StatusRolledBack:
		return true
	}
	return false
}

// Migrations create the remediation tables.
var Migrations = []store.Migration{{ID: "remediate/0001_remediations", SQL: []string{
	`CREATE TABLE IF NOT EXISTS vigil_remediations (
		id            TEXT PRIMARY KEY,
		dedup_key     TEXT NOT NULL UNIQUE,
		playbook      TEXT NOT NULL,
		finding_id    TEXT NOT NULL,
		event_id      TEXT NOT NULL,
		account       TEXT NOT NULL,
		region        TEXT NOT NULL,
		resource_type TEXT NOT NULL,
		resource      TEXT NOT NULL,
		severity      TEXT NOT NULL,
		rule          TEXT NOT NULL,
		requested_by  TEXT NOT NULL,
		status        TEXT NOT NULL,
		mode          TEXT NOT NULL DEFAULT '',
		reason        TEXT NOT NULL DEFAULT '',
		reason_ja     TEXT NOT NULL DEFAULT '',
		error         TEXT NOT NULL DEFAULT '',
		finding       {blob} NOT NULL,
		params        {blob},
		plan          {blob},
		result        {blob},
		verification  TEXT NOT NULL DEFAULT '',
		created_at    BIGINT NOT NULL,
		updated_at    BIGINT NOT NULL,
		change_at     BIGINT NOT NULL DEFAULT 0,
		applied_at    BIGINT NOT NULL DEFAULT 0,
		verified_at   BIGINT NOT NULL DEFAULT 0
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_remediations_change ON vigil_remediations (change_at)`,
	`CREATE INDEX IF NOT EXISTS vigil_remediations_created ON vigil_remediations (created_at)`,
	// Each step's idempotency key and result, written in the transaction
	// that completes the step's job.
	`CREATE TABLE IF NOT EXISTS vigil_remediation_steps (
		idempotency_key TEXT PRIMARY KEY,
		remediation_id  TEXT NOT NULL,
		step            TEXT NOT NULL,
		outcome         TEXT NOT NULL,
		detail          {blob} NOT NULL,
		at              BIGINT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_remediation_steps_rem ON vigil_remediation_steps (remediation_id, at)`,
	`CREATE TABLE IF NOT EXISTS vigil_approvals (
		id             TEXT PRIMARY KEY,
		remediation_id TEXT NOT NULL UNIQUE,
		status         TEXT NOT NULL,
		destructive    BIGINT NOT NULL,
		requested_by   TEXT NOT NULL,
		requested_at   BIGINT NOT NULL,
		expires_at     BIGINT NOT NULL,
		decided_by     TEXT NOT NULL DEFAULT '',
		decided_via    TEXT NOT NULL DEFAULT '',
		decided_at     BIGINT NOT NULL DEFAULT 0,
		reason         TEXT NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_approvals_status ON vigil_approvals (status, requested_at)`,
}}, {ID: "remediate/0002_verification_ja", SQL: []string{
	// What the verification found, in Japanese. Rows verified before
	// keep '' and show the English text.
	`ALTER TABLE vigil_remediations ADD COLUMN verification_ja TEXT NOT NULL DEFAULT ''`,
}}}

// VerificationIn returns what the last verification found in language
// l, in English when there is no Japanese text.
func (r *Remediation) VerificationIn(l lang.Lang) string {
	return Note{EN: r.Verification, JA: r.VerificationJA}.In(l)
}

// setVerification records what a verification found.
func (r *Remediation) setVerification(n Note) {
	r.Verification, r.VerificationJA = n.EN, n.JA
}

// dedupKey names a remediation's playbook, account, finding and resource.
func dedupKey(playbook string, f *Finding, res Resource) string {
	// The unit separator cannot appear in any of them (and PostgreSQL
	// text refuses NUL).
	return strings.Join([]string{playbook, f.Account, f.ID, res.Type, res.ID}, "\x1f")
}

// shortID is prefix and the first 12 hex digits of key's SHA-256: the same
// key always gets the same id.
func shortID(prefix, key string) string {
	h := sha256.Sum256([]byte(key))
	return prefix + hex.EncodeToString(h[:6])
}

const remColumns = `id, dedup_key, playbook, finding_id, event_id, account, region, resource_type, resource, severity, rule, requested_by,
	status, mode, reason, reason_ja, error, finding, params, plan, result, verification, verification_ja, created_at, updated_at, change_at, applied_at, verified_at`

func scanRemediation(row store.Row) (*Remediation, error) {
	r := &Remediation{}
	var finding, params, plan, result []byte
	var created, updated, change, applied, verified int64
	err := row.Scan(&r.ID, &r.DedupKey, &r.Playbook, &r.FindingID, &r.EventID, &r.Account, &r.Region, &r.ResourceType, &r.Resource, &r.Severity,
		&r.Rule, &r.RequestedBy, &r.Status, &r.Mode, &r.Reason, &r.ReasonJA, &r.Error, &finding, &params, &plan, &result, &r.Verification, &r.VerificationJA,
		&created, &updated, &change, &applied, &verified)
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt, r.ChangeAt, r.AppliedAt, r.VerifiedAt = store.Time(created), store.Time(updated), store.Time(change), store.Time(applied), store.Time(verified)
	if len(finding) > 0 {
		if err := json.Unmarshal(finding, &r.Finding); err != nil {
			return nil, fmt.Errorf("remediation %s: finding: %w", r.ID, err)
		}
	}
	r.Params = params
	if len(plan) > 0 {
		if err := json.Unmarshal(plan, &r.Plan); err != nil {
			return nil, fmt.Errorf("remediation %s: plan: %w", r.ID, err)
		}
	}
	if len(result) > 0 {
		if err := json.Unmarshal(result, &r.Result); err != nil {
			return nil, fmt.Errorf("remediation %s: result: %w", r.ID, err)
		}
	}
	return r, nil
}

// ErrNotFound is returned for an unknown remediation or approval id.
var ErrNotFound = store.ErrNotFound

func getRemediation(ctx context.Context, q store.Querier, id string) (*Remediation, error) {
	r, err := scanRemediation(q.QueryRow(ctx, `SELECT `+remColumns+` FROM vigil_remediations WHERE id = ?`, id))
	if err == store.ErrNotFound {
		return nil, fmt.Errorf("no remediation %q: %w", id, ErrNotFound)
	}
	return r, err
}

// insertRemediation stores r unless its dedup key is taken; it reports
// whether r was new.
func insertRemediation(ctx context.Context, tx store.Tx, r *Remediation) (bool, error) {
	finding, err := json.Marshal(r.Finding)
	if err != nil {
		return false, err
	}
	n, err := tx.Exec(ctx, `INSERT INTO vigil_remediations (id, dedup_key, playbook, finding_id, event_id, account, region, resource_type, resource, severity,
		rule, requested_by, status, finding, params, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`,
		r.ID, r.DedupKey, r.Playbook, r.FindingID, r.EventID, r.Account, r.Region, r.ResourceType, r.Resource, r.Severity,
		r.Rule, r.RequestedBy, r.Status, finding, []byte(r.Params), store.Micros(r.CreatedAt), store.Micros(r.CreatedAt))
	return n == 1, err
}

// update writes r's mutable fields.
func updateRemediation(ctx context.Context, tx store.Tx, r *Remediation, now time.Time) error {
	var plan, result []byte
	var err error
	if r.Plan != nil {
		if plan, err = json.Marshal(r.Plan); err != nil {
			return err
		}
	}
	if r.Result != nil {
		if result, err = json.Marshal(r.Result); err != nil {
			return err
		}
	}
	r.UpdatedAt = now
	_, err = tx.Exec(ctx, `UPDATE vigil_remediations SET status = ?, mode = ?, reason = ?, reason_ja = ?, error = ?, plan = ?, result = ?, verification = ?,
		verification_ja = ?, updated_at = ?, change_at = ?, applied_at = ?, verified_at = ? WHERE id = ?`,
		r.Status, r.Mode, r.Reason, r.ReasonJA, r.Error, plan, result, r.Verification, r.VerificationJA, store.Micros(now), store.Micros(r.ChangeAt), store.Micros(r.AppliedAt), store.Micros(r.VerifiedAt), r.ID)
	return err
}

// Filter selects remediations for List.
type Filter struct {
	// Status keeps those in this status.
	Status string
	// EventID keeps those asked for by this event.
	EventID string
	// Limit bounds the list; 100 when zero.
	Limit int
}

func listRemediations(ctx context.Context, q store.Querier, f Filter) ([]*Remediation, error) {
	sql := `SELECT ` + remColumns + ` FROM vigil_remediations`
	var args []any
	where := ` WHERE`
	if f.Status != "" {
		sql += where + ` status = ?`
		args, where = append(args, f.Status), ` AND`
	}
	if f.EventID != "" {
		sql += where + ` event_id = ?`
		args = append(args, f.EventID)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	sql += fmt.Sprintf(` ORDER BY created_at DESC, id LIMIT %d`, f.Limit)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Remediation
	for rows.Next() {
		r, err := scanRemediation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StepRecord is one recorded workflow step.
type StepRecord struct {
	Key     string          `json:"idempotency_key"`
	Step    string          `json:"step"`
	Outcome string          `json:"outcome"`
	Detail  json.RawMessage `json:"detail"`
	At      time.Time       `json:"at"`
}

// recordStep stores a step's idempotency key and result; recording the
// same key again changes nothing (a repeated job).
func recordStep(ctx context.Context, tx store.Tx, remID, step, key, outcome string, detail any, now time.Time) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO vigil_remediation_steps (idempotency_key, remediation_id, step, outcome, detail, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (idempotency_key) DO NOTHING`, key, remID, step, outcome, b, store.Micros(now))
	return err
}

func listSteps(ctx context.Context, q store.Querier, remID string) ([]StepRecord, error) {
	rows, err := q.Query(ctx, `SELECT idempotency_key, step, outcome, detail, at FROM vigil_remediation_steps WHERE remediation_id = ? ORDER BY at, idempotency_key`, remID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StepRecord
	for rows.Next() {
		var s StepRecord
		var at int64
		var d []byte
		if err := rows.Scan(&s.Key, &s.Step, &s.Outcome, &d, &at); err != nil {
			return nil, err
		}
		s.Detail, s.At = d, store.Time(at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// countChanges counts the changes authorised since since.
func countChanges(ctx context.Context, q store.Querier, since time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM vigil_remediations WHERE change_at >= ?`, store.Micros(since)).Scan(&n)
	return n, err
}
