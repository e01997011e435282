package event

import (
	"encoding/json"
	"strings"
)

// ConfigComplianceChange is the detail of a "Config Rules Compliance Change"
// event.
type ConfigComplianceChange struct {
	AwsAccountID             string            `json:"awsAccountId"`
	AwsRegion                string            `json:"awsRegion"`
	ConfigRuleName           string            `json:"configRuleName"`
	ConfigRuleARN            string            `json:"configRuleARN"`
	ResourceType             string            `json:"resourceType"`
	ResourceID               string            `json:"resourceId"`
	NewEvaluationResult      *EvaluationResult `json:"newEvaluationResult"`
	OldEvaluationResult      *EvaluationResult `json:"oldEvaluationResult"`
	NotificationCreationTime string            `json:"notificationCreationTime"`
	MessageType              string            `json:"messageType"`
	RecordVersion            string            `json:"recordVersion"`
}

// EvaluationResult is one AWS Config rule evaluation.
type EvaluationResult struct {
	ComplianceType        string `json:"complianceType"` // COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA
	ResultRecordedTime    string `json:"resultRecordedTime"`
	ConfigRuleInvokedTime string `json:"configRuleInvokedTime"`
	Annotation            string `json:"annotation"`
}

// Config returns the detail of a Config rules compliance change event.
func (e *Event) Config() (*ConfigComplianceChange, error) {
	return view[ConfigComplianceChange](e, KindConfig)
}

// AlarmStateChange is the detail of a "CloudWatch Alarm State Change" event.
type AlarmStateChange struct {
	AlarmName     string             `json:"alarmName"`
	State         AlarmState         `json:"state"`
	PreviousState AlarmState         `json:"previousState"`
	Configuration AlarmConfiguration `json:"configuration"`
}

// AlarmState is an alarm state and why the alarm entered it.
type AlarmState struct {
	Value                   string `json:"value"` // OK, ALARM, INSUFFICIENT_DATA
	Reason                  string `json:"reason"`
	ReasonData              string `json:"reasonData"` // a JSON document as a string
	Timestamp               string `json:"timestamp"`
	ActionsSuppressedBy     string `json:"actionsSuppressedBy"`
	ActionsSuppressedReason string `json:"actionsSuppressedReason"`
}

// AlarmReasonData is the decoded AlarmState.ReasonData. Numbers are kept as
// sent (json.Number) so that 50.0 is shown as 50.0.
type AlarmReasonData struct {
	Version               string        `json:"version"`
	QueryDate             string        `json:"queryDate"`
	StartDate             string        `json:"startDate"`
	Statistic             string        `json:"statistic"`
	Period                json.Number   `json:"period"`
	RecentDatapoints      []json.Number `json:"recentDatapoints"`
	Threshold             json.Number   `json:"threshold"`
	RecentLowerThresholds []json.Number `json:"recentLowerThresholds"`
	RecentUpperThresholds []json.Number `json:"recentUpperThresholds"`
	// TriggeringAlarms is set for composite alarms.
	TriggeringAlarms []struct {
		Arn   string `json:"arn"`
		State struct {
			Value     string `json:"value"`
			Timestamp string `json:"timestamp"`
		} `json:"state"`
	} `json:"triggeringAlarms"`
}

// ParsedReasonData decodes ReasonData; it returns nil when there is none or
// it is not the JSON CloudWatch documents.
func (s *AlarmState) ParsedReasonData() *AlarmReasonData {
	if strings.TrimSpace(s.ReasonData) == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(s.ReasonData))
	dec.UseNumber()
	var d AlarmReasonData
	if err := dec.Decode(&d); err != nil {
		return nil
	}
	return &d
}

// AlarmConfiguration is the alarm's definition as carried in the event.
type AlarmConfiguration struct {
	Description string        `json:"description"`
	Metrics     []AlarmMetric `json:"metrics"`
	// AlarmRule and the ActionsSuppressor fields are set for composite alarms.
	AlarmRule                        string `json:"alarmRule"`
	ActionsSuppressor                string `json:"actionsSuppressor"`
	ActionsSuppressorWaitPeriod      int    `json:"actionsSuppressorWaitPeriod"`
	ActionsSuppressorExtensionPeriod int    `json:"actionsSuppressorExtensionPeriod"`
}

