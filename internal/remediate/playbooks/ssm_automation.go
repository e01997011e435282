package playbooks

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/vigilhq/vigil/internal/remediate"
)

// ssmAutomation starts a named SSM Automation document with parameters and
// waits for its result, for teams that already have documents (AWS Config
// remediation uses the same ones, e.g.
// AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules). Parameter
// values may name the finding: {resource}, {resource_arn}, {account},
// {region}, {finding_id}. The rollback runs rollback_document when one is
// configured; otherwise the change cannot be rolled back by vigil.
type ssmAutomation struct{}

func (ssmAutomation) Name() string { return "ssm-automation" }

func (ssmAutomation) Info() remediate.Info {
	return remediate.Info{
		Summary:         "Run an SSM Automation document on the finding's resource and wait for its result",
		SummaryJA:       "検出結果のリソースに対して SSM Automation ドキュメントを実行し、結果を待つ",
		Reversible:      true,
		ReadPermissions: []string{"ssm:GetAutomationExecution"},
		Permissions:     []string{"ssm:StartAutomationExecution", "ssm:GetAutomationExecution", "iam:PassRole (the document's AutomationAssumeRole)"},
	}
}

type ssmParams struct {
	Document           string              `json:"document"`
	Parameters         map[string][]string `json:"parameters"`
	RollbackDocument   string              `json:"rollback_document"`
	RollbackParameters map[string][]string `json:"rollback_parameters"`
}

type ssmBefore struct {
	Document           string              `json:"document"`
	Parameters         map[string][]string `json:"parameters,omitempty"`
	RollbackDocument   string              `json:"rollback_document,omitempty"`
	RollbackParameters map[string][]string `json:"rollback_parameters,omitempty"`
}

type ssmData struct {
	Execution string `json:"automation_execution_id"`
}

// expand fills {resource}, {resource_arn}, {account}, {region} and
// {finding_id} into parameter values.
func expand(params map[string][]string, in remediate.PlanInput) map[string][]string {
	if params == nil {
		return nil
	}
	r := strings.NewReplacer("{resource}", in.Resource.ID, "{resource_arn}", in.Resource.ARN, "{account}", in.Clients.Account(),
		"{region}", in.Clients.Region(), "{finding_id}", in.Finding.ID)
	out := map[string][]string{}
	for k, vs := range params {
		for _, v := range vs {
			out[k] = append(out[k], r.Replace(v))
		}
	}
	return out
}

func (p ssmAutomation) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	var par ssmParams
	if err := remediate.DecodeParams(p.Name(), in.Params, &par); err != nil {
		return nil, err
	}
	if par.Document == "" {
		return nil, fmt.Errorf("%s parameters: document: required (the SSM Automation document to run, e.g. AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules); set it in remediation.playbooks.ssm-automation or in the mapping", p.Name())
	}
	// The document is not read here: what it changes is its own
	// business, and a name that is wrong fails the apply at once
	// (StartAutomationExecution answers it is not found), escalated.
	c := in.Clients
	b := ssmBefore{Document: par.Document, Parameters: expand(par.Parameters, in), RollbackDocument: par.RollbackDocument, RollbackParameters: expand(par.RollbackParameters, in)}
	res := in.Resource.ID
	if res == "" {
		res = "account"
	}
	plan := &remediate.Plan{Playbook: p.Name(), Resource: res, ResourceType: in.Resource.Type, Before: mustJSON(b), Tags: in.Resource.Tags, Params: mustJSON(par)}
	start := map[string]any{"DocumentName": b.Document, "ClientToken": "<IDEMPOTENCY_KEY_AS_UUID>"}
	if len(b.Parameters) > 0 {
		start["Parameters"] = b.Parameters
	}
	s := step("ssm:StartAutomationExecution", start)
	s.Saves = map[string]string{"AUTOMATION_EXECUTION_ID": "AutomationExecutionId"}
	plan.Steps = []remediate.Step{s, {API: "ssm:GetAutomationExecution", Params: map[string]any{"AutomationExecutionId": "<AUTOMATION_EXECUTION_ID>"}, Note: "repeated until the execution ends"}}
	if b.RollbackDocument != "" {
		rb := map[string]any{"DocumentName": b.RollbackDocument}
		if len(b.RollbackParameters) > 0 {
			rb["Parameters"] = b.RollbackParameters
		}
		plan.Rollback = []remediate.Step{step("ssm:StartAutomationExecution", rb)}
	}
	plan.Explanation = fmt.Sprintf("Run SSM Automation document %s%s in %s/%s and wait for it to succeed. What it changes is up to the document; vigil has no before-state of its own for it.",
		b.Document, paramText(b.Parameters), c.Account(), c.Region())
	plan.ExplanationJA = fmt.Sprintf("%s/%s で SSM Automation ドキュメント %s%s を実行し、成功を待ちます。何が変わるかはドキュメント次第で、vigil はその変更前の状態を記録しません。",
		c.Account(), c.Region(), b.Document, paramText(b.Parameters))
	return plan, nil
}

