package explain

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vigilhq/vigil/event"
)

// accessAnalyzerSource explains IAM Access Analyzer findings.
var accessAnalyzerSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.AccessAnalyzer()
		if err != nil {
			return nil, err
		}
		return []Facts{accessAnalyzerFacts(base, ev, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.accessAnalyzer(&fs[0]) },
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

func (b *builder) accessAnalyzer(f *Facts) {
	m := b.m
	a := f.aa
	b.x.Title = m.titleAccessAnalyzer(a.Resource, a.Error != "")
	b.para(&b.overview, m.summaryAccessAnalyzer(f))
	b.facts(f)
	switch {
	case a.Error != "":
		b.para(&b.problem, m.accessAnalyzerError(a.Resource, a.Error))
		b.para(&b.response, m.accessAnalyzerErrorResponse())
	case a.Status == "ACTIVE":
		principal := ""
		for _, d := range f.Details {
			if d.Key == "principal" {
				principal = d.Value
			}
		}
		b.para(&b.problem, m.accessAnalyzerActive(a.Resource, principal, strings.Join(a.Action, ", "), a.IsPublic))
		b.para(&b.response, m.accessAnalyzerResponse())
		b.step(m.accessAnalyzerReviewStep(), "")
		b.step(m.accessAnalyzerArchiveStep(), "")
	default:
		b.para(&b.response, m.resolvedResponse())
	}
	var analyzer string
	for _, d := range f.Details {
		if d.Key == "analyzer" {
			analyzer = d.Value
		}
	}
	if analyzer != "" && a.ID != "" {
		b.step(m.accessAnalyzerGetStep(), "aws accessanalyzer get-finding --analyzer-arn "+shellArg(analyzer)+" --id "+shellArg(a.ID)+" --region "+shellArg(f.Region))
	}
	b.link(m.linkAccessAnalyzer(), "https://docs.aws.amazon.com/IAM/latest/UserGuide/what-is-access-analyzer.html", FromBuiltin)
}
