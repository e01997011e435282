package deliver

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// markDelivered records that the jobs ids delivered their payload, in one
// transaction. A job that runs again after its process died checks the
// marker (delivered) instead of sending twice.
func markDelivered(ctx context.Context, s *store.Store, ids []int64, t time.Time) error {
	return s.InTx(ctx, func(tx store.Tx) error {
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
				args = append(args, ids[i], store.Micros(t))
			}
			b.WriteString(` ON CONFLICT (job_id) DO NOTHING`)
			if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// delivered reports whether job id has a delivery marker.
func delivered(ctx context.Context, q store.Querier, id int64) (bool, error) {
	var x int64
	err := q.QueryRow(ctx, `SELECT job_id FROM vigil_delivered WHERE job_id = ?`, id).Scan(&x)
	if err == store.ErrNotFound {
		return false, nil
	}
	return err == nil, err
}

// forgetDelivered removes markers older than before whose job can no longer
// run again (finished, or deleted by River's cleaner).
func forgetDelivered(ctx context.Context, q store.Querier, before time.Time) error {
	_, err := q.Exec(ctx, `DELETE FROM vigil_delivered WHERE delivered_at < ? AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.id = vigil_delivered.job_id AND j.state IN ('available', 'running', 'retryable', 'scheduled'))`, store.Micros(before))
	return err
}

// Migrations create the delivery markers' table.
var Migrations = []store.Migration{{ID: "deliver/0001_delivered", SQL: []string{
	`CREATE TABLE IF NOT EXISTS vigil_delivered (
		job_id       BIGINT PRIMARY KEY,
		delivered_at BIGINT NOT NULL
	)`,
}}}

// marker group-commits delivery markers: each worker that delivered waits
// until its marker is committed together with those of other workers that
// finished meanwhile (one transaction for many deliveries).
type marker struct {
	st    *store.Store
	log   *slog.Logger
	marks chan *pending
	quit  chan struct{}
	done  chan struct{}
}

type pending struct {
	id   int64
	done chan error
}

func newMarker(st *store.Store, log *slog.Logger) *marker {
	return &marker{st: st, log: log, marks: make(chan *pending, 1024)}
}

func (m *marker) start() {
	if m.quit != nil {
		return
	}
	m.quit, m.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(m.done)
		m.run(m.quit)
	}()
}

// stop ends the group commits; the workers must have returned.
func (m *marker) stop() {
	if m.quit == nil {
		return
	}
	close(m.quit)
	<-m.done
	m.quit = nil
}

// mark commits job id's delivery marker and returns once it is committed.
func (m *marker) mark(ctx context.Context, id int64) error {
	c := &pending{id: id, done: make(chan error, 1)}
	select {
	case m.marks <- c:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-c.done
}

// run commits the markers until quit is closed, and once a minute forgets
// markers of jobs that can no longer run again.
func (m *marker) run(quit <-chan struct{}) {
	sweep := time.NewTicker(time.Minute)
	defer sweep.Stop()
	for {
		var batch []*pending
		select {
		case c := <-m.marks:
			batch = append(batch, c)
		case <-sweep.C:
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := forgetDelivered(ctx, m.st.Q(), time.Now().Add(-time.Minute)); err != nil {
				m.log.Warn("forgetting delivery markers failed", "error", err.Error())
			}
			cancel()
			continue
		case <-quit:
			return
		}
	more:
		for len(batch) < 512 {
			select {
			case c := <-m.marks:
				batch = append(batch, c)
			default:
				break more
			}
		}
		ids := make([]int64, len(batch))
		for i, c := range batch {
			ids[i] = c.id
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := markDelivered(ctx, m.st, ids, time.Now())
		cancel()
		for _, c := range batch {
			c.done <- err
		}
	}
}
