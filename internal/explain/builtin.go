package explain

import (
	"context"
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// Builtin is the default engine: offline, deterministic, and grounded by
// construction. It explains with the message catalogs of this package and
// the embedded catalogs of internal/knowledge; what they do not cover it
// reports as facts plus general guidance, and says so.
type Builtin struct{}

// Name returns "builtin".
func (Builtin) Name() string { return "builtin" }

// Explain explains ev. It fails only when the event's detail does not have
// its source's documented shape.
func (Builtin) Explain(ctx context.Context, ev *event.Event, opts Options) (*Explanation, error) {
	facts, err := Extract(ev)
	if err != nil {
		return nil, err
	}
	lang := opts.Lang
	if lang == "" {
		lang = EN
	}
	b := &builder{m: catalog(lang), lang: lang, x: &Explanation{
		Lang: lang, Engine: "builtin", Kind: ev.Kind(), EventID: ev.ID, Facts: facts,
	}}
	for i := range facts {
		if facts[i].Severity.rank() > b.x.Severity.rank() {
			b.x.Severity = facts[i].Severity
		}
	}
	switch ev.Kind() {
	case event.KindSecurityHub:
		b.securityHub(facts)
	case event.KindGuardDuty:
		b.guardDuty(&facts[0])
	case event.KindConfig:
		b.config(&facts[0])
	case event.KindAlarm:
		b.alarm(&facts[0])
	case event.KindHealth:
		b.health(&facts[0])
	case event.KindAccessAnalyzer:
		b.accessAnalyzer(&facts[0])
	case event.KindCloudTrail:
		b.cloudTrail(&facts[0])
	case event.KindInstanceState:
		b.instanceState(&facts[0])
	default:
		b.generic(&facts[0])
	}
	return b.finish(), nil
}

// builder accumulates the sections of one explanation.
type builder struct {
	m    messages
	lang Lang
	x    *Explanation

	overview, problem, response, steps, docs Section
}

func (b *builder) finish() *Explanation {
	for _, s := range []struct {
		k SectionKind
		s *Section
	}{{SectionOverview, &b.overview}, {SectionProblem, &b.problem}, {SectionResponse, &b.response}, {SectionSteps, &b.steps}, {SectionDocs, &b.docs}} {
		if len(s.s.Paragraphs)+len(s.s.Quotes)+len(s.s.Fields)+len(s.s.Steps)+len(s.s.Links) == 0 {
			continue
		}
		s.s.Kind = s.k
		s.s.Title = b.m.sectionTitle(s.k)
		b.x.Sections = append(b.x.Sections, *s.s)
	}
	return b.x
}

func (b *builder) para(s *Section, text string) {
	if text != "" {
		s.Paragraphs = append(s.Paragraphs, text)
	}
}

func (b *builder) quote(s *Section, label, text string) {
	if text = strings.TrimSpace(text); text != "" {
		s.Quotes = append(s.Quotes, Quote{Label: label, Text: text})
	}
}

func (b *builder) field(s *Section, label, value string) {
	if value = strings.TrimSpace(value); value != "" {
		s.Fields = append(s.Fields, Field{Label: label, Value: value})
	}
}

func (b *builder) step(text, command string) {
	for _, st := range b.steps.Steps {
		if st.Text == text && st.Command == command {
			return
		}
	}
	b.steps.Steps = append(b.steps.Steps, Step{Text: text, Command: command})
}

func (b *builder) link(title, url string, src LinkSource) {
	if url == "" {
		return
	}
	for _, l := range b.docs.Links {
		if l.URL == url {
			return
		}
	}
	b.docs.Links = append(b.docs.Links, Link{Title: title, URL: url, Source: src})
}

func (b *builder) note(s string) { b.x.Notes = append(b.x.Notes, s) }

// fill replaces the {placeholders} of catalog prose with values from the
// facts. ok is false when one has no value; missing values are replaced by
// the catalog's "not in the event" marker.
func (b *builder) fill(s string, f *Facts) (string, bool) {
	if !strings.Contains(s, "{") {
		return s, true
	}
	ok := true
	var out strings.Builder
	out.Grow(len(s) + 32)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out.WriteString(s[:i])
		key := s[i+1 : i+j]
		if v, has := f.vars[key]; has {
			out.WriteString(v)
		} else {
			ok = false
			out.WriteString(b.m.notGiven())
		}
		s = s[i+j+1:]
	}
	out.WriteString(s)
	return out.String(), ok
}

