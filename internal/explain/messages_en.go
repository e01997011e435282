package explain

import (
	"fmt"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
)

// en is the English message catalog.
type en struct{}

var enLabels = map[string]string{
	"title": "Title", "severity": "Severity", "account": "Account", "region": "Region", "time": "Time",
	"finding_id": "Finding ID", "event_arn": "Event ARN", "event_id": "Event ID", "resource": "Resource", "change": "Change", "count": "Times seen",
	"first_seen": "First seen", "last_seen": "Last seen",
	"description": "Description (from the event)", "annotation": "Annotation (from the event)",
	"alarm_description": "Alarm description (from the event)", "reason": "State reason (from the event)",
	"health_description": "Event description (from AWS Health)", "status_reason": "Status reason",
	"code.control": "Control", "code.cis-rule": "CIS rule", "code.generator": "Generator",
	"code.finding-type": "Finding type", "code.config-rule": "Config rule", "code.health-event-type": "Event type code",
	"code.alarm": "Alarm", "code.api-call": "API call",
	"product": "Product", "standard": "Standard", "compliance": "Compliance", "workflow": "Workflow status",
	"record_state": "Record state", "config_rule": "Related Config rule", "custom_action": "Custom action",
	"public_ip": "Public IP", "private_ip": "Private IP", "security_groups": "Security groups", "network": "Network",
	"instance_profile": "Instance profile", "instance_type": "Instance type", "instance_state": "Instance state",
	"principal": "Principal", "resource_role": "Resource role", "action_type": "Action", "direction": "Direction",
	"protocol": "Protocol", "local_port": "Local port", "remote_port": "Remote port", "blocked": "Blocked",
	"api": "API", "service": "Service", "caller_type": "Caller type", "error_code": "Error code",
	"user_agent": "User agent", "domain": "Domain", "probed_ports": "Probed ports", "remote_ip": "Remote IP",
	"remote_location": "Remote location", "remote_org": "Remote network", "threat_list": "Threat list",
	"finding_arn": "Finding ARN", "config_rule_arn": "Config rule ARN", "resource_type": "Resource type",
	"alarm_type": "Alarm type", "metric": "Metric", "expression": "Expression", "threshold": "Threshold",
	"datapoints": "Recent datapoints", "lower_thresholds": "Lower band", "upper_thresholds": "Upper band",
	"triggering_alarms": "Triggering alarms", "alarm_rule": "Alarm rule", "actions_suppressor": "Actions suppressor",
	"actions_suppressed_by": "Actions suppressed by", "health_service": "Service", "health_category": "Category",
	"health_scope": "Scope", "status": "Status", "start_time": "Start time", "end_time": "End time",
	"actions": "Actions", "conditions": "Conditions", "public": "Public", "error": "Error", "analyzer": "Analyzer",
	"event_source": "Event source", "identity": "Identity", "access_key": "Access key", "mfa": "MFA used",
	"session_issuer": "Session issuer", "source_ip": "Source IP", "error_message": "Error message",
}

func (en) sectionTitle(k SectionKind) string {
	switch k {
	case SectionOverview:
		return "Overview"
	case SectionProblem:
		return "What the problem is and why it matters"
	case SectionResponse:
		return "Recommended response"
	case SectionSteps:
		return "Steps"
	case SectionDocs:
		return "Official documentation"
	}
	return string(k)
}

func (en) label(key string) string {
	if s, ok := enLabels[key]; ok {
		return s
	}
	return key
}

func (en) notGiven() string { return "(not in the event)" }

func (en) severityName(s Severity) string {
	switch s {
	case SevCritical:
		return "Critical"
	case SevHigh:
		return "High"
	case SevMedium:
		return "Medium"
	case SevLow:
		return "Low"
	case SevInformational:
		return "Informational"
	}
	return "Not rated"
}

