package playbooks

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/vigilhq/vigil/internal/remediate"
)

// guardDutyEnable turns GuardDuty on in the finding's account and region
// (Security Hub GuardDuty.1): it creates a detector, or enables a disabled
// one. GuardDuty is billed by the volume it analyses.
type guardDutyEnable struct{}

func (guardDutyEnable) Name() string { return "guardduty-enable" }

func (guardDutyEnable) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Turn GuardDuty on in the account and region (create or enable its detector)",
		SummaryJA:         "アカウントとリージョンで GuardDuty を有効にする (ディテクターを作成または有効化)",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeAccount},
		ReadPermissions:   []string{"guardduty:ListDetectors", "guardduty:GetDetector"},
		Permissions:       []string{"guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:CreateDetector", "guardduty:UpdateDetector", "guardduty:DeleteDetector", "iam:CreateServiceLinkedRole"},
	}
}

type gdBefore struct {
	// Detector is empty when the region had none.
	Detector string `json:"detector_id,omitempty"`
	Status   string `json:"status,omitempty"`
}

type gdData struct {
	Detector string `json:"detector_id"`
	Created  bool   `json:"created"`
}

func readDetector(ctx context.Context, c *remediate.Clients) (gdBefore, error) {
	out, err := c.GuardDuty().ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil {
		return gdBefore{}, fmt.Errorf("listing GuardDuty detectors in %s: %w", c.Region(), err)
	}
	if len(out.DetectorIds) == 0 {
		return gdBefore{}, nil
	}
	id := out.DetectorIds[0]
	d, err := c.GuardDuty().GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
	if err != nil {
		return gdBefore{}, fmt.Errorf("reading GuardDuty detector %s: %w", id, err)
	}
	return gdBefore{Detector: id, Status: string(d.Status)}, nil
}

func (p guardDutyEnable) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	b, err := readDetector(ctx, in.Clients)
	if err != nil {
		return nil, err
	}
	where := in.Clients.Account() + "/" + in.Clients.Region()
	plan := &remediate.Plan{Playbook: p.Name(), Resource: "account", ResourceType: remediate.TypeAccount, Before: mustJSON(b)}
	switch {
	case b.Status == string(gdtypes.DetectorStatusEnabled):
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("GuardDuty is already on in %s (detector %s).", where, b.Detector)
		plan.ExplanationJA = fmt.Sprintf("%s では GuardDuty は既に有効です (ディテクター %s)。", where, b.Detector)
		return plan, nil
	case b.Detector == "":
		s := step("guardduty:CreateDetector", map[string]any{"Enable": true, "ClientToken": "<IDEMPOTENCY_KEY>"})
		s.Saves = map[string]string{"DETECTOR_ID": "DetectorId"}
		plan.Steps = []remediate.Step{s}
		plan.Rollback = []remediate.Step{step("guardduty:DeleteDetector", map[string]any{"DetectorId": "<DETECTOR_ID>"})}
	default:
		plan.Steps = []remediate.Step{step("guardduty:UpdateDetector", map[string]any{"DetectorId": b.Detector, "Enable": true})}
		plan.Rollback = []remediate.Step{step("guardduty:UpdateDetector", map[string]any{"DetectorId": b.Detector, "Enable": false})}
	}
	plan.Explanation = fmt.Sprintf("Turn GuardDuty on in %s; it is billed by the CloudTrail events, VPC flow logs and DNS logs it analyses.", where)
	plan.ExplanationJA = fmt.Sprintf("%s で GuardDuty を有効にします。分析する CloudTrail イベント、VPC フローログ、DNS ログの量に応じて課金されます。", where)
	plan.Terraform = "resource \"aws_guardduty_detector\" \"this\" {\n  enable = true\n}\n"
	return plan, nil
}

func (p guardDutyEnable) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b gdBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	cur, err := readDetector(ctx, c)
	if err != nil {
		return nil, err
	}
	res := &remediate.Result{}
	d := gdData{Detector: cur.Detector, Created: b.Detector == "" && cur.Detector != ""}
	switch {
	case cur.Detector == "":
		out, err := c.GuardDuty().CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true), ClientToken: aws.String(remediate.UUID(key))})
		if err != nil {
			return nil, fmt.Errorf("creating a GuardDuty detector in %s: %w", c.Region(), err)
		}
		d = gdData{Detector: aws.ToString(out.DetectorId), Created: true}
		res.Changed = true
	case cur.Status != string(gdtypes.DetectorStatusEnabled):
		if _, err := c.GuardDuty().UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: aws.String(cur.Detector), Enable: aws.Bool(true)}); err != nil {
			return nil, fmt.Errorf("enabling GuardDuty detector %s: %w", cur.Detector, err)
		}
		res.Changed = true
	}
	res.Data = mustJSON(d)
	res.Summary = fmt.Sprintf("GuardDuty on in %s (detector %s)", c.Region(), d.Detector)
	return res, nil
}

func (p guardDutyEnable) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	cur, err := readDetector(ctx, c)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if cur.Status != string(gdtypes.DetectorStatusEnabled) {
		return false, remediate.Note{
			EN: fmt.Sprintf("GuardDuty detector %q is %q in %s", cur.Detector, cur.Status, c.Region()),
			JA: fmt.Sprintf("リージョン %s の GuardDuty ディテクター %q の状態は %q で、有効になっていません", c.Region(), cur.Detector, cur.Status),
		}, nil
	}
	return true, remediate.Note{
		EN: fmt.Sprintf("GuardDuty detector %s is enabled in %s", cur.Detector, c.Region()),
		JA: fmt.Sprintf("リージョン %s の GuardDuty ディテクター %s は有効になっています", c.Region(), cur.Detector),
	}, nil
}

func (p guardDutyEnable) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b gdBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	cur, err := readDetector(ctx, c)
	if err != nil {
		return err
	}
	switch {
	case cur.Detector == "":
		return nil
	case b.Detector == "":
		if _, err := c.GuardDuty().DeleteDetector(ctx, &guardduty.DeleteDetectorInput{DetectorId: aws.String(cur.Detector)}); err != nil {
			return fmt.Errorf("deleting GuardDuty detector %s: %w", cur.Detector, err)
		}
	case cur.Status != b.Status:
		if _, err := c.GuardDuty().UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: aws.String(cur.Detector), Enable: aws.Bool(b.Status == string(gdtypes.DetectorStatusEnabled))}); err != nil {
			return fmt.Errorf("disabling GuardDuty detector %s again: %w", cur.Detector, err)
		}
	}
	return nil
}
