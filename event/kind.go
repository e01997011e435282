package event

import (
	"encoding/json"
	"fmt"
)

// Kind says which typed view fits an event.
type Kind string

// The kinds of event with a typed view. KindOther covers everything else.
const (
	KindSecurityHub    Kind = "securityhub"      // Security Hub Findings - Imported / Custom Action / Highlighted
	KindGuardDuty      Kind = "guardduty"        // GuardDuty Finding
	KindConfig         Kind = "config"           // Config Rules Compliance Change
	KindAlarm          Kind = "cloudwatch-alarm" // CloudWatch Alarm State Change
	KindHealth         Kind = "health"           // AWS Health Event
	KindAccessAnalyzer Kind = "access-analyzer"  // Access Analyzer Finding
	KindCloudTrail     Kind = "cloudtrail"       // AWS API Call via CloudTrail
	KindInstanceState  Kind = "ec2-state-change" // EC2 Instance State-change Notification
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
	case e.DetailType == "AWS API Call via CloudTrail":
		return KindCloudTrail
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

// decodeDetail checks the kind and unmarshals the detail into v.
func (e *Event) decodeDetail(want Kind, v any) error {
	if got := e.Kind(); got != want {
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
