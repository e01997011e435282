package sandbox

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

type metricDatum struct {
	MetricName      string
	Dimensions      []dimension
	Timestamp       *awsTime
	Value           *awsFloat
	Values          []awsFloat
	Counts          []awsFloat
	Unit            string
	StatisticValues *struct {
		SampleCount, Sum, Minimum, Maximum awsFloat
	}
	StorageResolution *int
}

func finite(f awsFloat) bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }

func cwPutMetricData(rq *request) error {
	var in struct {
		Namespace  string
		MetricData []metricDatum
	}
	if err := rq.decodeAny(&in); err != nil {
		return err
	}
	if in.Namespace == "" {
		return cwMissing("Namespace")
	}
	if strings.HasPrefix(in.Namespace, "AWS/") {
		return cwInvalid("The value AWS/ for parameter Namespace is invalid.")
	}
	if len(in.MetricData) == 0 {
		return cwMissing("MetricData")
	}
	if len(in.MetricData) > 1000 {
		return cwInvalid("The collection MetricData must not have a size greater than 1000.")
	}
	now := time.Now().UTC()
	var add []*Metric
	for i, d := range in.MetricData {
		p := fmt.Sprintf("MetricData.member.%d", i+1)
		if d.MetricName == "" {
			return cwMissing(p + ".MetricName")
		}
		if len(d.Dimensions) > 30 {
			return cwInvalid("The collection %s.Dimensions must not have a size greater than 30.", p)
		}
		switch {
		case d.Value != nil && d.Values != nil:
			return cwInvalid("The parameters %s.Value and %s.Values are mutually exclusive and you have specified both.", p, p)
		case d.Value != nil && d.StatisticValues != nil:
			return cwCombination("The parameters %s.Value and %s.StatisticValues are mutually exclusive and you have specified both.", p, p)
		case d.Counts != nil && len(d.Counts) != len(d.Values):
			return cwInvalid("The parameters %s.Values and %s.Counts must be of the same size.", p, p)
		case len(d.Values) > 150:
			return cwInvalid("The collection %s.Values must not have a size greater than 150.", p)
		}
		if d.Value != nil && !finite(*d.Value) {
			return cwInvalid("The value %v for parameter %s.Value is invalid.", strings.TrimPrefix(fmt.Sprint(float64(*d.Value)), "+"), p)
		}
		m := &Metric{Namespace: in.Namespace, Name: d.MetricName, Unit: d.Unit, Timestamp: now, Dimensions: dimensionMap(d.Dimensions)}
		if d.Timestamp != nil {
			m.Timestamp = d.Timestamp.UTC()
		}
		for j, v := range d.Values {
			if !finite(v) {
				return cwInvalid("The value %v for parameter %s.Values.member.%d is invalid.", float64(v), p, j+1)
			}
			m.Values = append(m.Values, float64(v))
		}
		for _, c := range d.Counts {
			m.Counts = append(m.Counts, float64(c))
		}
		if sv := d.StatisticValues; sv != nil {
			if !finite(sv.Sum) || !finite(sv.SampleCount) || !finite(sv.Minimum) || !finite(sv.Maximum) || sv.SampleCount <= 0 {
				return cwInvalid("The parameter %s.StatisticValues needs finite values and a positive SampleCount.", p)
			}
			m.Statistics = &StatisticSet{float64(sv.SampleCount), float64(sv.Sum), float64(sv.Minimum), float64(sv.Maximum)}
		}
		if d.Value != nil {
			m.Value = float64(*d.Value)
		} else if m.Statistics != nil {
			m.Value = m.Statistics.Sum / m.Statistics.SampleCount
		}
		add = append(add, m)
	}
	r := rq.lockRegion()
	defer rq.unlock()
	r.Metrics = append(r.Metrics, add...)
	rq.evaluateAlarms(r, add)
	rq.reply(map[string]any{})
	return nil
}

// samples are a datum's values with their weights.
func (m *Metric) samples() (vals, weights []float64) {
	switch {
	case m.Statistics != nil:
		return nil, nil
	case len(m.Values) > 0:
		for i, v := range m.Values {
			w := 1.0
			if i < len(m.Counts) {
				w = m.Counts[i]
			}
			vals, weights = append(vals, v), append(weights, w)
		}
		return vals, weights
	}
	return []float64{m.Value}, []float64{1}
}

