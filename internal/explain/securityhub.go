package explain

import (
	"fmt"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// securityHubSource explains Security Hub findings (ASFF), one or several
// per event.
var securityHubSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
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
	},
	explain: (*builder).securityHub,
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
	if len(sh.Resources) > 0 {
		f.setResourceVars(sh.Resources[0])
	}
	if len(rules) > 0 {
		f.setVar("rule", rules[0])
	}
	return f
}

func (b *builder) securityHub(all []Facts) {
	m := b.m
	if len(all) == 1 {
		f := &all[0]
		b.para(&b.overview, m.summarySecurityHub(f))
		b.facts(f)
		b.quote(&b.overview, m.label("description"), f.Description)
		b.x.Title = m.titleSecurityHub(f)
	} else {
		b.para(&b.overview, m.summaryFindings(len(all)))
		for i := range all {
			f := &all[i]
			var parts []string
			for _, s := range []string{string(f.Severity), f.Code.Value, f.Title, f.FindingID} {
				if s != "" {
					parts = append(parts, s)
				}
			}
			for _, r := range f.Resources {
				parts = append(parts, b.resourceText(r))
			}
			b.field(&b.overview, m.findingN(i+1), strings.Join(parts, " · "))
		}
		b.field(&b.overview, m.label("account"), all[0].Account)
		b.field(&b.overview, m.label("region"), all[0].Region)
		b.field(&b.overview, m.label("time"), b.time(all[0].Time))
		b.x.Title = m.titleFindings(len(all), all[0].Title)
	}
	if b.x.Title == "" {
		b.x.Title = m.titleGeneric(all[0].Source, all[0].DetailType)
	}

	seen := map[string]bool{}
	for i := range all {
		f := &all[i]
		key := string(f.Code.Kind) + ":" + f.Code.Value
		if seen[key] {
			continue
		}
		seen[key] = true
		b.securityHubKnowledge(f, len(all) > 1)
	}
	b.link(m.linkControlsReference(), "https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-controls-reference.html", FromBuiltin)
}

func (b *builder) securityHubKnowledge(f *Facts, several bool) {
	m := b.m
	sh := f.sh
	for _, l := range f.Links {
		b.link(m.linkRecommendation(f.Code.Value), l.URL, FromEvent)
	}
	var rule knowledge.ConfigRule
	hasRule := false
	control := ""
	switch f.Code.Kind {
	case CodeControl:
		c, ok := knowledge.LookupControl(f.Code.Value)
		if !ok {
			b.unknown(f.Code.Kind, f.Code.Value)
			break
		}
		control = c.ID
		b.para(&b.problem, m.controlIntro(c.ID, c.Title, Severity(c.Severity)))
		if c.ConfigRule != "" {
			rule, hasRule = knowledge.LookupConfigRule(c.ConfigRule, b.lang)
		}
		b.link(m.linkControlRemediation(c.ID), c.RemediationURL, FromSecurityHub)
		if !(hasRule && rule.HasGuidance) {
			if g, ok := knowledge.CategoryGuidance(c.Category, b.lang); ok {
				b.para(&b.problem, g)
			}
		}
	case CodeCISRule:
		b.para(&b.problem, m.cisIntro(f.Code.Value, f.Title))
	default:
		b.unknown(f.Code.Kind, f.Code.Value)
	}
	if !hasRule {
		for _, name := range sh.RelatedConfigRules() {
			if r, ok := knowledge.LookupConfigRule(name, b.lang); ok {
				rule, hasRule = r, true
				break
			}
		}
	}
	status := sh.Compliance.Status
	b.para(&b.problem, m.complianceStatus(status))
	for _, r := range sh.Compliance.StatusReasons {
		b.quote(&b.problem, m.label("status_reason")+" ("+r.ReasonCode+")", r.Description)
	}
	if hasRule {
		b.link(m.linkConfigRule(rule.Identifier), rule.DocURL, FromConfig)
	}
	switch {
	case status == "PASSED":
		b.para(&b.response, m.resolvedResponse())
	case status == "WARNING" || status == "NOT_AVAILABLE":
		b.para(&b.response, m.complianceWarningResponse())
		b.step(m.checkConfigRecordingStep(), "aws configservice describe-configuration-recorder-status --region "+shellArg(f.Region))
	case hasRule && rule.HasGuidance:
		b.guidance(rule.Guidance, f)
		b.controlCommands(f, control, false)
		b.listFailing(f)
	default:
		b.para(&b.response, m.generalResponse(f.Severity))
		b.controlCommands(f, control, true)
		b.listFailing(f)
	}
	if several {
		return
	}
	if status != "PASSED" && len(f.Links) > 0 {
		b.step(m.followRemediationStep(), "")
	}
}

// controlCommands adds vigil's steps for a failed control check; for a
// control it has none for, the general steps (when general is set) and a
// look at the resource's configuration.
func (b *builder) controlCommands(f *Facts, control string, general bool) {
	if control != "" {
		if steps, ok := knowledge.ControlSteps(control, b.lang); ok && b.catalogSteps(steps, f) > 0 {
			return
		}
	}
	if general {
		b.generalSteps(f)
	}
	if f.resCheck != "" {
		if cmd, ok := b.fillCommand(f.resCheck, f); ok {
			b.step(b.m.inspectResourceStep(f.resName), cmd)
		}
	}
}

// listFailing adds a step listing the other resources that fail the same
// control check.
func (b *builder) listFailing(f *Facts) {
	if gen := f.sh.GeneratorID; gen != "" && (f.Code.Kind == CodeControl || f.Code.Kind == CodeCISRule) {
		b.step(b.m.listFailingStep(), listFailingCommand(gen, f.Region))
	}
}
