package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigilhq/vigil/internal/route"
)

// LambdaResult is what the Lambda handler returns for one event.
type LambdaResult struct {
	EventID   string          `json:"event_id"`
	Duplicate bool            `json:"duplicate,omitempty"`
	Routing   *route.Decision `json:"routing,omitempty"`
	// Delivered and Failed list "rule/target" for synchronous delivery.
	Delivered []string `json:"delivered,omitempty"`
	Failed    []string `json:"failed,omitempty"`
	// Stored is true when the event was committed for vigil serve replicas
	// to deliver.
	Stored bool `json:"stored,omitempty"`
}

// LambdaHandler returns the handler vigil lambda runs for each EventBridge
// event. With in set, the event is committed to the database (PostgreSQL,
// shared with vigil serve replicas that deliver it) exactly as POST /events
// does. Without it, the event is routed with table and each target is
// called synchronously; if a target fails in a way a retry can fix, the
// handler returns an error so that Lambda's retries (and then the
// function's on-failure destination or EventBridge's DLQ) take over.
func LambdaHandler(table *route.Table, in *Ingester, log *slog.Logger) func(ctx context.Context, raw json.RawMessage) (*LambdaResult, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context, raw json.RawMessage) (*LambdaResult, error) {
		if in != nil {
			r := in.Accept(ctx, "lambda", [][]byte{raw})[0]
			if r.Err != nil {
				var ie *Error
				if errors.As(r.Err, &ie) {
					// Bad input never gets better: do not make Lambda
					// retry it.
					log.Error("lambda: invalid event dropped", "error", r.Err.Error())
					return &LambdaResult{}, nil
				}
				return nil, r.Err
			}
			return &LambdaResult{EventID: r.EventID, Duplicate: r.Duplicate, Routing: r.Decision, Stored: true}, nil
		}
		ev, err := Parse(raw)
		if err != nil {
			log.Error("lambda: invalid event dropped", "error", err.Error())
			return &LambdaResult{}, nil
		}
		dec, err := table.Route(ev, time.Now(), nil)
		if err != nil {
			return nil, err
		}
		res := &LambdaResult{EventID: ev.ID, Routing: dec}
		var retryable []string
		for _, m := range dec.Matched {
			for _, o := range m.Targets {
				if !o.Deliver || m.SilencedBy != "" {
					continue
				}
				name := m.Rule + "/" + o.Target
				d := route.Delivery{ID: dec.Key + "/" + name, Rule: m.Rule, Target: o.Target, Payload: o.Payload, EventIDs: []string{ev.ID}, Attempt: 1}
				retry, err := table.Send(ctx, d)
				if err != nil {
					res.Failed = append(res.Failed, name)
					log.Error("lambda: delivery failed", "event_id", ev.ID, "rule", m.Rule, "target", o.Target, "retryable", retry, "error", err.Error())
					if retry {
						retryable = append(retryable, name)
					}
					continue
				}
				res.Delivered = append(res.Delivered, name)
				log.Info("lambda: delivered", "event_id", ev.ID, "rule", m.Rule, "target", o.Target)
			}
		}
		if len(retryable) > 0 {
			return res, fmt.Errorf("event %s: delivery to %v failed; retrying can help", ev.ID, retryable)
		}
		return res, nil
	}
}
