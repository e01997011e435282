package pipeline

import (
	"context"

	"github.com/vigilhq/vigil/internal/operator"
)

// Operator returns the operator verbs (silences, dead letters, events,
// rules, replay) on this pipeline's database, configuration and queue. A
// silence added or expired through them applies at once. A stateless
// pipeline's verbs that need the database say so.
func (p *Pipeline) Operator() *operator.Local {
	l := &operator.Local{Store: p.st, Config: p.Config, Table: p.Table, Queue: p.q, Deliverer: p.deliver}
	if p.in != nil {
		l.SilencesChanged = func(ctx context.Context) error { return p.in.LoadSilences(ctx) }
	}
	return l
}
