package chat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// scripted is an in-process Model for the loop's own logic; the wire
// formats are tested against real HTTP servers in llm/bedrock and llm/openai.
type scripted struct {
	turns []Message
	reqs  []Request
}

func (s *scripted) Name() string { return "scripted" }

func (s *scripted) Converse(_ context.Context, r *Request) (*Response, error) {
	s.reqs = append(s.reqs, *r)
	if len(s.turns) == 0 {
		return nil, errors.New("no turn left")
	}
	m := s.turns[0]
	s.turns = s.turns[1:]
	return &Response{Message: m}, nil
}

type box struct{ ran []string }

func (b *box) Tools() []Tool { return []Tool{{Name: "search"}} }

func (b *box) Call(_ context.Context, c ToolCall) (string, bool) {
	b.ran = append(b.ran, c.Name)
	return "ok", false
}

func TestRefusesToolsNotOffered(t *testing.T) {
	m := &scripted{turns: []Message{
		{ToolCalls: []ToolCall{{ID: "1", Name: "terminate_instances", Input: []byte(`{}`)}, {ID: "2", Name: "search", Input: []byte(`{}`)}}},
		{Text: "answer"},
	}}
	b := &box{}
	resp, tr, err := Run(context.Background(), m, Request{Messages: []Message{{Role: User, Text: "q"}}}, b, Limits{})
	if err != nil || resp.Message.Text != "answer" {
		t.Fatal(resp, err)
	}
	if strings.Join(b.ran, ",") != "search" || len(tr.Refused) != 1 || tr.Refused[0].Name != "terminate_instances" {
		t.Errorf("ran %v refused %+v", b.ran, tr.Refused)
	}
	res := m.reqs[1].Messages[2].ToolResults
	if len(res) != 2 || !res[0].IsError || !strings.Contains(res[0].Text, "does not exist") || res[1].IsError {
		t.Errorf("results %+v", res)
	}
	for _, r := range m.reqs {
		if len(r.Tools) != 1 || r.Tools[0].Name != "search" {
			t.Errorf("tools offered %+v", r.Tools)
		}
	}
}

func TestNoToolboxOffersNothing(t *testing.T) {
	m := &scripted{turns: []Message{{ToolCalls: []ToolCall{{ID: "1", Name: "search"}}}, {Text: "a"}}}
	_, tr, err := Run(context.Background(), m, Request{}, nil, Limits{})
	if err != nil || len(tr.Refused) != 1 || len(m.reqs[0].Tools) != 0 {
		t.Errorf("%+v %v", tr, err)
	}
}

func TestBudgetAndTurnLimit(t *testing.T) {
	var turns []Message
	for i := range 10 {
		turns = append(turns, Message{ToolCalls: []ToolCall{{ID: fmt.Sprint(i), Name: "search"}}})
	}
	m := &scripted{turns: turns}
	b := &box{}
	_, tr, err := Run(context.Background(), m, Request{}, b, Limits{MaxTurns: 4, MaxToolCalls: 2})
	if !errors.Is(err, ErrNoAnswer) || tr.Turns != 4 || len(b.ran) != 2 {
		t.Errorf("err %v turns %d ran %d", err, tr.Turns, len(b.ran))
	}
	// Past the budget, calls are answered with an error and not run.
	if r := m.reqs[3].Messages[len(m.reqs[3].Messages)-1]; !r.ToolResults[0].IsError || !strings.Contains(r.Text, "last turn") {
		t.Errorf("last turn message %+v", r)
	}
}
