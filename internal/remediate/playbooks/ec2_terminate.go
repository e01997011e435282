package playbooks

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigilhq/vigil/internal/remediate"
)

// ec2Terminate terminates an instance. It is destructive: never applied
// without a human approval, never approved by the person who asked for it,
// and it cannot be rolled back (volumes with DeleteOnTermination go with
// the instance; snapshot them first with ec2-forensic-snapshot). An
// instance with termination protection is refused by EC2, and the
// remediation escalates.
type ec2Terminate struct{}

func (ec2Terminate) Name() string { return "ec2-terminate" }

func (ec2Terminate) Info() remediate.Info {
	return remediate.Info{
		Summary:         "Terminate an EC2 instance (destructive: always needs approval, cannot be rolled back)",
		SummaryJA:       "EC2 インスタンスを終了する (破壊的操作: 常に承認が必要で、ロールバックできない)",
		Destructive:     true,
		Resources:       []string{remediate.TypeInstance},
		ReadPermissions: []string{"ec2:DescribeInstances"},
		Permissions:     []string{"ec2:DescribeInstances", "ec2:TerminateInstances"},
	}
}

func (p ec2Terminate) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	res, err := needResource(in, p.Name(), remediate.TypeInstance)
	if err != nil {
		return nil, err
	}
	inst, err := describeInstance(ctx, in.Clients, res.ID)
	if err != nil {
		return nil, err
	}
	b := struct {
		stateBefore
		Volumes []volume `json:"volumes,omitempty"`
	}{stateBefore{Instance: inst.ID, State: inst.State}, inst.Volumes}
	plan := &remediate.Plan{Playbook: p.Name(), Resource: inst.ID, ResourceType: remediate.TypeInstance, Before: mustJSON(b), Tags: inst.Tags, Destructive: true}
	if inst.State == "terminated" || inst.State == "shutting-down" {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("Instance %s is already %s.", inst.ID, inst.State)
		plan.ExplanationJA = fmt.Sprintf("インスタンス %s は既に %s です。", inst.ID, inst.State)
		return plan, nil
	}
	plan.Steps = []remediate.Step{step("ec2:TerminateInstances", map[string]any{"InstanceIds": []string{inst.ID}})}
	plan.Rollback = []remediate.Step{}
	plan.Explanation = fmt.Sprintf("Terminate instance %s (now %s, %d EBS volume(s)). This cannot be undone: take ec2-forensic-snapshot first if the disks are evidence.", inst.ID, inst.State, len(inst.Volumes))
	plan.ExplanationJA = fmt.Sprintf("インスタンス %s (現在 %s、EBS ボリューム %d 個) を終了します。元に戻せません。ディスクが証拠になる場合は先に ec2-forensic-snapshot を実行してください。", inst.ID, inst.State, len(inst.Volumes))
	return plan, nil
}

func (p ec2Terminate) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	b, inst, err := plannedInstance(ctx, c, plan)
	if err != nil {
		return nil, err
	}
	res := &remediate.Result{Summary: b.Instance + " terminated"}
	if inst.State == "terminated" || inst.State == "shutting-down" {
		return res, nil
	}
	if _, err := c.EC2().TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{b.Instance}}); err != nil {
		return nil, fmt.Errorf("terminating %s: %w", b.Instance, err)
	}
	res.Changed = true
	return res, nil
}

func (p ec2Terminate) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	b, inst, err := plannedInstance(ctx, c, plan)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if inst.State != "terminated" && inst.State != "shutting-down" {
		return false, remediate.Note{
			EN: fmt.Sprintf("%s is %s", b.Instance, inst.State),
			JA: fmt.Sprintf("インスタンス %s は%sで、まだ終了していません", b.Instance, stateJA(inst.State)),
		}, nil
	}
	return true, remediate.Note{
		EN: fmt.Sprintf("%s is %s", b.Instance, inst.State),
		JA: fmt.Sprintf("インスタンス %s は%sです", b.Instance, stateJA(inst.State)),
	}, nil
}

func (p ec2Terminate) Rollback(context.Context, *remediate.Clients, *remediate.Plan, *remediate.Result) error {
	return remediate.ErrNoRollback
}