// stats aggregates data points the way CloudWatch's statistics do.
type stats struct{ count, sum, min, max float64 }

func (s *stats) add(m *Metric) {
	if st := m.Statistics; st != nil {
		s.merge(stats{st.SampleCount, st.Sum, st.Minimum, st.Maximum})
		return
	}
	vals, weights := m.samples()
	for i, v := range vals {
		s.merge(stats{weights[i], v * weights[i], v, v})
	}
}

func (s *stats) merge(o stats) {
	if s.count == 0 {
		*s = o
		return
	}
	s.count += o.count
	s.sum += o.sum
	s.min = math.Min(s.min, o.min)
	s.max = math.Max(s.max, o.max)
}

// value is the named statistic; ok is false for one the sandbox does not
// compute (percentiles).
func (s stats) value(stat string) (float64, bool) {
	switch stat {
	case "SampleCount":
		return s.count, true
	case "Sum":
		return s.sum, true
	case "Minimum":
		return s.min, true
	case "Maximum":
		return s.max, true
	case "Average":
		if s.count == 0 {
			return 0, true
		}
		return s.sum / s.count, true
	}
	return 0, false
}

var statNames = []string{"SampleCount", "Average", "Sum", "Minimum", "Maximum"}

// sameMetric reports whether m is the metric named (all its dimensions
// equal, as CloudWatch matches them).
func sameMetric(m *Metric, ns, name string, dims map[string]string) bool {
	if m.Namespace != ns || m.Name != name || len(m.Dimensions) != len(dims) {
		return false
	}
	for k, v := range dims {
		if m.Dimensions[k] != v {
			return false
		}
	}
	return true
}

// periods aggregates a metric's data points in [start, end) into
// period-long buckets, oldest first.
func periods(r *Region, ns, name string, dims map[string]string, unit string, start, end time.Time, period time.Duration) ([]time.Time, []stats) {
	buckets := map[int64]*stats{}
	for _, m := range r.Metrics {
		if !sameMetric(m, ns, name, dims) || unit != "" && m.Unit != unit || m.Timestamp.Before(start) || !m.Timestamp.Before(end) {
			continue
		}
		k := m.Timestamp.Truncate(period).Unix()
		if buckets[k] == nil {
			buckets[k] = &stats{}
		}
		buckets[k].add(m)
	}
	keys := make([]int64, 0, len(buckets))
	for k := range buckets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	times := make([]time.Time, len(keys))
	out := make([]stats, len(keys))
	for i, k := range keys {
		times[i], out[i] = time.Unix(k, 0).UTC(), *buckets[k]
	}
	return times, out
}

func cwListMetrics(rq *request) error {
	var in struct {
		Namespace, MetricName string
		Dimensions            []dimension
		NextToken             string
	}
	if err := rq.decodeAny(&in); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	seen := map[string]bool{}
	list := []map[string]any{}
	for _, m := range r.Metrics {
		if in.Namespace != "" && m.Namespace != in.Namespace || in.MetricName != "" && m.Name != in.MetricName {
			continue
		}
		ok := true
		for _, d := range in.Dimensions {
			v, has := m.Dimensions[d.Name]
			ok = ok && has && (d.Value == "" || v == d.Value)
		}
		key := m.Namespace + "\x00" + m.Name + "\x00" + fmt.Sprint(dimensionList(m.Dimensions))
		if !ok || seen[key] {
			continue
		}
		seen[key] = true
		list = append(list, map[string]any{"Namespace": m.Namespace, "MetricName": m.Name, "Dimensions": dimensionList(m.Dimensions)})
	}
	rq.reply(map[string]any{"Metrics": list})
	return nil
}

