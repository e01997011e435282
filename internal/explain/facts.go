package explain

import (
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
)

// Severity is a normalised severity. The empty Severity means the source
// gives none; vigil does not make one up.
type Severity string

// Normalised severities, highest first.
const (
	SevCritical      Severity = "CRITICAL"
	SevHigh          Severity = "HIGH"
	SevMedium        Severity = "MEDIUM"
	SevLow           Severity = "LOW"
	SevInformational Severity = "INFORMATIONAL"
	SevNone          Severity = ""
)

// rank orders severities for picking the highest of several findings.
func (s Severity) rank() int {
	switch s {
	case SevCritical:
		return 5
	case SevHigh:
		return 4
	case SevMedium:
		return 3
	case SevLow:
		return 2
	case SevInformational:
		return 1
	}
	return 0
}

// CodeKind says what Facts.Code identifies.
type CodeKind string

// Code kinds.
const (
	CodeControl       CodeKind = "control"           // Security Hub control id, e.g. EC2.7
	CodeCISRule       CodeKind = "cis-rule"          // CIS v1.2.0 rule id in Security Hub, e.g. 1.4
	CodeGenerator     CodeKind = "generator"         // ASFF GeneratorId of a non-control finding
	CodeFindingType   CodeKind = "finding-type"      // GuardDuty finding type
	CodeConfigRule    CodeKind = "config-rule"       // AWS Config rule name
	CodeHealthType    CodeKind = "health-event-type" // AWS Health event type code
	CodeAlarm         CodeKind = "alarm"             // CloudWatch alarm name
	CodeAPICall       CodeKind = "api-call"          // CloudTrail event name
	CodeVulnerability CodeKind = "vulnerability"     // a CVE or other vulnerability id (Inspector)
)

// Code is the identifier that says what kind of problem this is.
type Code struct {
	Kind  CodeKind `json:"kind"`
	Value string   `json:"value"`
}

// Resource is one affected resource.
type Resource struct {
	Type string `json:"type"`           // as the source names it, e.g. "Instance", "AWS::S3::Bucket"
	ID   string `json:"id"`             // id or ARN, verbatim (trimmed of spaces)
	Name string `json:"name,omitempty"` // a friendly name, e.g. the Name tag
}

// Change is a state transition.
type Change struct {
	From   string `json:"from,omitempty"`
	To     string `json:"to"`
	Reason string `json:"reason,omitempty"` // free text from the event
	At     string `json:"at,omitempty"`     // as given by the source
}

// Detail is a further fact. Key is a message key (see messages.go) so that
// renderers can label it in any language; Value is from the event.
type Detail struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Facts is what one event (or one finding of a Security Hub event) says,
// normalised across sources. Every value is copied from the event.
type Facts struct {
	Kind       event.Kind `json:"kind"`
	Source     string     `json:"source"`
	DetailType string     `json:"detail_type"`
	EventID    string     `json:"event_id,omitempty"`
	// Title is the source's own title, "" when it has none.
	Title string `json:"title,omitempty"`
	// Description is the source's own free text (untrusted).
	Description string   `json:"description,omitempty"`
	Severity    Severity `json:"severity"`
	// SeverityGiven is the severity or state exactly as the source gave it,
	// e.g. "8" for GuardDuty, "MEDIUM" for ASFF, "ALARM" for CloudWatch.
	SeverityGiven string `json:"severity_given,omitempty"`
	// Assessed says that Severity is vigil's own assessment (CloudTrail
	// calls and sign-ins, which carry no severity), not the source's.
	Assessed  bool       `json:"assessed,omitempty"`
	Account   string     `json:"account,omitempty"`
	Region    string     `json:"region,omitempty"`
	Time      time.Time  `json:"time,omitzero"`
	FindingID string     `json:"finding_id,omitempty"`
	Code      Code       `json:"code,omitzero"`
	Resources []Resource `json:"resources,omitempty"`
	Change    *Change    `json:"change,omitempty"`
	// Count is how many times the activity was seen (GuardDuty), 0 if unknown.
	Count     int      `json:"count,omitempty"`
	FirstSeen string   `json:"first_seen,omitempty"`
	LastSeen  string   `json:"last_seen,omitempty"`
	Details   []Detail `json:"details,omitempty"`
	// Links are URLs carried in the event itself.
	Links []Link `json:"links,omitempty"`

	// vars fill the placeholders of catalog prose ({instance}, {key}, ...).
	vars map[string]string
	// resCheck is a read-only command (placeholders unfilled) showing the
	// configuration of a Security Hub finding's resource, resName that
	// resource's name.
	resCheck, resName string
	// the typed views the facts came from, for the engines in this package
	sh        *event.Finding
	gd        *event.GuardDutyFinding
	alarm     *event.AlarmStateChange
	health    *event.HealthEvent
	aa        *event.AccessAnalyzerFinding
	ct        *ctFacts
	insight   *insightRecord
	inspector *event.InspectorFinding
	cfg       *event.ConfigComplianceChange
}

// KeyIDs returns the identifiers an explanation of these facts must show
// verbatim: the finding id, the code, the account and every resource id.
func (f *Facts) KeyIDs() []string {
	var ids []string
	add := func(s string) {
		if s != "" {
			ids = append(ids, s)
		}
	}
	add(f.FindingID)
	add(f.Code.Value)
	add(f.Account)
	for _, r := range f.Resources {
		add(r.ID)
	}
	return ids
}

// Extract returns the facts of ev: one Facts per finding for a Security
// Hub event, one Facts otherwise. It fails only when the detail of a known
// source does not have the documented shape; an unknown source gets
// generic facts from the envelope.
func Extract(ev *event.Event) ([]Facts, error) {
	return sourceFor(ev.Kind()).facts(baseFacts(ev), ev)
}

// CheckShape reports whether the detail of ev has its source's documented
// shape: the error Extract would return, without reading the facts of an
// event whose source documents none (a generic reading never fails, and
// decoding such a detail only to throw it away was a tenth of the cost of
// accepting an event).
func CheckShape(ev *event.Event) error {
	s, ok := sources[ev.Kind()]
	if !ok {
		return nil
	}
	_, err := s.facts(baseFacts(ev), ev)
	return err
}

// baseFacts are the facts every event has: its envelope.
func baseFacts(ev *event.Event) Facts {
	return Facts{
		Kind: ev.Kind(), Source: ev.Source, DetailType: ev.DetailType, EventID: ev.ID,
		Account: ev.Account, Region: ev.Region, Time: ev.Time,
	}
}

func (f *Facts) detail(key, value string) {
	if value = strings.TrimSpace(value); value != "" {
		f.Details = append(f.Details, Detail{Key: key, Value: value})
	}
}

func (f *Facts) setVar(k, v string) {
	if v = strings.TrimSpace(v); v == "" {
		return
	}
	if f.vars == nil {
		f.vars = make(map[string]string, 8)
	}
	f.vars[k] = v
}

func (f *Facts) addResource(typ, id, name string) {
	id = strings.TrimSpace(id)
	if id == "" {
		return
	}
	for _, r := range f.Resources {
		if r.ID == id {
			return
		}
	}
	f.Resources = append(f.Resources, Resource{Type: typ, ID: id, Name: name})
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func normaliseLabel(s string) Severity {
	switch Severity(strings.ToUpper(strings.TrimSpace(s))) {
	case SevCritical:
		return SevCritical
	case SevHigh:
		return SevHigh
	case SevMedium:
		return SevMedium
	case SevLow:
		return SevLow
	case SevInformational:
		return SevInformational
	}
	return SevNone
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func appendUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
