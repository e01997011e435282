package explain

import (
	"strings"

	"github.com/vigilhq/vigil/event"
)

// instanceStateSource explains EC2 instance state changes.
var instanceStateSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.InstanceState()
		if err != nil {
			return nil, err
		}
		return []Facts{instanceStateFacts(base, ev, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.instanceState(&fs[0]) },
}

func instanceStateFacts(f Facts, ev *event.Event, s *event.InstanceStateChange) Facts {
	id := strings.TrimSpace(s.InstanceID)
	f.addResource("Instance", id, "")
	for _, r := range ev.Resources {
		f.addResource("", r, "")
	}
	f.Change = &Change{To: s.State}
	f.SeverityGiven = s.State
	f.Severity = SevInformational
	f.setVar("instance", id)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	return f
}

func (b *builder) instanceState(f *Facts) {
	m := b.m
	id := f.vars["instance"]
	state := ""
	if f.Change != nil {
		state = f.Change.To
	}
	b.x.Title = m.titleInstanceState(id, state)
	b.para(&b.overview, m.summaryInstanceState(f, id, state))
	b.facts(f)
	b.para(&b.problem, m.instanceStateMeaning(state))
	b.para(&b.response, m.instanceStateResponse(state))
	if id != "" {
		b.step(m.whoChangedInstanceStep(), "aws cloudtrail lookup-events --lookup-attributes AttributeKey=ResourceName,AttributeValue="+shellArg(id)+" --region "+shellArg(f.Region))
	}
	b.link(m.linkInstanceLifecycle(), "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html", FromBuiltin)
}
