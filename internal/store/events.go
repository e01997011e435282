package store

import (
	"context"
	"strings"
	"time"
)

// Event is an accepted event as stored.
type Event struct {
	// Key is the deduplication key: "id:" + the event id, or for Security
	// Hub findings "finding:" + each finding's Id and UpdatedAt.
	Key        string
	ID         string
	Source     string
	DetailType string
	// Input says where the event came from: http, sqs, lambda, process.
	Input      string
	ReceivedAt time.Time
	Raw        []byte
}

// InsertEvents stores events in tx, skipping those whose Key is already
// stored. It returns, for each event, whether it was new.
func InsertEvents(ctx context.Context, tx Tx, evs []*Event) ([]bool, error) {
	isNew := make([]bool, len(evs))
	// One multi-row statement per chunk: far fewer round trips than one
	// INSERT per event, on both databases.
	const chunk = 200
	for start := 0; start < len(evs); start += chunk {
		end := min(start+chunk, len(evs))
		var b strings.Builder
		b.WriteString(`INSERT INTO vigil_events (dedup_key, event_id, source, detail_type, input, received_at, raw) VALUES `)
		args := make([]any, 0, (end-start)*7)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(",")
			}
			b.WriteString("(?,?,?,?,?,?,?)")
			e := evs[i]
			args = append(args, e.Key, e.ID, e.Source, e.DetailType, e.Input, Micros(e.ReceivedAt), e.Raw)
		}
		b.WriteString(` ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key`)
		rows, err := tx.Query(ctx, b.String(), args...)
		if err != nil {
			return nil, err
		}
		inserted := map[string]bool{}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			inserted[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for i := start; i < end; i++ {
			// A key repeated inside one batch is new only the first time.
			if inserted[evs[i].Key] {
				isNew[i] = true
				delete(inserted, evs[i].Key)
			}
		}
	}
	return isNew, nil
}

// GetEvent returns the stored event with the given id (the envelope "id"),
// or ErrNotFound.
func GetEvent(ctx context.Context, q Querier, id string) (*Event, error) {
	e := &Event{}
	var at int64
	err := q.QueryRow(ctx, `SELECT dedup_key, event_id, source, detail_type, input, received_at, raw FROM vigil_events WHERE event_id = ? ORDER BY received_at LIMIT 1`, id).
		Scan(&e.Key, &e.ID, &e.Source, &e.DetailType, &e.Input, &at, &e.Raw)
	if err != nil {
		return nil, err
	}
	e.ReceivedAt = Time(at)
	return e, nil
}

// CountEvents returns how many events are stored.
func CountEvents(ctx context.Context, q Querier) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT count(*) FROM vigil_events`).Scan(&n)
	return n, err
}

// EventQuery selects stored events by when vigil received them.
type EventQuery struct {
	// Since and Until bound ReceivedAt: Since <= t < Until; zero for no
	// bound.
	Since, Until time.Time
	// Source keeps events of this source only; all when empty.
	Source string
	// After continues a listing after this event (its ReceivedAt and Key,
	// in the listing's order).
	After *Event
	// Newest lists the most recent first; oldest first otherwise.
	Newest bool
	// Limit bounds the events returned; 100 when zero.
	Limit int
	// WithRaw includes each event's raw JSON.
	WithRaw bool
}

// ListEvents returns the stored events q selects, ordered by the time they
// were received (then by key, so paging with After is exact).
func ListEvents(ctx context.Context, q Querier, eq EventQuery) ([]*Event, error) {
	cols := `dedup_key, event_id, source, detail_type, input, received_at`
	if eq.WithRaw {
		cols += `, raw`
	}
	query := `SELECT ` + cols + ` FROM vigil_events WHERE 1=1`
	var args []any
	if !eq.Since.IsZero() {
		query += ` AND received_at >= ?`
		args = append(args, Micros(eq.Since))
	}
	if !eq.Until.IsZero() {
		query += ` AND received_at < ?`
		args = append(args, Micros(eq.Until))
	}
	if eq.Source != "" {
		query += ` AND source = ?`
		args = append(args, eq.Source)
	}
	order := `ASC`
	cmp := `>`
	if eq.Newest {
		order, cmp = `DESC`, `<`
	}
	if eq.After != nil {
		at := Micros(eq.After.ReceivedAt)
		// A bound on received_at alone lets the index start at the
		// position (an OR of the two conditions makes SQLite scan from
		// the end); ties on received_at are then settled by the key.
		query += ` AND received_at ` + cmp + `= ? AND (received_at <> ? OR dedup_key ` + cmp + ` ?)`
		args = append(args, at, at, eq.After.Key)
	}
	limit := eq.Limit
	if limit <= 0 {
		limit = 100
	}
	query += ` ORDER BY received_at ` + order + `, dedup_key ` + order + ` LIMIT ?`
	args = append(args, limit)
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		e := &Event{}
		var at int64
		dest := []any{&e.Key, &e.ID, &e.Source, &e.DetailType, &e.Input, &at}
		if eq.WithRaw {
			dest = append(dest, &e.Raw)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		e.ReceivedAt = Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
