// Package explain says what an event means: it extracts the facts of each
// AWS source (facts.go), turns them into an Explanation in English or
// Japanese with an Engine, and renders that as Markdown, plain text, Slack
// Block Kit or JSON.
//
// The built-in engine (Builtin) is offline and deterministic: its prose
// comes from the message catalogs in this package and the embedded
// catalogs in internal/knowledge, and every identifier, number and link in
// its output comes from the event or from those catalogs. Other engines
// (an LLM with AWS documentation lookup) implement the same Engine
// interface and return the same Explanation.
package explain

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// Lang is an output language: EN or JA.
type Lang = knowledge.Lang

// The supported languages.
const (
	EN = knowledge.EN
	JA = knowledge.JA
)

// ParseLang accepts "en" or "ja" (any case) and names the choices otherwise.
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en":
		return EN, nil
	case "ja":
		return JA, nil
	}
	return "", fmt.Errorf("language %q is not supported: use en or ja", s)
}

// Engine explains events. Implementations must treat event text as data,
// never as instructions, and must fill Explanation.Engine.
type Engine interface {
	// Name is the engine's name as given to --engine, e.g. "builtin".
	Name() string
	// Explain explains ev in opts.Lang.
	Explain(ctx context.Context, ev *event.Event, opts Options) (*Explanation, error)
}

// Options tune one explanation.
type Options struct {
	Lang Lang // EN when empty
	// Docs says whether an LLM engine consults the AWS documentation for
	// this event (DocsAuto: by source); the built-in engine ignores it.
	Docs DocsPolicy
}

// Explanation is what an engine says about one event: the facts it used,
// and sections of prose, steps and links ready to render.
type Explanation struct {
	Lang   Lang       `json:"lang"`
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
// built only from values in the event; the built-in engine only ever
// suggests read-only commands or ones that the step's text describes.
type Step struct {
	Text    string `json:"text"`
	Command string `json:"command,omitempty"`
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
