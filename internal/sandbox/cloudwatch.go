package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

const cloudwatchNS = "http://monitoring.amazonaws.com/doc/2010-08-01/"

func cloudwatchService() *service {
	return &service{name: "monitoring", title: "Amazon CloudWatch", protocol: protoCBOR, version: "2010-08-01", xmlNS: cloudwatchNS,
		target: "GraniteServiceVersion20100801", targetProto: protoJSON10, cbor: "GraniteServiceVersion20100801",
		errorNS: "com.amazonaws.cloudwatch#", ops: map[string]handler{
			"PutMetricData":       cwPutMetricData,
			"ListMetrics":         cwListMetrics,
			"GetMetricData":       cwGetMetricData,
			"GetMetricStatistics": cwGetMetricStatistics,
			"PutMetricAlarm":      cwPutMetricAlarm,
			"DescribeAlarms":      cwDescribeAlarms,
			"DeleteAlarms":        cwDeleteAlarms,
			"SetAlarmState":       cwSetAlarmState,
			"EnableAlarmActions":  cwAlarmActions(true),
			"DisableAlarmActions": cwAlarmActions(false),
		}}
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

// awsFloat is a double as the protocols carry it: a JSON number or, for
// values JSON has no number for, the strings "NaN", "Infinity",
// "-Infinity"; query text; a CBOR float.
type awsFloat float64

func (f *awsFloat) UnmarshalJSON(b []byte) error {
	var n float64
	if err := json.Unmarshal(b, &n); err == nil {
		*f = awsFloat(n)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	return f.UnmarshalText([]byte(s))
}

func (f *awsFloat) UnmarshalText(b []byte) error {
	n, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", b)
	}
	*f = awsFloat(n)
	return nil
}

func cwError(code, queryCode, format string, args ...any) *apiError {
	e := apiErr(400, code, format, args...)
	e.queryCode = queryCode
	return e
}

func cwInvalid(format string, args ...any) *apiError {
	return cwError("InvalidParameterValueException", "InvalidParameterValue", format, args...)
}

func cwMissing(name string) *apiError {
	return cwError("MissingRequiredParameterException", "MissingParameter", "The parameter %s is required.", name)
}

func cwCombination(format string, args ...any) *apiError {
	return cwError("InvalidParameterCombinationException", "InvalidParameterCombination", format, args...)
}

// dimension is a metric dimension as the APIs carry it.
type dimension struct{ Name, Value string }

func dimensionMap(ds []dimension) map[string]string {
	if len(ds) == 0 {
		return nil
	}
	m := make(map[string]string, len(ds))
	for _, d := range ds {
		m[d.Name] = d.Value
	}
	return m
}

func dimensionList(m map[string]string) []map[string]any {
	out := []map[string]any{}
	for _, k := range sortedKeys(m) {
		out = append(out, map[string]any{"Name": k, "Value": m[k]})
	}
	return out
}
