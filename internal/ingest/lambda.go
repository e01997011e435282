package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

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
// event. With store set, the event is committed to the database
// (PostgreSQL, shared with vigil serve replicas that deliver it) exactly as
// POST /events does. Without it, the event is routed and each target is
// called synchronously by now; if a target fails in a way a retry can fix,
// the handler returns an error so that Lambda's retries (and then the
// function's on-failure destination or EventBridge's DLQ) take over.
func LambdaHandler(store func(ctx context.Context, raw []byte) Result, now func(ctx context.Context, raw []byte) (*LambdaResult, error), log *slog.Logger) func(ctx context.Context, raw json.RawMessage) (*LambdaResult, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(ctx context.Context, raw json.RawMessage) (*LambdaResult, error) {
		if store == nil {
			return now(ctx, raw)
		}
		r := store(ctx, raw)
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
}
