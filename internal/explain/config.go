package explain

import (
	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// configSource explains AWS Config rule compliance changes.
var configSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.Config()
		if err != nil {
			return nil, err
		}
		return []Facts{configFacts(base, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.config(&fs[0]) },
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

func (b *builder) config(f *Facts) {
	m := b.m
	to := ""
	if f.Change != nil {
		to = f.Change.To
	}
	b.x.Title = m.titleConfig(f.Code.Value, to)
	b.para(&b.overview, m.summaryConfig(f))
	b.facts(f)
	if f.Change != nil {
		b.quote(&b.overview, m.label("annotation"), f.Change.Reason)
	}
	rule, ok := knowledge.LookupConfigRule(f.Code.Value, b.lang)
	switch {
	case ok && rule.HasGuidance:
		b.para(&b.problem, m.configRuleMatch(f.Code.Value, rule.Identifier))
		if g := rule.Guidance; g.Meaning != "" {
			s, _ := b.fill(g.Meaning, f)
			b.para(&b.problem, s)
		}
	case ok && rule.Control != nil:
		b.para(&b.problem, m.configRuleMatch(f.Code.Value, rule.Identifier))
		b.para(&b.problem, m.configRuleControl(rule.Control.ID, rule.Control.Title))
	default:
		b.unknown(f.Code.Kind, f.Code.Value)
	}
	switch to {
	case "COMPLIANT", "NOT_APPLICABLE":
		b.para(&b.response, m.configResolved(to))
	case "NON_COMPLIANT":
		if ok && rule.HasGuidance {
			g := rule.Guidance
			g.Meaning = ""
			b.guidance(g, f)
		} else {
			b.generalGuidance(f)
		}
	default:
		b.generalGuidance(f)
	}
	if f.cfg.ResourceID != "" && f.cfg.ResourceType != "" {
		b.step(m.configHistoryStep(), "aws configservice get-compliance-details-by-config-rule --config-rule-name "+shellArg(f.Code.Value)+" --region "+shellArg(f.Region))
	}
	if ok {
		b.link(m.linkConfigRule(rule.Identifier), rule.DocURL, FromConfig)
	}
	b.link(m.linkConfigRules(), knowledge.ConfigRulesDocURL, FromBuiltin)
}