// AlarmMetric is one metric or expression of an alarm.
type AlarmMetric struct {
	ID         string `json:"id"`
	Expression string `json:"expression"`
	Label      string `json:"label"`
	ReturnData bool   `json:"returnData"`
	MetricStat *struct {
		Metric struct {
			Namespace  string          `json:"namespace"`
			Name       string          `json:"name"`
			Dimensions map[string]Text `json:"dimensions"`
		} `json:"metric"`
		Period int    `json:"period"`
		Stat   string `json:"stat"`
	} `json:"metricStat"`
}

// AlarmType says how an alarm is defined.
type AlarmType string

// The alarm types CloudWatch sends state changes for.
const (
	AlarmSingleMetric     AlarmType = "single-metric"
	AlarmMetricMath       AlarmType = "metric-math"
	AlarmAnomalyDetection AlarmType = "anomaly-detection"
	AlarmComposite        AlarmType = "composite"
)

// Type tells a single-metric alarm from a metric math, anomaly detection or
// composite alarm by its configuration.
func (a *AlarmStateChange) Type() AlarmType {
	if a.Configuration.AlarmRule != "" {
		return AlarmComposite
	}
	for _, m := range a.Configuration.Metrics {
		if strings.Contains(m.Expression, "ANOMALY_DETECTION_BAND") {
			return AlarmAnomalyDetection
		}
	}
	for _, m := range a.Configuration.Metrics {
		if m.Expression != "" {
			return AlarmMetricMath
		}
	}
	return AlarmSingleMetric
}

// Alarm returns the detail of a CloudWatch alarm state change event.
func (e *Event) Alarm() (*AlarmStateChange, error) {
	return view[AlarmStateChange](e, KindAlarm)
}

// HealthEvent is the detail of an "AWS Health Event".
type HealthEvent struct {
	EventArn          string `json:"eventArn"`
	Service           string `json:"service"`
	EventTypeCode     string `json:"eventTypeCode"`
	EventTypeCategory string `json:"eventTypeCategory"` // issue, accountNotification, scheduledChange, investigation
	EventScopeCode    string `json:"eventScopeCode"`
	StatusCode        string `json:"statusCode"`
	CommunicationID   string `json:"communicationId"`
	AffectedAccount   string `json:"affectedAccount"`
	EventRegion       string `json:"eventRegion"`
	// StartTime, EndTime and LastUpdatedTime are sent as RFC 1123 text,
	// e.g. "Sat, 05 Jun 2016 15:10:09 GMT".
	StartTime        string `json:"startTime"`
	EndTime          string `json:"endTime"`
	LastUpdatedTime  string `json:"lastUpdatedTime"`
	EventDescription []struct {
		Language          string `json:"language"`
		LatestDescription string `json:"latestDescription"`
	} `json:"eventDescription"`
	AffectedEntities []struct {
		EntityValue string          `json:"entityValue"`
		Status      string          `json:"status"`
		Tags        map[string]Text `json:"tags"`
	} `json:"affectedEntities"`
}

// Description returns the event description in lang (e.g. "en_US"), else
// the first one, else "".
func (h *HealthEvent) Description(lang string) string {
	for _, d := range h.EventDescription {
		if d.Language == lang {
			return d.LatestDescription
		}
	}
	if len(h.EventDescription) > 0 {
		return h.EventDescription[0].LatestDescription
	}
	return ""
}

// Health returns the detail of an AWS Health event.
func (e *Event) Health() (*HealthEvent, error) {
	return view[HealthEvent](e, KindHealth)
}

