package ask

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/kb"
)

var explainFindingTool = tool{
	name: "explain_finding",
	description: "Explain one Security Hub finding by its id: what it means, why it matters and how to fix it, from vigil's explanation engine, " +
		"with the sections of the organisation's policy documents about its control when there are any.",
	schema:    `{"type": "object", "properties": {"finding_id": {"type": "string"}}, "required": ["finding_id"], "additionalProperties": false}`,
	available: always,
	run: func(ctx context.Context, s *session, args json.RawMessage) (any, error) {
		var in struct {
			FindingID string `json:"finding_id"`
		}
		if err := decode("explain_finding", args, &in); err != nil {
			return nil, err
		}
		if strings.TrimSpace(in.FindingID) == "" {
			return nil, badArgs("explain_finding: finding_id is required")
		}
		return s.explainFinding(ctx, in.FindingID)
	},
}

// explained is what explain_finding returns.
type explained struct {
	FindingID   string   `json:"finding_id"`
	ControlID   string   `json:"control_id,omitempty"`
	Explanation string   `json:"explanation"`
	Policies    []kb.Hit `json:"policies,omitempty"`
}

func (s *session) explainFinding(ctx context.Context, id string) (*explained, error) {
	regions, err := s.lookupRegions(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	f, err := s.a.fd.get(ctx, id, regions)
	if err != nil {
		if code(err) == "" && strings.Contains(err.Error(), "not found") {
			return nil, &toolError{msg: err.Error()}
		}
		return nil, err
	}
	ev, err := findingEvent(f)
	if err != nil {
		return nil, err
	}
	x, err := s.a.deps.Explainer.Explain(ctx, ev, explain.Options{Lang: s.lang})
	if err != nil {
		return nil, fmt.Errorf("explaining %s: %w", id, err)
	}
	rec := toRecord(f)
	out := &explained{FindingID: rec.ID, ControlID: rec.ControlID, Explanation: strings.TrimSpace(string(explain.RenderText(x)))}
	s.cite(Citation{Type: CiteExplanation, Title: x.Title, ID: rec.ID})
	if s.a.deps.Knowledge != nil && rec.ControlID != "" {
		hits, err := s.a.deps.Knowledge.Search(ctx, rec.ControlID, 3)
		if err != nil {
			s.a.log.Warn("policy documents not searched", "error", err.Error())
		}
		out.Policies = hits
		for _, h := range hits {
			s.cite(policyCitation(h.Citation))
		}
	}
	return out, nil
}

func policyCitation(c kb.Citation) Citation {
	return Citation{Type: CitePolicy, Title: c.Title, Path: c.Path, Heading: c.Heading}
}

// findingEvent wraps a finding in the event Security Hub sends to
// EventBridge, which is what explanations read.
func findingEvent(f *types.AwsSecurityFinding) (*event.Event, error) {
	asff, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(asff, &v); err != nil {
		return nil, err
	}
	v = dropNulls(v)
	h := sha256.Sum256([]byte(aws.ToString(f.Id) + aws.ToString(f.UpdatedAt)))
	hx := hex.EncodeToString(h[:])
	env := map[string]any{
		"version":     "0",
		"id":          hx[:8] + "-" + hx[8:12] + "-" + hx[12:16] + "-" + hx[16:20] + "-" + hx[20:32],
		"detail-type": "Security Hub Findings - Imported",
		"source":      "aws.securityhub",
		"account":     aws.ToString(f.AwsAccountId),
		"time":        aws.ToString(f.UpdatedAt),
		"region":      aws.ToString(f.Region),
		"resources":   []string{aws.ToString(f.ProductArn) + "/" + aws.ToString(f.Id)},
		"detail":      map[string]any{"findings": []any{v}},
	}
	raw, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	return event.Parse(raw)
}

// dropNulls removes the null and empty fields the SDK's types marshal, so
// the finding reads as Security Hub writes it.
func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = dropNulls(e)
			if e == nil {
				delete(x, k)
				continue
			}
			if m, ok := e.(map[string]any); ok && len(m) == 0 {
				delete(x, k)
				continue
			}
			if a, ok := e.([]any); ok && len(a) == 0 {
				delete(x, k)
				continue
			}
			x[k] = e
		}
		return x
	case []any:
		out := x[:0]
		for _, e := range x {
			if e = dropNulls(e); e != nil {
				out = append(out, e)
			}
		}
		return out
	}
	return v
}
