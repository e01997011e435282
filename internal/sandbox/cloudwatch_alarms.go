package sandbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

var comparisons = map[string]func(v, t float64) bool{
	"GreaterThanOrEqualToThreshold": func(v, t float64) bool { return v >= t },
	"GreaterThanThreshold":          func(v, t float64) bool { return v > t },
	"LessThanThreshold":             func(v, t float64) bool { return v < t },
	"LessThanOrEqualToThreshold":    func(v, t float64) bool { return v <= t },
}

var alarmStates = []string{"OK", "ALARM", "INSUFFICIENT_DATA"}

var alarmName = regexp.MustCompile(`^.{1,255}$`)

func (r *Region) alarm(name string) *Alarm {
	for _, a := range r.Alarms {
		if a.Name == name {
			return a
		}
	}
	return nil
}

func (rq *request) alarmARN(name string) string { return rq.arn("cloudwatch", "alarm:"+name) }

func cwPutMetricAlarm(rq *request) error {
	var in struct {
		AlarmName, AlarmDescription, Namespace, MetricName, Statistic, ExtendedStatistic string
		ComparisonOperator, TreatMissingData, Unit, EvaluateLowSampleCountPercentile     string
		Dimensions                                                                       []dimension
		Period, EvaluationPeriods                                                        int
		DatapointsToAlarm                                                                *int
		Threshold                                                                        *awsFloat
		ActionsEnabled                                                                   *bool
		AlarmActions, OKActions, InsufficientDataActions                                 []string
		Metrics                                                                          []any
		Tags                                                                             []struct{ Key, Value string }
	}
	if err := rq.decodeAny(&in); err != nil {
		return err
	}
	switch {
	case !alarmName.MatchString(in.AlarmName):
		return cwMissing("AlarmName")
	case len(in.Metrics) > 0:
		return cwInvalid("The sandbox evaluates single-metric alarms (Namespace, MetricName, Statistic), not Metrics queries.")
	case in.ExtendedStatistic != "":
		return cwInvalid("The sandbox does not evaluate extended statistics (percentiles); use Statistic.")
	case in.MetricName == "" || in.Namespace == "":
		return cwMissing("MetricName")
	case !slices.Contains(statNames, in.Statistic):
		return cwInvalid("The parameter Statistic %q is not one of %s.", in.Statistic, strings.Join(statNames, ", "))
	case in.Period < 10 || in.Period%60 != 0 && in.Period != 10 && in.Period != 20 && in.Period != 30:
		return cwInvalid("The parameter Period must be 10, 20, 30 or a multiple of 60.")
	case in.EvaluationPeriods < 1:
		return cwInvalid("The parameter EvaluationPeriods must be greater than or equal to 1.")
	case comparisons[in.ComparisonOperator] == nil:
		return cwInvalid("The parameter ComparisonOperator %q is not one of %s (the sandbox does not evaluate anomaly detection bands).", in.ComparisonOperator, strings.Join(sortedKeys(comparisons), ", "))
	case in.Threshold == nil:
		return cwMissing("Threshold")
	case in.TreatMissingData != "" && !slices.Contains([]string{"breaching", "notBreaching", "ignore", "missing"}, in.TreatMissingData):
		return cwInvalid("The parameter TreatMissingData %q is not one of breaching, notBreaching, ignore, missing.", in.TreatMissingData)
	}
	if in.DatapointsToAlarm != nil && (*in.DatapointsToAlarm < 1 || *in.DatapointsToAlarm > in.EvaluationPeriods) {
		return cwInvalid("DatapointsToAlarm must be between 1 and EvaluationPeriods.")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	now := time.Now().UTC().Truncate(time.Millisecond)
	a := r.alarm(in.AlarmName)
	if a == nil {
		a = &Alarm{Name: in.AlarmName, State: "INSUFFICIENT_DATA", StateReason: "Unchecked: Initial alarm creation", StateUpdated: now}
		r.Alarms = append(r.Alarms, a)
	}
	a.Description, a.Namespace, a.MetricName, a.Statistic = in.AlarmDescription, in.Namespace, in.MetricName, in.Statistic
	a.Dimensions, a.Period, a.EvaluationPeriods, a.Threshold = dimensionMap(in.Dimensions), in.Period, in.EvaluationPeriods, float64(*in.Threshold)
	a.ComparisonOperator, a.TreatMissingData, a.Unit = in.ComparisonOperator, in.TreatMissingData, in.Unit
	a.DatapointsToAlarm = 0
	if in.DatapointsToAlarm != nil {
		a.DatapointsToAlarm = *in.DatapointsToAlarm
	}
	a.ActionsEnabled = in.ActionsEnabled == nil || *in.ActionsEnabled
	a.AlarmActions, a.OKActions, a.InsufficientDataActions = in.AlarmActions, in.OKActions, in.InsufficientDataActions
	a.Updated = now
	for _, t := range in.Tags {
		if a.Tags == nil {
			a.Tags = map[string]string{}
		}
		a.Tags[t.Key] = t.Value
	}
	rq.evaluate(r, a)
	rq.reply(map[string]any{})
	return nil
}

// evaluateAlarms re-evaluates the alarms on the metrics just received.
func (rq *request) evaluateAlarms(r *Region, add []*Metric) {
	for _, a := range r.Alarms {
		if slices.ContainsFunc(add, func(m *Metric) bool { return sameMetric(m, a.Namespace, a.MetricName, a.Dimensions) }) {
			rq.evaluate(r, a)
		}
	}
}

// evaluate works out the alarm's state from its last EvaluationPeriods
// periods and changes it when it differs.
func (rq *request) evaluate(r *Region, a *Alarm) {
	period := time.Duration(a.Period) * time.Second
	now := time.Now().UTC()
	end := now.Truncate(period).Add(period)
	start := end.Add(-time.Duration(a.EvaluationPeriods) * period)
	_, buckets := periods(r, a.Namespace, a.MetricName, a.Dimensions, a.Unit, start, end, period)
	need := a.DatapointsToAlarm
	if need == 0 {
		need = a.EvaluationPeriods
	}
	breaching := 0
	var last float64
	for _, b := range buckets {
		v, _ := b.value(a.Statistic)
		last = v
		if comparisons[a.ComparisonOperator](v, a.Threshold) {
			breaching++
		}
	}
	missing := a.EvaluationPeriods - len(buckets)
	if a.TreatMissingData == "breaching" {
		breaching += missing
	}
	state := "OK"
	reason := fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints were not breaching the threshold (%s).", len(buckets)-breaching, a.EvaluationPeriods, formatFloat(a.Threshold))
	switch {
	case breaching >= need:
		state = "ALARM"
		reason = fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints [%s] was %s the threshold (%s) (minimum %d datapoint for OK -> ALARM transition).",
			breaching, a.EvaluationPeriods, formatFloat(last), operatorText(a.ComparisonOperator), formatFloat(a.Threshold), need)
	case len(buckets) == 0 && (a.TreatMissingData == "" || a.TreatMissingData == "missing"):
		state, reason = "INSUFFICIENT_DATA", "Insufficient Data: no datapoints were received for the alarm's periods."
	case len(buckets) == 0 && a.TreatMissingData == "ignore":
		return
	}
	rq.setAlarmState(r, a, state, reason)
}

