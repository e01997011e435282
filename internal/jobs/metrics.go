package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigilhq/vigil/internal/store"
)

// Collectors returns a collector that reads the number of jobs in each
// state and of open dead letters from the database at each scrape.
func (q *Queue) Collectors() []prometheus.Collector {
	return []prometheus.Collector{&stateCollector{st: q.st}}
}

var (
	jobsDesc        = prometheus.NewDesc("vigil_jobs", "Jobs in the queue by state (River's states).", []string{"state"}, nil)
	deadLettersDesc = prometheus.NewDesc("vigil_dead_letters", "Dead letters not yet redriven.", nil, nil)
)

type stateCollector struct{ st *store.Store }

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- deadLettersDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts := map[string]float64{}
	for _, s := range []string{"available", "scheduled", "running", "retryable", "completed", "cancelled", "discarded", "pending"} {
		counts[s] = 0
	}
	if rows, err := c.st.Q().Query(ctx, `SELECT state, count(*) FROM river_job GROUP BY state`); err == nil {
		for rows.Next() {
			var s string
			var n int64
			if rows.Scan(&s, &n) == nil {
				counts[s] = float64(n)
			}
		}
		rows.Close()
	}
	for s, n := range counts {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, n, s)
	}
	var open int64
	if err := c.st.Q().QueryRow(ctx, `SELECT count(*) FROM vigil_dead_letters WHERE redriven_at = 0`).Scan(&open); err == nil {
		ch <- prometheus.MustNewConstMetric(deadLettersDesc, prometheus.GaugeValue, float64(open))
	}
}

// Unfinished returns how many jobs are not finished yet (waiting, scheduled,
// running or to be retried).
func (q *Queue) Unfinished(ctx context.Context) (int, error) {
	var n int
	err := q.st.Q().QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n)
	return n, err
}