func (m en) severityText(s Severity, given string) string {
	if given == "" || strings.EqualFold(given, string(s)) {
		return m.severityName(s)
	}
	return m.severityName(s) + " (as given: " + given + ")"
}

func (en) severityGivenOnly(given string) string {
	return "not rated by the source (state: " + given + ")"
}

func (en) timeText(t time.Time) string { return t.Format(time.RFC3339) }

func (en) findingN(i int) string { return fmt.Sprintf("Finding %d", i) }

func (en) notesTitle() string { return "Notes" }

func (en) sourceLabel(s LinkSource) string {
	switch s {
	case FromEvent:
		return "from the event"
	case FromSecurityHub:
		return "Security Hub control catalog"
	case FromGuardDuty:
		return "GuardDuty catalog"
	case FromConfig:
		return "AWS Config rule catalog"
	case FromBuiltin:
		return "built-in"
	case FromDocsSearch:
		return "AWS documentation search"
	}
	return string(s)
}

func (m en) sourceNote(s LinkSource) string { return " (" + m.sourceLabel(s) + ")" }

func (en) generalResponse(s Severity) string {
	switch s {
	case SevCritical, SevHigh:
		return "Handle this now: confirm whether the activity or configuration is expected, and if it is not, contain it before investigating further."
	case SevInformational:
		return "No action is needed unless this change was not expected."
	}
	return "Confirm whether the activity or configuration is expected; if it is not, fix it and find out how it happened."
}

func (en) generalSteps() []string {
	return []string{
		"Check the resources and values listed above against what your team expects.",
		"Find who or what made the change in AWS CloudTrail.",
		"Fix or contain what is not expected, and record the decision.",
	}
}

func (en) noKnowledge(kind CodeKind, code string) string {
	what := map[CodeKind]string{
		CodeControl: "control", CodeCISRule: "CIS rule", CodeGenerator: "finding generator", CodeFindingType: "finding type",
		CodeConfigRule: "AWS Config rule", CodeHealthType: "AWS Health event type", CodeAlarm: "alarm", CodeAPICall: "API call",
	}[kind]
	if what == "" {
		what = "item"
	}
	return fmt.Sprintf("vigil has no built-in guidance for %s %s: the facts above come from the event, and the response below is general guidance.", what, code)
}

func (en) noKnowledgeSource(source, detailType string) string {
	return fmt.Sprintf("vigil has no built-in knowledge of %q events from %s: the facts above come from the event envelope, and the response below is general guidance.", detailType, source)
}

func (en) resolvedResponse() string {
	return "This reports a resolved or passing state: no action is needed unless the change itself was unexpected."
}

func (en) titleGeneric(source, detailType string) string {
	return detailType + " (" + source + ")"
}

func (en) summaryGeneric(f *Facts) string {
	return fmt.Sprintf("An event %q from %s arrived for account %s in %s.", f.DetailType, f.Source, orDash(f.Account), orDash(f.Region))
}

func (m en) titleSecurityHub(f *Facts) string {
	if f.Title != "" {
		return f.Title
	}
	return m.titleGeneric(f.Source, f.DetailType)
}

func (en) summarySecurityHub(f *Facts) string {
	status := ""
	if f.sh != nil {
		status = f.sh.Compliance.Status
	}
	switch {
	case f.Code.Kind == CodeControl && status != "":
		return fmt.Sprintf("Security Hub reports control %s as %s for account %s in %s.", f.Code.Value, status, orDash(f.Account), orDash(f.Region))
	case f.Code.Kind == CodeCISRule && status != "":
		return fmt.Sprintf("Security Hub reports CIS rule %s as %s for account %s in %s.", f.Code.Value, status, orDash(f.Account), orDash(f.Region))
	}
	return fmt.Sprintf("Security Hub reported a finding for account %s in %s.", orDash(f.Account), orDash(f.Region))
}

func (en) summaryFindings(n int) string {
	return fmt.Sprintf("This Security Hub event carries %d findings.", n)
}

