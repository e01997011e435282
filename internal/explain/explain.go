// Package explain says what an event means: it extracts the facts of each
// AWS source (one file per source, registered by event.Kind in sources.go),
// turns them into an Explanation in English or Japanese with an Engine, and
// renders that as Markdown, plain text or JSON. (Slack Block Kit is built by
// internal/notify/slack.)
//
// The built-in engine (Builtin) is offline and deterministic: its prose
// comes from the message catalogs in this package and the embedded
// catalogs in internal/knowledge, and every identifier, number and link in
// its output comes from the event or from those catalogs. Other engines
// (LLMs with AWS documentation lookup, in explain/llm) implement the same
// Engine interface and return the same Explanation.
//
// The package is light on purpose: it imports only event, knowledge and
// lang of vigil's packages, so anything that carries an Explanation
// (notify, the channels) stays free of model SDKs.
package explain

import (
	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/lang"
)

// Explanation is what an engine says about one event: the facts it used,
// and sections of prose, steps and links ready to render.
type Explanation struct {
	Lang   lang.Lang  `json:"lang"`
	Engine string     `json:"engine"`
	Kind   event.Kind `json:"kind"`
	// EventID is the envelope id of the explained event.
	EventID string `json:"event_id,omitempty"`
	// Title is a one-line headline in Lang.
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Facts holds one entry per finding (several for a Security Hub event
	// that carries several findings), one for other events.
	Facts    []Facts   `json:"facts"`
	Sections []Section `json:"sections"`
	// Notes are remarks about the explanation itself, e.g. that no built-in
	// knowledge covers this control, or (for LLM engines) that the docs
	// lookup was unavailable.
	Notes []string `json:"notes,omitempty"`
	// Generic is true when vigil's catalogs have no specific knowledge of
	// what the event reports: the explanation holds the facts and general
	// guidance (an LLM engine then consults the documentation for
	// GuardDuty and CloudTrail events too).
	Generic bool `json:"generic,omitempty"`
	// LLM says how an LLM engine made the explanation; nil for the
	// built-in engine.
	LLM *LLMReport `json:"llm,omitempty"`
}

// SectionKind names a section; renderers may treat kinds differently.
type SectionKind string

// The sections an explanation has, in this order when present.
const (
	SectionOverview SectionKind = "overview" // what happened, and the facts
	SectionProblem  SectionKind = "problem"  // what the problem is and why it matters
	SectionResponse SectionKind = "response" // the recommended response
	SectionSteps    SectionKind = "steps"    // concrete steps
	SectionDocs     SectionKind = "docs"     // official documentation
)

// Section is one part of an explanation.
type Section struct {
	Kind  SectionKind `json:"kind"`
	Title string      `json:"title"`
	// Paragraphs are our prose, except Quotes.
	Paragraphs []string `json:"paragraphs,omitempty"`
	// Quotes are free text copied from the event (descriptions, reasons):
	// renderers show them as quotations, never as markup.
	Quotes []Quote `json:"quotes,omitempty"`
	Fields []Field `json:"fields,omitempty"`
	Steps  []Step  `json:"steps,omitempty"`
	Links  []Link  `json:"links,omitempty"`
}

// Quote is event text shown verbatim with a label saying where it is from.
type Quote struct {
	Label string `json:"label"`
	Text  string `json:"text"`
}

// Field is one labelled fact, e.g. {"Account", "111122223333"}.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Step is one thing to do. Command, when set, is an AWS CLI command line
// built only from values in the event, with <PLACEHOLDERS> for what the
// event does not give; the built-in engine only ever suggests read-only
// commands or changes that the step's text describes.
type Step struct {
	Text    string `json:"text"`
	Command string `json:"command,omitempty"`
	// NeedsApproval marks a command that changes the account: a person
	// approves and runs it; vigil never runs any command.
	NeedsApproval bool `json:"needs_approval,omitempty"`
}

// LinkSource says where a link came from, so a reader (and the grounding
// check) can tell a catalog URL from one in the event or a docs search.
type LinkSource string

// Link sources.
const (
	FromEvent       LinkSource = "event"               // a URL carried in the event itself
	FromSecurityHub LinkSource = "catalog:securityhub" // the embedded Security Hub control catalog
	FromGuardDuty   LinkSource = "catalog:guardduty"   // the embedded GuardDuty finding type catalog
	FromConfig      LinkSource = "catalog:config"      // the embedded AWS Config managed rule catalog
	FromBuiltin     LinkSource = "catalog:builtin"     // a fixed AWS documentation page the built-in engine knows
	FromDocsSearch  LinkSource = "docs-search"         // an AWS documentation search result (LLM engines)
)

// Link is one documentation link.
type Link struct {
	Title  string     `json:"title"`
	URL    string     `json:"url"`
	Source LinkSource `json:"source"`
}

// Links returns every link in the explanation, in order.
func (x *Explanation) Links() []Link {
	var out []Link
	for _, s := range x.Sections {
		out = append(out, s.Links...)
	}
	return out
}

// Section returns the first section of the kind, or nil.
func (x *Explanation) Section(k SectionKind) *Section {
	for i := range x.Sections {
		if x.Sections[i].Kind == k {
			return &x.Sections[i]
		}
	}
	return nil
}

// LLMReport says how an LLM explanation was made (see explain/llm).
type LLMReport struct {
	Model string `json:"model"`
	// Docs is "consulted" (tools offered), "unavailable" (wanted, but the
	// server could not be used), "not-consulted" (summary only, by policy)
	// or "off" (lookup turned off).
	Docs string `json:"docs"`
	// ToolCalls are the documentation tool calls the model made, name and
	// arguments, whether answered by the server, the cache, or with
	// "unavailable".
	ToolCalls []string `json:"tool_calls,omitempty"`
	// Refused are the tools the model asked for but was not offered.
	Refused []string `json:"refused_tool_calls,omitempty"`
	// Violations are what the grounding check removed.
	Violations []Violation `json:"violations,omitempty"`
	// Fallback says why the built-in explanation was used instead, if it was.
	Fallback     string `json:"fallback,omitempty"`
	InputTokens  int    `json:"input_tokens,omitempty"`
	OutputTokens int    `json:"output_tokens,omitempty"`
}

// Violation is one item the grounding check removed from a model's
// answer: Kind is "url", "identifier" or "command"; IDKind says what kind
// of identifier ("arn", "account", ...).
type Violation struct {
	Kind   string `json:"kind"`
	IDKind string `json:"id_kind,omitempty"`
	Value  string `json:"value"`
}
