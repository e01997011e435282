package explain

import (
	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// healthSource explains AWS Health events.
var healthSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.Health()
		if err != nil {
			return nil, err
		}
		return []Facts{healthFacts(base, ev, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.health(&fs[0]) },
}

func healthFacts(f Facts, ev *event.Event, h *event.HealthEvent) Facts {
	f.health = h
	f.Code = Code{CodeHealthType, h.EventTypeCode}
	f.FindingID = h.EventArn
	f.Region = firstNonEmpty(h.EventRegion, f.Region)
	f.Account = firstNonEmpty(h.AffectedAccount, f.Account)
	f.Description = h.Description("en_US")
	for _, e := range h.AffectedEntities {
		f.addResource("entity", e.EntityValue, "")
	}
	for _, r := range ev.Resources {
		f.addResource("", r, "")
	}
	f.detail("health_service", h.Service)
	f.detail("health_category", h.EventTypeCategory)
	f.detail("health_scope", h.EventScopeCode)
	f.detail("status", h.StatusCode)
	f.detail("start_time", h.StartTime)
	f.detail("end_time", h.EndTime)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	return f
}

func (b *builder) health(f *Facts) {
	m := b.m
	h := f.health
	b.x.Title = m.titleHealth(h.EventTypeCode)
	b.para(&b.overview, m.summaryHealth(f))
	b.facts(f)
	b.quote(&b.overview, m.label("health_description"), f.Description)
	g, specific, url, ok := knowledge.HealthGuidance(h.EventTypeCode, h.EventTypeCategory, b.lang)
	if !specific {
		b.unknown(f.Code.Kind, h.EventTypeCode)
	}
	if ok {
		b.guidance(g, f)
	} else {
		b.generalGuidance(f)
	}
	if h.EventArn != "" {
		b.step(m.healthDetailsStep(), "aws health describe-event-details --event-arns "+shellArg(h.EventArn)+" --region us-east-1")
	}
	if url != "" {
		b.link(m.linkAccessKeys(), url, FromBuiltin)
	}
	b.link(m.linkHealth(), knowledge.HealthDocURL, FromBuiltin)
}
