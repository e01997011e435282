package store

import (
	"context"
	"time"
)

// Explanation is what a summarize target wrote about an event.
type Explanation struct {
	EventID   string
	Rule      string
	Target    string
	Lang      string
	Engine    string
	CreatedAt time.Time
	// Body is the explanation as JSON (explain's JSON rendering).
	Body []byte
}

// PutExplanation stores x, replacing an earlier one of the same event, rule
// and target (a retried delivery writes it again).
func PutExplanation(ctx context.Context, q Querier, x *Explanation) error {
	_, err := q.Exec(ctx, `INSERT INTO vigil_explanations (event_id, rule, target, lang, engine, created_at, body) VALUES (?,?,?,?,?,?,?)
		ON CONFLICT (event_id, rule, target) DO UPDATE SET lang = excluded.lang, engine = excluded.engine, created_at = excluded.created_at, body = excluded.body`,
		x.EventID, x.Rule, x.Target, x.Lang, x.Engine, Micros(x.CreatedAt), x.Body)
	return err
}

// Explanations returns the explanations stored for an event, oldest first.
func Explanations(ctx context.Context, q Querier, eventID string) ([]*Explanation, error) {
	rows, err := q.Query(ctx, `SELECT event_id, rule, target, lang, engine, created_at, body FROM vigil_explanations WHERE event_id = ? ORDER BY created_at, rule, target`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Explanation
	for rows.Next() {
		x := &Explanation{}
		var at int64
		if err := rows.Scan(&x.EventID, &x.Rule, &x.Target, &x.Lang, &x.Engine, &at, &x.Body); err != nil {
			return nil, err
		}
		x.CreatedAt = Time(at)
		out = append(out, x)
	}
	return out, rows.Err()
}
