package knowledge

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func TestControlsCatalog(t *testing.T) {
	if n := len(Controls()); n != 358 {
		t.Fatalf("%d controls, want 358", n)
	}
	c, ok := LookupControl("ec2.7")
	if !ok || c.ID != "EC2.7" || c.Title != "EBS default encryption should be enabled" || c.Severity != "MEDIUM" ||
		c.ConfigRule != "ec2-ebs-encryption-by-default" || c.RemediationURL != "https://docs.aws.amazon.com/console/securityhub/EC2.7/remediation" {
		t.Errorf("EC2.7 = %+v, %v", c, ok)
	}
	if c, ok := LookupControl("Config.1"); !ok || c.ConfigRule != "" || c.Category == "" {
		t.Errorf("Config.1 (null config rule) = %+v", c)
	}
	if _, ok := LookupControl("EC2.9999"); ok {
		t.Error("unknown control found")
	}
}

// The embedded copy must be what `go generate` makes from the shared data.
func TestControlsMatchSource(t *testing.T) {
	src, err := os.ReadFile("../../../shared/data/securityhub/fsbp-controls.json")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	var a, b any
	if err := json.Unmarshal(src, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(controlsJSON, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("fsbp_controls.json differs from the shared catalog: run go generate ./internal/knowledge")
	}
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

func placeholders(g Guidance) []string {
	var out []string
	for _, s := range append([]string{g.Meaning, g.Response}, g.Steps...) {
		out = append(out, placeholder.FindAllString(s, -1)...)
	}
	sort.Strings(out)
	// Deduplicate: the two languages may repeat a value a different number of times.
	return slicesCompact(out)
}

func slicesCompact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

var known = map[string]bool{"{instance}": true, "{sg}": true, "{profile}": true, "{key}": true, "{user}": true, "{bucket}": true,
	"{remote_ip}": true, "{domain}": true, "{ports}": true, "{api}": true, "{account}": true, "{region}": true, "{resource}": true, "{rule}": true}

// Both languages must say the same things: same entries, same number of
// steps, same placeholders, and no placeholder we cannot fill.
func TestLanguagesMatch(t *testing.T) {
	check := func(what string, en, ja Guidance) {
		if len(en.Steps) != len(ja.Steps) {
			t.Errorf("%s: %d steps in en, %d in ja", what, len(en.Steps), len(ja.Steps))
		}
		if pe, pj := placeholders(en), placeholders(ja); !reflect.DeepEqual(pe, pj) {
			t.Errorf("%s: placeholders en %v, ja %v", what, pe, pj)
		}
		for _, p := range placeholders(en) {
			if !known[p] {
				t.Errorf("%s: unknown placeholder %s", what, p)
			}
		}
		if strings.TrimSpace(ja.Meaning) != "" && !strings.HasSuffix(ja.Meaning, "。") {
			t.Errorf("%s: Japanese meaning does not end with 。", what)
		}
		for _, s := range ja.Steps {
			text, _, _ := strings.Cut(s, "\n$ ")
			if !strings.HasSuffix(text, "。") {
				t.Errorf("%s: Japanese step does not end with 。: %s", what, s)
			}
		}
	}
	type pair struct{ en, ja map[string]Guidance }
	for name, p := range map[string]pair{
		"guardduty": {textEN.guardDuty, textJA.guardDuty},
		"config":    {textEN.config, textJA.config},
		"health":    {textEN.health, textJA.health},
	} {
		if len(p.en) != len(p.ja) {
			t.Errorf("%s: %d entries in en, %d in ja", name, len(p.en), len(p.ja))
		}
		for k, en := range p.en {
			ja, ok := p.ja[k]
			if !ok {
				t.Errorf("%s %s: missing in ja", name, k)
				continue
			}
			check(name+" "+k, en, ja)
		}
	}
	for f, en := range textEN.families {
		check("family "+string(f), en, textJA.families[f])
	}
	for k := range textEN.categories {
		if textJA.categories[k] == "" {
			t.Errorf("category %s: missing in ja", k)
		}
	}
	for f := range familyURL {
		if textEN.famTitles[f] == "" || textJA.famTitles[f] == "" {
			t.Errorf("family %s: missing title", f)
		}
	}
}

func TestFindingTypes(t *testing.T) {
	for _, typ := range FindingTypes() {
		for _, lang := range Langs {
			ft, ok := LookupFindingType(typ, "TARGET", lang)
			if !ok {
				t.Errorf("%s %s: no entry", typ, lang)
				continue
			}
			if ft.Guidance.Meaning == "" || ft.Guidance.Response == "" || len(ft.Guidance.Steps) == 0 {
				t.Errorf("%s %s: incomplete guidance %+v", typ, lang, ft.Guidance)
			}
			if !strings.HasPrefix(ft.DocURL, "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-") || ft.RemediationURL == "" || ft.RemediationTitle == "" {
				t.Errorf("%s: links %+v", typ, ft)
			}
		}
	}
	target, _ := LookupFindingType("UnauthorizedAccess:EC2/SSHBruteForce", "TARGET", EN)
	actor, _ := LookupFindingType("UnauthorizedAccess:EC2/SSHBruteForce", "ACTOR", EN)
	if target.Guidance.Meaning == actor.Guidance.Meaning || !strings.Contains(actor.Guidance.Steps[0], "Isolate") {
		t.Errorf("actor variant not used: %+v", actor)
	}
	if _, ok := LookupFindingType("Made:Up/Type", "", EN); ok {
		t.Error("unknown type found")
	}
}

func TestConfigRules(t *testing.T) {
	r, ok := LookupConfigRule("securityhub-access-keys-rotated-eee76602", JA)
	if !ok || r.Identifier != "access-keys-rotated" || !r.HasGuidance || r.Control == nil || r.Control.ID != "IAM.3" ||
		r.DocURL != "https://docs.aws.amazon.com/config/latest/developerguide/access-keys-rotated.html" {
		t.Errorf("%+v %v", r, ok)
	}
	r, ok = LookupConfigRule("cloudtrail-enabled", EN)
	if !ok || !r.HasGuidance || r.Control != nil {
		t.Errorf("cloudtrail-enabled: %+v %v", r, ok)
	}
	// Known from the control catalog only: no prose, but a documentation link.
	r, ok = LookupConfigRule("dynamodb-pitr-enabled", EN)
	if !ok || r.HasGuidance || r.Control == nil {
		t.Errorf("dynamodb-pitr-enabled: %+v %v", r, ok)
	}
	for _, name := range []string{"my-cloudtrail-enabled", "securityhub-access-keys-rotated", "cloudtrail-enabled-x", ""} {
		if _, ok := LookupConfigRule(name, EN); ok {
			t.Errorf("%q matched", name)
		}
	}
	for _, id := range ConfigRulesWithGuidance() {
		if !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(id) {
			t.Errorf("bad identifier %q", id)
		}
	}
}

func TestCategoryGuidance(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Controls() {
		if c.Category == "" {
			continue
		}
		if _, ok := CategoryGuidance(c.Category, EN); !ok {
			t.Errorf("%s: category %q has no guidance", c.ID, c.Category)
		}
		seen[normaliseCategory(c.Category)] = true
	}
	for k := range textEN.categories {
		if !seen[k] {
			t.Errorf("category key %q is never used", k)
		}
	}
}

func TestHealthGuidance(t *testing.T) {
	if g, specific, url, ok := HealthGuidance("AWS_RISK_CREDENTIALS_EXPOSED", "issue", JA); !ok || !specific || url == "" || g.Meaning == "" {
		t.Error("credentials exposed")
	}
	if _, specific, _, ok := HealthGuidance("AWS_EC2_SOMETHING", "issue", EN); !ok || specific {
		t.Error("category fallback")
	}
	if _, _, _, ok := HealthGuidance("X", "nonsense", EN); ok {
		t.Error("unknown category matched")
	}
}
