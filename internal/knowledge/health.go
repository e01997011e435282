package knowledge

import "github.com/vigilhq/vigil/internal/lang"

// HealthDocURL is the AWS Health user guide.
const HealthDocURL = "https://docs.aws.amazon.com/health/latest/ug/what-is-aws-health.html"

// healthLinks are extra official pages for specific Health event types.
var healthLinks = map[string]string{
	"AWS_RISK_CREDENTIALS_EXPOSED": "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
}

// HealthGuidance returns our prose for an AWS Health event: for its event
// type code when the catalog has one, else for its category (issue,
// accountNotification, scheduledChange, investigation). specific tells
// which of the two matched; docURL is an extra page for the type, or "".
func HealthGuidance(code, category string, l lang.Lang) (g Guidance, specific bool, docURL string, ok bool) {
	t := textFor(l)
	if g, ok := t.health[code]; ok {
		return g, true, healthLinks[code], true
	}
	g, ok = t.health["category:"+category]
	return g, false, "", ok
}
