package store

import (
	"context"
	"strings"
	"time"
)

// MarkDelivered records that the jobs ids delivered their payload, in one
// transaction. A job that runs again after its process died checks the
// marker (Delivered) instead of sending twice.
func MarkDelivered(ctx context.Context, s *Store, ids []int64, t time.Time) error {
	return s.InTx(ctx, func(tx Tx) error {
		const chunk = 200
		for start := 0; start < len(ids); start += chunk {
			end := min(start+chunk, len(ids))
			var b strings.Builder
			b.WriteString(`INSERT INTO vigil_delivered (job_id, delivered_at) VALUES `)
			args := make([]any, 0, 2*(end-start))
			for i := start; i < end; i++ {
				if i > start {
					b.WriteString(",")
				}
				b.WriteString("(?,?)")
				args = append(args, ids[i], Micros(t))
			}
			b.WriteString(` ON CONFLICT (job_id) DO NOTHING`)
			if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// Delivered reports whether job id has a delivery marker.
func Delivered(ctx context.Context, q Querier, id int64) (bool, error) {
	var x int64
	err := q.QueryRow(ctx, `SELECT job_id FROM vigil_delivered WHERE job_id = ?`, id).Scan(&x)
	if err == ErrNotFound {
		return false, nil
	}
	return err == nil, err
}

// ForgetDelivered removes markers older than before whose job can no longer
// run again (finished, or deleted by River's cleaner).
func ForgetDelivered(ctx context.Context, q Querier, before time.Time) error {
	_, err := q.Exec(ctx, `DELETE FROM vigil_delivered WHERE delivered_at < ? AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.id = vigil_delivered.job_id AND j.state IN ('available', 'running', 'retryable', 'scheduled'))`, Micros(before))
	return err
}
