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
	var d ConfigComplianceChange
	if err := e.decodeDetail(KindConfig, &d); err != nil {
		return nil, err
	}
	return &d, nil
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
	var d AlarmStateChange
	if err := e.decodeDetail(KindAlarm, &d); err != nil {
		return nil, err
	}
	return &d, nil
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
	var d HealthEvent
	if err := e.decodeDetail(KindHealth, &d); err != nil {
		return nil, err
	}
	return &d, nil
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
	var d AccessAnalyzerFinding
	if err := e.decodeDetail(KindAccessAnalyzer, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// CloudTrailCall is the detail of an "AWS API Call via CloudTrail" event: a
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
}

// UserIdentity is who made a CloudTrail-recorded call.
type UserIdentity struct {
	Type           string `json:"type"` // Root, IAMUser, AssumedRole, ...
	PrincipalID    string `json:"principalId"`
	Arn            string `json:"arn"`
	AccountID      string `json:"accountId"`
	AccessKeyID    string `json:"accessKeyId"`
	UserName       string `json:"userName"`
	InvokedBy      string `json:"invokedBy"`
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

// CloudTrail returns the detail of an "AWS API Call via CloudTrail" event.
func (e *Event) CloudTrail() (*CloudTrailCall, error) {
	var d CloudTrailCall
	if err := e.decodeDetail(KindCloudTrail, &d); err != nil {
		return nil, err
	}
	return &d, nil
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
	var d InstanceStateChange
	if err := e.decodeDetail(KindInstanceState, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
