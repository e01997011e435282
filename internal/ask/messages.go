package ask

import (
	"fmt"

	"github.com/vigilhq/vigil/internal/lang"
)

// Message keys. Each language's catalog (messages_en.go, messages_ja.go)
// has every key; a test checks it.
const (
	msgScope           = "scope"
	msgScopeSeverity   = "scope.severity"
	msgScopeFloor      = "scope.floor"
	msgScopeCeiling    = "scope.ceiling"
	msgScopeControls   = "scope.controls"
	msgScopeServices   = "scope.services"
	msgScopeAccounts   = "scope.accounts"
	msgScopeRegions    = "scope.regions"
	msgScopeTypes      = "scope.types"
	msgScopeResources  = "scope.resources"
	msgScopeFindings   = "scope.findings"
	msgScopeProducts   = "scope.products"
	msgScopeWorkflow   = "scope.workflow"
	msgScopeCompliance = "scope.compliance"
	msgScopeRecord     = "scope.record"
	msgScopeCreated    = "scope.created"
	msgScopeUpdated    = "scope.updated"
	msgScopeLookedIn   = "scope.looked_in"
	msgSep             = "sep"

	msgCount      = "count"
	msgCountOne   = "count.one"
	msgListOne    = "list.one"
	msgNone       = "none"
	msgListAll    = "list.all"
	msgListFirst  = "list.first"
	msgMore       = "more"
	msgBySeverity = "by_severity"
	msgTopControl = "top_controls"

	msgHelpIntro      = "help.intro"
	msgHelpNotParsed  = "help.not_parsed"
	msgHelpExamples   = "help.examples"
	msgHelpNoPolicies = "help.no_policies"

	msgPoliciesFound = "policies.found"
	msgPoliciesNone  = "policies.none"
	msgPoliciesOff   = "policies.off"

	msgDescribe        = "describe"
	msgDescribeUnknown = "describe.unknown"

	msgInvestigateOff = "investigate.off"
	msgTimeline       = "timeline"
	msgTimelineNone   = "timeline.none"
	msgTimelineCut    = "timeline.cut"
	msgRelated        = "related"
	msgEntityARN      = "entity.arn"
	msgAgentHidden    = "agent.hidden"
	msgEntityUnknown  = "entity.unknown"

	msgExplainNone = "explain.none"
	msgExplainOf   = "explain.of"

	msgChangeNoTarget  = "change.no_target"
	msgChangeNone      = "change.none"
	msgChangeOff       = "change.off"
	msgChangePlanned   = "change.planned"
	msgChangeApproval  = "change.approval"
	msgChangeNoPlan    = "change.no_plan"
	msgChangeMore      = "change.more"
	msgChangeNeverRuns = "change.never_runs"

	msgNote            = "note"
	msgSources         = "sources"
	msgCiteSecurityHub = "cite.securityhub"
	msgCitePolicy      = "cite.policy"
	msgCiteAPI         = "cite.api"
	msgCiteExplanation = "cite.explanation"

	noteModelFailed = "note.model_failed"
	noteRefused     = "note.refused"
	noteGrounding   = "note.grounding"
	noteWrittenBy   = "note.written_by"
	noteMarker      = "note.marker"
)

var catalogs = map[lang.Lang]map[string]string{lang.EN: messagesEN, lang.JA: messagesJA}

// text formats the message key in lng (English when a key is missing).
func text(lng lang.Lang, key string, args ...any) string {
	c, ok := catalogs[lng]
	if !ok {
		c = messagesEN
	}
	s, ok := c[key]
	if !ok {
		s = messagesEN[key]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}
