// Package bedrock implements chat.Model with the Amazon Bedrock Converse API
// (aws-sdk-go-v2 bedrockruntime), tools included through toolConfig.
package bedrock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/vigilhq/vigil/internal/explain/llm/chat"
)

// DefaultModel is the model id used when none is configured: the Amazon
// Nova 2 Lite inference profile for Japan, as the system vigil replaces
// used. It needs a region in Japan (ap-northeast-1 or ap-northeast-3).
const DefaultModel = "jp.amazon.nova-2-lite-v1:0"

// Options configure a Bedrock model.
type Options struct {
	// Model is a model id, inference profile id or ARN; DefaultModel when
	// empty.
	Model string
	// Endpoint overrides the Bedrock Runtime endpoint, e.g. a VPC endpoint
	// or a test server. The SDK also honours
	// AWS_ENDPOINT_URL_BEDROCK_RUNTIME.
	Endpoint string
	// MaxAttempts bounds the SDK's retries of throttled and failed calls;
	// 0 keeps the configuration's setting.
	MaxAttempts int
}

// Model is a Bedrock Converse model.
type Model struct {
	client *bedrockruntime.Client
	model  string
	region string
	creds  aws.CredentialsProvider
}

// ErrNoRegion says the AWS configuration names no region.
var ErrNoRegion = errors.New("bedrock: region is not set: give a region (--region) or set AWS_REGION; the default model " + DefaultModel + " runs in ap-northeast-1")

// New returns a model that calls Bedrock with cfg (region, credentials,
// retries: the caller's AWS configuration, e.g. from awsx.Provider). It
// does not call AWS; Check does.
func New(cfg aws.Config, o Options) (*Model, error) {
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if cfg.Region == "" {
		return nil, ErrNoRegion
	}
	client := bedrockruntime.NewFromConfig(cfg, func(bo *bedrockruntime.Options) {
		if o.Endpoint != "" {
			bo.BaseEndpoint = aws.String(o.Endpoint)
		}
		if o.MaxAttempts > 0 {
			bo.RetryMaxAttempts = o.MaxAttempts
		}
	})
	return &Model{client: client, model: o.Model, region: cfg.Region, creds: cfg.Credentials}, nil
}

// Name returns "bedrock MODEL (REGION)".
func (m *Model) Name() string { return "bedrock " + m.model + " (" + m.region + ")" }

// Check fails with a clear error when no AWS credentials can be found. It
// may contact the instance metadata service; ctx bounds it.
func (m *Model) Check(ctx context.Context) error {
	if m.creds == nil {
		return errors.New("bedrock: no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role")
	}
	if _, err := m.creds.Retrieve(ctx); err != nil {
		return fmt.Errorf("bedrock: no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role (%v)", err)
	}
	return nil
}

// Converse calls the Converse API once.
func (m *Model) Converse(ctx context.Context, req *chat.Request) (*chat.Response, error) {
	in := &bedrockruntime.ConverseInput{ModelId: aws.String(m.model)}
	if req.System != "" {
		in.System = []types.SystemContentBlock{&types.SystemContentBlockMemberText{Value: req.System}}
	}
	if req.MaxTokens > 0 || req.Temperature != nil {
		in.InferenceConfig = &types.InferenceConfiguration{}
		if req.MaxTokens > 0 {
			in.InferenceConfig.MaxTokens = aws.Int32(int32(min(req.MaxTokens, 1<<30)))
		}
		in.InferenceConfig.Temperature = req.Temperature
	}
	withTools := len(req.Tools) > 0
	if withTools {
		tc := &types.ToolConfiguration{}
		for _, t := range req.Tools {
			var schema any = map[string]any{"type": "object"}
			if len(t.InputSchema) > 0 {
				if err := json.Unmarshal(t.InputSchema, &schema); err != nil {
					return nil, fmt.Errorf("bedrock: tool %q: input schema: %w", t.Name, err)
				}
			}
			tc.Tools = append(tc.Tools, &types.ToolMemberToolSpec{Value: types.ToolSpecification{
				Name:        aws.String(t.Name),
				Description: aws.String(t.Description),
				InputSchema: &types.ToolInputSchemaMemberJson{Value: document.NewLazyDocument(schema)},
			}})
		}
		in.ToolConfig = tc
	}
	for _, msg := range req.Messages {
		bm, err := toBedrock(msg, withTools)
		if err != nil {
			return nil, err
		}
		in.Messages = append(in.Messages, bm)
	}

	out, err := m.client.Converse(ctx, in)
	if err != nil {
		return nil, m.wrap(err)
	}
	resp := &chat.Response{Message: chat.Message{Role: chat.Assistant}, Stop: stopReason(out.StopReason)}
	if u := out.Usage; u != nil {
		resp.Usage = chat.Usage{InputTokens: int(aws.ToInt32(u.InputTokens)), OutputTokens: int(aws.ToInt32(u.OutputTokens))}
	}
	msg, ok := out.Output.(*types.ConverseOutputMemberMessage)
	if !ok {
		return nil, &chat.Error{Model: m.Name(), Err: errors.New("the response has no output message")}
	}
	var text []string
	for _, block := range msg.Value.Content {
		switch b := block.(type) {
		case *types.ContentBlockMemberText:
			text = append(text, b.Value)
		case *types.ContentBlockMemberToolUse:
			call := chat.ToolCall{ID: aws.ToString(b.Value.ToolUseId), Name: aws.ToString(b.Value.Name), Input: json.RawMessage("{}")}
			if b.Value.Input != nil {
				raw, err := b.Value.Input.MarshalSmithyDocument()
				if err != nil {
					return nil, &chat.Error{Model: m.Name(), Err: fmt.Errorf("toolUse %q: input: %w", call.Name, err)}
				}
				call.Input = raw
			}
			resp.Message.ToolCalls = append(resp.Message.ToolCalls, call)
		}
	}
	resp.Message.Text = strings.Join(text, "")
	return resp, nil
}

