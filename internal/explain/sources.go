package explain

import "github.com/vigilhq/vigil/event"

// source is what the built-in engine knows about one kind of event: how to
// read its facts and how to explain them. Each source lives in a file of
// its own (securityhub.go, guardduty.go, ...).
type source struct {
	// facts reads the facts of ev, starting from base (the envelope's): one
	// Facts per finding for a source whose events carry several, one
	// otherwise. It fails only when the detail does not have the source's
	// documented shape.
	facts func(base Facts, ev *event.Event) ([]Facts, error)
	// explain writes the explanation of the facts (never empty).
	explain func(b *builder, facts []Facts)
}

// sources is the table of the sources the built-in engine knows, by event
// kind. A kind that is not here is explained by genericSource. Adding a
// source is one file and one line here.
var sources = map[event.Kind]source{
	event.KindSecurityHub:    securityHubSource,
	event.KindGuardDuty:      guardDutySource,
	event.KindConfig:         configSource,
	event.KindAlarm:          alarmSource,
	event.KindHealth:         healthSource,
	event.KindAccessAnalyzer: accessAnalyzerSource,
	event.KindCloudTrail:     cloudTrailSource,
	event.KindInstanceState:  instanceStateSource,
	event.KindConsoleSignIn:  signInSource,
	event.KindInsight:        insightSource,
	event.KindInspector:      inspectorSource,
}

// sourceFor returns the source that explains events of kind k.
func sourceFor(k event.Kind) source {
	if s, ok := sources[k]; ok {
		return s
	}
	return genericSource
}
