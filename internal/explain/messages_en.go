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
	"event_source": "Event source", "identity": "Identity", "access_key": "Access key", "mfa": "MFA-authenticated session",
	"session_issuer": "Session issuer", "source_ip": "Source IP", "error_message": "Error message",
	"identity_type": "Identity type", "invoked_by": "Invoked by (AWS service)", "service_event_details": "Service event details (from the event)", "target_user": "Target IAM user", "target_role": "Target IAM role", "target_group": "Target IAM group", "group": "IAM group", "policy_arn": "Policy ARN", "created_key": "Access key created", "rule_ids": "Security group rule IDs", "cidrs": "Source CIDR ranges", "ports": "Ports", "accounts": "Other AWS accounts", "version": "Policy version", "mfa_device": "MFA device", "min_password_length": "Minimum password length", "role": "Role", "flow_logs": "Flow log IDs", "disabled": "Settings turned off", "grantees": "Grantees", "pending_days": "Waiting period (days)", "grantee": "Grantee principal", "changed": "Changed settings", "standards": "Standards", "target": "Target", "layers": "Layers", "parameters": "Parameters", "secrets": "Secrets", "targets": "Targets", "disabled_reason": "Reason given (from the event)", "result": "Result", "mfa_used": "MFA used", "mfa_type": "MFA type", "login_to": "Signed in to", "insight_state": "Insight state", "insight_type": "Insight type", "baseline": "Baseline (average per minute)", "insight_average": "During the insight (average per minute)", "insight_duration": "Duration (minutes)", "top_identities": "Top identities", "top_user_agents": "Top user agents", "top_errors": "Top errors", "os_user": "OS user", "query_log_config": "Query logging configuration", "log_destination": "Log destination", "log_group": "Log group", "trust_anchor": "Trust anchor", "shared_event_id": "Shared event ID",
	"code.vulnerability": "Vulnerability", "finding_type": "Finding type", "finding_status": "Finding status", "cvss": "CVSS", "vendor_severity": "Vendor severity", "package": "Package", "installed_version": "Installed version", "fixed_version": "Fixed in version", "file_path": "File path", "advisory": "Advisory (from the event)", "inspector_score": "Inspector score", "epss": "EPSS score", "exploit_available": "Exploit available", "last_exploit": "Last known exploit", "fix_available": "Fix available", "open_ports": "Reachable ports", "detector": "Detector", "cwes": "CWE", "remediation_text": "Recommended remediation (from the event)", "event_link": "Link in the event (not AWS documentation)", "created_at": "Created", "updated_at": "Updated",
	"command_line": "Command line (from the event)", "kubernetes_user": "Kubernetes user", "kubernetes_workload": "Kubernetes workload", "service_account": "Service account", "images": "Container images", "privileged": "Privileged container", "ecs_task": "ECS task", "task_definition": "Task definition", "function_role": "Function role", "db_engine": "Database engine", "db_user": "Database user", "auth_method": "Authentication method", "anomaly": "Unusual activity", "effective_permission": "Effective public access", "public_via": "Public through", "block_public_access_off": "Block Public Access off", "kubernetes_api": "Kubernetes API call", "db_logins": "Logins (successful / failed)", "process": "Process", "process_sha256": "Process SHA-256", "process_pid": "Process ID", "process_user": "Process user", "tool": "Tool", "module": "Kernel module", "mount_target": "Mount target", "modifying_process": "Modifying process", "malware": "Malware found", "scan_id": "Scan ID", "feature": "GuardDuty feature",
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

func (m en) severityAssessed(s Severity) string {
	return m.severityName(s) + " (vigil's assessment)"
}

func (en) timeText(t time.Time) string { return t.Format(time.RFC3339) }

func (en) findingN(i int) string { return fmt.Sprintf("Finding %d", i) }

func (en) approvalNote() string { return "(changes the account: run it only after approval)" }

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

func (en) generalSteps(api bool) []string {
	if !api {
		return []string{
			"Check the resources and values listed above against what your team expects.",
			"Ask the team that owns the source what the event means and who should act on it.",
			"Fix or contain what is not expected, and record the decision.",
		}
	}
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
	return fmt.Sprintf("vigil has no built-in knowledge of %q events from %s: the facts above are what it could read from the event, and the response below is general guidance.", detailType, source)
}

func (en) resolvedResponse() string {
	return "This reports a resolved or passing state: no action is needed unless the change itself was unexpected."
}

func (en) titleGeneric(source, detailType string) string {
	return detailType + " (" + source + ")"
}