func paramText(m map[string][]string) string {
	if len(m) == 0 {
		return ""
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+strings.Join(m[k], ","))
	}
	return " (" + strings.Join(parts, " ") + ")"
}

func (p ssmAutomation) start(ctx context.Context, c *remediate.Clients, doc string, params map[string][]string, token string) (string, error) {
	in := &ssm.StartAutomationExecutionInput{DocumentName: aws.String(doc), Parameters: params}
	if token != "" {
		in.ClientToken = aws.String(token)
	}
	out, err := c.SSM().StartAutomationExecution(ctx, in)
	if err != nil {
		return "", fmt.Errorf("starting SSM Automation %s: %w", doc, err)
	}
	return aws.ToString(out.AutomationExecutionId), nil
}

func (p ssmAutomation) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b ssmBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	// SSM keeps the client token: the same key starts the same execution
	// once, however often Apply runs.
	id, err := p.start(ctx, c, b.Document, b.Parameters, remediate.UUID(key))
	if err != nil {
		return nil, err
	}
	return &remediate.Result{Changed: true, Data: mustJSON(ssmData{id}), Summary: fmt.Sprintf("SSM Automation %s started: %s", b.Document, id)}, nil
}

func (p ssmAutomation) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	var d ssmData
	if err := decodeData(r, &d); err != nil || d.Execution == "" {
		return false, remediate.Note{}, remediate.Permanent(fmt.Errorf("%s: no execution was recorded", p.Name()))
	}
	out, err := c.SSM().GetAutomationExecution(ctx, &ssm.GetAutomationExecutionInput{AutomationExecutionId: aws.String(d.Execution)})
	if err != nil {
		return false, remediate.Note{}, fmt.Errorf("reading SSM Automation execution %s: %w", d.Execution, err)
	}
	e := out.AutomationExecution
	switch e.AutomationExecutionStatus {
	case ssmtypes.AutomationExecutionStatusSuccess:
		return true, remediate.Note{
			EN: fmt.Sprintf("SSM Automation execution %s succeeded", d.Execution),
			JA: fmt.Sprintf("%s に対する SSM Automation の実行 %s は成功しました", plan.Resource, d.Execution),
		}, nil
	case ssmtypes.AutomationExecutionStatusFailed, ssmtypes.AutomationExecutionStatusCancelled, ssmtypes.AutomationExecutionStatusTimedout,
		ssmtypes.AutomationExecutionStatusRejected, ssmtypes.AutomationExecutionStatusCompletedWithFailure:
		return false, remediate.Note{}, remediate.Permanent(fmt.Errorf("SSM Automation execution %s ended %s: %s", d.Execution, e.AutomationExecutionStatus, aws.ToString(e.FailureMessage)))
	}
	return false, remediate.Note{
		EN: fmt.Sprintf("SSM Automation execution %s is %s", d.Execution, e.AutomationExecutionStatus),
		JA: fmt.Sprintf("%s に対する SSM Automation の実行 %s は %s の状態で、まだ完了していません", plan.Resource, d.Execution, e.AutomationExecutionStatus),
	}, nil
}

func (p ssmAutomation) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b ssmBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	if b.RollbackDocument == "" {
		return remediate.ErrNoRollback
	}
	token := ""
	if r != nil && r.Key != "" {
		token = remediate.UUID(r.Key + "/rollback")
	}
	_, err := p.start(ctx, c, b.RollbackDocument, b.RollbackParameters, token)
	return err
}

// CheckParams checks the parameters' shape; the document may come from the
// mapping.
func (p ssmAutomation) CheckParams(params json.RawMessage) error {
	var par ssmParams
	return remediate.DecodeParams(p.Name(), params, &par)
}
