package ask

import (
	"context"
	"encoding/json"
	"strings"
)

// modelFindings is how many findings a tool result shows a model: enough
// to answer from, few enough to keep the conversation small. The answer
// itself lists up to the request's limit.
const modelFindings = 25

// findingsResult is what a findings tool returns.
type findingsResult struct {
	Total       int            `json:"total"`
	BySeverity  map[string]int `json:"by_severity"`
	TopControls []countOf      `json:"top_controls,omitempty"`
	// Listed is how many of the total are in Findings.
	Listed   int      `json:"listed"`
	Findings []record `json:"findings"`
	Regions  []string `json:"regions_looked_in"`
	Filter   Filter   `json:"filter_applied"`
}

func resultOf(l *lookup) findingsResult {
	fs := l.Findings
	if len(fs) > modelFindings {
		fs = fs[:modelFindings]
	}
	if fs == nil {
		fs = []record{}
	}
	return findingsResult{Total: l.Total, BySeverity: l.BySeverity, TopControls: l.TopControls, Listed: len(fs), Findings: fs, Regions: l.Regions, Filter: l.Filter}
}

const stringList = `{"type": "array", "items": {"type": "string"}}`

func enumList(vals ...string) string {
	b, _ := json.Marshal(vals)
	return `{"type": "array", "items": {"type": "string", "enum": ` + string(b) + `}}`
}

var findingsBySeverityTool = tool{
	name: "get_findings_by_severity",
	description: "List the active Security Hub findings of the given severity labels (workflow status NEW or NOTIFIED, record state ACTIVE), " +
		"looked up live with GetFindings. Returns the total, counts by severity and control, and the most severe, most recently updated findings.",
	schema:    `{"type": "object", "properties": {"severity": ` + enumList(severityLabels...) + `}, "required": ["severity"], "additionalProperties": false}`,
	available: always,
	run: func(ctx context.Context, s *session, args json.RawMessage) (any, error) {
		var in struct {
			Severity severityArg `json:"severity"`
		}
		if err := decode("get_findings_by_severity", args, &in); err != nil {
			return nil, err
		}
		if len(in.Severity) == 0 {
			return nil, badArgs("get_findings_by_severity: severity is required, e.g. [\"CRITICAL\"]")
		}
		l, err := s.findings(ctx, Filter{Severities: in.Severity})
		if err != nil {
			return nil, err
		}
		return resultOf(l), nil
	},
}

// severityArg accepts "CRITICAL" or ["CRITICAL", "HIGH"]: models write
// both.
type severityArg []string

func (s *severityArg) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*s = []string{strings.ToUpper(one)}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

var searchFindingsTool = tool{
	name: "search_findings",
	description: "Search Security Hub findings live with GetFindings. Values of one field are ORed, fields ANDed. By default only findings with workflow " +
		"status NEW or NOTIFIED and record state ACTIVE are searched, with no compliance filter: set workflow_status, record_state or compliance_status to change that. " +
		"resource_id takes an ARN (exact) or a short id such as i-0123456789abcdef0, sg-..., or a bucket name (contained in the resource id). " +
		"service keeps the controls of a service (S3 keeps S3.1, S3.8, ...). since/until bound the creation time (time_field \"updated\": the update time), RFC 3339. " +
		"Returns the total, counts by severity and control, and the most severe, most recently updated findings.",
	schema: `{"type": "object", "properties": {
  "severity": ` + enumList(severityLabels...) + `,
  "control_id": ` + stringList + `,
  "service": ` + stringList + `,
  "account_id": ` + stringList + `,
  "region": ` + stringList + `,
  "resource_type": ` + stringList + `,
  "resource_id": ` + stringList + `,
  "product": ` + stringList + `,
  "workflow_status": ` + enumList(workflowValues...) + `,
  "compliance_status": ` + enumList(complianceVals...) + `,
  "record_state": ` + enumList(recordValues...) + `,
  "since": {"type": "string", "description": "RFC 3339"},
  "until": {"type": "string", "description": "RFC 3339"},
  "time_field": {"type": "string", "enum": ["created", "updated"]},
  "finding_id": ` + stringList + `
}, "additionalProperties": false}`,
	available: always,
	run: func(ctx context.Context, s *session, args json.RawMessage) (any, error) {
		var f Filter
		if err := decode("search_findings", args, &f); err != nil {
			return nil, err
		}
		l, err := s.findings(ctx, f)
		if err != nil {
			return nil, err
		}
		return resultOf(l), nil
	},
}