func operatorText(op string) string {
	return map[string]string{"GreaterThanOrEqualToThreshold": "greater than or equal to", "GreaterThanThreshold": "greater than",
		"LessThanThreshold": "less than", "LessThanOrEqualToThreshold": "less than or equal to"}[op]
}

// setAlarmState changes the alarm's state, publishing the change as an
// event and running the state's actions; the caller holds mu.
func (rq *request) setAlarmState(r *Region, a *Alarm, state, reason string) {
	if a.State == state {
		return
	}
	prev, prevReason, prevTime := a.State, a.StateReason, a.StateUpdated
	now := time.Now().UTC().Truncate(time.Millisecond)
	a.State, a.StateReason, a.StateUpdated = state, reason, now
	stampOf := func(t time.Time) string { return t.Format("2006-01-02T15:04:05.000+0000") }
	detail, _ := json.Marshal(map[string]any{
		"alarmName":     a.Name,
		"state":         map[string]any{"value": state, "reason": reason, "timestamp": stampOf(now)},
		"previousState": map[string]any{"value": prev, "reason": prevReason, "timestamp": stampOf(prevTime)},
		"configuration": map[string]any{"description": a.Description, "metrics": []map[string]any{{
			"id": "m1", "returnData": true, "metricStat": map[string]any{
				"metric": map[string]any{"namespace": a.Namespace, "name": a.MetricName, "dimensions": a.Dimensions},
				"period": a.Period, "stat": a.Statistic}}}},
	})
	arn := rq.alarmARN(a.Name)
	rq.sb.emit(rq.sb.newEvent("CloudWatch Alarm State Change", "aws.cloudwatch", rq.account, rq.region, now, []string{arn}, detail))
	if !a.ActionsEnabled {
		return
	}
	actions := map[string][]string{"ALARM": a.AlarmActions, "OK": a.OKActions, "INSUFFICIENT_DATA": a.InsufficientDataActions}[state]
	msg, _ := json.Marshal(map[string]any{
		"AlarmName": a.Name, "AlarmDescription": a.Description, "AWSAccountId": rq.account, "NewStateValue": state, "NewStateReason": reason,
		"StateChangeTime": stampOf(now), "Region": rq.region, "AlarmArn": arn, "OldStateValue": prev,
		"Trigger": map[string]any{"MetricName": a.MetricName, "Namespace": a.Namespace, "Statistic": strings.ToUpper(a.Statistic),
			"Period": a.Period, "EvaluationPeriods": a.EvaluationPeriods, "ComparisonOperator": a.ComparisonOperator, "Threshold": a.Threshold},
	})
	for _, topic := range actions {
		rq.sb.publishInternal(rq.account, topic, fmt.Sprintf("%s: \"%s\" in %s", state, a.Name, rq.region), string(msg))
	}
}

