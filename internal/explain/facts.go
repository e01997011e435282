package explain

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
)

// Severity is a normalised severity. The empty Severity means the source
// gives none; vigil does not make one up.
type Severity string

// Normalised severities, highest first.
const (
	SevCritical      Severity = "CRITICAL"
	SevHigh          Severity = "HIGH"
	SevMedium        Severity = "MEDIUM"
	SevLow           Severity = "LOW"
	SevInformational Severity = "INFORMATIONAL"
	SevNone          Severity = ""
)

// rank orders severities for picking the highest of several findings.
func (s Severity) rank() int {
	switch s {
	case SevCritical:
		return 5
	case SevHigh:
		return 4
	case SevMedium:
		return 3
	case SevLow:
		return 2
	case SevInformational:
		return 1
	}
	return 0
}

// CodeKind says what Facts.Code identifies.
type CodeKind string

// Code kinds.
const (
	CodeControl     CodeKind = "control"           // Security Hub control id, e.g. EC2.7
	CodeCISRule     CodeKind = "cis-rule"          // CIS v1.2.0 rule id in Security Hub, e.g. 1.4
	CodeGenerator   CodeKind = "generator"         // ASFF GeneratorId of a non-control finding
	CodeFindingType CodeKind = "finding-type"      // GuardDuty finding type
	CodeConfigRule  CodeKind = "config-rule"       // AWS Config rule name
	CodeHealthType  CodeKind = "health-event-type" // AWS Health event type code
	CodeAlarm       CodeKind = "alarm"             // CloudWatch alarm name
	CodeAPICall     CodeKind = "api-call"          // CloudTrail event name
)

// Code is the identifier that says what kind of problem this is.
type Code struct {
	Kind  CodeKind `json:"kind"`
	Value string   `json:"value"`
}

// Resource is one affected resource.
type Resource struct {
	Type string `json:"type"`           // as the source names it, e.g. "Instance", "AWS::S3::Bucket"
	ID   string `json:"id"`             // id or ARN, verbatim (trimmed of spaces)
	Name string `json:"name,omitempty"` // a friendly name, e.g. the Name tag
}

// Change is a state transition.
type Change struct {
	From   string `json:"from,omitempty"`
	To     string `json:"to"`
	Reason string `json:"reason,omitempty"` // free text from the event
	At     string `json:"at,omitempty"`     // as given by the source
}

// Detail is a further fact. Key is a message key (see messages.go) so that
// renderers can label it in any language; Value is from the event.
type Detail struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Facts is what one event (or one finding of a Security Hub event) says,
// normalised across sources. Every value is copied from the event.
type Facts struct {
	Kind       event.Kind `json:"kind"`
	Source     string     `json:"source"`
	DetailType string     `json:"detail_type"`
	EventID    string     `json:"event_id,omitempty"`
	// Title is the source's own title, "" when it has none.
	Title string `json:"title,omitempty"`
	// Description is the source's own free text (untrusted).
	Description string   `json:"description,omitempty"`
	Severity    Severity `json:"severity"`
	// SeverityGiven is the severity or state exactly as the source gave it,
	// e.g. "8" for GuardDuty, "MEDIUM" for ASFF, "ALARM" for CloudWatch.
	SeverityGiven string     `json:"severity_given,omitempty"`
	Account       string     `json:"account,omitempty"`
	Region        string     `json:"region,omitempty"`
	Time          time.Time  `json:"time,omitzero"`
	FindingID     string     `json:"finding_id,omitempty"`
	Code          Code       `json:"code,omitzero"`
	Resources     []Resource `json:"resources,omitempty"`
	Change        *Change    `json:"change,omitempty"`
	// Count is how many times the activity was seen (GuardDuty), 0 if unknown.
	Count     int      `json:"count,omitempty"`
	FirstSeen string   `json:"first_seen,omitempty"`
	LastSeen  string   `json:"last_seen,omitempty"`
	Details   []Detail `json:"details,omitempty"`
	// Links are URLs carried in the event itself.
	Links []Link `json:"links,omitempty"`

	// vars fill the placeholders of catalog prose ({instance}, {key}, ...).
	vars map[string]string
	// the typed views the facts came from, for the engines in this package
	sh     *event.Finding
	gd     *event.GuardDutyFinding
	alarm  *event.AlarmStateChange
	health *event.HealthEvent
	aa     *event.AccessAnalyzerFinding
	ct     *event.CloudTrailCall
	cfg    *event.ConfigComplianceChange
}

