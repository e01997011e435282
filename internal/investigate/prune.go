package investigate

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/internal/store"
)

// KindPrune is the job that deletes records older than the retention.
const KindPrune = "vigil_investigate_prune"

// PruneArgs is the prune job. River enqueues it every PruneEvery on
// one replica (its elected leader), so it runs once however many replicas
// share the database.
type PruneArgs struct{}

// Kind implements river.JobArgs.
func (PruneArgs) Kind() string { return KindPrune }

// pruneBatch bounds the records one transaction deletes.
const pruneBatch = 5000

type pruneWorker struct {
	river.WorkerDefaults[PruneArgs]
	s *Service
}

func (w *pruneWorker) Work(ctx context.Context, job *river.Job[PruneArgs]) error {
	s := w.s
	if s.opts.Retention <= 0 {
		return nil
	}
	n, err := s.Prune(ctx, time.Now().Add(-s.opts.Retention))
	if n > 0 {
		s.log.Info("investigate: pruned old records", "records", n, "retention", s.opts.Retention.String())
	}
	return err
}

// Prune deletes the records with eventTime before cutoff, with their
// resource references and baselines, and the relations and entities not
// seen since; it returns how many records it deleted. It works in small
// transactions, so the live path is never held up for long.
func (s *Service) Prune(ctx context.Context, cutoff time.Time) (int, error) {
	cut := cutoff.UnixMicro()
	q := s.st.Q()
	var bases []int64
	err := each(ctx, q, `SELECT DISTINCT base FROM inv_hours WHERE hour < ?`, []any{floorDiv(cut, usPerHour)}, func(rows store.Rows) error {
		var b int64
		if err := rows.Scan(&b); err != nil {
			return err
		}
		bases = append(bases, b)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune: %w", err)
	}
	total := 0
	for _, base := range bases {
		for {
			n := 0
			err := s.st.InTx(ctx, func(tx store.Tx) error {
				res := map[int64]bool{}
				err := each(ctx, tx, `DELETE FROM inv_events WHERE (t, ekey) IN (SELECT t, ekey FROM inv_events WHERE base = ? AND t < ? LIMIT ?) RETURNING resources`,
					[]any{base, cut, pruneBatch}, func(rows store.Rows) error {
						var r string
						if err := rows.Scan(&r); err != nil {
							return err
						}
						n++
						if r != "" {
							for _, name := range strings.Split(r, "\n") {
								res[arnEntity(name).id()] = true
							}
						}
						return nil
					})
				if err != nil {
					return err
				}
				for id := range res {
					if _, err := tx.Exec(ctx, `DELETE FROM inv_event_resources WHERE res = ? AND t < ?`, id, cut); err != nil {
						return err
					}
				}
				if n < pruneBatch {
					if _, err := tx.Exec(ctx, `DELETE FROM inv_seen WHERE base = ? AND day < ?`, base, floorDiv(cut, usPerDay)); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, `DELETE FROM inv_hours WHERE base = ? AND hour < ?`, base, floorDiv(cut, usPerHour)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return total, fmt.Errorf("prune: %w", err)
			}
			total += n
			if n < pruneBatch {
				break
			}
		}
	}
	err = s.st.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM inv_relations WHERE last_us < ?`, cut); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM inv_entities WHERE last_us < ?`, cut)
		return err
	})
	if err != nil {
		return total, fmt.Errorf("prune: %w", err)
	}
	return total, nil
}