func (en) titleFindings(n int, first string) string {
	return fmt.Sprintf("%d Security Hub findings: %s, and %d more", n, first, n-1)
}

func (m en) controlIntro(id, title string, s Severity) string {
	return fmt.Sprintf("Security Hub control %s checks that: %s. Its severity in the control catalog is %s.", id, strings.TrimSuffix(title, "."), m.severityName(s))
}

func (en) cisIntro(rule, title string) string {
	return fmt.Sprintf("This is rule %s of the CIS AWS Foundations Benchmark as checked by Security Hub: %s.", rule, strings.TrimSuffix(strings.TrimPrefix(title, rule+" "), "."))
}

func (en) complianceStatus(status string) string {
	switch status {
	case "FAILED":
		return "The check failed for the resource listed above."
	case "PASSED":
		return "The check passed for the resource listed above."
	case "WARNING":
		return "Security Hub could not complete the check (WARNING): the result is unknown, not passed."
	case "NOT_AVAILABLE":
		return "Security Hub could not evaluate the check (NOT_AVAILABLE)."
	}
	return ""
}

func (en) complianceWarningResponse() string {
	return "Fix what stops Security Hub from evaluating the control first: most often AWS Config is not enabled or not recording in this account and Region, or Security Hub cannot read the Config rule."
}

func (en) checkConfigRecordingStep() string {
	return "Check that AWS Config is recording in this Region:"
}

func (en) followRemediationStep() string {
	return "Follow the remediation guide linked from the finding (see Official documentation)."
}

func (en) linkRecommendation(code string) string {
	if code == "" {
		return "Remediation guidance linked from the finding"
	}
	return "Remediation guidance for " + code + " (linked from the finding)"
}

func (en) linkControlRemediation(id string) string {
	return "Security Hub: remediation for control " + id
}

func (en) linkControlsReference() string { return "Security Hub controls reference" }

func (m en) titleGuardDuty(f *Facts) string {
	if f.Title != "" {
		return f.Title
	}
	return "GuardDuty: " + f.Code.Value
}

func (m en) summaryGuardDuty(f *Facts) string {
	s := fmt.Sprintf("GuardDuty detected %s in account %s, %s, with %s severity (%s).", f.Code.Value, orDash(f.Account), orDash(f.Region), strings.ToLower(m.severityName(f.Severity)), orDash(f.SeverityGiven))
	if f.Count > 0 {
		s += fmt.Sprintf(" The activity was seen %d times.", f.Count)
	}
	return s
}

func (en) reviewFindingStep() string { return "Review the full finding:" }

func (en) archivedNote() string { return "GuardDuty has archived this finding." }

func (en) linkFindingType(t string) string { return "GuardDuty finding type " + t }

func (en) linkFindingTypes() string { return "GuardDuty finding types" }

func (en) titleConfig(rule, to string) string {
	if to == "" {
		return "AWS Config rule " + rule + " changed compliance"
	}
	return "AWS Config rule " + rule + ": " + to
}

func (en) summaryConfig(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceText(f.Resources[0])
	}
	if f.Change != nil && f.Change.From != "" {
		return fmt.Sprintf("AWS Config evaluated %s against rule %s: the result changed from %s to %s (account %s, %s).", orDash(res), f.Code.Value, f.Change.From, f.Change.To, orDash(f.Account), orDash(f.Region))
	}
	to := ""
	if f.Change != nil {
		to = f.Change.To
	}
	return fmt.Sprintf("AWS Config evaluated %s against rule %s: the result is %s (account %s, %s).", orDash(res), f.Code.Value, orDash(to), orDash(f.Account), orDash(f.Region))
}

func (en) configRuleMatch(name, identifier string) string {
	if name == identifier {
		return fmt.Sprintf("The rule name matches the AWS Config managed rule %s.", identifier)
	}
	return fmt.Sprintf("The rule %s was created by Security Hub from the AWS Config managed rule %s.", name, identifier)
}