// AccessAnalyzerFinding is the detail of an "Access Analyzer Finding" event.
type AccessAnalyzerFinding struct {
	ID           string          `json:"id"`
	Version      string          `json:"version"`
	AccountID    string          `json:"accountId"`
	Region       string          `json:"region"`
	Resource     string          `json:"resource"`
	ResourceType string          `json:"resourceType"`
	Status       string          `json:"status"` // ACTIVE, ARCHIVED, RESOLVED
	FindingType  string          `json:"findingType"`
	Action       []string        `json:"action"`
	Principal    map[string]Text `json:"principal"`
	Condition    map[string]Text `json:"condition"`
	IsPublic     bool            `json:"isPublic"`
	IsDeleted    bool            `json:"isDeleted"`
	// Error is set (e.g. ACCESS_DENIED) when the analyzer could not analyse
	// the resource.
	Error      string `json:"error"`
	CreatedAt  string `json:"createdAt"`
	AnalyzedAt string `json:"analyzedAt"`
	UpdatedAt  string `json:"updatedAt"`
}

// AccessAnalyzer returns the detail of an IAM Access Analyzer finding event.
func (e *Event) AccessAnalyzer() (*AccessAnalyzerFinding, error) {
	return view[AccessAnalyzerFinding](e, KindAccessAnalyzer)
}

// CloudTrailCall is the detail of an "AWS API Call via CloudTrail" event
// (and of the other CloudTrail-delivered detail-types that carry a record:
// "AWS Console Sign In", "AWS Service Event", "AWS Console Action"): a
// CloudTrail record.
type CloudTrailCall struct {
	EventVersion       string          `json:"eventVersion"`
	UserIdentity       UserIdentity    `json:"userIdentity"`
	EventTime          string          `json:"eventTime"`
	EventSource        string          `json:"eventSource"`
	EventName          string          `json:"eventName"`
	AwsRegion          string          `json:"awsRegion"`
	SourceIPAddress    string          `json:"sourceIPAddress"`
	UserAgent          string          `json:"userAgent"`
	ErrorCode          string          `json:"errorCode"`
	ErrorMessage       string          `json:"errorMessage"`
	RequestParameters  json.RawMessage `json:"requestParameters"`
	ResponseElements   json.RawMessage `json:"responseElements"`
	RequestID          string          `json:"requestID"`
	EventID            string          `json:"eventID"`
	EventType          string          `json:"eventType"`
	ReadOnly           *bool           `json:"readOnly"`
	RecipientAccountID string          `json:"recipientAccountId"`
	// AdditionalEventData holds what the service adds, e.g. for a console
	// sign-in {"LoginTo", "MobileVersion", "MFAUsed"}.
	AdditionalEventData json.RawMessage `json:"additionalEventData"`
	// ServiceEventDetails is set on service events (eventType
	// AwsServiceEvent).
	ServiceEventDetails json.RawMessage `json:"serviceEventDetails"`
	SharedEventID       string          `json:"sharedEventID"`
	EventCategory       string          `json:"eventCategory"`

	// docs are the JSON documents above, decoded once by Event.CloudTrail.
	docs *ctDocs
}

type ctDocs struct{ req, resp, extra, svc any }

func (c *CloudTrailCall) afterDecode() {
	c.docs = &ctDocs{decodeValue(c.RequestParameters), decodeValue(c.ResponseElements),
		decodeValue(c.AdditionalEventData), decodeValue(c.ServiceEventDetails)}
}

// RequestParametersValue returns requestParameters decoded as by
// json.Unmarshal into an any, nil when absent. From Event.CloudTrail it is
// decoded once per event and shared: treat it as read-only. The same holds
// for the other ...Value methods.
func (c *CloudTrailCall) RequestParametersValue() any {
	if c.docs != nil {
		return c.docs.req
	}
	return decodeValue(c.RequestParameters)
}

// ResponseElementsValue returns responseElements decoded, nil when absent.
func (c *CloudTrailCall) ResponseElementsValue() any {
	if c.docs != nil {
		return c.docs.resp
	}
	return decodeValue(c.ResponseElements)
}

// AdditionalEventDataValue returns additionalEventData decoded, nil when
// absent.
func (c *CloudTrailCall) AdditionalEventDataValue() any {
	if c.docs != nil {
		return c.docs.extra
	}
	return decodeValue(c.AdditionalEventData)
}

// ServiceEventDetailsValue returns serviceEventDetails decoded, nil when
// absent.
func (c *CloudTrailCall) ServiceEventDetailsValue() any {
	if c.docs != nil {
		return c.docs.svc
	}
	return decodeValue(c.ServiceEventDetails)
}

