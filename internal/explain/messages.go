package explain

import (
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/lang"
)

// messages is every sentence, label and heading the built-in engine and the
// renderers write. Each language implements it in one file
// (messages_en.go, messages_ja.go), so the compiler refuses a language that
// lacks a message. Values from the event are passed in and placed where
// the language needs them, never glued onto translated fragments.
type messages interface {
	sectionTitle(SectionKind) string
	label(key string) string
	notGiven() string
	severityName(Severity) string
	severityText(s Severity, given string) string
	severityAssessed(s Severity) string
	risk(r risk) string
	identity(typ, name string) string
	resourceType(t string) string
	value(key, v string) string
	timeValue(s string) string
	timeText(t time.Time) string
	findingN(i int) string
	notesTitle() string
	approvalNote() string
	sourceLabel(LinkSource) string
	sourceNote(LinkSource) string

	generalResponse(Severity) string
	generalSteps(api bool) []string
	noKnowledge(kind CodeKind, code string) string
	noKnowledgeSource(source, detailType string) string
	resolvedResponse() string

	titleGeneric(source, detailType string) string
	titleGenericWith(source, title string) string
	summaryGeneric(f *Facts) string

	titleSecurityHub(f *Facts) string
	summarySecurityHub(f *Facts) string
	summaryFindings(n int) string
	titleFindings(n int, first string) string
	controlIntro(id, title string, s Severity) string
	cisIntro(rule, title string) string
	complianceStatus(status string) string
	complianceWarningResponse() string
	checkConfigRecordingStep() string
	followRemediationStep() string
	inspectResourceStep(name string) string
	listFailingStep() string
	linkRecommendation(code string) string
	linkControlRemediation(id string) string
	linkControlsReference() string

	titleGuardDuty(f *Facts) string
	summaryGuardDuty(f *Facts) string
	reviewFindingStep() string
	archivedNote() string
	gdDefaultSeverity(s Severity, variable bool) string
	gdFollowGuide(title string) string
	gdRetired(typ string) string
	linkFindingType(t string) string
	linkFindingTypes() string

	titleConfig(rule, to string) string
	summaryConfig(f *Facts) string
	configRuleMatch(name, identifier string) string
	configRuleControl(id, title string) string
	configResolved(to string) string
	configHistoryStep() string
	linkConfigRule(identifier string) string
	linkConfigRules() string

	titleAlarm(name, state string) string
	summaryAlarm(f *Facts, t event.AlarmType) string
	alarmType(t event.AlarmType) string
	alarmOwnRunbook() string
	alarmSuppressed(by, suppressor string) string
	alarmResponse(state, name string) string
	checkInstanceStep(id string) string
	alarmHistoryStep() string
	compositeChildrenStep() string
	linkAlarms() string
	linkAnomaly() string
	linkMetricMath() string
	linkComposite() string

	titleHealth(code string) string
	summaryHealth(f *Facts) string
	healthDetailsStep() string
	linkAccessKeys() string
	linkHealth() string

	titleAccessAnalyzer(resource string, failed bool) string
	summaryAccessAnalyzer(f *Facts) string
	accessAnalyzerError(resource, code string) string
	accessAnalyzerErrorResponse() string
	accessAnalyzerActive(resource, principal, actions string, public bool) string
	accessAnalyzerResponse() string
	accessAnalyzerReviewStep() string
	accessAnalyzerArchiveStep() string
	accessAnalyzerGetStep() string
	linkAccessAnalyzer() string

	titleCloudTrail(who, eventName, eventSource string, failed, refused bool) string
	summaryCloudTrail(f *Facts, who string) string
	cloudTrailAttempted(meaning string) string
	assessment(s Severity, risks []risk, failed bool) string
	signInAssessment(s Severity, root, failed, noMFA bool) string
	cloudTrailRoot(eventName string) string
	cloudTrailNoMFA() string
	cloudTrailGeneric(eventName string) string
	cloudTrailFailed(code, message string) string
	cloudTrailResponse(s Severity, root, failed, refused bool) string
	cloudTrailConfirmStep() string
	cloudTrailActivityStep() string
	rootMFAStep() string
	linkRootUser() string
	linkUserIdentity() string
	linkAPIReference(operation string) string
	titleServiceEvent(eventName, eventSource string) string
	summaryServiceEvent(f *Facts) string
	serviceEventMeaning(eventName string) string
	serviceEventStep() string
	linkCloudTrailEvents() string

	titleSignIn(who string, failed bool) string
	summarySignIn(f *Facts, who string, failed bool) string
	signInFailed(root bool, message string) string
	signInRoot(noMFA bool) string
	signInNoMFA() string
	signInOK() string
	signInResponse(root, failed bool) string
	signInConfirmStep() string
	signInActivityStep() string
	signInMFAStep() string
	titleSignInOther(who, eventName string) string
	summarySignInOther(f *Facts, who string) string
	signInOtherMeaning(eventName string) string
	linkSignInEvents() string

	titleInsight(eventName, eventSource, insightType, state string) string
	summaryInsight(f *Facts, eventName, insightType, state string) string
	insightMeaning(insightType string) string
	insightResponse(state string) string
	insightLookupStep(eventName string) string
	insightCallersStep() string
	linkInsights() string

	titleInspector(f *Facts) string
	summaryInspector(f *Facts) string
	inspectorMeaning(findingType string, exploit bool) string
	inspectorNoFix() string
	inspectorResponse(s Severity, exploit bool) string
	inspectorPatchEC2Step() string
	inspectorRebuildImageStep() string
	inspectorLambdaStep() string
	inspectorRecheckStep() string
	linkInspector() string
	linkPatchBaseline() string

	titleInstanceState(id, state string) string
	summaryInstanceState(f *Facts, id, state string) string
	instanceStateMeaning(state string) string
	instanceStateResponse(state string) string
	whoChangedInstanceStep() string
	linkInstanceLifecycle() string
}

