package ask

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
)

// session is one question being answered: the tools it ran, what they
// returned and what the answer may therefore say.
type session struct {
	a        *Asker
	question string
	lang     lang.Lang
	limit    int
	// regions are where findings are looked up; explicitRegions says they
	// were chosen (--regions, configuration) rather than defaulted.
	regions         []string
	explicitRegions bool
	by              string

	calls []ToolCall
	cites []Citation
	// seen is every tool result as text: what an answer may name.
	seen strings.Builder
	// last is the last findings lookup: the answer's total and findings.
	last *lookup
	// derived are numbers the built-in engine computed from tool results
	// (how many lines it shows, how many more there are).
	derived []string
}

// toolError is a tool failure the model may recover from (bad arguments,
// a resource that does not exist); other errors end the answer.
type toolError struct {
	msg   string
	cause error // what the tool's source said, when it said something
}

func (e *toolError) Error() string { return e.msg }

func (e *toolError) Unwrap() error { return e.cause }

func badArgs(format string, args ...any) error {
	return &toolError{msg: fmt.Sprintf(format, args...)}
}

// call runs the tool name with args (a JSON object) and returns its result
// as JSON. Only tools of the table that are available run.
func (s *session) call(ctx context.Context, name string, args json.RawMessage) (string, error) {
	t := s.a.tool(name)
	if t == nil {
		return "", &toolError{msg: fmt.Sprintf("tool %q does not exist", name)}
	}
	if len(args) == 0 || string(args) == "null" {
		args = json.RawMessage(`{}`)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(args, &probe); err != nil {
		return "", badArgs("%s: the arguments must be a JSON object: %v", name, err)
	}
	compact, _ := json.Marshal(probe)
	s.calls = append(s.calls, ToolCall{Name: name, Arguments: compact})
	v, err := t.run(ctx, s, args)
	if err != nil {
		return "", err
	}
	// Not HTML-escaped: a URL's & must read as the answer will write it.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	out := strings.TrimSpace(buf.String())
	s.seen.WriteString(out)
	s.seen.WriteByte('\n')
	return out, nil
}

// decode reads a tool's arguments strictly: an unknown field is an error
// the model can correct.
func decode(name string, args json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(args)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badArgs("%s: %v", name, err)
	}
	return nil
}

// cite adds a citation once.
func (s *session) cite(c Citation) {
	if !slices.Contains(s.cites, c) {
		s.cites = append(s.cites, c)
	}
}

// lookupRegions are the regions to look in for f: the regions the
// question names when none were chosen (Security Hub keeps findings where
// they were found), else the chosen or default ones.
func (s *session) lookupRegions(ctx context.Context, f Filter) ([]string, error) {
	if len(f.Regions) > 0 && !s.explicitRegions {
		return f.Regions, nil
	}
	if len(s.regions) > 0 {
		return s.regions, nil
	}
	cfg, err := s.a.deps.AWS.Config(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		return nil, errors.New("no region to look in: set AWS_REGION or pass --regions")
	}
	s.regions = []string{cfg.Region}
	return s.regions, nil
}

// findings runs a findings lookup and makes it the answer's.
func (s *session) findings(ctx context.Context, f Filter) (*lookup, error) {
	regions, err := s.lookupRegions(ctx, f)
	if err != nil {
		return nil, err
	}
	l, err := s.a.fd.search(ctx, f, regions, s.limit)
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		s.cite(Citation{Type: CiteSecurityHub, Title: "Security Hub GetFindings", Region: r})
	}
	s.last = l
	return l, nil
}

// finish fills the parts of the answer every engine shares.
func (s *session) finish(ans *Answer) {
	ans.ToolCalls = s.calls
	if ans.ToolCalls == nil {
		ans.ToolCalls = []ToolCall{}
	}
	ans.Citations = s.cites
	if ans.Citations == nil {
		ans.Citations = []Citation{}
	}
	ans.Findings = []Finding{}
	if s.last != nil {
		ans.Total = s.last.Total
		for _, r := range s.last.Findings {
			ans.Findings = append(ans.Findings, r.Finding)
		}
	}
}
