package playbooks

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigilhq/vigil/internal/remediate"
)

// ec2EnforceIMDSv2 requires session tokens (IMDSv2) for an instance's
// metadata service (Security Hub EC2.8). Software that still uses IMDSv1
// on the instance stops getting metadata.
type ec2EnforceIMDSv2 struct{}

func (ec2EnforceIMDSv2) Name() string { return "ec2-enforce-imdsv2" }

func (ec2EnforceIMDSv2) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Require IMDSv2 (session tokens) for an EC2 instance's metadata service",
		SummaryJA:         "EC2 インスタンスのメタデータサービスで IMDSv2 (セッショントークン) を必須にする",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeInstance},
		ReadPermissions:   []string{"ec2:DescribeInstances"},
		Permissions:       []string{"ec2:DescribeInstances", "ec2:ModifyInstanceMetadataOptions"},
	}
}

type imdsBefore struct {
	Instance string          `json:"instance_id"`
	Metadata metadataOptions `json:"metadata_options"`
}

func (p ec2EnforceIMDSv2) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	res, err := needResource(in, p.Name(), remediate.TypeInstance)
	if err != nil {
		return nil, err
	}
	inst, err := describeInstance(ctx, in.Clients, res.ID)
	if err != nil {
		return nil, err
	}
	if inst.Metadata == nil {
		return nil, fmt.Errorf("%s: instance %s (%s) reports no metadata options", p.Name(), inst.ID, inst.State)
	}
	b := imdsBefore{Instance: inst.ID, Metadata: *inst.Metadata}
	plan := &remediate.Plan{Playbook: p.Name(), Resource: inst.ID, ResourceType: remediate.TypeInstance, Before: mustJSON(b), Tags: inst.Tags}
	if b.Metadata.HTTPTokens == "required" {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("Instance %s already requires IMDSv2.", inst.ID)
		plan.ExplanationJA = fmt.Sprintf("インスタンス %s は既に IMDSv2 を必須にしています。", inst.ID)
		return plan, nil
	}
	plan.Steps = []remediate.Step{step("ec2:ModifyInstanceMetadataOptions", map[string]any{"InstanceId": inst.ID, "HttpTokens": "required", "HttpEndpoint": "enabled"})}
	rb := map[string]any{"InstanceId": inst.ID, "HttpTokens": b.Metadata.HTTPTokens, "HttpEndpoint": b.Metadata.HTTPEndpoint}
	if b.Metadata.HopLimit > 0 {
		rb["HttpPutResponseHopLimit"] = b.Metadata.HopLimit
	}
	plan.Rollback = []remediate.Step{step("ec2:ModifyInstanceMetadataOptions", rb)}
	plan.Explanation = fmt.Sprintf("Require IMDSv2 on instance %s (HttpTokens %s → required); code on it that still calls the metadata service without a token stops getting answers.", inst.ID, b.Metadata.HTTPTokens)
	plan.ExplanationJA = fmt.Sprintf("インスタンス %s で IMDSv2 を必須にします (HttpTokens %s → required)。トークンなしでメタデータサービスを呼ぶプログラムは応答を得られなくなります。", inst.ID, b.Metadata.HTTPTokens)
	return plan, nil
}

func (p ec2EnforceIMDSv2) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b imdsBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	inst, err := describeInstance(ctx, c, b.Instance)
	if err != nil {
		return nil, err
	}
	res := &remediate.Result{Summary: fmt.Sprintf("%s requires IMDSv2", b.Instance)}
	if inst.Metadata != nil && inst.Metadata.HTTPTokens == "required" && inst.Metadata.HTTPEndpoint == "enabled" {
		return res, nil
	}
	if _, err := c.EC2().ModifyInstanceMetadataOptions(ctx, &ec2.ModifyInstanceMetadataOptionsInput{
		InstanceId: aws.String(b.Instance), HttpTokens: types.HttpTokensStateRequired, HttpEndpoint: types.InstanceMetadataEndpointStateEnabled,
	}); err != nil {
		return nil, fmt.Errorf("requiring IMDSv2 on %s: %w", b.Instance, err)
	}
	res.Changed = true
	return res, nil
}

func (p ec2EnforceIMDSv2) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	var b imdsBefore
	if err := decodeBefore(plan, &b); err != nil {
		return false, remediate.Note{}, err
	}
	inst, err := describeInstance(ctx, c, b.Instance)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if inst.Metadata == nil || inst.Metadata.HTTPTokens != "required" {
		got := ""
		if inst.Metadata != nil {
			got = inst.Metadata.HTTPTokens
		}
		return false, remediate.Note{
			EN: fmt.Sprintf("%s has HttpTokens %q", b.Instance, got),
			JA: fmt.Sprintf("インスタンス %s の HttpTokens は %q で、IMDSv2 が必須になっていません", b.Instance, got),
		}, nil
	}
	return true, remediate.Note{
		EN: fmt.Sprintf("%s requires IMDSv2", b.Instance),
		JA: fmt.Sprintf("インスタンス %s では IMDSv2 が必須になっています（HttpTokens: required）", b.Instance),
	}, nil
}

func (p ec2EnforceIMDSv2) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b imdsBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	in := &ec2.ModifyInstanceMetadataOptionsInput{
		InstanceId: aws.String(b.Instance), HttpTokens: types.HttpTokensState(b.Metadata.HTTPTokens),
		HttpEndpoint: types.InstanceMetadataEndpointState(b.Metadata.HTTPEndpoint),
	}
	if b.Metadata.HopLimit > 0 {
		in.HttpPutResponseHopLimit = aws.Int32(b.Metadata.HopLimit)
	}
	if _, err := c.EC2().ModifyInstanceMetadataOptions(ctx, in); err != nil {
		return fmt.Errorf("restoring the metadata options of %s: %w", b.Instance, err)
	}
	return nil
}