// guidance adds catalog guidance to the problem, response and steps
// sections, dropping steps the event cannot fill in.
func (b *builder) guidance(g knowledge.Guidance, f *Facts) {
	if g.Meaning != "" {
		s, _ := b.fill(g.Meaning, f)
		b.para(&b.problem, s)
	}
	if g.Response != "" {
		s, _ := b.fill(g.Response, f)
		b.para(&b.response, s)
	}
	for _, st := range g.Steps {
		if s, ok := b.fill(st, f); ok {
			text, cmd, _ := strings.Cut(s, "\n$ ")
			b.step(text, cmd)
		}
	}
}

// facts adds the common facts of f to the overview.
func (b *builder) facts(f *Facts) {
	m, o := b.m, &b.overview
	b.field(o, m.label("title"), f.Title)
	b.field(o, m.label("severity"), b.severity(f))
	b.field(o, m.label("account"), f.Account)
	b.field(o, m.label("region"), f.Region)
	b.field(o, m.label("time"), b.time(f.Time))
	if f.Code.Value != "" {
		b.field(o, m.label("code."+string(f.Code.Kind)), f.Code.Value)
	}
	idLabel := "finding_id"
	switch f.Kind {
	case event.KindHealth:
		idLabel = "event_arn"
	case event.KindCloudTrail:
		idLabel = "event_id"
	}
	b.field(o, m.label(idLabel), f.FindingID)
	for _, r := range f.Resources {
		b.field(o, m.label("resource"), resourceText(r))
	}
	if c := f.Change; c != nil {
		b.field(o, m.label("change"), changeText(c))
	}
	if f.Count > 0 {
		b.field(o, m.label("count"), itoa(f.Count))
	}
	b.field(o, m.label("first_seen"), f.FirstSeen)
	b.field(o, m.label("last_seen"), f.LastSeen)
	for _, d := range f.Details {
		b.field(o, m.label(d.Key), d.Value)
	}
}

func (b *builder) severity(f *Facts) string {
	if f.Severity == SevNone {
		if f.SeverityGiven == "" {
			return ""
		}
		return b.m.severityGivenOnly(f.SeverityGiven)
	}
	return b.m.severityText(f.Severity, f.SeverityGiven)
}

func (b *builder) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return b.m.timeText(t.UTC())
}

func resourceText(r Resource) string {
	s := r.ID
	if r.Type != "" {
		s = r.Type + " " + s
	}
	if r.Name != "" {
		s += " (" + r.Name + ")"
	}
	return s
}

