package store

import (
	"context"
	"time"
)

// Silence mutes the targets of matching events for a while: events are still
// stored, but no job is created for them. Like an Alertmanager silence it has
// a creator and a comment saying why.
type Silence struct {
	ID string
	// Rule limits the silence to one rule; "" silences every rule.
	Rule string
	// Pattern is an EventBridge event pattern the event must match.
	Pattern   string
	StartsAt  time.Time
	EndsAt    time.Time
	CreatedBy string
	Comment   string
	CreatedAt time.Time
}

// Active reports whether the silence applies at t.
func (s *Silence) Active(t time.Time) bool {
	return !t.Before(s.StartsAt) && t.Before(s.EndsAt)
}

// AddSilence stores s.
func AddSilence(ctx context.Context, q Querier, s *Silence) error {
	_, err := q.Exec(ctx, `INSERT INTO vigil_silences (id, rule, pattern, starts_at, ends_at, created_by, comment, created_at) VALUES (?,?,?,?,?,?,?,?)`,
		s.ID, s.Rule, s.Pattern, Micros(s.StartsAt), Micros(s.EndsAt), s.CreatedBy, s.Comment, Micros(s.CreatedAt))
	return err
}

// ListSilences returns silences that end after since, oldest first; pass the
// zero time for all of them.
func ListSilences(ctx context.Context, q Querier, since time.Time) ([]*Silence, error) {
	rows, err := q.Query(ctx, `SELECT id, rule, pattern, starts_at, ends_at, created_by, comment, created_at FROM vigil_silences WHERE ends_at > ? ORDER BY created_at, id`, Micros(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Silence
	for rows.Next() {
		s := &Silence{}
		var st, en, cr int64
		if err := rows.Scan(&s.ID, &s.Rule, &s.Pattern, &st, &en, &s.CreatedBy, &s.Comment, &cr); err != nil {
			return nil, err
		}
		s.StartsAt, s.EndsAt, s.CreatedAt = Time(st), Time(en), Time(cr)
		out = append(out, s)
	}
	return out, rows.Err()
}

// ExpireSilence ends the silence id at t (if it has not ended already). It
// returns ErrNotFound when there is no such silence.
func ExpireSilence(ctx context.Context, q Querier, id string, t time.Time) error {
	n, err := q.Exec(ctx, `UPDATE vigil_silences SET ends_at = ? WHERE id = ? AND ends_at > ?`, Micros(t), id, Micros(t))
	if err != nil {
		return err
	}
	if n == 0 {
		var x string
		if err := q.QueryRow(ctx, `SELECT id FROM vigil_silences WHERE id = ?`, id).Scan(&x); err != nil {
			return err
		}
	}
	return nil
}
