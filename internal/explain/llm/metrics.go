package llm

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigilhq/vigil/internal/explain/llm/grounding"
)

// metrics are one engine's counters: Prometheus collectors for the server
// to register (Collectors), and running totals for callers and tests
// (Totals). Each engine has its own, so two engines in one process (tests)
// never share counts.
type metrics struct {
	violations      *prometheus.CounterVec
	refused         prometheus.Counter
	docsUnavailable *prometheus.CounterVec
	answers         *prometheus.CounterVec

	ids, urls, commands, refusedN, docs, malformed atomic.Uint64
}

// newMetrics returns the counters of the engine called engine ("" for the
// built-in one). Every series the engine can count starts at zero, so a
// dashboard or an alert sees it before the first event that counts.
func newMetrics(engine string) *metrics {
	m := newCollectors()
	for _, k := range []grounding.Kind{grounding.KindIdentifier, grounding.KindURL, grounding.KindCommand} {
		m.violations.WithLabelValues(string(k))
	}
	for _, r := range []string{"rate_limited", "error"} {
		m.docsUnavailable.WithLabelValues(r)
	}
	if engine != "" {
		for _, o := range []string{"ok", "malformed", "no_answer", "error"} {
			m.answers.WithLabelValues(engine, o)
		}
	}
	return m
}

func newCollectors() *metrics {
	return &metrics{
		violations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "vigil", Subsystem: "explain", Name: "grounding_violations_total",
			Help: "Items the grounding check removed from LLM answers, by kind: identifier (not in the event), url (not from a docs tool result or a catalog), command (not a plain AWS CLI call from event values).",
		}, []string{"kind"}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "vigil", Subsystem: "explain", Name: "refused_tool_calls_total",
			Help: "Tool calls an LLM asked for that were not offered to it, and so were not run.",
		}),
		docsUnavailable: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "vigil", Subsystem: "explain", Name: "docs_unavailable_total",
			Help: "Explanations that fell back to built-in knowledge because the AWS documentation MCP server was unavailable, by reason: rate_limited or error.",
		}, []string{"reason"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "vigil", Subsystem: "explain", Name: "llm_answers_total",
			Help: "LLM explanations by engine and outcome: ok, malformed (built-in fallback), no_answer (built-in fallback), error.",
		}, []string{"engine", "outcome"}),
	}
}

// Collectors returns the engine's Prometheus collectors, for a server to
// register with its own registry.
func (m *metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.violations, m.refused, m.docsUnavailable, m.answers}
}

// Counts are running totals of an LLM engine's checks.
type Counts struct {
	// IdentifiersRemoved, URLsRemoved and CommandsDropped are grounding
	// violations removed from answers.
	IdentifiersRemoved, URLsRemoved, CommandsDropped uint64
	// RefusedToolCalls are tool calls the model asked for but was not offered.
	RefusedToolCalls uint64
	// DocsUnavailable are explanations made without the documentation server.
	DocsUnavailable uint64
	// MalformedAnswers are answers that could not be used.
	MalformedAnswers uint64
}

// Totals returns the counts since the engine was built.
func (m *metrics) Totals() Counts {
	return Counts{
		IdentifiersRemoved: m.ids.Load(), URLsRemoved: m.urls.Load(), CommandsDropped: m.commands.Load(),
		RefusedToolCalls: m.refusedN.Load(), DocsUnavailable: m.docs.Load(), MalformedAnswers: m.malformed.Load(),
	}
}

func (m *metrics) violation(v grounding.Violation) {
	m.violations.WithLabelValues(string(v.Kind)).Inc()
	switch v.Kind {
	case grounding.KindIdentifier:
		m.ids.Add(1)
	case grounding.KindURL:
		m.urls.Add(1)
	case grounding.KindCommand:
		m.commands.Add(1)
	}
}

func (m *metrics) refusedCall() {
	m.refused.Inc()
	m.refusedN.Add(1)
}

func (m *metrics) docsDown(reason string) {
	m.docsUnavailable.WithLabelValues(reason).Inc()
	m.docs.Add(1)
}

func (m *metrics) answer(engine, outcome string) {
	m.answers.WithLabelValues(engine, outcome).Inc()
	if outcome == "malformed" {
		m.malformed.Add(1)
	}
}
