package event

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// Kind says which typed view fits an event.
type Kind string

// The kinds of event with a typed view. KindOther covers everything else.
const (
	KindSecurityHub    Kind = "securityhub"        // Security Hub Findings - Imported / Custom Action / Highlighted
	KindGuardDuty      Kind = "guardduty"          // GuardDuty Finding
	KindConfig         Kind = "config"             // Config Rules Compliance Change
	KindAlarm          Kind = "cloudwatch-alarm"   // CloudWatch Alarm State Change
	KindHealth         Kind = "health"             // AWS Health Event
	KindAccessAnalyzer Kind = "access-analyzer"    // Access Analyzer Finding
	KindCloudTrail     Kind = "cloudtrail"         // AWS API Call, Service Event or Console Action via CloudTrail
	KindInstanceState  Kind = "ec2-state-change"   // EC2 Instance State-change Notification
	KindConsoleSignIn  Kind = "console-signin"     // AWS Console Sign In via CloudTrail
	KindInsight        Kind = "cloudtrail-insight" // AWS Insight via CloudTrail
	KindInspector      Kind = "inspector"          // Inspector2 Finding
	KindOther          Kind = "other"
)

// Kind classifies e by its source and detail-type.
func (e *Event) Kind() Kind {
	switch {
	case e.Source == "aws.securityhub" && len(e.DetailType) > 21 && e.DetailType[:21] == "Security Hub Findings":
		return KindSecurityHub
	case e.Source == "aws.guardduty" && e.DetailType == "GuardDuty Finding":
		return KindGuardDuty
	case e.Source == "aws.config" && e.DetailType == "Config Rules Compliance Change":
		return KindConfig
	case e.Source == "aws.cloudwatch" && e.DetailType == "CloudWatch Alarm State Change":
		return KindAlarm
	case e.Source == "aws.health" && (e.DetailType == "AWS Health Event" || e.DetailType == "AWS Health Abuse Event"):
		return KindHealth
	case e.Source == "aws.access-analyzer" && e.DetailType == "Access Analyzer Finding":
		return KindAccessAnalyzer
	case e.DetailType == "AWS API Call via CloudTrail", e.DetailType == "AWS Service Event via CloudTrail",
		e.DetailType == "AWS Console Action via CloudTrail":
		return KindCloudTrail
	case e.DetailType == "AWS Console Sign In via CloudTrail":
		return KindConsoleSignIn
	case e.DetailType == "AWS Insight via CloudTrail":
		return KindInsight
	case e.Source == "aws.inspector2" && e.DetailType == "Inspector2 Finding":
		return KindInspector
	case e.Source == "aws.ec2" && e.DetailType == "EC2 Instance State-change Notification":
		return KindInstanceState
	}
	return KindOther
}

// KindError is returned by a view accessor called on an event of another
// kind.
type KindError struct {
	Want Kind   // the view asked for
	Got  Kind   // what the event is
	Src  string // the event's source
	Type string // the event's detail-type
}

// Error names both kinds and the event's source and detail-type.
func (e *KindError) Error() string {
	return fmt.Sprintf("event: not a %s event: source %q, detail-type %q is %s", e.Want, e.Src, e.Type, e.Got)
}

// decodeDetail checks the kind and unmarshals the detail into v. The
// detail of any of the also kinds has the same shape as want's.
// viewCache holds the typed views (SecurityHub, GuardDuty, CloudTrail...)
// decoded from one event's detail, so that each is decoded once however
// many engines, languages and targets read it. Parse gives every event
// one; an Event built otherwise decodes on every call.
type viewCache struct {
	mu sync.Mutex
	m  map[Kind]cachedView
}

type cachedView struct {
	detail *byte // the first byte of the Detail it was decoded from
	n      int
	v      any
}

// view returns the detail decoded as T, from the cache when this event's
// Detail was decoded before. The value is shared by every caller: treat it
// as read-only.
func view[T any](e *Event, want Kind, also ...Kind) (*T, error) {
	var first *byte
	if len(e.Detail) > 0 {
		first = &e.Detail[0]
	}
	if c := e.views; c != nil {
		c.mu.Lock()
		cv, ok := c.m[want]
		c.mu.Unlock()
		if ok && cv.detail == first && cv.n == len(e.Detail) {
			return cv.v.(*T), nil
		}
	}
	v := new(T)
	if err := e.decodeDetail(want, v, also...); err != nil {
		return nil, err
	}
	if d, ok := any(v).(afterDecoder); ok {
		d.afterDecode()
	}
	if c := e.views; c != nil {
		c.mu.Lock()
		if c.m == nil {
			c.m = map[Kind]cachedView{}
		}
		c.m[want] = cachedView{first, len(e.Detail), v}
		c.mu.Unlock()
	}
	return v, nil
}

// afterDecoder is a view that derives more from its detail once decoded
// (CloudTrailCall decodes the record's JSON documents), so that what it
// derives is cached with it.
type afterDecoder interface{ afterDecode() }

// detailValueKey caches DetailValue with the typed views.
const detailValueKey Kind = "\x00detail"

// DetailValue returns the detail decoded as by json.Unmarshal into an any
// (maps, slices, strings, float64, bool), nil when it is not JSON. On an
// event from Parse it is decoded once and shared: treat it as read-only.
func (e *Event) DetailValue() any {
	var first *byte
	if len(e.Detail) > 0 {
		first = &e.Detail[0]
	}
	if c := e.views; c != nil {
		c.mu.Lock()
		cv, ok := c.m[detailValueKey]
		c.mu.Unlock()
		if ok && cv.detail == first && cv.n == len(e.Detail) {
			return cv.v
		}
	}
	v := decodeValue(e.Detail)
	if c := e.views; c != nil {
		c.mu.Lock()
		if c.m == nil {
			c.m = map[Kind]cachedView{}
		}
		c.m[detailValueKey] = cachedView{first, len(e.Detail), v}
		c.mu.Unlock()
	}
	return v
}

// decodeValue decodes JSON into an any; nil when raw is empty or not JSON.
func decodeValue(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return v
}

func (e *Event) decodeDetail(want Kind, v any, also ...Kind) error {
	if got := e.Kind(); got != want && !slices.Contains(also, got) {
		return &KindError{Want: want, Got: got, Src: e.Source, Type: e.DetailType}
	}
	if err := json.Unmarshal(e.Detail, v); err != nil {
		return fmt.Errorf("event: %s detail: %w", want, describeJSONError(err))
	}
	return nil
}

// describeJSONError turns an unmarshal type error into one that names the
// field path and both types.
func describeJSONError(err error) error {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		field := te.Field
		if field == "" {
			field = "(top)"
		}
		return fmt.Errorf("field %q: found JSON %s, want %s", field, te.Value, te.Type)
	}
	return err
}