func changeText(c *Change) string {
	s := c.To
	if c.From != "" {
		s = c.From + " → " + c.To
	}
	if c.At != "" {
		s += " (" + c.At + ")"
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

func (b *builder) generalGuidance(f *Facts) {
	b.para(&b.response, b.m.generalResponse(f.Severity))
	for _, s := range b.m.generalSteps() {
		b.step(s, "")
	}
}

// ---- Security Hub ----

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
				parts = append(parts, resourceText(r))
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
	switch f.Code.Kind {
	case CodeControl:
		c, ok := knowledge.LookupControl(f.Code.Value)
		if !ok {
			b.para(&b.problem, m.noKnowledge(f.Code.Kind, f.Code.Value))
			b.note(m.noKnowledge(f.Code.Kind, f.Code.Value))
			break
		}
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
		b.para(&b.problem, m.noKnowledge(f.Code.Kind, f.Code.Value))
		b.note(m.noKnowledge(f.Code.Kind, f.Code.Value))
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
	default:
		b.generalGuidance(f)
	}
	if several {
		return
	}
	if status != "PASSED" && len(f.Links) > 0 {
		b.step(m.followRemediationStep(), "")
	}
}

// ---- GuardDuty ----

func (b *builder) guardDuty(f *Facts) {
	m := b.m
	gd := f.gd
	b.x.Title = m.titleGuardDuty(f)
	b.para(&b.overview, m.summaryGuardDuty(f))
	b.facts(f)
	b.quote(&b.overview, m.label("description"), f.Description)

	ft, ok := knowledge.LookupFindingType(gd.Type, gd.Service.ResourceRole, b.lang)
	if ok {
		b.guidance(ft.Guidance, f)
		b.link(m.linkFindingType(gd.Type), ft.DocURL, FromGuardDuty)
		b.link(ft.RemediationTitle, ft.RemediationURL, FromGuardDuty)
	} else {
		b.para(&b.problem, m.noKnowledge(f.Code.Kind, gd.Type))
		b.note(m.noKnowledge(f.Code.Kind, gd.Type))
		b.generalGuidance(f)
		b.link(m.linkFindingTypes(), "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-active.html", FromBuiltin)
	}
	if gd.Service.DetectorID != "" && gd.ID != "" {
		b.step(m.reviewFindingStep(), "aws guardduty get-findings --detector-id "+shellArg(gd.Service.DetectorID)+
			" --finding-ids "+shellArg(gd.ID)+" --region "+shellArg(f.Region))
	}
	if gd.Service.Archived {
		b.note(m.archivedNote())
	}
}

// ---- AWS Config ----

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
		b.para(&b.problem, m.noKnowledge(f.Code.Kind, f.Code.Value))
		b.note(m.noKnowledge(f.Code.Kind, f.Code.Value))
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

// ---- CloudWatch alarms ----

func (b *builder) alarm(f *Facts) {
	m := b.m
	a := f.alarm
	b.x.Title = m.titleAlarm(a.AlarmName, a.State.Value)
	b.para(&b.overview, m.summaryAlarm(f, a.Type()))
	b.facts(f)
	b.quote(&b.overview, m.label("alarm_description"), a.Configuration.Description)
	b.quote(&b.overview, m.label("reason"), a.State.Reason)

	b.para(&b.problem, m.alarmType(a.Type()))
	if by := a.State.ActionsSuppressedBy; by != "" {
		b.para(&b.problem, m.alarmSuppressed(by, a.Configuration.ActionsSuppressor))
	}
	b.para(&b.problem, m.alarmOwnRunbook())
	b.para(&b.response, m.alarmResponse(a.State.Value, a.AlarmName))
	if a.State.Value == "ALARM" {
		for _, r := range f.Resources {
			if r.Type == "InstanceId" {
				b.step(m.checkInstanceStep(r.ID), "aws ec2 describe-instance-status --instance-ids "+shellArg(r.ID)+" --include-all-instances --region "+shellArg(f.Region))
			}
		}
	}
	b.step(m.alarmHistoryStep(), "aws cloudwatch describe-alarm-history --alarm-name "+shellArg(a.AlarmName)+" --region "+shellArg(f.Region))
	if a.Type() == event.AlarmComposite {
		b.step(m.compositeChildrenStep(), "")
	}
	b.link(m.linkAlarms(), "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html", FromBuiltin)
	switch a.Type() {
	case event.AlarmAnomalyDetection:
		b.link(m.linkAnomaly(), "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Anomaly_Detection.html", FromBuiltin)
	case event.AlarmMetricMath:
		b.link(m.linkMetricMath(), "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html", FromBuiltin)
	case event.AlarmComposite:
		b.link(m.linkComposite(), "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html", FromBuiltin)
	}
}

// ---- AWS Health ----

func (b *builder) health(f *Facts) {
	m := b.m
	h := f.health
	b.x.Title = m.titleHealth(h.EventTypeCode)
	b.para(&b.overview, m.summaryHealth(f))
	b.facts(f)
	b.quote(&b.overview, m.label("health_description"), f.Description)
	g, specific, url, ok := knowledge.HealthGuidance(h.EventTypeCode, h.EventTypeCategory, b.lang)
	if !specific {
		b.para(&b.problem, m.noKnowledge(f.Code.Kind, h.EventTypeCode))
		b.note(m.noKnowledge(f.Code.Kind, h.EventTypeCode))
	}
	if ok {
		b.guidance(g, f)
	} else {
		b.generalGuidance(f)
	}
	if h.EventArn != "" {
		b.step(m.healthDetailsStep(), "aws health describe-event-details --event-arns "+shellArg(h.EventArn)+" --region us-east-1")
	}
	if url != "" {
		b.link(m.linkAccessKeys(), url, FromBuiltin)
	}
	b.link(m.linkHealth(), knowledge.HealthDocURL, FromBuiltin)
}

// ---- IAM Access Analyzer ----

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

// ---- CloudTrail ----

func (b *builder) cloudTrail(f *Facts) {
	m := b.m
	c := f.ct
	b.x.Title = m.titleCloudTrail(c.UserIdentity.Type, c.EventName, c.EventSource)
	b.para(&b.overview, m.summaryCloudTrail(f))
	b.facts(f)
	root := c.UserIdentity.Type == "Root"
	if root {
		b.para(&b.problem, m.cloudTrailRoot(c.EventName))
		if sc := c.UserIdentity.SessionContext; sc != nil && sc.Attributes.MfaAuthenticated == "false" {
			b.para(&b.problem, m.cloudTrailNoMFA())
		}
	} else {
		b.para(&b.problem, m.cloudTrailGeneric())
	}
	if c.ErrorCode != "" {
		b.para(&b.problem, m.cloudTrailFailed(c.ErrorCode))
	}
	b.para(&b.response, m.cloudTrailResponse(root))
	b.step(m.cloudTrailConfirmStep(), "")
	if c.EventID != "" {
		b.step(m.cloudTrailLookupStep(), "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventId,AttributeValue="+shellArg(c.EventID)+" --region "+shellArg(f.Region))
	}
	if root {
		b.step(m.rootMFAStep(), "")
		b.link(m.linkRootUser(), "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html", FromBuiltin)
	}
	b.link(m.linkUserIdentity(), "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html", FromBuiltin)
}

// ---- EC2 state change ----

func (b *builder) instanceState(f *Facts) {
	m := b.m
	id := f.vars["instance"]
	state := ""
	if f.Change != nil {
		state = f.Change.To
	}
	b.x.Title = m.titleInstanceState(id, state)
	b.para(&b.overview, m.summaryInstanceState(f, id, state))
	b.facts(f)
	b.para(&b.problem, m.instanceStateMeaning(state))
	b.para(&b.response, m.instanceStateResponse(state))
	if id != "" {
		b.step(m.whoChangedInstanceStep(), "aws cloudtrail lookup-events --lookup-attributes AttributeKey=ResourceName,AttributeValue="+shellArg(id)+" --region "+shellArg(f.Region))
	}
	b.link(m.linkInstanceLifecycle(), "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html", FromBuiltin)
}

// ---- anything else ----

func (b *builder) generic(f *Facts) {
	m := b.m
	b.x.Title = m.titleGeneric(f.Source, f.DetailType)
	b.para(&b.overview, m.summaryGeneric(f))
	b.facts(f)
	b.para(&b.problem, m.noKnowledgeSource(f.Source, f.DetailType))
	b.note(m.noKnowledgeSource(f.Source, f.DetailType))
	b.generalGuidance(f)
}

// shellArg quotes s for a POSIX shell when it has anything but safe
// characters, so a command built from event values cannot inject a second
// command when pasted.
func shellArg(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.:/=@+,", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