func (en) configRuleControl(id, title string) string {
	return fmt.Sprintf("Security Hub control %s uses this rule to check that: %s.", id, strings.TrimSuffix(title, "."))
}

func (en) configResolved(to string) string {
	if to == "NOT_APPLICABLE" {
		return "The rule no longer applies to this resource: no action is needed."
	}
	return "The resource is compliant now: no action is needed unless the earlier non-compliance needs a review of how it happened."
}

func (en) configHistoryStep() string { return "See the current evaluation results of the rule:" }

func (en) linkConfigRule(identifier string) string { return "AWS Config managed rule " + identifier }

func (en) linkConfigRules() string { return "List of AWS Config managed rules" }

func (en) titleAlarm(name, state string) string {
	return "CloudWatch alarm " + name + " is " + state
}

func (en) summaryAlarm(f *Facts, t event.AlarmType) string {
	from, to := "", ""
	if f.Change != nil {
		from, to = f.Change.From, f.Change.To
	}
	kind := map[event.AlarmType]string{
		event.AlarmSingleMetric: "metric alarm", event.AlarmMetricMath: "metric math alarm",
		event.AlarmAnomalyDetection: "anomaly detection alarm", event.AlarmComposite: "composite alarm",
	}[t]
	return fmt.Sprintf("The %s %s went from %s to %s in account %s, %s.", kind, f.Code.Value, orDash(from), orDash(to), orDash(f.Account), orDash(f.Region))
}

func (en) alarmType(t event.AlarmType) string {
	switch t {
	case event.AlarmMetricMath:
		return "The alarm watches an expression computed from several metrics (metric math) and changes state when the expression crosses its threshold."
	case event.AlarmAnomalyDetection:
		return "The alarm compares a metric with a band of expected values that CloudWatch anomaly detection learned from its history, and goes into ALARM when the metric leaves the band."
	case event.AlarmComposite:
		return "This composite alarm combines the states of other alarms with its alarm rule; it changes state when the rule's result changes."
	}
	return "The alarm watches one metric and changes state when the metric crosses its threshold for the configured number of datapoints."
}

func (en) alarmOwnRunbook() string {
	return "Your organisation defined this alarm: what it means and how to respond belong in your own runbook, so vigil summarises the facts only."
}

func (en) alarmSuppressed(by, suppressor string) string {
	if suppressor == "" {
		return "CloudWatch suppressed this alarm's actions (" + by + "): its notifications and automatic actions did not run."
	}
	return "CloudWatch suppressed this alarm's actions (" + by + ") because of the actions suppressor alarm " + suppressor + ": its notifications and automatic actions did not run."
}

func (en) alarmResponse(state, name string) string {
	switch state {
	case "ALARM":
		return "Follow the runbook for alarm " + name + ", starting with the values and resources above."
	case "OK":
		return "The alarm is back to OK: no action is needed unless you are still tracking an earlier ALARM."
	case "INSUFFICIENT_DATA":
		return "The alarm has too little data to decide: check that the resource still exists and still sends the metric."
	}
	return "Follow the runbook for alarm " + name + "."
}

func (en) checkInstanceStep(id string) string {
	return "Check the state and status checks of instance " + id + ":"
}

func (en) alarmHistoryStep() string { return "See the alarm's recent history:" }

func (en) compositeChildrenStep() string {
	return "Open the triggering alarms listed above; the cause is in them, not in the composite alarm."
}

func (en) linkAlarms() string { return "Using Amazon CloudWatch alarms" }

func (en) linkAnomaly() string { return "Using CloudWatch anomaly detection" }

func (en) linkMetricMath() string { return "Using metric math" }

func (en) linkComposite() string { return "Create a composite alarm" }

func (en) titleHealth(code string) string { return "AWS Health: " + code }

