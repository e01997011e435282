// Package audit is vigil's tamper-evident record of what it decided and did:
// every remediation plan, approval, rejection, AWS API call (request and
// response, secrets redacted) and result, and whatever other packages
// append (console actions). Records form a hash chain in the database:
// each record's hash covers its own fields and the previous record's hash,
// so Verify finds a record that was changed, removed or moved, and names
// the first bad one.
//
// Appends are serialised by a lock on the chain's head row, taken in the
// caller's transaction: with several vigil serve replicas on one
// PostgreSQL database, the order of the chain is the order in which the
// appending transactions took that lock, and a transaction that rolls back
// leaves no record and no gap.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// Record is what a caller appends.
type Record struct {
	// Actor is who acted: a person ("alice"), "vigil" for vigil's own
	// decisions, or "rule:NAME" for what a rule requested.
	Actor string
	// Action is what happened, dotted: "remediation.planned",
	// "approval.approved", "aws.call", "console.login".
	Action string
	// Subject is what it happened to: a remediation or approval id, a
	// resource.
	Subject string
	// Detail is marshalled to JSON with secrets redacted (see Redact);
	// nil for none.
	Detail any
}

// Entry is a stored record.
type Entry struct {
	Seq     int64           `json:"seq"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Action  string          `json:"action"`
	Subject string          `json:"subject"`
	Detail  json.RawMessage `json:"detail"`
	// PrevHash is the hash of the record before (empty for the first);
	// Hash covers this record's fields and PrevHash.
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Migrations create the audit log: the records, and the one-row head that
// appenders lock and that remembers the last record (so removing records
// at the end is noticed too).
var Migrations = []store.Migration{{ID: "audit/0001_log", SQL: []string{
	`CREATE TABLE IF NOT EXISTS vigil_audit (
		seq       BIGINT PRIMARY KEY,
		at        BIGINT NOT NULL,
		actor     TEXT NOT NULL,
		action    TEXT NOT NULL,
		subject   TEXT NOT NULL,
		detail    {blob} NOT NULL,
		prev_hash TEXT NOT NULL,
		hash      TEXT NOT NULL
	)`,
	`CREATE INDEX IF NOT EXISTS vigil_audit_subject ON vigil_audit (subject, seq)`,
	`CREATE TABLE IF NOT EXISTS vigil_audit_head (
		id   BIGINT PRIMARY KEY,
		seq  BIGINT NOT NULL,
		hash TEXT NOT NULL
	)`,
	`INSERT INTO vigil_audit_head (id, seq, hash) VALUES (1, 0, '') ON CONFLICT (id) DO NOTHING`,
}}}

// Append adds r at the end of the chain in tx and returns the stored
// entry. tx must be a transaction (store.Tx) for appends to be safe under
// concurrency: the first statement locks the chain's head row until tx
// ends, so concurrent appenders, in this process or another replica, wait
// their turn.
func Append(ctx context.Context, tx store.Tx, r Record) (*Entry, error) {
	return appendAt(ctx, tx, r, time.Now())
}

func appendAt(ctx context.Context, tx store.Tx, r Record, now time.Time) (*Entry, error) {
	if r.Action == "" {
		return nil, fmt.Errorf("audit: a record needs an action")
	}
	detail, err := Redact(r.Detail)
	if err != nil {
		return nil, fmt.Errorf("audit: detail of %s: %w", r.Action, err)
	}
	// The no-op update takes the head row's write lock (PostgreSQL: a row
	// lock held to commit; SQLite: the transaction already holds the
	// database's write lock), so the head read next is the latest.
	if _, err := tx.Exec(ctx, `UPDATE vigil_audit_head SET seq = seq WHERE id = 1`); err != nil {
		return nil, fmt.Errorf("audit: locking the log: %w", err)
	}
	var headSeq int64
	var headHash string
	if err := tx.QueryRow(ctx, `SELECT seq, hash FROM vigil_audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, fmt.Errorf("audit: reading the log's head: %w", err)
	}
	e := &Entry{
		Seq: headSeq + 1, At: time.UnixMicro(now.UnixMicro()), Actor: r.Actor, Action: r.Action,
		Subject: r.Subject, Detail: detail, PrevHash: headHash,
	}
	e.Hash = e.computeHash()
	if _, err := tx.Exec(ctx, `INSERT INTO vigil_audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, store.Micros(e.At), e.Actor, e.Action, e.Subject, []byte(e.Detail), e.PrevHash, e.Hash); err != nil {
		return nil, fmt.Errorf("audit: appending %s: %w", r.Action, err)
	}
	if _, err := tx.Exec(ctx, `UPDATE vigil_audit_head SET seq = ?, hash = ? WHERE id = 1`, e.Seq, e.Hash); err != nil {
		return nil, fmt.Errorf("audit: moving the log's head: %w", err)
	}
	return e, nil
}

// Log appends r in a transaction of its own.
func Log(ctx context.Context, st *store.Store, r Record) error {
	return st.InTx(ctx, func(tx store.Tx) error {
		_, err := Append(ctx, tx, r)
		return err
	})
}

// computeHash is SHA-256 over the previous hash and the record's fields,
// each length-prefixed so that no two different records encode alike.
func (e *Entry) computeHash() string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), strconv.FormatInt(store.Micros(e.At), 10),
		e.Actor, e.Action, e.Subject, string(e.Detail),
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Query selects entries for List.
type Query struct {
	// Subject, when set, keeps the entries about it.
	Subject string
	// AfterSeq keeps entries after this sequence number.
	AfterSeq int64
	// Limit bounds the entries returned; 0 means all.
	Limit int
}

// List returns entries in chain order.
func List(ctx context.Context, q store.Querier, sel Query) ([]*Entry, error) {
	sql := `SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM vigil_audit WHERE seq > ?`
	args := []any{sel.AfterSeq}
	if sel.Subject != "" {
		sql += ` AND subject = ?`
		args = append(args, sel.Subject)
	}
	sql += ` ORDER BY seq`
	if sel.Limit > 0 {
		sql += ` LIMIT ` + strconv.Itoa(sel.Limit)
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	var out []*Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanEntry(rows store.Rows) (*Entry, error) {
	e := &Entry{}
	var at int64
	var detail []byte
	if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Subject, &detail, &e.PrevHash, &e.Hash); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	e.At = store.Time(at)
	e.Detail = detail
	return e, nil
}