func (en) titleGenericWith(source, title string) string {
	return title + " (" + source + ")"
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

func (en) inspectResourceStep(name string) string {
	return "Look at the current configuration of " + name + "."
}

func (en) listFailingStep() string {
	return "List the resources that fail the same check in this Region (in every account whose findings this Security Hub receives)."
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

func (m en) summaryConfig(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceTextIn(m, f.Resources[0])
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

func (m en) summaryAccessAnalyzer(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceTextIn(m, f.Resources[0])
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

func (en) titleCloudTrail(who, eventName, eventSource string, failed, refused bool) string {
	if failed && !refused {
		return upperFirst(who) + " tried to call " + eventName + ", which failed (" + eventSource + ")"
	}
	if failed {
		return upperFirst(who) + " tried to call " + eventName + " and was refused (" + eventSource + ")"
	}
	return upperFirst(who) + " called " + eventName + " (" + eventSource + ")"
}

func (en) summaryCloudTrail(f *Facts, who string) string {
	c := f.ct.rec
	s := fmt.Sprintf("CloudTrail recorded a call to %s (%s) by %s in account %s, %s, from %s.", c.EventName, orDash(c.EventSource), who, orDash(f.Account), orDash(f.Region), orDash(c.SourceIPAddress))
	if f.ct.failed {
		return s + " The call failed."
	}
	return s + " The call succeeded."
}

func (en) cloudTrailAttempted(meaning string) string {
	return "Had it succeeded, this call would have had this effect: " + meaning
}

func (m en) assessment(s Severity, risks []risk, failed bool) string {
	var why []string
	for _, r := range risks {
		if t := m.risk(r); t != "" {
			why = append(why, t)
		}
	}
	level := strings.ToLower(m.severityName(s))
	switch {
	case len(why) == 0:
		return "vigil rates this call " + level + ": nothing in its parameters is risky in itself."
	case failed:
		return "vigil rates this attempt " + level + ", below what the change itself would warrant because it failed. What was attempted: " + strings.Join(why, " ")
	}
	return "vigil rates this call " + level + ": " + strings.Join(why, " ")
}

func (m en) signInAssessment(s Severity, root, failed, noMFA bool) string {
	level := "vigil rates this sign-in " + strings.ToLower(m.severityName(s))
	switch {
	case root && failed:
		return level + ": attempts on the root user deserve attention even when they fail."
	case root && noMFA:
		return level + ": the root user, without MFA."
	case root:
		return level + ": the root user should rarely be used."
	case failed:
		return level + ": a single failed sign-in."
	case noMFA:
		return level + ": a sign-in without MFA."
	}
	return level + "."
}

func (en) cloudTrailRoot(eventName string) string {
	return "The call " + eventName + " was made with the root user. The root user has unrestricted access to the account, and AWS recommends using it only for the few tasks that require it."
}

func (en) cloudTrailNoMFA() string { return "The session was not authenticated with MFA." }

func (en) cloudTrailGeneric(eventName string) string {
	return "A rule matched this call to " + eventName + ". vigil has no specific knowledge of this API, so it cannot tell from the call alone whether it was legitimate: that depends on who made it and why."
}

func (en) cloudTrailFailed(code, message string) string {
	switch {
	case code != "" && message != "":
		return "The call failed (" + code + ": " + message + "): it was attempted, but AWS did not perform it."
	case code != "":
		return "The call failed with error " + code + ": it was attempted, but AWS did not perform it."
	case message != "":
		return "The call failed (" + message + "): it was attempted, but AWS did not perform it."
	}
	return "The call failed: it was attempted, but AWS did not perform it."
}

func (en) cloudTrailResponse(s Severity, root, failed, refused bool) string {
	switch {
	case root:
		return "Confirm with the account owner that the root user was used on purpose; if not, treat the root credentials as compromised."
	case failed && !refused:
		return "Nothing changed: the call failed on its own terms (the error above), not because it was refused. Still find out why the caller tried it, and whether a later attempt succeeded."
	case failed:
		return "Nothing changed, but find out why the caller tried: repeated refused calls are typical of stolen credentials being tested."
	case s == SevCritical || s == SevHigh:
		return "Confirm with the caller at once that the change was intended. If it was not, reverse it with the steps below and treat the caller's credentials as compromised."
	case s == SevMedium:
		return "Confirm with the caller that the change was intended; if it was not, reverse it with the steps below."
	}
	return "Confirm that the caller was expected to make this call."
}

func (en) cloudTrailConfirmStep() string {
	return "Confirm who made the call, from the identity and source IP above, and why."
}

func (en) cloudTrailActivityStep() string {
	return "See what else the same credentials did recently."
}

func (en) rootMFAStep() string {
	return "Make sure the root user has MFA enabled and no access keys."
}

func (en) linkRootUser() string { return "Root user best practices for your AWS account" }

func (en) linkUserIdentity() string { return "CloudTrail userIdentity element" }

func (en) linkAPIReference(operation string) string { return operation + " (API reference)" }

func (en) titleServiceEvent(eventName, eventSource string) string {
	return "AWS service event " + eventName + " (" + eventSource + ")"
}

func (en) summaryServiceEvent(f *Facts) string {
	return fmt.Sprintf("CloudTrail recorded %s, an event that %s itself generated, in account %s, %s. No person or credential called an API here.", f.Code.Value, orDash(f.ct.rec.EventSource), orDash(f.Account), orDash(f.Region))
}

func (en) serviceEventMeaning(eventName string) string {
	return "Service events record something AWS did or noticed (for example a snapshot shared with the account being used, or a scheduled action), not a call made with your credentials. vigil has no specific knowledge of " + eventName + "."
}

func (en) serviceEventStep() string { return "List other events of this name in the region." }

func (en) linkCloudTrailEvents() string { return "AWS service events in CloudTrail" }

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

// ---- Console sign-in ----

func (en) titleSignIn(who string, failed bool) string {
	if failed {
		return "Failed console sign-in by " + who
	}
	return "Console sign-in by " + who
}

func (m en) summarySignIn(f *Facts, who string, failed bool) string {
	c := f.ct.rec
	res := "succeeded"
	if failed {
		res = "failed"
	}
	return fmt.Sprintf("A sign-in to the AWS Management Console by %s %s, from %s, in account %s.", who, res, orDash(c.SourceIPAddress), orDash(f.Account))
}

func (en) signInFailed(root bool, message string) string {
	s := "The sign-in failed"
	if message != "" {
		s += " (" + message + ")"
	}
	s += ": nobody signed in. "
	if root {
		return s + "Someone tried the root user's password; repeated failures mean someone is guessing it."
	}
	return s + "One failure is usually a mistyped password; many, or failures from an unfamiliar address, mean someone is guessing it."
}

func (en) signInRoot(noMFA bool) string {
	if noMFA {
		return "The root user signed in without MFA. The root user has unrestricted access to the account; AWS recommends protecting it with MFA and using it only for the few tasks that require it."
	}
	return "The root user signed in (with MFA). The root user has unrestricted access to the account; AWS recommends using it only for the few tasks that require it."
}

func (en) signInNoMFA() string {
	return "The user signed in with a password alone, without MFA: a stolen password is enough to do the same."
}

func (en) signInOK() string { return "The user signed in with MFA." }

func (en) signInResponse(root, failed bool) string {
	switch {
	case root && failed:
		return "Make sure the root user has a strong password and MFA; if the attempts continue, find out where the address comes from."
	case root:
		return "Confirm with the account owner that the root user was used on purpose; if not, treat the root credentials as compromised: change the password and review the MFA devices."
	case failed:
		return "Confirm with the user whether they mistyped their password; if not, and especially if there are many failures, make sure the user has MFA."
	}
	return "Confirm with the user that the sign-in was theirs, from an address you expect."
}

func (en) signInConfirmStep() string {
	return "Confirm with the person behind the identity above that the sign-in (and the source IP) was theirs."
}

func (en) signInActivityStep() string { return "See what the user did after signing in." }

func (en) signInMFAStep() string { return "Check whether the user has an MFA device." }

func (en) titleSignInOther(who, eventName string) string {
	return "Console sign-in event " + eventName + " for " + who
}

func (en) summarySignInOther(f *Facts, who string) string {
	return fmt.Sprintf("CloudTrail recorded the sign-in event %s for %s in account %s, from %s.", f.Code.Value, who, orDash(f.Account), orDash(f.ct.rec.SourceIPAddress))
}

func (en) signInOtherMeaning(eventName string) string {
	switch eventName {
	case "CheckMfa":
		return "CheckMfa is the MFA check during a console sign-in."
	case "PasswordUpdated":
		return "PasswordUpdated means the identity's console password was changed."
	}
	return "This is one of the events AWS records during a console sign-in."
}

func (en) linkSignInEvents() string { return "AWS Management Console sign-in events" }

// ---- CloudTrail Insights ----

func (en) titleInsight(eventName, eventSource, insightType, state string) string {
	what := "call rate"
	if insightType == "ApiErrorRateInsight" {
		what = "error rate"
	}
	if state == "End" {
		return "CloudTrail Insights: unusual " + what + " of " + orDash(eventName) + " ended (" + orDash(eventSource) + ")"
	}
	return "CloudTrail Insights: unusual " + what + " of " + orDash(eventName) + " (" + orDash(eventSource) + ")"
}

func (en) summaryInsight(f *Facts, eventName, insightType, state string) string {
	what := "calls to"
	if insightType == "ApiErrorRateInsight" {
		what = "errors of"
	}
	if state == "End" {
		return fmt.Sprintf("CloudTrail Insights says that the unusual rate of %s %s in account %s, %s, has ended.", what, orDash(eventName), orDash(f.Account), orDash(f.Region))
	}
	return fmt.Sprintf("CloudTrail Insights saw the rate of %s %s in account %s, %s, depart from its baseline of the past seven days.", what, orDash(eventName), orDash(f.Account), orDash(f.Region))
}

func (en) insightMeaning(insightType string) string {
	if insightType == "ApiErrorRateInsight" {
		return "More calls than usual are failing. A burst of errors can come from a broken deployment, or from someone trying credentials or permissions they do not have."
	}
	return "An API is being called much more often than usual. That can be a new workload or a script gone wrong, or someone enumerating or changing resources in bulk."
}

func (en) insightResponse(state string) string {
	if state == "End" {
		return "The unusual activity is over; if you have not looked at it yet, check who caused it."
	}
	return "Find out who is making the calls (the identities above) and whether it was expected."
}

func (en) insightLookupStep(eventName string) string {
	return "List the recent " + eventName + " calls and who made them."
}

func (en) insightCallersStep() string {
	return "Ask the owners of the identities above what they were doing."
}

func (en) linkInsights() string { return "Working with CloudTrail Insights" }

// upperFirst starts a sentence or title with a capital letter.
func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// ---- Amazon Inspector ----

func (en) titleInspector(f *Facts) string {
	if f.Code.Value != "" && f.Title != "" && !strings.Contains(f.Title, f.Code.Value) {
		return "Inspector: " + f.Code.Value + " " + f.Title
	}
	return "Inspector: " + firstNonEmpty(f.Title, f.Code.Value, "finding")
}

func (m en) summaryInspector(f *Facts) string {
	res := ""
	if len(f.Resources) > 0 {
		res = resourceTextIn(m, f.Resources[0])
	}
	s := fmt.Sprintf("Amazon Inspector found a vulnerability on %s in account %s, %s, with %s severity.", orDash(res), orDash(f.Account), orDash(f.Region), strings.ToLower(m.severityName(f.Severity)))
	if f.Code.Value != "" {
		s = fmt.Sprintf("Amazon Inspector found %s on %s in account %s, %s, with %s severity.", f.Code.Value, orDash(res), orDash(f.Account), orDash(f.Region), strings.ToLower(m.severityName(f.Severity)))
	}
	return s
}

func (en) inspectorMeaning(findingType string, exploit bool) string {
	var s string
	switch findingType {
	case "NETWORK_REACHABILITY":
		s = "The resource can be reached from the internet or another network on the ports above: anything listening there is exposed."
	case "CODE_VULNERABILITY":
		s = "The code of the function has a flaw that an attacker may be able to use."
	default:
		s = "A package on the resource has a known vulnerability; until it is updated, an attacker who can reach the vulnerable code may be able to use it."
	}
	if exploit {
		s += " Exploit code for it is publicly available, which makes an attack more likely."
	}
	return s
}

func (en) inspectorNoFix() string {
	return "No fixed version is available yet. Reduce the exposure (network access, permissions) and watch for a fix."
}

func (en) inspectorResponse(s Severity, exploit bool) string {
	if exploit || s == SevCritical || s == SevHigh {
		return "Update the package to the fixed version soon, starting with resources reachable from the internet."
	}
	return "Update the package to the fixed version in your next maintenance window."
}

func (en) inspectorPatchEC2Step() string {
	return "Install the available updates on the instance with Systems Manager Patch Manager (this changes the instance: do it in a maintenance window)."
}

func (en) inspectorRebuildImageStep() string {
	return "Rebuild the container image with the fixed package version, push it, and redeploy what uses it."
}

func (en) inspectorLambdaStep() string {
	return "Update the dependency in the function's deployment package or layer to the fixed version and deploy the function again."
}

func (en) inspectorRecheckStep() string {
	return "After the update, check the finding's status: Inspector closes it when it no longer finds the vulnerability."
}

func (en) linkInspector() string { return "Amazon Inspector findings in EventBridge" }

func (en) linkPatchBaseline() string { return "The AWS-RunPatchBaseline document" }

func (m en) gdDefaultSeverity(s Severity, variable bool) string {
	if variable {
		return "GuardDuty's usual severity for this finding type is " + strings.ToLower(m.severityName(s)) + "; it varies with the finding."
	}
	return "GuardDuty's severity for this finding type is " + strings.ToLower(m.severityName(s)) + "."
}

func (en) gdFollowGuide(title string) string {
	return "Confirm whether the activity was expected. If it was not, follow the GuardDuty guide (" + title + ")."
}

func (en) gdRetired(typ string) string {
	return "GuardDuty has retired the finding type " + typ + "; it no longer generates new findings of it."
}