func (en) summaryHealth(f *Facts) string {
	svc, cat := "", ""
	if f.health != nil {
		svc, cat = f.health.Service, f.health.EventTypeCategory
	}
	return fmt.Sprintf("AWS Health sent %s (service %s, category %s) for account %s in %s.", f.Code.Value, orDash(svc), orDash(cat), orDash(f.Account), orDash(f.Region))
}

func (en) healthDetailsStep() string {
	return "Read the latest description of the event (the AWS Health API requires a Business, Enterprise On-Ramp or Enterprise Support plan):"
}

func (en) linkAccessKeys() string { return "Managing access keys for IAM users" }

func (en) linkHealth() string { return "AWS Health User Guide" }

func (en) titleAccessAnalyzer(resource string, failed bool) string {
	if failed {
		return "IAM Access Analyzer could not analyse " + resource
	}
	return "IAM Access Analyzer: access to " + resource + " from outside the zone of trust"
}

func (en) summaryAccessAnalyzer(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceText(f.Resources[0])
	}
	return fmt.Sprintf("IAM Access Analyzer reported a finding on %s in account %s, %s.", orDash(res), orDash(f.Account), orDash(f.Region))
}

func (en) accessAnalyzerError(resource, code string) string {
	return fmt.Sprintf("The analyzer could not analyse %s (%s), so any access it grants is unknown, not absent.", resource, code)
}

func (en) accessAnalyzerErrorResponse() string {
	return "Give IAM Access Analyzer the access it needs to read the resource policy (for example, check the bucket policy or SCPs that deny it), then let it analyse the resource again."
}

func (en) accessAnalyzerActive(resource, principal, actions string, public bool) string {
	if public {
		return fmt.Sprintf("The resource policy of %s grants access to anyone (public access): anyone on the internet may be able to perform %s.", resource, orDash(actions))
	}
	return fmt.Sprintf("The resource policy of %s allows %s, which is outside your zone of trust, to perform %s. That is fine for an intended share, and a leak otherwise.", resource, orDash(principal), orDash(actions))
}

func (en) accessAnalyzerResponse() string {
	return "Decide whether this access is intended: archive the finding if it is, remove the access if it is not."
}

func (en) accessAnalyzerReviewStep() string {
	return "Review the resource policy and check with the resource owner that the principal and actions above are intended."
}

func (en) accessAnalyzerArchiveStep() string {
	return "If the access is intended, archive the finding (or add an archive rule); if not, remove the statement that grants it and the finding will be resolved."
}

func (en) accessAnalyzerGetStep() string { return "Show the finding:" }

func (en) linkAccessAnalyzer() string { return "Using AWS IAM Access Analyzer" }

func (en) titleCloudTrail(identityType, eventName, eventSource string) string {
	if identityType == "" {
		return eventName + " called (" + eventSource + ")"
	}
	return eventName + " called by " + identityType + " (" + eventSource + ")"
}

func (en) summaryCloudTrail(f *Facts) string {
	c := f.ct
	return fmt.Sprintf("CloudTrail recorded a call to %s on %s by an identity of type %s from %s in account %s, %s.", c.EventName, orDash(c.EventSource), orDash(c.UserIdentity.Type), orDash(c.SourceIPAddress), orDash(f.Account), orDash(f.Region))
}

func (en) cloudTrailRoot(eventName string) string {
	return "The call " + eventName + " was made with the root user. The root user has unrestricted access to the account, and AWS recommends using it only for the few tasks that require it."
}

func (en) cloudTrailNoMFA() string { return "The session was not authenticated with MFA." }

func (en) cloudTrailGeneric() string {
	return "A rule matched this API call. vigil cannot tell from the call alone whether it was legitimate: that depends on who made it and why."
}

func (en) cloudTrailFailed(code string) string {
	return "The call failed with error " + code + ": it was attempted but not performed."
}

func (en) cloudTrailResponse(root bool) string {
	if root {
		return "Confirm with the account owner that the root user was used on purpose; if not, treat the root credentials as compromised."
	}
	return "Confirm that the caller was expected to make this call."
}

