package target

import (
	"context"

	"github.com/vigilhq/vigil/event"
)

// Remediation is what the remediate target type needs of the remediation
// service (internal/remediate): to request the remediations an event calls
// for. The request only records them; the service's policy decides whether
// anything changes.
type Remediation interface {
	// RequestRemediations requests, for rule, the playbooks named (the
	// mapping's when none) for every finding of ev. A finding requested
	// before (sent again) starts nothing new.
	RequestRemediations(ctx context.Context, ev *event.Event, rule string, playbooks []string) error
}