// KeyIDs returns the identifiers an explanation of these facts must show
// verbatim: the finding id, the code, the account and every resource id.
func (f *Facts) KeyIDs() []string {
	var ids []string
	add := func(s string) {
		if s != "" {
			ids = append(ids, s)
		}
	}
	add(f.FindingID)
	add(f.Code.Value)
	add(f.Account)
	for _, r := range f.Resources {
		add(r.ID)
	}
	return ids
}

// Extract returns the facts of ev: one Facts per finding for a Security
// Hub event, one Facts otherwise. It fails only when the detail of a known
// source does not have the documented shape; an unknown source gets
// generic facts from the envelope.
func Extract(ev *event.Event) ([]Facts, error) {
	base := Facts{
		Kind: ev.Kind(), Source: ev.Source, DetailType: ev.DetailType, EventID: ev.ID,
		Account: ev.Account, Region: ev.Region, Time: ev.Time,
	}
	switch base.Kind {
	case event.KindSecurityHub:
		d, err := ev.SecurityHub()
		if err != nil {
			return nil, err
		}
		if len(d.Findings) == 0 {
			return nil, fmt.Errorf("explain: %q: detail.findings is empty", ev.DetailType)
		}
		out := make([]Facts, len(d.Findings))
		for i := range d.Findings {
			out[i] = securityHubFacts(base, d, &d.Findings[i])
		}
		return out, nil
	case event.KindGuardDuty:
		d, err := ev.GuardDuty()
		if err != nil {
			return nil, err
		}
		return []Facts{guardDutyFacts(base, d)}, nil
	case event.KindConfig:
		d, err := ev.Config()
		if err != nil {
			return nil, err
		}
		return []Facts{configFacts(base, d)}, nil
	case event.KindAlarm:
		d, err := ev.Alarm()
		if err != nil {
			return nil, err
		}
		return []Facts{alarmFacts(base, ev, d)}, nil
	case event.KindHealth:
		d, err := ev.Health()
		if err != nil {
			return nil, err
		}
		return []Facts{healthFacts(base, ev, d)}, nil
	case event.KindAccessAnalyzer:
		d, err := ev.AccessAnalyzer()
		if err != nil {
			return nil, err
		}
		return []Facts{accessAnalyzerFacts(base, ev, d)}, nil
	case event.KindCloudTrail:
		d, err := ev.CloudTrail()
		if err != nil {
			return nil, err
		}
		return []Facts{cloudTrailFacts(base, ev, d)}, nil
	case event.KindInstanceState:
		d, err := ev.InstanceState()
		if err != nil {
			return nil, err
		}
		return []Facts{instanceStateFacts(base, ev, d)}, nil
	}
	f := base
	for _, r := range ev.Resources {
		f.Resources = append(f.Resources, Resource{ID: strings.TrimSpace(r)})
	}
	return []Facts{f}, nil
}

func (f *Facts) detail(key, value string) {
	if value = strings.TrimSpace(value); value != "" {
		f.Details = append(f.Details, Detail{Key: key, Value: value})
	}
}

func (f *Facts) setVar(k, v string) {
	if v = strings.TrimSpace(v); v == "" {
		return
	}
	if f.vars == nil {
		f.vars = make(map[string]string, 8)
	}
	f.vars[k] = v
}

