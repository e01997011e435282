package explain

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vigilhq/vigil/internal/explain/grounding"
)

// The LLM engines' counters. They are not registered anywhere: a server
// registers Collectors() with its own registry.
var (
	groundingViolations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "vigil", Subsystem: "explain", Name: "grounding_violations_total",
		Help: "Items the grounding check removed from LLM answers, by kind: identifier (not in the event), url (not from a docs tool result or a catalog), command (not a plain AWS CLI call from event values).",
	}, []string{"kind"})
	refusedToolCalls = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: "vigil", Subsystem: "explain", Name: "refused_tool_calls_total",
		Help: "Tool calls an LLM asked for that were not offered to it, and so were not run.",
	})
	docsUnavailableTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "vigil", Subsystem: "explain", Name: "docs_unavailable_total",
		Help: "Explanations that fell back to built-in knowledge because the AWS documentation MCP server was unavailable, by reason: rate_limited or error.",
	}, []string{"reason"})
	llmAnswers = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "vigil", Subsystem: "explain", Name: "llm_answers_total",
		Help: "LLM explanations by engine and outcome: ok, malformed (built-in fallback), no_answer (built-in fallback), error.",
	}, []string{"engine", "outcome"})
)

// Collectors returns the explain package's Prometheus collectors, for a
// server to register: prometheus.MustRegister(explain.Collectors()...).
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{groundingViolations, refusedToolCalls, docsUnavailableTotal, llmAnswers}
}

// Counts are running totals of the LLM engines' checks in this process.
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

var totals struct {
	ids, urls, commands, refused, docs, malformed atomic.Uint64
}

// Totals returns the counts since the process started.
func Totals() Counts {
	return Counts{
		IdentifiersRemoved: totals.ids.Load(), URLsRemoved: totals.urls.Load(), CommandsDropped: totals.commands.Load(),
		RefusedToolCalls: totals.refused.Load(), DocsUnavailable: totals.docs.Load(), MalformedAnswers: totals.malformed.Load(),
	}
}

func countViolation(v grounding.Violation) {
	groundingViolations.WithLabelValues(string(v.Kind)).Inc()
	switch v.Kind {
	case grounding.KindIdentifier:
		totals.ids.Add(1)
	case grounding.KindURL:
		totals.urls.Add(1)
	case grounding.KindCommand:
		totals.commands.Add(1)
	}
}
