package playbooks

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigilhq/vigil/internal/remediate"
)

// ebsDefaultEncryption turns on EBS encryption by default in the finding's
// account and region (Security Hub EC2.7). Existing volumes are not
// changed; new ones are encrypted with the account's default KMS key.
type ebsDefaultEncryption struct{}

func (ebsDefaultEncryption) Name() string { return "ebs-enable-default-encryption" }

func (ebsDefaultEncryption) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Turn on EBS encryption by default in the account and region",
		SummaryJA:         "アカウントとリージョンで EBS のデフォルト暗号化を有効にする",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeAccount},
		ReadPermissions:   []string{"ec2:GetEbsEncryptionByDefault"},
		Permissions:       []string{"ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault", "ec2:DisableEbsEncryptionByDefault"},
	}
}

type ebsBefore struct {
	Enabled bool `json:"ebs_encryption_by_default"`
}

func getEbsDefault(ctx context.Context, c *remediate.Clients) (bool, error) {
	out, err := c.EC2().GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	if err != nil {
		return false, fmt.Errorf("reading EBS encryption by default in %s: %w", c.Region(), err)
	}
	return aws.ToBool(out.EbsEncryptionByDefault), nil
}

func (p ebsDefaultEncryption) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	on, err := getEbsDefault(ctx, in.Clients)
	if err != nil {
		return nil, err
	}
	where := in.Clients.Account() + "/" + in.Clients.Region()
	plan := &remediate.Plan{Playbook: p.Name(), Resource: "account", ResourceType: remediate.TypeAccount, Before: mustJSON(ebsBefore{on})}
	if on {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("EBS encryption by default is already on in %s.", where)
		plan.ExplanationJA = fmt.Sprintf("%s では EBS のデフォルト暗号化は既に有効です。", where)
		return plan, nil
	}
	plan.Steps = []remediate.Step{step("ec2:EnableEbsEncryptionByDefault", map[string]any{})}
	plan.Rollback = []remediate.Step{step("ec2:DisableEbsEncryptionByDefault", map[string]any{})}
	plan.Explanation = fmt.Sprintf("Turn on EBS encryption by default in %s: volumes created from now on are encrypted; existing ones are not changed.", where)
	plan.ExplanationJA = fmt.Sprintf("%s で EBS のデフォルト暗号化を有効にします。今後作成するボリュームは暗号化され、既存のボリュームは変わりません。", where)
	plan.Terraform = "resource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}\n"
	return plan, nil
}

func (p ebsDefaultEncryption) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	on, err := getEbsDefault(ctx, c)
	if err != nil {
		return nil, err
	}
	res := &remediate.Result{Summary: "EBS encryption by default is on in " + c.Region()}
	if on {
		return res, nil
	}
	if _, err := c.EC2().EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{}); err != nil {
		return nil, fmt.Errorf("turning on EBS encryption by default in %s: %w", c.Region(), err)
	}
	res.Changed = true
	return res, nil
}

func (p ebsDefaultEncryption) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	on, err := getEbsDefault(ctx, c)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if !on {
		return false, remediate.Note{
			EN: "EBS encryption by default is off in " + c.Region(),
			JA: fmt.Sprintf("アカウント %s のリージョン %s で EBS のデフォルト暗号化が無効のままです", c.Account(), c.Region()),
		}, nil
	}
	return true, remediate.Note{
		EN: "EBS encryption by default is on in " + c.Region(),
		JA: fmt.Sprintf("アカウント %s のリージョン %s で EBS のデフォルト暗号化が有効になっています", c.Account(), c.Region()),
	}, nil
}

func (p ebsDefaultEncryption) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b ebsBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	if b.Enabled {
		return nil
	}
	if _, err := c.EC2().DisableEbsEncryptionByDefault(ctx, &ec2.DisableEbsEncryptionByDefaultInput{}); err != nil {
		return fmt.Errorf("turning EBS encryption by default back off in %s: %w", c.Region(), err)
	}
	return nil
}