func (f *Facts) addResource(typ, id, name string) {
	id = strings.TrimSpace(id)
	if id == "" {
		return
	}
	for _, r := range f.Resources {
		if r.ID == id {
			return
		}
	}
	f.Resources = append(f.Resources, Resource{Type: typ, ID: id, Name: name})
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

func normaliseLabel(s string) Severity {
	switch Severity(strings.ToUpper(strings.TrimSpace(s))) {
	case SevCritical:
		return SevCritical
	case SevHigh:
		return SevHigh
	case SevMedium:
		return SevMedium
	case SevLow:
		return SevLow
	case SevInformational:
		return SevInformational
	}
	return SevNone
}

func securityHubFacts(f Facts, d *event.SecurityHubDetail, sh *event.Finding) Facts {
	f.sh = sh
	f.Title = sh.Title
	f.Description = sh.Description
	f.Severity = normaliseLabel(sh.Severity.Label)
	f.SeverityGiven = firstNonEmpty(sh.Severity.Original, sh.Severity.Label)
	f.Account = firstNonEmpty(sh.AwsAccountID, f.Account)
	f.Region = firstNonEmpty(sh.Region, f.Region)
	f.FindingID = sh.ID
	switch {
	case sh.ControlID() != "":
		f.Code = Code{CodeControl, sh.ControlID()}
	case sh.RuleID() != "":
		f.Code = Code{CodeCISRule, sh.RuleID()}
	case sh.GeneratorID != "":
		f.Code = Code{CodeGenerator, sh.GeneratorID}
	}
	for _, r := range sh.Resources {
		f.addResource(r.Type, r.ID, "")
	}
	f.FirstSeen, f.LastSeen = sh.FirstObservedAt, sh.LastObservedAt
	f.detail("product", firstNonEmpty(sh.ProductName, sh.ProductFields["aws/securityhub/ProductName"].String()))
	f.detail("standard", sh.StandardsArn())
	status := sh.Compliance.Status
	for _, r := range sh.Compliance.StatusReasons {
		status += " (" + r.ReasonCode + ")"
	}
	f.detail("compliance", status)
	f.detail("workflow", firstNonEmpty(sh.Workflow.Status, sh.WorkflowState))
	f.detail("record_state", sh.RecordState)
	rules := sh.RelatedConfigRules()
	f.detail("config_rule", strings.Join(rules, ", "))
	f.detail("custom_action", d.ActionName)
	if u := firstNonEmpty(sh.Remediation.Recommendation.URL, sh.ProductFields["RecommendationUrl"].String()); u != "" {
		f.Links = append(f.Links, Link{Title: "recommendation", URL: u, Source: FromEvent})
	}
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	if len(f.Resources) > 0 {
		f.setVar("resource", f.Resources[0].ID)
	}
	if len(rules) > 0 {
		f.setVar("rule", rules[0])
	}
	return f
}

// guardDutySeverity maps GuardDuty's number to a level, per the GuardDuty
// documentation: 1.0-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical.
func guardDutySeverity(s float64) Severity {
	switch {
	case s >= 9:
		return SevCritical
	case s >= 7:
		return SevHigh
	case s >= 4:
		return SevMedium
	case s > 0:
		return SevLow
	}
	return SevNone
}

func remoteSummary(r *event.RemoteIPDetails) (ip, where, org string) {
	if r == nil {
		return "", "", ""
	}
	var loc []string
	for _, s := range []string{r.City.CityName, r.Country.CountryName} {
		if s != "" {
			loc = append(loc, s)
		}
	}
	org = firstNonEmpty(r.Organization.Org, r.Organization.Isp, r.Organization.AsnOrg)
	if asn := r.Organization.Asn.String(); asn != "" {
		if org != "" {
			org = "AS" + asn + " " + org
		} else {
			org = "AS" + asn
		}
	}
	return r.IPAddressV4, strings.Join(loc, ", "), org
}

func port(p event.PortDetails) string {
	if p.Port == 0 {
		return ""
	}
	s := strconv.Itoa(p.Port)
	if p.PortName != "" && p.PortName != "Unknown" {
		s += " (" + p.PortName + ")"
	}
	return s
}

func guardDutyFacts(f Facts, gd *event.GuardDutyFinding) Facts {
	f.gd = gd
	f.Title = gd.Title
	f.Description = gd.Description
	f.Severity = guardDutySeverity(gd.Severity)
	f.SeverityGiven = strconv.FormatFloat(gd.Severity, 'f', -1, 64)
	f.Account = firstNonEmpty(gd.AccountID, f.Account)
	f.Region = firstNonEmpty(gd.Region, f.Region)
	f.FindingID = gd.ID
	f.Code = Code{CodeFindingType, gd.Type}
	f.Count = gd.Service.Count
	f.FirstSeen, f.LastSeen = gd.Service.EventFirstSeen, gd.Service.EventLastSeen
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)

	res := gd.Resource
	if in := res.InstanceDetails; in != nil && in.InstanceID != "" {
		name := ""
		for _, t := range in.Tags {
			if t.Key == "Name" {
				name = t.Value
			}
		}
		f.addResource("Instance", in.InstanceID, name)
		f.setVar("instance", in.InstanceID)
		var sgs, nets []string
		for _, ni := range in.NetworkInterfaces {
			for _, sg := range ni.SecurityGroups {
				s := sg.GroupID
				if sg.GroupName != "" {
					s += " (" + sg.GroupName + ")"
				}
				sgs = append(sgs, s)
			}
			nets = append(nets, strings.Join(nonEmpty(ni.NetworkInterfaceID, ni.SubnetID, ni.VpcID), ", "))
			f.detail("public_ip", ni.PublicIP)
			f.detail("private_ip", ni.PrivateIPAddress)
		}
		f.detail("security_groups", strings.Join(sgs, ", "))
		f.detail("network", strings.Join(nets, "; "))
		f.setVar("sg", strings.Join(sgIDs(in), ", "))
		if p := in.IamInstanceProfile; p != nil {
			f.detail("instance_profile", p.Arn)
			f.setVar("profile", p.Arn)
		}
		f.detail("instance_type", in.InstanceType)
		f.detail("instance_state", in.InstanceState)
	}
	if k := res.AccessKeyDetails; k != nil {
		f.addResource("AccessKey", k.AccessKeyID, k.UserName)
		f.setVar("key", k.AccessKeyID)
		f.setVar("user", k.UserName)
		f.detail("principal", strings.Join(nonEmpty(k.UserType, k.UserName, k.PrincipalID), " "))
	}
	for _, b := range res.S3BucketDetails {
		f.addResource("S3Bucket", b.Name, "")
		f.setVar("bucket", b.Name)
	}

	svc := gd.Service
	f.detail("resource_role", svc.ResourceRole)
	f.detail("action_type", svc.Action.ActionType)
	a := svc.Action
	var remote *event.RemoteIPDetails
	if nc := a.NetworkConnectionAction; nc != nil {
		remote = &nc.RemoteIPDetails
		f.detail("direction", nc.ConnectionDirection)
		f.detail("protocol", nc.Protocol)
		f.detail("local_port", port(nc.LocalPortDetails))
		f.detail("remote_port", port(nc.RemotePortDetails))
		f.detail("blocked", strconv.FormatBool(nc.Blocked))
	}
	if api := a.AwsAPICallAction; api != nil {
		remote = api.RemoteIPDetails
		f.detail("api", api.API)
		f.detail("service", api.ServiceName)
		f.detail("caller_type", api.CallerType)
		f.detail("error_code", api.ErrorCode)
		f.detail("user_agent", api.UserAgent)
		f.setVar("api", api.API)
		keys := make([]string, 0, len(api.AffectedResources))
		for k := range api.AffectedResources {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f.addResource(k, api.AffectedResources[k].String(), "")
		}
	}
	if dns := a.DNSRequestAction; dns != nil {
		f.detail("domain", dns.Domain)
		f.detail("protocol", dns.Protocol)
		f.detail("blocked", strconv.FormatBool(dns.Blocked))
		f.setVar("domain", dns.Domain)
	}
	if pp := a.PortProbeAction; pp != nil {
		var ports, ips []string
		for _, d := range pp.PortProbeDetails {
			ports = appendUnique(ports, strconv.Itoa(d.LocalPortDetails.Port))
			ips = appendUnique(ips, d.RemoteIPDetails.IPAddressV4)
		}
		f.detail("probed_ports", strings.Join(ports, ", "))
		f.detail("remote_ip", strings.Join(ips, ", "))
		f.detail("blocked", strconv.FormatBool(pp.Blocked))
		f.setVar("ports", strings.Join(ports, ", "))
		f.setVar("remote_ip", strings.Join(ips, ", "))
	}
	if ip, where, org := remoteSummary(remote); ip != "" {
		f.detail("remote_ip", ip)
		f.detail("remote_location", where)
		f.detail("remote_org", org)
		f.setVar("remote_ip", ip)
	}
	if ev := svc.Evidence; ev != nil {
		var lists []string
		for _, t := range ev.ThreatIntelligenceDetails {
			s := t.ThreatListName
			if len(t.ThreatNames) > 0 {
				s += " (" + strings.Join(t.ThreatNames, ", ") + ")"
			}
			lists = appendUnique(lists, s)
		}
		f.detail("threat_list", strings.Join(lists, ", "))
	}
	f.detail("finding_arn", gd.Arn)
	return f
}

