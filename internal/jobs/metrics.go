package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigilhq/vigil/internal/store"
)

// Metrics are the delivery metrics of a Queue, for Prometheus.
type Metrics struct {
	deliveries *prometheus.CounterVec
	latency    *prometheus.HistogramVec
}

// NewMetrics returns unregistered delivery metrics.
func NewMetrics() *Metrics {
	return &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_deliveries_total",
			Help: "Delivery attempts by rule, target and outcome (delivered, retry, dead_letter).",
		}, []string{"rule", "target", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vigil_delivery_latency_seconds",
			Help:    "Time from accepting an event to delivering it, per rule and target.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 3600},
		}, []string{"rule", "target"}),
	}
}

func (m *Metrics) delivered(rule, target string, latency time.Duration) {
	m.deliveries.WithLabelValues(rule, target, "delivered").Inc()
	m.latency.WithLabelValues(rule, target).Observe(latency.Seconds())
}

func (m *Metrics) failed(rule, target, outcome string) {
	m.deliveries.WithLabelValues(rule, target, outcome).Inc()
}

// Collectors returns the collectors to register, including one that reads
// the number of jobs in each state and of open dead letters from the
// database at each scrape.
func (q *Queue) Collectors() []prometheus.Collector {
	return []prometheus.Collector{q.metrics.deliveries, q.metrics.latency, &stateCollector{st: q.st}}
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