func alarmJSON(rq *request, a *Alarm) map[string]any {
	out := map[string]any{
		"AlarmName": a.Name, "AlarmArn": rq.alarmARN(a.Name), "AlarmDescription": a.Description,
		"AlarmConfigurationUpdatedTimestamp": stamp(a.Updated), "ActionsEnabled": a.ActionsEnabled,
		"OKActions": orNone(a.OKActions), "AlarmActions": orNone(a.AlarmActions), "InsufficientDataActions": orNone(a.InsufficientDataActions),
		"StateValue": a.State, "StateReason": a.StateReason, "StateUpdatedTimestamp": stamp(a.StateUpdated),
		"MetricName": a.MetricName, "Namespace": a.Namespace, "Statistic": a.Statistic, "Dimensions": dimensionList(a.Dimensions),
		"Period": a.Period, "EvaluationPeriods": a.EvaluationPeriods, "Threshold": a.Threshold, "ComparisonOperator": a.ComparisonOperator,
		"TreatMissingData": orDefault(a.TreatMissingData, "missing"), "StateTransitionedTimestamp": stamp(a.StateUpdated),
	}
	if a.DatapointsToAlarm > 0 {
		out["DatapointsToAlarm"] = a.DatapointsToAlarm
	}
	if a.Unit != "" {
		out["Unit"] = a.Unit
	}
	return out
}

func orNone(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func cwDescribeAlarms(rq *request) error {
	var in struct {
		AlarmNames                                []string
		AlarmNamePrefix, StateValue, ActionPrefix string
		AlarmTypes                                []string
		MaxRecords                                int
		NextToken                                 string
	}
	if err := rq.decodeAny(&in); err != nil {
		return err
	}
	if in.StateValue != "" && !slices.Contains(alarmStates, in.StateValue) {
		return cwInvalid("The parameter StateValue %q is not one of OK, ALARM, INSUFFICIENT_DATA.", in.StateValue)
	}
	if len(in.AlarmNames) > 0 && in.AlarmNamePrefix != "" {
		return cwCombination("AlarmNames and AlarmNamePrefix cannot be used together.")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	list := []map[string]any{}
	for _, a := range r.Alarms {
		if len(in.AlarmNames) > 0 && !slices.Contains(in.AlarmNames, a.Name) || !strings.HasPrefix(a.Name, in.AlarmNamePrefix) ||
			in.StateValue != "" && a.State != in.StateValue {
			continue
		}
		if in.ActionPrefix != "" && !slices.ContainsFunc(append(append(slices.Clone(a.AlarmActions), a.OKActions...), a.InsufficientDataActions...),
			func(s string) bool { return strings.HasPrefix(s, in.ActionPrefix) }) {
			continue
		}
		list = append(list, alarmJSON(rq, a))
	}
	out := map[string]any{"MetricAlarms": list, "CompositeAlarms": []map[string]any{}}
	if len(in.AlarmTypes) > 0 && !slices.Contains(in.AlarmTypes, "MetricAlarm") {
		out["MetricAlarms"] = []map[string]any{}
	}
	rq.reply(out)
	return nil
}

func cwDeleteAlarms(rq *request) error {
	var in struct{ AlarmNames []string }
	if err := rq.decodeAny(&in); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	for _, n := range in.AlarmNames {
		if r.alarm(n) == nil {
			return cwError("ResourceNotFound", "ResourceNotFound", "Alarm %s not found", n)
		}
	}
	r.Alarms = slices.DeleteFunc(r.Alarms, func(a *Alarm) bool { return slices.Contains(in.AlarmNames, a.Name) })
	rq.reply(map[string]any{})
	return nil
}

func cwSetAlarmState(rq *request) error {
	var in struct{ AlarmName, StateValue, StateReason, StateReasonData string }
	if err := rq.decodeAny(&in); err != nil {
		return err
	}
	if !slices.Contains(alarmStates, in.StateValue) {
		return cwInvalid("The parameter StateValue %q is not one of OK, ALARM, INSUFFICIENT_DATA.", in.StateValue)
	}
	if in.StateReason == "" {
		return cwMissing("StateReason")
	}
	if in.StateReasonData != "" && !json.Valid([]byte(in.StateReasonData)) {
		return cwInvalid("The parameter StateReasonData is not valid JSON.")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	a := r.alarm(in.AlarmName)
	if a == nil {
		return cwError("ResourceNotFound", "ResourceNotFound", "Alarm %s not found", in.AlarmName)
	}
	rq.setAlarmState(r, a, in.StateValue, in.StateReason)
	rq.reply(map[string]any{})
	return nil
}

func cwAlarmActions(on bool) handler {
	return func(rq *request) error {
		var in struct{ AlarmNames []string }
		if err := rq.decodeAny(&in); err != nil {
			return err
		}
		r := rq.lockRegion()
		defer rq.unlock()
		for _, n := range in.AlarmNames {
			if a := r.alarm(n); a != nil {
				a.ActionsEnabled = on
			}
		}
		rq.reply(map[string]any{})
		return nil
	}
}
