package knowledge

import (
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
)

// Guidance is our own prose for one catalog entry in one language.
//
// Steps may contain placeholders that the caller fills from the event:
// {instance} {sg} {profile} {key} {user} {bucket} {remote_ip} {domain}
// {ports} {api} {account} {region} {resource} {rule}. A step whose
// placeholders the event cannot fill is dropped by the caller rather than
// shown with a hole. A step may end with a line "$ <command>": an AWS CLI
// command that callers show apart from the text.
type Guidance struct {
	Meaning  string   // what it is and why it matters
	Response string   // the recommended response, one or two sentences
	Steps    []string // concrete steps, in order
}

// text is one language's prose for every catalog.
type text struct {
	guardDuty map[string]Guidance // by finding type; "#ACTOR" suffix for the actor variant
	families  map[family]Guidance // steps shared by several finding types
	famTitles map[family]string   // titles of the GuardDuty remediation pages
	// gdSummaries says what a GuardDuty finding type reports, for the types
	// without full prose in guardDuty.
	gdSummaries map[string]string
	config      map[string]Guidance // by AWS Config managed rule identifier
	categories  map[string]string   // by normalised Security Hub control category
	health      map[string]Guidance // by AWS Health event type code, or "category:<name>"
	cloudTrail  map[string]Guidance // by CloudTrail call key, e.g. "iam:AttachUserPolicy"
	purposes    map[string]string   // GuardDuty threat purposes, by lower-case name
	controls    map[string][]string // Security Hub control steps, by control id
}

// Every catalog has prose in each language of lang.All.
var texts = map[lang.Lang]*text{lang.EN: &textEN, lang.JA: &textJA}

func textFor(l lang.Lang) *text {
	if t, ok := texts[l]; ok {
		return t
	}
	return &textEN
}

// CategoryGuidance returns why a control in the given Security Hub category
// matters, e.g. for "Protect > Data protection > Encryption of data at
// rest". ok is false for an empty or unknown category.
func CategoryGuidance(category string, l lang.Lang) (string, bool) {
	key := normaliseCategory(category)
	if key == "" {
		return "", false
	}
	s, ok := textFor(l).categories[key]
	return s, ok
}

// normaliseCategory maps AWS's many spellings of a control category to one
// of a few keys.
func normaliseCategory(c string) string {
	c = strings.ToLower(c)
	switch {
	case c == "":
		return ""
	case strings.Contains(c, "at rest"), strings.Contains(c, "at-rest"):
		return "encryption-at-rest"
	case strings.Contains(c, "in transit"), strings.Contains(c, "in-transit"):
		return "encryption-in-transit"
	case strings.Contains(c, "publicly accessible"), strings.Contains(c, "public ip"):
		return "public"
	case strings.Contains(c, "protective services"):
		return "protective"
	case strings.Contains(c, "network"):
		return "network"
	case strings.Contains(c, "access management"), strings.Contains(c, "access control"), strings.Contains(c, "api actions"), strings.Contains(c, "api operations"):
		return "access"
	case strings.Contains(c, "logging"):
		return "logging"
	case strings.Contains(c, "resilience"), strings.Contains(c, "backup"), strings.Contains(c, "high availability"):
		return "resilience"
	case strings.Contains(c, "detection"), strings.Contains(c, "monitoring"):
		return "detection"
	case strings.Contains(c, "vulnerability"):
		return "patching"
	case strings.Contains(c, "secure development"):
		return "development"
	case strings.Contains(c, "deletion protection"), strings.Contains(c, "data integrity"), strings.Contains(c, "data protection"):
		return "data-protection"
	case strings.Contains(c, "inventory"), strings.Contains(c, "resource configuration"):
		return "inventory"
	}
	return ""
}