func cwGetMetricStatistics(rq *request) error {
	var in struct {
		Namespace, MetricName, Unit string
		Dimensions                  []dimension
		StartTime, EndTime          *awsTime
		Period                      int
		Statistics                  []string
		ExtendedStatistics          []string
	}
	if err := rq.decodeAny(&in); err != nil {
		return err
	}
	switch {
	case in.Namespace == "":
		return cwMissing("Namespace")
	case in.MetricName == "":
		return cwMissing("MetricName")
	case in.StartTime == nil:
		return cwMissing("StartTime")
	case in.EndTime == nil:
		return cwMissing("EndTime")
	case in.Period < 1:
		return cwInvalid("The parameter Period must be a positive number of seconds.")
	case len(in.Statistics) == 0 && len(in.ExtendedStatistics) == 0:
		return cwMissing("Statistics")
	case len(in.ExtendedStatistics) > 0:
		return cwInvalid("The sandbox does not compute extended statistics (percentiles); ask for %s.", strings.Join(statNames, ", "))
	case !in.StartTime.Before(in.EndTime.Time):
		return cwInvalid("The parameter StartTime must be less than the parameter EndTime.")
	}
	for _, s := range in.Statistics {
		if !slices.Contains(statNames, s) {
			return cwInvalid("The parameter Statistics.member.N %q is not one of %s.", s, strings.Join(statNames, ", "))
		}
	}
	r := rq.lockRegion()
	defer rq.unlock()
	times, buckets := periods(r, in.Namespace, in.MetricName, dimensionMap(in.Dimensions), in.Unit, in.StartTime.Time, in.EndTime.Time, time.Duration(in.Period)*time.Second)
	points := []map[string]any{}
	for i, b := range buckets {
		p := map[string]any{"Timestamp": stamp(times[i]), "Unit": orDefault(in.Unit, "None")}
		for _, s := range in.Statistics {
			p[s], _ = b.value(s)
		}
		points = append(points, p)
	}
	rq.reply(map[string]any{"Label": in.MetricName, "Datapoints": points})
	return nil
}

// metricStat is a MetricStat of GetMetricData or of an alarm's metrics.
type metricStat struct {
	Metric struct {
		Namespace, MetricName string
		Dimensions            []dimension
	}
	Period int
	Stat   string
	Unit   string
}

func cwGetMetricData(rq *request) error {
	var in struct {
		MetricDataQueries []struct {
			Id         string
			MetricStat *metricStat
			Expression string
			Label      string
			ReturnData *bool
		}
		StartTime, EndTime *awsTime
		ScanBy             string
		MaxDatapoints      int
	}
	if err := rq.decodeAny(&in); err != nil {
		return err
	}
	switch {
	case len(in.MetricDataQueries) == 0:
		return cwMissing("MetricDataQueries")
	case len(in.MetricDataQueries) > 500:
		return cwInvalid("The collection MetricDataQueries must not have a size greater than 500.")
	case in.StartTime == nil:
		return cwMissing("StartTime")
	case in.EndTime == nil:
		return cwMissing("EndTime")
	case !in.StartTime.Before(in.EndTime.Time):
		return cwInvalid("The parameter StartTime must be less than the parameter EndTime.")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	results := []map[string]any{}
	for i, q := range in.MetricDataQueries {
		if q.Expression != "" {
			return cwInvalid("MetricDataQueries.member.%d.Expression: the sandbox evaluates MetricStat queries only, not metric math or search expressions.", i+1)
		}
		ms := q.MetricStat
		if ms == nil {
			return cwInvalid("MetricDataQueries.member.%d: one of MetricStat or Expression is required.", i+1)
		}
		if ms.Period < 1 {
			return cwInvalid("MetricDataQueries.member.%d.MetricStat.Period must be a positive number of seconds.", i+1)
		}
		if q.ReturnData != nil && !*q.ReturnData {
			continue
		}
		times, buckets := periods(r, ms.Metric.Namespace, ms.Metric.MetricName, dimensionMap(ms.Metric.Dimensions), ms.Unit, in.StartTime.Time, in.EndTime.Time, time.Duration(ms.Period)*time.Second)
		ts, vals := []stamp{}, []float64{}
		for j := len(buckets) - 1; j >= 0; j-- { // newest first: ScanBy TimestampDescending
			v, ok := buckets[j].value(ms.Stat)
			if !ok {
				return cwInvalid("MetricDataQueries.member.%d.MetricStat.Stat %q is not one of %s.", i+1, ms.Stat, strings.Join(statNames, ", "))
			}
			ts, vals = append(ts, stamp(times[j])), append(vals, v)
		}
		if in.ScanBy == "TimestampAscending" {
			slices.Reverse(ts)
			slices.Reverse(vals)
		}
		label := q.Label
		if label == "" {
			label = ms.Metric.MetricName
		}
		results = append(results, map[string]any{"Id": q.Id, "Label": label, "Timestamps": ts, "Values": vals, "StatusCode": "Complete"})
	}
	rq.reply(map[string]any{"MetricDataResults": results, "Messages": []map[string]any{}})
	return nil
}