// toBedrock converts one message. Without tools in the request Bedrock
// rejects toolUse and toolResult blocks, so they become text then.
func toBedrock(msg chat.Message, withTools bool) (types.Message, error) {
	bm := types.Message{Role: types.ConversationRoleUser}
	if msg.Role == chat.Assistant {
		bm.Role = types.ConversationRoleAssistant
	}
	for _, r := range msg.ToolResults {
		if !withTools {
			bm.Content = append(bm.Content, &types.ContentBlockMemberText{Value: "[result of " + r.Name + "]\n" + r.Text})
			continue
		}
		tr := types.ToolResultBlock{
			ToolUseId: aws.String(r.CallID),
			Content:   []types.ToolResultContentBlock{&types.ToolResultContentBlockMemberText{Value: r.Text}},
		}
		if r.IsError {
			tr.Status = types.ToolResultStatusError
		}
		bm.Content = append(bm.Content, &types.ContentBlockMemberToolResult{Value: tr})
	}
	if msg.Text != "" {
		bm.Content = append(bm.Content, &types.ContentBlockMemberText{Value: msg.Text})
	}
	for _, c := range msg.ToolCalls {
		if !withTools {
			bm.Content = append(bm.Content, &types.ContentBlockMemberText{Value: "[asked for tool " + c.Name + "]"})
			continue
		}
		var input any = map[string]any{}
		if len(c.Input) > 0 {
			if err := json.Unmarshal(c.Input, &input); err != nil {
				return bm, fmt.Errorf("bedrock: tool call %q: input: %w", c.Name, err)
			}
		}
		bm.Content = append(bm.Content, &types.ContentBlockMemberToolUse{Value: types.ToolUseBlock{
			ToolUseId: aws.String(c.ID), Name: aws.String(c.Name), Input: document.NewLazyDocument(input),
		}})
	}
	if len(bm.Content) == 0 {
		// Bedrock refuses empty content.
		bm.Content = append(bm.Content, &types.ContentBlockMemberText{Value: "(empty)"})
	}
	return bm, nil
}

func stopReason(s types.StopReason) chat.StopReason {
	switch s {
	case types.StopReasonEndTurn, types.StopReasonStopSequence:
		return chat.StopEnd
	case types.StopReasonToolUse:
		return chat.StopToolUse
	case types.StopReasonMaxTokens, types.StopReasonModelContextWindowExceeded:
		return chat.StopMaxTokens
	case types.StopReasonGuardrailIntervened, types.StopReasonContentFiltered:
		return chat.StopFiltered
	}
	return chat.StopOther
}

// wrap turns an SDK error into an chat.Error that says whether a retry can
// help. The SDK's messages carry no credentials.
func (m *Model) wrap(err error) error {
	e := &chat.Error{Model: m.Name(), Err: err}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		e.Status = re.HTTPStatusCode()
		e.Retry = e.Status == http.StatusTooManyRequests || e.Status >= 500
	} else if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		e.Retry = true // no response: network trouble
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ThrottlingException", "ServiceUnavailableException", "ModelNotReadyException", "InternalServerException":
			e.Retry = true
		case "AccessDeniedException", "ValidationException", "ResourceNotFoundException":
			e.Retry = false
		}
	}
	return e
}
