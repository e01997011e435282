// Package group owns notification grouping, as Alertmanager's dispatcher
// does: which group an event joins (the values of the target's group_by
// paths), the group's state and waiting members in the database, and when
// its next flush is due (group_wait, group_interval, repeat_interval).
package group

import (
	"context"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// Member is an event waiting in a notification group.
type Member struct {
	EventKey string
	EventID  string
	AddedAt  time.Time
	Payload  []byte
}

// Group is the state of one notification group (rule, target, values of the
// target's group_by fields).
type Group struct {
	ID           string
	Rule         string
	Target       string
	Key          string
	FlushPending bool
	OpenedAt     time.Time
	LastEventAt  time.Time
	LastFlushAt  time.Time
}

// Join adds m to group g (creating the group if needed) in tx and
// reports whether the caller must schedule a flush: true when no flush was
// pending. The group row is locked before the member is added, so a flush
// that is finishing either sees the member or has already cleared
// flush_pending (and this call then schedules a new one); see FinishFlush.
//
// repeat is the target's repeat_interval: a group idle longer than that is
// reopened (opened_at reset), and the returned *Group says so.
func Join(ctx context.Context, tx store.Tx, g *Group, m *Member, repeat time.Duration) (schedule bool, state *Group, err error) {
	now := m.AddedAt
	if _, err := tx.Exec(ctx, `INSERT INTO vigil_groups (group_id, rule, target, group_key, opened_at) VALUES (?,?,?,?,?) ON CONFLICT (group_id) DO NOTHING`,
		g.ID, g.Rule, g.Target, g.Key, store.Micros(now)); err != nil {
		return false, nil, err
	}
	// Reopen a group forgotten for longer than repeat_interval, then claim
	// the flush if none is pending. Both lock the row.
	if _, err := tx.Exec(ctx, `UPDATE vigil_groups SET opened_at = ?, last_flush_at = 0 WHERE group_id = ? AND flush_pending = 0 AND last_event_at > 0 AND last_event_at < ?`,
		store.Micros(now), g.ID, store.Micros(now.Add(-repeat))); err != nil {
		return false, nil, err
	}
	n, err := tx.Exec(ctx, `UPDATE vigil_groups SET flush_pending = 1 WHERE group_id = ? AND flush_pending = 0`, g.ID)
	if err != nil {
		return false, nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE vigil_groups SET last_event_at = ? WHERE group_id = ?`, store.Micros(now), g.ID); err != nil {
		return false, nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO vigil_group_members (group_id, event_key, event_id, added_at, payload) VALUES (?,?,?,?,?) ON CONFLICT (group_id, event_key) DO NOTHING`,
		g.ID, m.EventKey, m.EventID, store.Micros(now), m.Payload); err != nil {
		return false, nil, err
	}
	st := &Group{}
	var opened, last, flushed, pending int64
	if err := tx.QueryRow(ctx, `SELECT group_id, rule, target, group_key, flush_pending, opened_at, last_event_at, last_flush_at FROM vigil_groups WHERE group_id = ?`, g.ID).
		Scan(&st.ID, &st.Rule, &st.Target, &st.Key, &pending, &opened, &last, &flushed); err != nil {
		return false, nil, err
	}
	st.FlushPending, st.OpenedAt, st.LastEventAt, st.LastFlushAt = pending == 1, store.Time(opened), store.Time(last), store.Time(flushed)
	return n == 1, st, nil
}

// Members returns up to limit members of group id, oldest first.
func Members(ctx context.Context, q store.Querier, id string, limit int) ([]*Member, error) {
	rows, err := q.Query(ctx, `SELECT event_key, event_id, added_at, payload FROM vigil_group_members WHERE group_id = ? ORDER BY added_at, event_key LIMIT ?`, id, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Member
	for rows.Next() {
		m := &Member{}
		var at int64
		if err := rows.Scan(&m.EventKey, &m.EventID, &at, &m.Payload); err != nil {
			return nil, err
		}
		m.AddedAt = store.Time(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// FinishFlush removes the delivered members of group id and clears its
// pending flush, recording t as the last flush. It returns how many members
// are still waiting (added while the flush was being delivered); if any, the
// flush stays pending and the caller schedules the next one.
func FinishFlush(ctx context.Context, tx store.Tx, id string, delivered []*Member, t time.Time) (remaining int, err error) {
	// Lock the group row first: a concurrent JoinGroup then either
	// committed its member before (and we count it) or waits and sees
	// flush_pending = 0 (and schedules its own flush).
	if _, err := tx.Exec(ctx, `UPDATE vigil_groups SET flush_pending = 0, last_flush_at = ? WHERE group_id = ?`, store.Micros(t), id); err != nil {
		return 0, err
	}
	for _, m := range delivered {
		if _, err := tx.Exec(ctx, `DELETE FROM vigil_group_members WHERE group_id = ? AND event_key = ?`, id, m.EventKey); err != nil {
			return 0, err
		}
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM vigil_group_members WHERE group_id = ?`, id).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		if _, err := tx.Exec(ctx, `UPDATE vigil_groups SET flush_pending = 1 WHERE group_id = ?`, id); err != nil {
			return 0, err
		}
	}
	return n, nil
}
