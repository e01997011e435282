package deliver

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the delivery metrics, for Prometheus.
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

// Collectors returns the delivery metrics to register.
func (d *Deliverer) Collectors() []prometheus.Collector {
	return []prometheus.Collector{d.metrics.deliveries, d.metrics.latency}
}