// UserIdentity is who made a CloudTrail-recorded call.
type UserIdentity struct {
	Type        string `json:"type"` // Root, IAMUser, AssumedRole, ...
	PrincipalID string `json:"principalId"`
	Arn         string `json:"arn"`
	AccountID   string `json:"accountId"`
	AccessKeyID string `json:"accessKeyId"`
	UserName    string `json:"userName"`
	InvokedBy   string `json:"invokedBy"`
	// OnBehalfOf names the IAM Identity Center user behind the call.
	OnBehalfOf *struct {
		UserID           string `json:"userId"`
		IdentityStoreArn string `json:"identityStoreArn"`
	} `json:"onBehalfOf"`
	SessionContext *struct {
		Attributes struct {
			MfaAuthenticated Text   `json:"mfaAuthenticated"`
			CreationDate     string `json:"creationDate"`
		} `json:"attributes"`
		SessionIssuer *struct {
			Type     string `json:"type"`
			Arn      string `json:"arn"`
			UserName string `json:"userName"`
		} `json:"sessionIssuer"`
	} `json:"sessionContext"`
}

// CloudTrail returns the detail of an "AWS API Call via CloudTrail" event,
// or of another CloudTrail-delivered event that carries a record (a console
// sign-in, a service event, a console action).
func (e *Event) CloudTrail() (*CloudTrailCall, error) {
	return view[CloudTrailCall](e, KindCloudTrail, KindConsoleSignIn)
}

// CloudTrailInsight is the detail of an "AWS Insight via CloudTrail"
// event: a CloudTrail Insights record, which says that the rate of calls
// to an API (or of its errors) departed from the account's baseline.
type CloudTrailInsight struct {
	EventVersion       string `json:"eventVersion"`
	EventTime          string `json:"eventTime"`
	AwsRegion          string `json:"awsRegion"`
	EventID            string `json:"eventID"`
	EventType          string `json:"eventType"` // AwsCloudTrailInsight
	RecipientAccountID string `json:"recipientAccountId"`
	SharedEventID      string `json:"sharedEventID"`
	EventCategory      string `json:"eventCategory"`
	InsightDetails     struct {
		State          string `json:"state"` // Start or End
		EventSource    string `json:"eventSource"`
		EventName      string `json:"eventName"`
		InsightType    string `json:"insightType"` // ApiCallRateInsight or ApiErrorRateInsight
		ErrorCode      string `json:"errorCode"`
		InsightContext struct {
			Statistics struct {
				Baseline struct {
					Average json.Number `json:"average"`
				} `json:"baseline"`
				Insight struct {
					Average json.Number `json:"average"`
				} `json:"insight"`
				InsightDuration  json.Number `json:"insightDuration"`
				BaselineDuration json.Number `json:"baselineDuration"`
			} `json:"statistics"`
			// Attributions name the user identities, user agents and error
			// codes most involved, in the insight and in the baseline.
			Attributions []struct {
				Attribute string `json:"attribute"` // userIdentityArn, userAgent, errorCode
				Insight   []struct {
					Value   string      `json:"value"`
					Average json.Number `json:"average"`
				} `json:"insight"`
			} `json:"attributions"`
		} `json:"insightContext"`
	} `json:"insightDetails"`
}

// Insight returns the detail of an "AWS Insight via CloudTrail" event.
func (e *Event) Insight() (*CloudTrailInsight, error) {
	return view[CloudTrailInsight](e, KindInsight)
}

// InstanceStateChange is the detail of an "EC2 Instance State-change
// Notification" event.
type InstanceStateChange struct {
	// InstanceID is kept exactly as sent; use strings.TrimSpace before
	// comparing (one AWS documentation sample has a leading space).
	InstanceID string `json:"instance-id"`
	State      string `json:"state"` // pending, running, stopping, stopped, shutting-down, terminated
}

// InstanceState returns the detail of an EC2 instance state-change event.
func (e *Event) InstanceState() (*InstanceStateChange, error) {
	return view[InstanceStateChange](e, KindInstanceState)
}
