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
