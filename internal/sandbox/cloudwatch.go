package sandbox

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

const cloudwatchNS = "http://monitoring.amazonaws.com/doc/2010-08-01/"

var cloudwatchOps = map[string]handler{
	"PutMetricData": cwPutMetricData,
}

// awsTime is a timestamp as JSON (epoch seconds or ISO 8601) or CBOR
// (tag 1) carry it.
type awsTime struct{ time.Time }

func (t *awsTime) UnmarshalJSON(b []byte) error {
	var secs float64
	if err := json.Unmarshal(b, &secs); err == nil {
		t.Time = time.UnixMilli(int64(math.Round(secs * 1000))).UTC()
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	t.Time = v
	return err
}

func (t *awsTime) UnmarshalCBOR(b []byte) error {
	if err := cbor.Unmarshal(b, &t.Time); err == nil {
		return nil
	}
	var secs float64
	if err := cbor.Unmarshal(b, &secs); err != nil {
		return err
	}
	t.Time = time.UnixMilli(int64(math.Round(secs * 1000))).UTC()
	return nil
}

type metricDatum struct {
	MetricName string
	Dimensions []struct{ Name, Value string }
	Timestamp  *awsTime
	Value      *float64
	Values     []float64
	Counts     []float64
	Unit       string
	// StatisticValues' Sum/SampleCount give the datum a value when Value
	// is absent.
	StatisticValues   *struct{ SampleCount, Sum, Minimum, Maximum float64 }
	StorageResolution *int
}

type putMetricDataIn struct {
	Namespace  string
	MetricData []metricDatum
}

func cwError(code, queryCode, format string, args ...any) *apiError {
	e := apiErr(400, code, format, args...)
	e.queryCode = queryCode
	return e
}

func (rq *request) putMetricDataInput() (*putMetricDataIn, error) {
	in := &putMetricDataIn{}
	if rq.proto != protoQuery {
		return in, rq.decodeInput(in)
	}
	f := rq.form
	in.Namespace = f["Namespace"]
	for _, m := range f.structs("MetricData.member") {
		d := metricDatum{MetricName: m["MetricName"], Unit: m["Unit"]}
		for _, dim := range m.structs("Dimensions.member") {
			d.Dimensions = append(d.Dimensions, struct{ Name, Value string }{dim["Name"], dim["Value"]})
		}
		if ts := m["Timestamp"]; ts != "" {
			t, err := time.Parse(time.RFC3339Nano, ts)
			if err != nil {
				return nil, cwError("InvalidParameterValueException", "InvalidParameterValue", "The timestamp %q is not ISO 8601.", ts)
			}
			d.Timestamp = &awsTime{t}
		}
		if v := m["Value"]; v != "" {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, cwError("InvalidParameterValueException", "InvalidParameterValue", "The value %s for parameter MetricData.member.N.Value is invalid.", v)
			}
			d.Value = &n
		}
		for _, v := range m.list("Values.member") {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, cwError("InvalidParameterValueException", "InvalidParameterValue", "The value %s for parameter MetricData.member.N.Values is invalid.", v)
			}
			d.Values = append(d.Values, n)
		}
		if sv := m.sub("StatisticValues"); len(sv) > 0 {
			num := func(k string) float64 { n, _ := strconv.ParseFloat(sv[k], 64); return n }
			d.StatisticValues = &struct{ SampleCount, Sum, Minimum, Maximum float64 }{num("SampleCount"), num("Sum"), num("Minimum"), num("Maximum")}
		}
		in.MetricData = append(in.MetricData, d)
	}
	return in, nil
}

func cwPutMetricData(rq *request) error {
	in, err := rq.putMetricDataInput()
	if err != nil {
		return err
	}
	if in.Namespace == "" {
		return cwError("MissingRequiredParameterException", "MissingParameter", "The parameter Namespace is required.")
	}
	if strings.HasPrefix(in.Namespace, "AWS/") {
		return cwError("InvalidParameterValueException", "InvalidParameterValue", "The value AWS/ for parameter Namespace is invalid.")
	}
	if len(in.MetricData) == 0 {
		return cwError("MissingRequiredParameterException", "MissingParameter", "The parameter MetricData is required.")
	}
	if len(in.MetricData) > 1000 {
		return cwError("InvalidParameterValueException", "InvalidParameterValue", "The collection MetricData must not have a size greater than 1000.")
	}
	now := time.Now().UTC()
	var add []*Metric
	for i, d := range in.MetricData {
		if d.MetricName == "" {
			return cwError("MissingRequiredParameterException", "MissingParameter", "The parameter MetricData.member.%d.MetricName is required.", i+1)
		}
		if len(d.Dimensions) > 30 {
			return cwError("InvalidParameterValueException", "InvalidParameterValue", "The collection MetricData.member.%d.Dimensions must not have a size greater than 30.", i+1)
		}
		m := &Metric{Namespace: in.Namespace, Name: d.MetricName, Unit: d.Unit, Values: d.Values, Timestamp: now}
		if d.Timestamp != nil {
			m.Timestamp = d.Timestamp.UTC()
		}
		switch {
		case d.Value != nil:
			m.Value = *d.Value
		case d.StatisticValues != nil && d.StatisticValues.SampleCount > 0:
			m.Value = d.StatisticValues.Sum / d.StatisticValues.SampleCount
		}
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
			return cwError("InvalidParameterValueException", "InvalidParameterValue", "The value for parameter MetricData.member.%d.Value is not a number CloudWatch accepts.", i+1)
		}
		for _, dim := range d.Dimensions {
			if m.Dimensions == nil {
				m.Dimensions = map[string]string{}
			}
			m.Dimensions[dim.Name] = dim.Value
		}
		add = append(add, m)
	}
	r := rq.lockRegion()
	defer rq.unlock()
	r.Metrics = append(r.Metrics, add...)
	if rq.proto == protoQuery {
		rq.writeQuery(cloudwatchNS, nil)
		return nil
	}
	rq.writeOut(struct{}{})
	return nil
}
