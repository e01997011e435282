package ask

import (
	"encoding/json"

	"github.com/vigilhq/vigil/internal/lang"
)

// Answer is vigil's answer to one question. Its JSON form is the contract
// of vigil ask --format json and POST /ask:
//
//	{"answer": "...", "total": N, "findings": [...], "tool_calls": [...], "citations": [...]}
type Answer struct {
	// Text is the answer in the question's language.
	Text string `json:"answer"`
	// Total is how many findings match the last findings lookup; the
	// text says it for a "how many" question.
	Total int `json:"total"`
	// Findings are the matching findings, at most the request's limit.
	Findings []Finding `json:"findings"`
	// ToolCalls are the read-only tools run to answer, in order.
	ToolCalls []ToolCall `json:"tool_calls"`
	// Citations are where the answer comes from: API lookups, policy
	// documents (path and heading), AWS documentation pages.
	Citations []Citation `json:"citations"`

	// Engine is the engine that wrote Text: builtin, bedrock or openai.
	Engine string `json:"-"`
	// Lang is the language of Text.
	Lang lang.Lang `json:"-"`
	// Notes say what a reader should know about how the answer was made
	// (a model that failed, text the grounding check removed, a refused
	// tool). Rendered with the text; on standard error with JSON.
	Notes []string `json:"-"`
	// Approvals are the pending approvals a change request created.
	Approvals []string `json:"-"`
}

// Finding is what an answer lists of one Security Hub finding, named as
// ASFF names the fields.
type Finding struct {
	ID            string `json:"Id"`
	Title         string `json:"Title"`
	SeverityLabel string `json:"SeverityLabel"`
	ControlID     string `json:"ControlId"`
	ResourceID    string `json:"ResourceId"`
	AccountID     string `json:"AccountId"`
	Region        string `json:"Region"`
}

// ToolCall is one tool run to answer.
type ToolCall struct {
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

// Citation is one source of an answer.
type Citation struct {
	// Type is securityhub (a GetFindings lookup), aws-api (a read of a
	// resource), policy (an organisation's document), aws-docs (an AWS
	// documentation page), explanation (vigil's explanation of a
	// finding) or investigation (CloudTrail as loaded into vigil).
	Type string `json:"type"`
	// Title names the source: the API call, the document's title, the
	// page's title.
	Title string `json:"title,omitempty"`
	// Path and Heading locate a policy document's section.
	Path    string `json:"path,omitempty"`
	Heading string `json:"heading,omitempty"`
	URL     string `json:"url,omitempty"`
	// ID is the finding or resource the source is about.
	ID     string `json:"id,omitempty"`
	Region string `json:"region,omitempty"`
}

// Citation types.
const (
	CiteSecurityHub   = "securityhub"
	CiteAWSAPI        = "aws-api"
	CitePolicy        = "policy"
	CiteAWSDocs       = "aws-docs"
	CiteExplanation   = "explanation"
	CiteInvestigation = "investigation"
)