func sgIDs(in *event.InstanceDetails) []string {
	var out []string
	for _, ni := range in.NetworkInterfaces {
		for _, sg := range ni.SecurityGroups {
			out = appendUnique(out, sg.GroupID)
		}
	}
	return out
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func appendUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func configFacts(f Facts, c *event.ConfigComplianceChange) Facts {
	f.cfg = c
	f.Account = firstNonEmpty(c.AwsAccountID, f.Account)
	f.Region = firstNonEmpty(c.AwsRegion, f.Region)
	f.Code = Code{CodeConfigRule, c.ConfigRuleName}
	f.addResource(c.ResourceType, c.ResourceID, "")
	ch := &Change{}
	if c.OldEvaluationResult != nil {
		ch.From = c.OldEvaluationResult.ComplianceType
	}
	if c.NewEvaluationResult != nil {
		ch.To = c.NewEvaluationResult.ComplianceType
		ch.Reason = c.NewEvaluationResult.Annotation
		ch.At = c.NewEvaluationResult.ResultRecordedTime
	}
	if ch.To != "" {
		f.Change = ch
		f.SeverityGiven = ch.To
		if ch.To == "COMPLIANT" || ch.To == "NOT_APPLICABLE" {
			f.Severity = SevInformational
		}
	}
	f.detail("config_rule_arn", c.ConfigRuleARN)
	f.detail("resource_type", c.ResourceType)
	f.setVar("rule", c.ConfigRuleName)
	f.setVar("resource", c.ResourceID)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	return f
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
				f.addResource(k, v, "")
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

func healthFacts(f Facts, ev *event.Event, h *event.HealthEvent) Facts {
	f.health = h
	f.Code = Code{CodeHealthType, h.EventTypeCode}
	f.FindingID = h.EventArn
	f.Region = firstNonEmpty(h.EventRegion, f.Region)
	f.Account = firstNonEmpty(h.AffectedAccount, f.Account)
	f.Description = h.Description("en_US")
	for _, e := range h.AffectedEntities {
		f.addResource("entity", e.EntityValue, "")
	}
	for _, r := range ev.Resources {
		f.addResource("", r, "")
	}
	f.detail("health_service", h.Service)
	f.detail("health_category", h.EventTypeCategory)
	f.detail("health_scope", h.EventScopeCode)
	f.detail("status", h.StatusCode)
	f.detail("start_time", h.StartTime)
	f.detail("end_time", h.EndTime)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	return f
}

func accessAnalyzerFacts(f Facts, ev *event.Event, a *event.AccessAnalyzerFinding) Facts {
	f.aa = a
	f.FindingID = a.ID
	f.Account = firstNonEmpty(a.AccountID, f.Account)
	f.Region = firstNonEmpty(a.Region, f.Region)
	f.addResource(a.ResourceType, a.Resource, "")
	f.SeverityGiven = a.Status
	if a.Status == "ARCHIVED" || a.Status == "RESOLVED" {
		f.Severity = SevInformational
	}
	keys := make([]string, 0, len(a.Principal))
	for k := range a.Principal {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ps []string
	for _, k := range keys {
		ps = append(ps, k+": "+a.Principal[k].String())
	}
	f.detail("principal", strings.Join(ps, ", "))
	f.detail("actions", strings.Join(a.Action, ", "))
	ck := make([]string, 0, len(a.Condition))
	for k := range a.Condition {
		ck = append(ck, k+"="+a.Condition[k].String())
	}
	sort.Strings(ck)
	f.detail("conditions", strings.Join(ck, ", "))
	if a.Error == "" {
		f.detail("public", strconv.FormatBool(a.IsPublic))
	}
	f.detail("status", a.Status)
	f.detail("error", a.Error)
	if len(ev.Resources) > 0 {
		f.detail("analyzer", ev.Resources[0])
	}
	f.setVar("resource", a.Resource)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	return f
}

// cloudTrailParams are request parameters that name a resource.
var cloudTrailParams = []struct{ key, typ string }{
	{"bucketName", "S3 bucket"},
	{"instanceId", "EC2 instance"},
	{"groupId", "security group"},
	{"userName", "IAM user"},
	{"roleName", "IAM role"},
	{"accessKeyId", "access key"},
	{"functionName", "Lambda function"},
	{"name", "name"},
}

func cloudTrailFacts(f Facts, ev *event.Event, c *event.CloudTrailCall) Facts {
	f.ct = c
	f.FindingID = c.EventID
	f.Code = Code{CodeAPICall, c.EventName}
	f.Region = firstNonEmpty(c.AwsRegion, f.Region)
	f.Account = firstNonEmpty(c.RecipientAccountID, f.Account)
	var params map[string]json.RawMessage
	if json.Unmarshal(c.RequestParameters, &params) == nil {
		for _, p := range cloudTrailParams {
			var s string
			if v, ok := params[p.key]; ok && json.Unmarshal(v, &s) == nil {
				f.addResource(p.typ, s, "")
				if p.key == "bucketName" {
					f.setVar("bucket", s)
				}
			}
		}
	}
	for _, r := range ev.Resources {
		f.addResource("", r, "")
	}
	u := c.UserIdentity
	f.detail("event_source", c.EventSource)
	f.detail("identity", strings.Join(nonEmpty(u.Type, u.Arn), " "))
	f.detail("access_key", u.AccessKeyID)
	if sc := u.SessionContext; sc != nil {
		f.detail("mfa", sc.Attributes.MfaAuthenticated.String())
		if si := sc.SessionIssuer; si != nil {
			f.detail("session_issuer", si.Arn)
		}
	}
	f.detail("source_ip", c.SourceIPAddress)
	f.detail("user_agent", c.UserAgent)
	f.detail("error_code", c.ErrorCode)
	f.detail("error_message", c.ErrorMessage)
	f.setVar("api", c.EventName)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	return f
}

func instanceStateFacts(f Facts, ev *event.Event, s *event.InstanceStateChange) Facts {
	id := strings.TrimSpace(s.InstanceID)
	f.addResource("Instance", id, "")
	for _, r := range ev.Resources {
		f.addResource("", r, "")
	}
	f.Change = &Change{To: s.State}
	f.SeverityGiven = s.State
	f.Severity = SevInformational
	f.setVar("instance", id)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	return f
}
