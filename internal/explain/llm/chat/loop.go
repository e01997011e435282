package chat

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Toolbox is the set of tools a conversation may use. Run only offers
// Tools() and only calls Call with one of their names.
type Toolbox interface {
	// Tools returns the tools to offer, possibly none.
	Tools() []Tool
	// Call runs one offered tool. The returned text goes back to the model;
	// isError marks it as a failed call the model may recover from.
	Call(ctx context.Context, call ToolCall) (text string, isError bool)
}

// Limits bound a tool loop. Zero values take the defaults.
type Limits struct {
	// MaxTurns is how many times the model is called, 6 by default.
	MaxTurns int
	// MaxToolCalls is how many tool calls are run, 4 by default; calls past
	// it are answered with an error asking for the final answer.
	MaxToolCalls int
}

func (l Limits) withDefaults() Limits {
	if l.MaxTurns <= 0 {
		l.MaxTurns = 6
	}
	if l.MaxToolCalls <= 0 {
		l.MaxToolCalls = 4
	}
	return l
}

// Transcript records what happened in a tool loop.
type Transcript struct {
	// Messages is the whole conversation after the request's messages,
	// model answers and tool results alike.
	Messages []Message
	// Turns is how many times the model was called.
	Turns int
	// ToolCalls are the calls that were run, in order.
	ToolCalls []ToolCall
	// Refused are the calls asked for a tool that was not offered: they
	// are never run, whatever the model says.
	Refused []ToolCall
	Usage   Usage
}

// ErrNoAnswer means the model kept asking for tools until the turn limit.
var ErrNoAnswer = errors.New("the model did not give a final answer within the turn limit")

// Run converses with m until it answers without asking for a tool, running
// the tools it asks for from tb in between. A tool the model asks for that
// tb did not offer is refused and recorded, never run. tb may be nil: no
// tools are offered then.
func Run(ctx context.Context, m Model, req Request, tb Toolbox, lim Limits) (*Response, *Transcript, error) {
	lim = lim.withDefaults()
	var offered []Tool
	if tb != nil {
		offered = tb.Tools()
	}
	names := make(map[string]bool, len(offered))
	for _, t := range offered {
		names[t.Name] = true
	}
	req.Tools = offered
	req.Messages = append([]Message(nil), req.Messages...)
	tr := &Transcript{}
	for tr.Turns < lim.MaxTurns {
		if err := ctx.Err(); err != nil {
			return nil, tr, err
		}
		resp, err := m.Converse(ctx, &req)
		tr.Turns++
		if err != nil {
			return nil, tr, err
		}
		tr.Usage.InputTokens += resp.Usage.InputTokens
		tr.Usage.OutputTokens += resp.Usage.OutputTokens
		resp.Message.Role = Assistant
		req.Messages = append(req.Messages, resp.Message)
		tr.Messages = append(tr.Messages, resp.Message)
		if len(resp.Message.ToolCalls) == 0 {
			return resp, tr, nil
		}
		results := make([]ToolResult, 0, len(resp.Message.ToolCalls))
		for _, call := range resp.Message.ToolCalls {
			r := ToolResult{CallID: call.ID, Name: call.Name}
			switch {
			case !names[call.Name]:
				tr.Refused = append(tr.Refused, call)
				r.Text, r.IsError = refusal(call.Name, offered), true
			case len(tr.ToolCalls) >= lim.MaxToolCalls:
				r.Text, r.IsError = "The tool call budget is spent. Give your final answer now with what you have.", true
			default:
				tr.ToolCalls = append(tr.ToolCalls, call)
				r.Text, r.IsError = tb.Call(ctx, call)
			}
			results = append(results, r)
		}
		msg := Message{Role: User, ToolResults: results}
		if tr.Turns == lim.MaxTurns-1 {
			// The last turn: say so, so that the model answers instead of
			// asking again.
			msg.Text = "This is the last turn: give your final answer now."
		}
		req.Messages = append(req.Messages, msg)
		tr.Messages = append(tr.Messages, msg)
	}
	return nil, tr, ErrNoAnswer
}

func refusal(name string, offered []Tool) string {
	if len(offered) == 0 {
		return fmt.Sprintf("Tool %q does not exist: no tools are available in this conversation.", name)
	}
	list := make([]string, len(offered))
	for i, t := range offered {
		list[i] = t.Name
	}
	sort.Strings(list)
	return fmt.Sprintf("Tool %q does not exist. The only tools, all read-only, are: %s.", name, strings.Join(list, ", "))
}
