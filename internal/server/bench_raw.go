package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/deliver"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/store"
)

// rawBatch is how many events the raw reference commits per transaction.
const rawBatch = 100

// rawQueue is the River queue the raw reference's job rows go to: no
// worker fetches from it, so the rows cost only their insert.
const rawQueue = "vigil_bench_raw"

// rawInsertRate measures the reference vigil's acceptance is compared
// with: what the same database does with the same rows and no vigil around
// them. It inserts n event rows like the benchmark's (same size, same
// table) plus one River job row each (a delivery job's arguments), in
// transactions of rawBatch events, each table with one multi-row INSERT,
// from one writer; SQLite with synchronous=NORMAL (vigil's default). The
// rows are deleted afterwards.
func rawInsertRate(ctx context.Context, dsn, run string, n int) (time.Duration, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	prefix := "raw-" + run + "-"
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		st.Q().Exec(cctx, `DELETE FROM river_job WHERE queue = ?`, rawQueue)
		st.Q().Exec(cctx, `DELETE FROM vigil_events WHERE event_id LIKE ?`, prefix+"%")
	}()
	pg := st.Kind() == store.Postgres
	argsCol := "jsonb(?)"
	if pg {
		argsCol = "?::jsonb"
	}
	start := time.Now()
	for first := 0; first < n; first += rawBatch {
		last := min(first+rawBatch, n)
		now := time.Now()
		var evSQL, jobSQL strings.Builder
		evSQL.WriteString(`INSERT INTO vigil_events (dedup_key, event_id, source, detail_type, input, received_at, raw) VALUES `)
		jobSQL.WriteString(`INSERT INTO river_job (args, created_at, kind, max_attempts, queue, scheduled_at, state) VALUES `)
		evArgs := make([]any, 0, (last-first)*7)
		jobArgs := make([]any, 0, (last-first)*7)
		for i := first; i < last; i++ {
			if i > first {
				evSQL.WriteByte(',')
				jobSQL.WriteByte(',')
			}
			evSQL.WriteString("(?,?,?,?,?,?,?)")
			jobSQL.WriteString("(" + argsCol + ",?,?,?,?,?,?)")
			id := prefix + fmt.Sprint(i)
			raw := benchEvent(id, i)
			evArgs = append(evArgs, "id:"+id, id, "vigil.bench", "Bench", "http", store.Micros(now), raw)
			p := jobs.Policy{MaxAttempts: 8, MaxAge: 24 * time.Hour, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
			a, err := json.Marshal(deliver.DeliverArgs{
				EventKey: "id:" + id, EventID: id, Rule: fmt.Sprintf("bench-%d", i%benchRules), Target: "hook",
				Payload:    fmt.Appendf(nil, `{"event": %q, "n": %d}`, id, i),
				AcceptedAt: now, NotAfter: now.Add(p.MaxAge), Policy: p,
			})
			if err != nil {
				return 0, err
			}
			var at any = now
			if !pg {
				at = now.UTC().Format("2006-01-02 15:04:05.000") // River's SQLite time format
			}
			jobArgs = append(jobArgs, string(a), at, deliver.KindDeliver, p.MaxAttempts+1, rawQueue, at, "available")
		}
		err := st.InTx(ctx, func(tx store.Tx) error {
			if _, err := tx.Exec(ctx, evSQL.String(), evArgs...); err != nil {
				return fmt.Errorf("raw reference: inserting events: %w", err)
			}
			if _, err := tx.Exec(ctx, jobSQL.String(), jobArgs...); err != nil {
				return fmt.Errorf("raw reference: inserting jobs: %w", err)
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// benchEvent is the benchmark's event with the given id.
func benchEvent(id string, i int) []byte {
	return fmt.Appendf(nil, `{"version":"0","id":%q,"detail-type":"Bench","source":"vigil.bench","account":"123456789012","time":"2024-01-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{"rule":%d,"n":%d,"pad":"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"}}`, id, i%benchRules, i)
}