func catalog(l lang.Lang) messages {
	if l == lang.JA {
		return ja{}
	}
	return en{}
}

// SectionTitle returns the heading of a section of kind k in l, for
// engines and renderers outside this package.
func SectionTitle(l lang.Lang, k SectionKind) string { return catalog(l).sectionTitle(k) }

// ApprovalNote says, in l, that a step's command changes the account and
// needs approval before anyone runs it.
func ApprovalNote(l lang.Lang) string { return catalog(l).approvalNote() }

// SourceNote returns what a rendered link says about where it came from,
// in l, e.g. " (Security Hub control catalog)". It starts with the
// language's separator.
func SourceNote(l lang.Lang, s LinkSource) string { return catalog(l).sourceNote(s) }

// labelKeys lists every label key the engine may ask for; tests check that
// each language has all of them.
var labelKeys = []string{
	"title", "severity", "account", "region", "time", "finding_id", "event_arn", "event_id", "resource", "change", "count", "first_seen", "last_seen",
	"description", "annotation", "alarm_description", "reason", "health_description", "status_reason",
	"code.control", "code.cis-rule", "code.generator", "code.finding-type", "code.config-rule", "code.health-event-type", "code.alarm", "code.api-call",
	"product", "standard", "compliance", "workflow", "record_state", "config_rule", "custom_action",
	"public_ip", "private_ip", "security_groups", "network", "instance_profile", "instance_type", "instance_state", "principal",
	"resource_role", "action_type", "direction", "protocol", "local_port", "remote_port", "blocked", "api", "service", "caller_type",
	"error_code", "user_agent", "domain", "probed_ports", "remote_ip", "remote_location", "remote_org", "threat_list", "finding_arn",
	"config_rule_arn", "resource_type", "alarm_type", "metric", "expression", "threshold", "datapoints", "lower_thresholds",
	"upper_thresholds", "triggering_alarms", "alarm_rule", "actions_suppressor", "actions_suppressed_by",
	"health_service", "health_category", "health_scope", "status", "start_time", "end_time",
	"actions", "conditions", "public", "error", "analyzer",
	"event_source", "identity", "access_key", "mfa", "session_issuer", "source_ip", "error_message",
	"identity_type", "invoked_by", "service_event_details", "target_user", "target_role", "target_group", "group", "policy_arn", "created_key", "rule_ids", "cidrs", "ports", "accounts", "version", "mfa_device", "min_password_length", "role", "flow_logs", "disabled", "grantees", "pending_days", "grantee", "changed", "standards", "target", "layers", "parameters", "secrets", "targets", "disabled_reason", "result", "mfa_used", "mfa_type", "login_to", "insight_state", "insight_type", "baseline", "insight_average", "insight_duration", "top_identities", "top_user_agents", "top_errors", "os_user", "query_log_config", "log_destination", "log_group", "trust_anchor", "shared_event_id",
	"code.vulnerability", "finding_type", "finding_status", "cvss", "vendor_severity", "package", "installed_version", "fixed_version", "file_path", "advisory", "inspector_score", "epss", "exploit_available", "last_exploit", "fix_available", "open_ports", "detector", "cwes", "remediation_text", "event_link", "created_at", "updated_at",
	"command_line", "kubernetes_user", "kubernetes_workload", "service_account", "images", "privileged", "ecs_task", "task_definition", "function_role", "db_engine", "db_user", "auth_method", "anomaly", "effective_permission", "public_via", "block_public_access_off", "kubernetes_api", "db_logins", "process", "process_sha256", "process_pid", "process_user", "tool", "module", "mount_target", "modifying_process", "malware", "scan_id", "feature",
}

// jst is Japan Standard Time, fixed at UTC+9 (Japan has no daylight
// saving), so no time zone database is needed.
var jst = time.FixedZone("JST", 9*60*60)
