package knowledge

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/lang"
)

func TestControlsCatalog(t *testing.T) {
	if n := len(Controls()); n != 358+59 {
		t.Fatalf("%d controls, want 358 FSBP and 59 others", n)
	}
	// A CIS/NIST control beyond FSBP (issue 12: KMS.4 was missing).
	if c, ok := LookupControl("KMS.4"); !ok || c.Severity != "MEDIUM" || c.ConfigRule != "cmk-backing-key-rotation-enabled" ||
		!slices.Contains(c.Standards, "CIS AWS Foundations Benchmark v1.4.0") {
		t.Errorf("KMS.4 = %+v, %v", c, ok)
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
		for _, lang := range lang.All() {
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
	target, _ := LookupFindingType("UnauthorizedAccess:EC2/SSHBruteForce", "TARGET", lang.EN)
	actor, _ := LookupFindingType("UnauthorizedAccess:EC2/SSHBruteForce", "ACTOR", lang.EN)
	if target.Guidance.Meaning == actor.Guidance.Meaning || !strings.Contains(actor.Guidance.Steps[0], "Isolate") {
		t.Errorf("actor variant not used: %+v", actor)
	}
	if _, ok := LookupFindingType("Made:Up/Type", "", lang.EN); ok {
		t.Error("unknown type found")
	}
}

func TestConfigRules(t *testing.T) {
	r, ok := LookupConfigRule("securityhub-access-keys-rotated-eee76602", lang.JA)
	if !ok || r.Identifier != "access-keys-rotated" || !r.HasGuidance || r.Control == nil || r.Control.ID != "IAM.3" ||
		r.DocURL != "https://docs.aws.amazon.com/config/latest/developerguide/access-keys-rotated.html" {
		t.Errorf("%+v %v", r, ok)
	}
	// The rule behind CloudTrail.3, a CIS/PCI/NIST control.
	r, ok = LookupConfigRule("cloudtrail-enabled", lang.EN)
	if !ok || !r.HasGuidance || r.Control == nil || r.Control.ID != "CloudTrail.3" {
		t.Errorf("cloudtrail-enabled: %+v %v", r, ok)
	}
	// Known from the control catalog only: no prose, but a documentation link.
	r, ok = LookupConfigRule("dynamodb-pitr-enabled", lang.EN)
	if !ok || r.HasGuidance || r.Control == nil {
		t.Errorf("dynamodb-pitr-enabled: %+v %v", r, ok)
	}
	for _, name := range []string{"my-cloudtrail-enabled", "securityhub-access-keys-rotated", "cloudtrail-enabled-x", ""} {
		if _, ok := LookupConfigRule(name, lang.EN); ok {
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
		if _, ok := CategoryGuidance(c.Category, lang.EN); !ok {
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
	if g, specific, url, ok := HealthGuidance("AWS_RISK_CREDENTIALS_EXPOSED", "issue", lang.JA); !ok || !specific || url == "" || g.Meaning == "" {
		t.Error("credentials exposed")
	}
	if _, specific, _, ok := HealthGuidance("AWS_EC2_SOMETHING", "issue", lang.EN); !ok || specific {
		t.Error("category fallback")
	}
	if _, _, _, ok := HealthGuidance("X", "nonsense", lang.EN); ok {
		t.Error("unknown category matched")
	}
}

// The CloudTrail catalog has the same keys, steps and commands in both
// languages, and every entry names its API reference.
func TestCloudTrailCatalogsMatch(t *testing.T) {
	for k, en := range textEN.cloudTrail {
		ja, ok := textJA.cloudTrail[k]
		if !ok {
			t.Errorf("%s: no Japanese entry", k)
			continue
		}
		if len(en.Steps) != len(ja.Steps) || (en.Response == "") != (ja.Response == "") {
			t.Errorf("%s: %d/%d steps", k, len(en.Steps), len(ja.Steps))
			continue
		}
		for i := range en.Steps {
			_, ce, _ := strings.Cut(en.Steps[i], "\n$ ")
			_, cj, _ := strings.Cut(ja.Steps[i], "\n$ ")
			if ce != cj {
				t.Errorf("%s step %d: commands differ:\n%s\n%s", k, i, ce, cj)
			}
		}
		if APIReferenceURL(k) == "" {
			t.Errorf("%s: no API reference", k)
		}
	}
	if len(textJA.cloudTrail) != len(textEN.cloudTrail) {
		t.Errorf("%d en entries, %d ja", len(textEN.cloudTrail), len(textJA.cloudTrail))
	}
}

// Control steps exist for catalog controls only, in both languages with
// the same commands, and use only the placeholders a finding can fill:
// its resource's variable, {account} and {region}.
func TestControlSteps(t *testing.T) {
	vars := map[string]bool{"account": true, "region": true, "api": true, "stage": true}
	for _, k := range asffResources {
		vars[k.Var] = true
	}
	for _, k := range arnResources {
		vars[k.Var] = true
	}
	ph := regexp.MustCompile(`\{([a-z_]+)\}`)
	if len(controlStepsEN) != len(controlStepsJA) {
		t.Errorf("%d controls with steps in en, %d in ja", len(controlStepsEN), len(controlStepsJA))
	}
	for id, en := range controlStepsEN {
		if _, ok := LookupControl(id); !ok {
			t.Errorf("steps for %s, which is not in the control catalog", id)
		}
		ja := controlStepsJA[id]
		if len(ja) != len(en) {
			t.Errorf("%s: %d steps in en, %d in ja", id, len(en), len(ja))
			continue
		}
		for i := range en {
			te, ce, _ := strings.Cut(en[i], "\n$ ")
			tj, cj, _ := strings.Cut(ja[i], "\n$ ")
			if ce != cj {
				t.Errorf("%s step %d: commands differ:\n%s\n%s", id, i+1, ce, cj)
			}
			if !strings.HasSuffix(tj, "。") {
				t.Errorf("%s step %d: Japanese text does not end with 。: %s", id, i+1, tj)
			}
			for _, m := range ph.FindAllStringSubmatch(te+ce+tj, -1) {
				if !vars[m[1]] {
					t.Errorf("%s step %d: placeholder {%s} no finding fills", id, i+1, m[1])
				}
			}
		}
	}
	for typ, k := range asffResources {
		if !strings.HasPrefix(k.Check, "aws ") {
			t.Errorf("%s: check %q", typ, k.Check)
		}
	}
}
