package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigilhq/vigil/internal/ingest"
)

// LambdaHandler returns vigil lambda's handler: with a database the event
// is committed for vigil serve replicas to deliver (as POST /events does);
// a stateless pipeline delivers synchronously, and fails the invocation
// when a target failed in a way a retry can fix, so Lambda's retries and
// the function's on-failure destination take over.
func (p *Pipeline) LambdaHandler() func(ctx context.Context, raw json.RawMessage) (*ingest.LambdaResult, error) {
	var store func(ctx context.Context, raw []byte) ingest.Result
	if p.in != nil {
		store = func(ctx context.Context, raw []byte) ingest.Result {
			return p.Accept(ctx, "lambda", [][]byte{raw})[0]
		}
	}
	now := func(ctx context.Context, raw []byte) (*ingest.LambdaResult, error) {
		ev, dec, err := p.Route(raw)
		if err != nil {
			var ie *ingest.Error
			if errors.As(err, &ie) {
				p.log.Error("lambda: invalid event dropped", "error", err.Error())
				return &ingest.LambdaResult{}, nil
			}
			return nil, err
		}
		res := &ingest.LambdaResult{EventID: ev.ID, Routing: dec}
		var retryable []string
		for _, s := range p.DeliverNow(ctx, ev, dec) {
			name := s.Rule + "/" + s.Target
			if s.Err == nil {
				res.Delivered = append(res.Delivered, name)
				continue
			}
			res.Failed = append(res.Failed, name)
			if s.Retry {
				retryable = append(retryable, name)
			}
		}
		if len(retryable) > 0 {
			return res, fmt.Errorf("event %s: delivery to %v failed; retrying can help", ev.ID, retryable)
		}
		return res, nil
	}
	return ingest.LambdaHandler(store, now, p.log)
}
