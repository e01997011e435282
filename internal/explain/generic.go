package explain

import (
	"strings"

	"github.com/vigilhq/vigil/event"
)

// genericSource explains events of any other source: the envelope, and
// what a generic reading of the detail finds (title, severity, status, ids,
// resources, times, description), without guessing what they mean.
var genericSource = source{
	facts: func(f Facts, ev *event.Event) ([]Facts, error) {
		genericFacts(&f, ev)
		return []Facts{f}, nil
	},
	explain: func(b *builder, fs []Facts) { b.generic(&fs[0]) },
}

// genericKeys are the detail fields a generic reading looks for, by what
// they say; the first one present wins. Sources name them in camelCase
// or PascalCase (ASFF): keys are compared without case.
var genericKeys = struct {
	title, severity, status, id, description []string
	times                                    [][2]string // detail key, fact key
}{
	title:       []string{"title", "name", "summary", "findingTitle"},
	severity:    []string{"severity", "severityLabel", "priority"},
	status:      []string{"status", "state", "findingStatus", "workflowStatus"},
	id:          []string{"findingArn", "findingId", "arn", "id", "eventId"},
	description: []string{"description", "message", "details"},
	times: [][2]string{{"createdAt", "created_at"}, {"updatedAt", "updated_at"}, {"firstObservedAt", "first_seen"},
		{"lastObservedAt", "last_seen"}, {"startTime", "start_time"}, {"endTime", "end_time"}},
}

func genericFacts(f *Facts, ev *event.Event) {
	for _, r := range ev.Resources {
		f.addResource("", r, "")
	}
	d, ok := ev.DetailValue().(map[string]any)
	if !ok {
		return
	}
	top := func(keys []string) string {
		for _, k := range keys {
			if s := strings.TrimSpace(scalar(child(d, k))); s != "" {
				return s
			}
		}
		return ""
	}
	f.Title = top(genericKeys.title)
	f.Description = top(genericKeys.description)
	f.FindingID = top(genericKeys.id)
	// A severity is a label ("HIGH"), a number, or an object with a label.
	for _, k := range genericKeys.severity {
		v := child(d, k)
		if m, isMap := v.(map[string]any); isMap {
			v = firstNonNil(child(m, "label"), child(m, "Label"), child(m, "value"))
		}
		if s := strings.TrimSpace(scalar(v)); s != "" {
			f.SeverityGiven = s
			f.Severity = normaliseLabel(s)
			break
		}
	}
	f.detail("status", top(genericKeys.status))
	for _, t := range genericKeys.times {
		if s := scalar(child(d, t[0])); s != "" {
			switch t[1] {
			case "first_seen":
				f.FirstSeen = s
			case "last_seen":
				f.LastSeen = s
			default:
				f.detail(t[1], s)
			}
		}
	}
	// Resources: an array of ids, or of objects with an id or ARN and a type.
	if rs, ok := child(d, "resources").([]any); ok {
		for _, r := range rs {
			if s := scalar(r); s != "" {
				f.addResource("", s, "")
				continue
			}
			id := firstNonEmpty(scalar(child(r, "id")), scalar(child(r, "arn")), scalar(child(r, "resourceId")))
			f.addResource(firstNonEmpty(scalar(child(r, "type")), scalar(child(r, "resourceType"))), id, "")
		}
	}
}

func firstNonNil(vs ...any) any {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

func (b *builder) generic(f *Facts) {
	m := b.m
	b.x.Title = m.titleGeneric(f.Source, f.DetailType)
	if f.Title != "" {
		b.x.Title = m.titleGenericWith(f.Source, f.Title)
	}
	b.para(&b.overview, m.summaryGeneric(f))
	b.facts(f)
	b.quote(&b.overview, m.label("description"), f.Description)
	b.note(m.noKnowledgeSource(f.Source, f.DetailType))
	b.x.Generic = true
	b.generalGuidance(f)
}
