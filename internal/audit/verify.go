package audit

import (
	"context"
	"fmt"

	"github.com/vigilhq/vigil/internal/store"
)

// Problem is the first place where the chain is broken.
type Problem struct {
	// Seq is the first bad record's sequence number (for records missing
	// at the end: the last good one's).
	Seq int64 `json:"seq"`
	// Reason says what is wrong with it, for a person.
	Reason string `json:"reason"`
}

// Error describes the problem.
func (p *Problem) Error() string { return fmt.Sprintf("audit record %d: %s", p.Seq, p.Reason) }

// Report is the outcome of Verify.
type Report struct {
	// Records is how many records were checked.
	Records int64 `json:"records"`
	// Problem is nil when the chain is intact.
	Problem *Problem `json:"problem,omitempty"`
}

// Verify walks the whole chain in order and returns the first problem it
// finds: a record whose content no longer matches its hash (changed), a
// gap in the sequence (removed), a record that does not follow the one
// before it (moved, or one removed and the rest renumbered), or a chain
// that ends before the head (records removed at the end). An error is
// returned only when the database cannot be read.
func Verify(ctx context.Context, q store.Querier) (*Report, error) {
	rows, err := q.Query(ctx, `SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM vigil_audit ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	rep := &Report{}
	var prev *Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		rep.Records++
		if p := check(prev, e); p != nil {
			rep.Problem = p
			break
		}
		prev = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if rep.Problem != nil {
		return rep, nil
	}
	var headSeq int64
	var headHash string
	if err := q.QueryRow(ctx, `SELECT seq, hash FROM vigil_audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, fmt.Errorf("audit: reading the log's head: %w", err)
	}
	lastSeq, lastHash := int64(0), ""
	if prev != nil {
		lastSeq, lastHash = prev.Seq, prev.Hash
	}
	switch {
	case headSeq > lastSeq:
		rep.Problem = &Problem{Seq: lastSeq + 1, Reason: fmt.Sprintf("missing: the log ends at record %d but recorded %d records", lastSeq, headSeq)}
	case headSeq < lastSeq || headHash != lastHash:
		rep.Problem = &Problem{Seq: lastSeq, Reason: "does not match the log's recorded last record (added or changed outside vigil)"}
	}
	return rep, nil
}

func check(prev, e *Entry) *Problem {
	want := int64(1)
	prevHash := ""
	if prev != nil {
		want, prevHash = prev.Seq+1, prev.Hash
	}
	switch {
	case e.Seq != want:
		return &Problem{Seq: want, Reason: fmt.Sprintf("missing: the next record is %d", e.Seq)}
	case e.PrevHash != prevHash:
		return &Problem{Seq: e.Seq, Reason: fmt.Sprintf("does not follow record %d (moved, or records before it removed)", e.Seq-1)}
	case e.computeHash() != e.Hash:
		return &Problem{Seq: e.Seq, Reason: "changed: its content does not match its hash"}
	}
	return nil
}
