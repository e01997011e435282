package explain

import (
	"time"

	"github.com/vigilhq/vigil/event"
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
	severityGivenOnly(given string) string
	timeText(t time.Time) string
	findingN(i int) string
	notesTitle() string
	sourceLabel(LinkSource) string
	sourceNote(LinkSource) string

	generalResponse(Severity) string
	generalSteps() []string
	noKnowledge(kind CodeKind, code string) string
	noKnowledgeSource(source, detailType string) string
	resolvedResponse() string

	titleGeneric(source, detailType string) string
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
	linkRecommendation(code string) string
	linkControlRemediation(id string) string
	linkControlsReference() string

	titleGuardDuty(f *Facts) string
	summaryGuardDuty(f *Facts) string
	reviewFindingStep() string
	archivedNote() string
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

	titleCloudTrail(identityType, eventName, eventSource string) string
	summaryCloudTrail(f *Facts) string
	cloudTrailRoot(eventName string) string
	cloudTrailNoMFA() string
	cloudTrailGeneric() string
	cloudTrailFailed(code string) string
	cloudTrailResponse(root bool) string
	cloudTrailConfirmStep() string
	cloudTrailLookupStep() string
	rootMFAStep() string
	linkRootUser() string
	linkUserIdentity() string

	titleInstanceState(id, state string) string
	summaryInstanceState(f *Facts, id, state string) string
	instanceStateMeaning(state string) string
	instanceStateResponse(state string) string
	whoChangedInstanceStep() string
	linkInstanceLifecycle() string

	// LLM engines (llm.go)
	writtenBy(model string, docs bool) string
	markIdentifier() string
	markURL() string
	docsUnavailable(url string, rateLimited bool) string
	groundingRemoved(ids, urls, commands int) string
	refusedTools(names string) string
	modelFallback(model, reason string) string
	reasonMalformed() string
	reasonNoAnswer() string
	reasonError() string
}

func catalog(l Lang) messages {
	if l == JA {
		return ja{}
	}
	return en{}
}

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
}

// jst is Japan Standard Time, fixed at UTC+9 (Japan has no daylight
// saving), so no time zone database is needed.
var jst = time.FixedZone("JST", 9*60*60)
