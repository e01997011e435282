package pipeline

import (
	"context"
	"time"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/target"
)

// Sent is the outcome of one synchronous delivery.
type Sent struct {
	Rule   string `json:"rule"`
	Target string `json:"target"`
	// Err is the delivery's error, nil when it was delivered.
	Err error `json:"-"`
	// Retry says whether trying again can help (when Err is set).
	Retry bool `json:"retry,omitempty"`
}

// Route parses raw and decides, without storing anything, which rules
// match and what each of their targets would receive (silences in the
// database are not applied).
func (p *Pipeline) Route(raw []byte) (*event.Event, *route.Decision, error) {
	ev, err := ingest.Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	dec, err := p.Table().Route(ev, time.Now(), nil)
	if err != nil {
		return ev, nil, &ingest.Error{Code: "MalformedDetail", Err: err}
	}
	return ev, dec, nil
}

// DeliverNow calls each target that dec says receives something once,
// synchronously, without retries, grouping or the database: vigil lambda
// without a database and vigil process --deliver. Grouped targets get one
// request per event.
func (p *Pipeline) DeliverNow(ctx context.Context, ev *event.Event, dec *route.Decision) []Sent {
	var out []Sent
	table := p.Table()
	for _, m := range dec.Matched {
		if m.SilencedBy != "" {
			continue
		}
		for _, o := range m.Targets {
			if !o.Deliver {
				continue
			}
			d := target.Delivery{
				ID:   target.DeliveryID(m.Rule, o.Target, "", dec.Key),
				Rule: m.Rule, Target: o.Target, Attempt: 1,
				EventIDs: []string{ev.ID}, Payload: o.Payload,
			}
			retry, err := table.Send(ctx, d)
			err = p.secrets.RedactError(err)
			s := Sent{Rule: m.Rule, Target: o.Target, Err: err, Retry: retry && err != nil}
			if err != nil {
				p.log.Error("delivery failed", "event_id", ev.ID, "rule", m.Rule, "target", o.Target, "retryable", s.Retry, "error", err.Error())
			} else {
				p.log.Info("delivered", "event_id", ev.ID, "rule", m.Rule, "target", o.Target)
			}
			out = append(out, s)
		}
	}
	return out
}
