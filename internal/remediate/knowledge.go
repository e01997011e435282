package remediate

import (
	"context"
	"encoding/json"

	"github.com/vigilhq/vigil/internal/kb"
)

// Policies give playbook parameters from the organisation's own policy
// documents (internal/kb, front matter remediate: {PLAYBOOK: {...}}). They
// override the configured defaults, and the plan cites the documents.
type Policies interface {
	PlaybookParams(ctx context.Context, playbook string) (*kb.PlaybookParams, error)
}

// policyParams returns the documents' parameters for playbook and the
// documents that set them; nothing without Policies. Documents that cannot
// be read are logged and left out: the configured parameters apply, and
// the plan (which shows its parameters) cites nothing.
func (s *Service) policyParams(ctx context.Context, playbook string) (json.RawMessage, []kb.Citation) {
	if s.policies == nil {
		return nil, nil
	}
	pp, err := s.policies.PlaybookParams(ctx, playbook)
	if err != nil {
		s.log.Warn("policy documents not read; the configured parameters apply", "playbook", playbook, "error", err.Error())
		return nil, nil
	}
	if pp == nil {
		return nil, nil
	}
	return pp.Params, pp.Citations
}
