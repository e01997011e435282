package ask

import (
	"context"
	"encoding/json"

	"github.com/vigilhq/vigil/internal/explain/llm/chat"
)

// tool is one read-only tool: offered to a model and run by the built-in
// engine alike. Adding a tool is one entry in tools().
type tool struct {
	name string
	// description tells the model what the tool does and when to use it.
	description string
	// schema is the JSON Schema of the tool's arguments.
	schema string
	// available says whether the tool can run with the Asker's
	// dependencies (no knowledge base: no search_policies).
	available func(a *Asker) bool
	// run runs the tool; its result is encoded as JSON.
	run func(ctx context.Context, s *session, args json.RawMessage) (any, error)
}

func always(*Asker) bool { return true }

// tools is the table of every tool, in the order offered.
func tools() []tool {
	return []tool{
		findingsBySeverityTool,
		searchFindingsTool,
		describeResourceTool,
		explainFindingTool,
		searchPoliciesTool,
		searchAWSDocsTool,
		getTimelineTool,
		getRelatedTool,
	}
}

// tool returns the available tool named name, or nil.
func (a *Asker) tool(name string) *tool {
	for _, t := range tools() {
		if t.name == name && t.available(a) {
			return &t
		}
	}
	return nil
}

// Tools names the tools this Asker offers.
func (a *Asker) Tools() []string {
	var out []string
	for _, t := range tools() {
		if t.available(a) {
			out = append(out, t.name)
		}
	}
	return out
}

// chatTools describes the available tools to a model.
func (a *Asker) chatTools() []chat.Tool {
	var out []chat.Tool
	for _, t := range tools() {
		if t.available(a) {
			out = append(out, chat.Tool{Name: t.name, Description: t.description, InputSchema: json.RawMessage(t.schema)})
		}
	}
	return out
}
