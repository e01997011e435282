package ask

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/vigilhq/vigil/internal/kb"
)

var searchPoliciesTool = tool{
	name: "search_policies",
	description: "Search the organisation's own policy documents (Japanese and English full text). Returns matching sections with their document path and heading: " +
		"cite them. Use it when the answer depends on what the organisation requires (password rules, exceptions, approval, ownership).",
	schema:    `{"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "minimum": 1, "maximum": 10}}, "required": ["query"], "additionalProperties": false}`,
	available: func(a *Asker) bool { return a.deps.Knowledge != nil },
	run: func(ctx context.Context, s *session, args json.RawMessage) (any, error) {
		var in struct {
			Query string `json:"query"`
			Limit int    `json:"limit"`
		}
		if err := decode("search_policies", args, &in); err != nil {
			return nil, err
		}
		if strings.TrimSpace(in.Query) == "" {
			return nil, badArgs("search_policies: query is required")
		}
		if in.Limit <= 0 || in.Limit > 10 {
			in.Limit = 5
		}
		hits, err := s.a.deps.Knowledge.Search(ctx, in.Query, in.Limit)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			s.cite(policyCitation(h.Citation))
		}
		if hits == nil {
			hits = []kb.Hit{}
		}
		return struct {
			Hits []kb.Hit `json:"sections"`
		}{hits}, nil
	},
}

var searchAWSDocsTool = tool{
	name:        "search_aws_docs",
	description: "Search the official AWS documentation. Returns page titles, URLs and excerpts: link only to URLs it returned.",
	schema:      `{"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"], "additionalProperties": false}`,
	available:   func(a *Asker) bool { return a.deps.Docs != nil },
	run: func(ctx context.Context, s *session, args json.RawMessage) (any, error) {
		var in struct {
			Query string `json:"query"`
		}
		if err := decode("search_aws_docs", args, &in); err != nil {
			return nil, err
		}
		if strings.TrimSpace(in.Query) == "" {
			return nil, badArgs("search_aws_docs: query is required")
		}
		return s.searchDocs(ctx, in.Query)
	},
}
