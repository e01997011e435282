package ask

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/vigilhq/vigil/internal/explain/llm/grounding"
	"github.com/vigilhq/vigil/internal/explain/llm/mcpdocs"
)

// maxDocsResult bounds what one documentation search returns to a model.
const maxDocsResult = 6000

// docsResult is what search_aws_docs returns.
type docsResult struct {
	Results string `json:"results"`
}

// searchDocs runs the documentation server's search tool (its name differs
// between the AWS Knowledge and the AWS Documentation MCP servers).
func (s *session) searchDocs(ctx context.Context, query string) (*docsResult, error) {
	docs := s.a.deps.Docs
	list, err := docs.Tools(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	name := ""
	for _, t := range list {
		if strings.HasSuffix(t.Name, "search_documentation") {
			name = t.Name
			break
		}
	}
	if name == "" {
		return nil, &toolError{msg: "search_aws_docs: the documentation server offers no search tool"}
	}
	args, _ := json.Marshal(map[string]any{"search_phrase": query, "limit": 5})
	r, err := docs.Call(ctx, name, args)
	if err != nil {
		return nil, unavailable(err)
	}
	if r.IsError {
		return nil, &toolError{msg: "search_aws_docs: " + r.Text}
	}
	t := r.Text
	if len(t) > maxDocsResult {
		cut := maxDocsResult
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
		t = t[:cut] + "\n[cut]"
	}
	for _, u := range grounding.URLs(t) {
		s.cite(Citation{Type: CiteAWSDocs, URL: u.Value})
	}
	return &docsResult{Results: t}, nil
}

// unavailable turns a documentation server that cannot be used now into a
// tool error: the answer goes on without it.
func unavailable(err error) error {
	var ue *mcpdocs.UnavailableError
	if errors.As(err, &ue) {
		return &toolError{msg: "search_aws_docs: the AWS documentation server is unavailable right now; answer without it"}
	}
	return &toolError{msg: "search_aws_docs: " + err.Error()}
}
