package explain

import (
	"strings"

	"github.com/vigilhq/vigil/event"
)

// insightSource explains "AWS Insight via CloudTrail" events: CloudTrail
// Insights saw the rate of calls to one API (or of its errors) depart from
// the account's baseline. Fields: AWS CloudTrail User Guide, "CloudTrail
// Insights events record contents" (rates are per minute, durations in
// minutes).
var insightSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.Insight()
		if err != nil {
			return nil, err
		}
		return []Facts{insightFacts(base, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.insight(&fs[0]) },
}

// insightRecord keeps the record beside the facts.
type insightRecord struct{ rec *event.CloudTrailInsight }

func insightFacts(f Facts, d *event.CloudTrailInsight) Facts {
	in := d.InsightDetails
	f.FindingID = d.EventID
	f.Region = firstNonEmpty(d.AwsRegion, f.Region)
	f.Account = firstNonEmpty(d.RecipientAccountID, f.Account)
	if in.EventName != "" {
		f.Code = Code{CodeAPICall, in.EventName}
	}
	st := in.InsightContext.Statistics
	f.detail("event_source", in.EventSource)
	f.detail("insight_type", in.InsightType)
	f.detail("insight_state", in.State)
	f.detail("error_code", in.ErrorCode)
	f.detail("baseline", st.Baseline.Average.String())
	f.detail("insight_average", st.Insight.Average.String())
	f.detail("insight_duration", st.InsightDuration.String())
	for _, at := range in.InsightContext.Attributions {
		var vals []string
		for _, v := range at.Insight {
			vals = append(vals, v.Value)
		}
		switch at.Attribute {
		case "userIdentityArn":
			f.detail("top_identities", strings.Join(vals, ", "))
		case "userAgent":
			f.detail("top_user_agents", strings.Join(vals, ", "))
		case "errorCode":
			f.detail("top_errors", strings.Join(vals, ", "))
		}
	}
	f.detail("shared_event_id", d.SharedEventID)
	f.SeverityGiven = in.State
	f.Severity = SevLow
	if in.State == "End" {
		f.Severity = SevInformational
	}
	f.Assessed = true
	f.insight = &insightRecord{rec: d}
	return f
}

func (b *builder) insight(f *Facts) {
	m := b.m
	in := f.insight.rec.InsightDetails
	b.x.Title = m.titleInsight(in.EventName, in.EventSource, in.InsightType, in.State)
	b.para(&b.overview, m.summaryInsight(f, in.EventName, in.InsightType, in.State))
	b.facts(f)
	b.para(&b.problem, m.insightMeaning(in.InsightType))
	b.para(&b.response, m.insightResponse(in.State))
	if in.EventName != "" {
		cmd := "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=" + shellArg(in.EventName)
		if t := f.insight.rec.EventTime; t != "" && in.State == "Start" {
			cmd += " --start-time " + shellArg(t)
		}
		b.step(m.insightLookupStep(in.EventName), cmd+" --region "+shellArg(f.Region))
	}
	b.step(m.insightCallersStep(), "")
	b.link(m.linkInsights(), "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html", FromBuiltin)
}
