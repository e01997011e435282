package knowledge

import (
	"regexp"
	"sort"

	"github.com/vigilhq/vigil/internal/lang"
)

// ConfigRule is what the catalog knows about one AWS Config managed rule.
type ConfigRule struct {
	// Identifier is the managed rule's identifier, e.g. "access-keys-rotated".
	Identifier string
	// Guidance is our prose; zero when the catalog only knows the rule's
	// name (from the Security Hub control catalog) and not its meaning.
	Guidance    Guidance
	HasGuidance bool
	DocURL      string
	// Control is the Security Hub control that uses the rule, if any.
	Control *Control
}

const configDocs = "https://docs.aws.amazon.com/config/latest/developerguide/"

// ConfigRulesDocURL is the AWS Config page listing every managed rule.
const ConfigRulesDocURL = configDocs + "managed-rules-by-aws-config.html"

// Security Hub names the rules it creates "securityhub-<identifier>-<8 hex>".
var securityHubRuleName = regexp.MustCompile(`^securityhub-(.+)-[0-9a-f]{8}$`)

// LookupConfigRule finds the managed rule behind a Config rule name. It
// matches the name exactly against managed rule identifiers, or the
// "securityhub-<identifier>-<suffix>" names Security Hub gives the rules it
// creates. A name that merely resembles an identifier does not match: an
// organisation's custom rule is not guessed at.
func LookupConfigRule(name string, l lang.Lang) (ConfigRule, bool) {
	if r, ok := configRule(name, l); ok {
		return r, true
	}
	if m := securityHubRuleName.FindStringSubmatch(name); m != nil {
		return configRule(m[1], l)
	}
	return ConfigRule{}, false
}

func configRule(id string, l lang.Lang) (ConfigRule, bool) {
	g, has := textFor(l).config[id]
	c, hasControl := ControlForConfigRule(id)
	if !has && !hasControl {
		return ConfigRule{}, false
	}
	r := ConfigRule{Identifier: id, Guidance: g, HasGuidance: has, DocURL: configDocs + id + ".html"}
	if hasControl {
		r.Control = &c
	}
	return r, true
}

// ConfigRulesWithGuidance lists the managed rules that have our prose.
func ConfigRulesWithGuidance() []string {
	var out []string
	for k := range textEN.config {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