func (en) cloudTrailConfirmStep() string {
	return "Confirm who made the call, from the identity and source IP above, and why."
}

func (en) cloudTrailLookupStep() string { return "Show the full CloudTrail record:" }

func (en) rootMFAStep() string {
	return "Make sure the root user has MFA enabled and no access keys."
}

func (en) linkRootUser() string { return "Root user best practices for your AWS account" }

func (en) linkUserIdentity() string { return "CloudTrail userIdentity element" }

func (en) titleInstanceState(id, state string) string {
	return "EC2 instance " + id + " is " + state
}

func (en) summaryInstanceState(f *Facts, id, state string) string {
	return fmt.Sprintf("EC2 instance %s changed state to %s in account %s, %s.", orDash(id), orDash(state), orDash(f.Account), orDash(f.Region))
}

func (en) instanceStateMeaning(state string) string {
	switch state {
	case "terminated":
		return "A terminated instance cannot be started again. Its instance store data is lost, and EBS volumes marked delete-on-termination (the root volume by default) are deleted."
	case "stopped", "stopping":
		return "A stopped instance keeps its EBS volumes but loses instance store data, and it is not serving anything until it is started."
	case "running", "pending":
		return "The instance is starting or running."
	case "shutting-down":
		return "The instance is shutting down before it is terminated."
	}
	return "The instance changed state."
}

func (en) instanceStateResponse(state string) string {
	if state == "terminated" || state == "stopped" || state == "stopping" || state == "shutting-down" {
		return "Confirm that the change was planned (a deployment, Auto Scaling or a person); if it was not, find who made it."
	}
	return "No action is needed unless the change was not expected."
}

func (en) whoChangedInstanceStep() string { return "Find the API calls that touched the instance:" }

func (en) linkInstanceLifecycle() string { return "Amazon EC2 instance state changes" }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ---- LLM engines ----

func (en) markIdentifier() string { return "[unverified ID removed]" }

func (en) markURL() string { return "[unverified link removed]" }

func (en) docsUnavailable(url string, rateLimited bool) string {
	if rateLimited {
		return "The AWS documentation lookup (" + url + ") was rate limited, so this explanation uses vigil's built-in knowledge instead of current AWS documentation."
	}
	return "The AWS documentation lookup (" + url + ") was unavailable, so this explanation uses vigil's built-in knowledge instead of current AWS documentation."
}

func (en) groundingRemoved(ids, urls, commands int) string {
	var parts []string
	if ids > 0 {
		parts = append(parts, plural(ids, "identifier that is not in the event", "identifiers that are not in the event"))
	}
	if urls > 0 {
		parts = append(parts, plural(urls, "link that came from neither AWS documentation results nor vigil's catalogs", "links that came from neither AWS documentation results nor vigil's catalogs"))
	}
	if commands > 0 {
		parts = append(parts, plural(commands, "command that was not a plain AWS CLI call built from the event", "commands that were not plain AWS CLI calls built from the event"))
	}
	return "The grounding check removed from the model's answer " + strings.Join(parts, "; ") + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return itoa(n) + " " + many
}

func (en) refusedTools(names string) string {
	return "The model asked for tools it was not offered (" + names + "). They were not run: the model only has read-only documentation tools."
}

func (en) modelFallback(model, reason string) string {
	return "This is vigil's built-in explanation: the answer of " + model + " could not be used (" + reason + ")."
}

func (en) reasonMalformed() string { return "it was not in the required format" }

func (en) reasonNoAnswer() string { return "it gave no final answer within the turn limit" }

func (en) reasonError() string { return "the model could not be reached" }

func (en) writtenBy(model string, docs bool) string {
	if docs {
		return "Written by " + model + " from the event, vigil's catalogs and AWS documentation search results; every identifier and link was checked against them."
	}
	return "Written by " + model + " from the event and vigil's catalogs; every identifier and link was checked against them."
}
