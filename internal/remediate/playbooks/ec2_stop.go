package playbooks

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigilhq/vigil/internal/remediate"
)

// ec2Stop stops an instance. Memory and instance-store data are lost, so
// take ec2-forensic-snapshot (and any memory capture) first; EBS volumes
// are kept and the rollback starts the instance again.
type ec2Stop struct{}

func (ec2Stop) Name() string { return "ec2-stop" }

func (ec2Stop) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Stop an EC2 instance (EBS volumes are kept; rollback starts it again)",
		SummaryJA:         "EC2 インスタンスを停止する (EBS ボリュームは残り、ロールバックで再起動する)",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeInstance},
		ReadPermissions:   []string{"ec2:DescribeInstances"},
		Permissions:       []string{"ec2:DescribeInstances", "ec2:StopInstances", "ec2:StartInstances"},
	}
}

type stateBefore struct {
	Instance string `json:"instance_id"`
	State    string `json:"state"`
}

// plannedInstance reads the instance a stop or terminate plan recorded,
// and its state now.
func plannedInstance(ctx context.Context, c *remediate.Clients, plan *remediate.Plan) (stateBefore, *instance, error) {
	var b stateBefore
	if err := decodeBefore(plan, &b); err != nil {
		return b, nil, err
	}
	inst, err := describeInstance(ctx, c, b.Instance)
	return b, inst, err
}

func (p ec2Stop) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	res, err := needResource(in, p.Name(), remediate.TypeInstance)
	if err != nil {
		return nil, err
	}
	inst, err := describeInstance(ctx, in.Clients, res.ID)
	if err != nil {
		return nil, err
	}
	b := stateBefore{Instance: inst.ID, State: inst.State}
	plan := &remediate.Plan{Playbook: p.Name(), Resource: inst.ID, ResourceType: remediate.TypeInstance, Before: mustJSON(b), Tags: inst.Tags}
	switch inst.State {
	case "stopped", "stopping":
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("Instance %s is already %s.", inst.ID, inst.State)
		plan.ExplanationJA = fmt.Sprintf("インスタンス %s は既に %s です。", inst.ID, inst.State)
		return plan, nil
	case "running", "pending":
	default:
		return nil, fmt.Errorf("%s: instance %s is %s and cannot be stopped", p.Name(), inst.ID, inst.State)
	}
	plan.Steps = []remediate.Step{step("ec2:StopInstances", map[string]any{"InstanceIds": []string{inst.ID}})}
	plan.Rollback = []remediate.Step{step("ec2:StartInstances", map[string]any{"InstanceIds": []string{inst.ID}})}
	plan.Explanation = fmt.Sprintf("Stop instance %s (now %s): its memory and instance-store data are lost, its EBS volumes are kept.", inst.ID, inst.State)
	plan.ExplanationJA = fmt.Sprintf("インスタンス %s (現在 %s) を停止します。メモリとインスタンスストアの内容は失われ、EBS ボリュームは残ります。", inst.ID, inst.State)
	return plan, nil
}

func (p ec2Stop) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	b, inst, err := plannedInstance(ctx, c, plan)
	if err != nil {
		return nil, err
	}
	res := &remediate.Result{Summary: b.Instance + " stopped"}
	if inst.State == "stopped" || inst.State == "stopping" {
		return res, nil
	}
	if _, err := c.EC2().StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{b.Instance}}); err != nil {
		return nil, fmt.Errorf("stopping %s: %w", b.Instance, err)
	}
	res.Changed = true
	return res, nil
}

func (p ec2Stop) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	b, inst, err := plannedInstance(ctx, c, plan)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if inst.State != "stopped" {
		return false, remediate.Note{
			EN: fmt.Sprintf("%s is %s", b.Instance, inst.State),
			JA: fmt.Sprintf("インスタンス %s は%sで、まだ停止していません", b.Instance, stateJA(inst.State)),
		}, nil
	}
	return true, remediate.Note{
		EN: b.Instance + " is stopped",
		JA: fmt.Sprintf("インスタンス %s は停止しています", b.Instance),
	}, nil
}

func (p ec2Stop) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b stateBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	if b.State != "running" && b.State != "pending" {
		return nil
	}
	inst, err := describeInstance(ctx, c, b.Instance)
	if err != nil {
		return err
	}
	if inst.State == "running" || inst.State == "pending" {
		return nil
	}
	if _, err := c.EC2().StartInstances(ctx, &ec2.StartInstancesInput{InstanceIds: []string{b.Instance}}); err != nil {
		return fmt.Errorf("starting %s again: %w", b.Instance, err)
	}
	return nil
}
