package explain

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/vigilhq/vigil/event"
)

// alarmSource explains CloudWatch alarm state changes.
var alarmSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.Alarm()
		if err != nil {
			return nil, err
		}
		return []Facts{alarmFacts(base, ev, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.alarm(&fs[0]) },
}

func alarmFacts(f Facts, ev *event.Event, a *event.AlarmStateChange) Facts {
	f.alarm = a
	f.Code = Code{CodeAlarm, a.AlarmName}
	f.Description = a.Configuration.Description
	for _, r := range ev.Resources {
		f.addResource("AWS::CloudWatch::Alarm", r, "")
	}
	f.Change = &Change{From: a.PreviousState.Value, To: a.State.Value, Reason: a.State.Reason, At: a.State.Timestamp}
	f.SeverityGiven = a.State.Value
	if a.State.Value == "OK" {
		f.Severity = SevInformational
	}
	f.detail("alarm_type", string(a.Type()))
	for _, m := range a.Configuration.Metrics {
		if ms := m.MetricStat; ms != nil {
			var dims []string
			keys := make([]string, 0, len(ms.Metric.Dimensions))
			for k := range ms.Metric.Dimensions {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				v := ms.Metric.Dimensions[k].String()
				dims = append(dims, k+"="+v)
				if namesResource(ms.Metric.Namespace, k) {
					f.addResource(k, v, "")
				}
			}
			s := ms.Metric.Namespace + " " + ms.Metric.Name
			if len(dims) > 0 {
				s += " [" + strings.Join(dims, ", ") + "]"
			}
			s += " " + ms.Stat + " / " + strconv.Itoa(ms.Period) + "s"
			f.detail("metric", m.ID+": "+s)
		}
		if m.Expression != "" {
			s := m.ID + ": " + m.Expression
			if m.Label != "" {
				s += " (" + m.Label + ")"
			}
			f.detail("expression", s)
		}
	}
	if rd := a.State.ParsedReasonData(); rd != nil {
		f.detail("threshold", rd.Threshold.String())
		f.detail("datapoints", joinNumbers(rd.RecentDatapoints))
		f.detail("lower_thresholds", joinNumbers(rd.RecentLowerThresholds))
		f.detail("upper_thresholds", joinNumbers(rd.RecentUpperThresholds))
		var trig []string
		for _, t := range rd.TriggeringAlarms {
			trig = append(trig, t.Arn+" ("+t.State.Value+")")
		}
		f.detail("triggering_alarms", strings.Join(trig, ", "))
	}
	c := a.Configuration
	f.detail("alarm_rule", c.AlarmRule)
	f.detail("actions_suppressor", c.ActionsSuppressor)
	f.detail("actions_suppressed_by", a.State.ActionsSuppressedBy)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	return f
}

func joinNumbers(ns []json.Number) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.String()
	}
	return strings.Join(s, ", ")
}

func (b *builder) alarm(f *Facts) {
	m := b.m
	a := f.alarm
	b.x.Title = m.titleAlarm(a.AlarmName, a.State.Value)
	b.para(&b.overview, m.summaryAlarm(f, a.Type()))
	b.facts(f)
	b.quote(&b.overview, m.label("alarm_description"), a.Configuration.Description)
	b.quote(&b.overview, m.label("reason"), a.State.Reason)

	b.para(&b.problem, m.alarmType(a.Type()))
	if by := a.State.ActionsSuppressedBy; by != "" {
		b.para(&b.problem, m.alarmSuppressed(by, a.Configuration.ActionsSuppressor))
	}
	b.para(&b.problem, m.alarmOwnRunbook())
	b.para(&b.response, m.alarmResponse(a.State.Value, a.AlarmName))
	if a.State.Value == "ALARM" {
		for _, r := range f.Resources {
			if r.Type == "InstanceId" {
				b.step(m.checkInstanceStep(r.ID), "aws ec2 describe-instance-status --instance-ids "+shellArg(r.ID)+" --include-all-instances --region "+shellArg(f.Region))
			}
		}
	}
	b.step(m.alarmHistoryStep(), "aws cloudwatch describe-alarm-history --alarm-name "+shellArg(a.AlarmName)+" --region "+shellArg(f.Region))
	if a.Type() == event.AlarmComposite {
		b.step(m.compositeChildrenStep(), "")
	}
	b.link(m.linkAlarms(), "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html", FromBuiltin)
	switch a.Type() {
	case event.AlarmAnomalyDetection:
		b.link(m.linkAnomaly(), "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Anomaly_Detection.html", FromBuiltin)
	case event.AlarmMetricMath:
		b.link(m.linkMetricMath(), "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html", FromBuiltin)
	case event.AlarmComposite:
		b.link(m.linkComposite(), "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html", FromBuiltin)
	}
}

// namesResource reports whether a metric dimension names a resource. The
// billing metrics' dimensions (Currency, ServiceName, LinkedAccount) do
// not: "USD" is not a resource.
func namesResource(namespace, dimension string) bool {
	if namespace == "AWS/Billing" {
		return false
	}
	switch dimension {
	case "Currency", "LinkedAccount", "StorageType", "Statistic", "Type", "Class", "Resource", "Service":
		return false
	}
	return true
}
