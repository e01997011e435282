package playbooks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigilhq/vigil/internal/remediate"
)

// isolationGroupName names the isolation security group of every VPC.
const isolationGroupName = "vigil-isolation"

// ec2Isolate moves an instance behind its VPC's isolation security group
// (created or reused: no ingress and no egress rules), recording the
// original groups and the time in the instance's tags and in the plan.
// Connections already tracked may survive the change for a while; new ones
// are refused at once.
type ec2Isolate struct{}

func (ec2Isolate) Name() string { return "ec2-isolate" }

func (ec2Isolate) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Isolate an EC2 instance behind a security group with no rules, recording its original groups",
		SummaryJA:         "EC2 インスタンスをルールのない隔離用セキュリティグループに移し、元のグループを記録する",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeInstance},
		ReadPermissions:   []string{"ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"},
		Permissions: []string{
			"ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces",
			"ec2:CreateSecurityGroup", "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
			"ec2:CreateTags", "ec2:DeleteTags", "ec2:ModifyInstanceAttribute", "ec2:ModifyNetworkInterfaceAttribute",
			"ec2:DeleteSecurityGroup",
		},
	}
}

// isolateBefore is the before-state of an isolation.
type isolateBefore struct {
	Instance *instance `json:"instance"`
	// Group is the VPC's isolation group when it exists already.
	Group *isolationGroup `json:"isolation_group,omitempty"`
	// At is the time recorded in the instance's tag.
	At string `json:"isolated_at"`
}

type isolationGroup struct {
	ID           string `json:"id"`
	IngressRules int    `json:"ingress_rules"`
	EgressRules  int    `json:"egress_rules"`
}

type isolateData struct {
	GroupID string `json:"isolation_group_id"`
	// Created is true when this remediation created the group (and its
	// rollback deletes it once no instance uses it).
	Created bool `json:"created_group"`
}

func (p ec2Isolate) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	res, err := needResource(in, p.Name(), remediate.TypeInstance)
	if err != nil {
		return nil, err
	}
	c := in.Clients
	inst, err := describeInstance(ctx, c, res.ID)
	if err != nil {
		return nil, err
	}
	if inst.VPC == "" {
		return nil, fmt.Errorf("%s: instance %s is %s and has no VPC: nothing to isolate", p.Name(), inst.ID, inst.State)
	}
	g, err := findIsolationGroup(ctx, c, inst.VPC)
	if err != nil {
		return nil, err
	}
	b := isolateBefore{Instance: inst, Group: g, At: in.Now.UTC().Format(time.RFC3339)}
	plan := &remediate.Plan{
		Playbook: p.Name(), Resource: inst.ID, ResourceType: remediate.TypeInstance, Before: mustJSON(b), Tags: inst.Tags,
	}
	gid := "<ISOLATION_GROUP_ID>"
	if g != nil {
		gid = g.ID
	}
	if g != nil && g.IngressRules == 0 && g.EgressRules == 0 && isolatedBy(inst, g.ID) {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("Instance %s is already isolated behind %s.", inst.ID, g.ID)
		plan.ExplanationJA = fmt.Sprintf("インスタンス %s は既に %s で隔離されています。", inst.ID, g.ID)
		return plan, nil
	}
	if g == nil {
		create := step("ec2:CreateSecurityGroup", map[string]any{
			"GroupName": isolationGroupName, "Description": "vigil isolation: no inbound or outbound traffic", "VpcId": inst.VPC,
			"TagSpecifications": []map[string]any{{"ResourceType": "security-group", "Tags": tagParams(map[string]string{"Name": isolationGroupName, tagIsolation: "true", tagRemediation: "<IDEMPOTENCY_KEY>"})}},
		})
		create.Saves = map[string]string{"ISOLATION_GROUP_ID": "GroupId"}
		plan.Steps = append(plan.Steps, create,
			step("ec2:RevokeSecurityGroupEgress", map[string]any{"GroupId": gid, "IpPermissions": []map[string]any{{"IpProtocol": "-1", "IpRanges": []map[string]string{{"CidrIp": "0.0.0.0/0"}}}}}))
	} else if g.IngressRules > 0 || g.EgressRules > 0 {
		// Someone added rules to the isolation group: it isolates nothing
		// until they are gone.
		plan.Steps = append(plan.Steps, remediate.Step{API: "ec2:RevokeSecurityGroupIngress", Params: map[string]any{"GroupId": gid, "IpPermissions": "<EVERY_INGRESS_RULE>"}, Note: "remove every rule the isolation group has gained"},
			remediate.Step{API: "ec2:RevokeSecurityGroupEgress", Params: map[string]any{"GroupId": gid, "IpPermissions": "<EVERY_EGRESS_RULE>"}})
	}
	plan.Steps = append(plan.Steps, step("ec2:CreateTags", map[string]any{
		"Resources": []string{inst.ID},
		"Tags":      tagParams(map[string]string{tagIsolatedFrom: strings.Join(inst.Groups, ","), tagIsolatedAt: b.At}),
	}))
	plan.Steps = append(plan.Steps, moveSteps(inst, func(eni) []string { return []string{gid} })...)
	plan.Rollback = append(moveSteps(inst, func(e eni) []string { return e.Groups }), restoreTagSteps(inst.ID, inst.Tags, []string{tagIsolatedFrom, tagIsolatedAt})...)
	if g == nil {
		plan.Rollback = append(plan.Rollback, remediate.Step{API: "ec2:DeleteSecurityGroup", Params: map[string]any{"GroupId": gid}, Note: "only when no other instance uses it"})
	}
	plan.Explanation = fmt.Sprintf("Move instance %s (VPC %s) from %s to the isolation group %s, which allows no inbound and no outbound traffic; record the original groups in tag %s.",
		inst.ID, inst.VPC, strings.Join(inst.Groups, ", "), gid, tagIsolatedFrom)
	plan.ExplanationJA = fmt.Sprintf("インスタンス %s (VPC %s) のセキュリティグループを %s から、受信も送信も許可しない隔離用グループ %s に変更し、元のグループをタグ %s に記録します。",
		inst.ID, inst.VPC, strings.Join(inst.Groups, ", "), gid, tagIsolatedFrom)
	return plan, nil
}

// moveSteps sets the groups of the instance: ModifyInstanceAttribute for
// an instance with one network interface, ModifyNetworkInterfaceAttribute
// per interface otherwise (EC2 refuses the former for several).
func moveSteps(inst *instance, groups func(eni) []string) []remediate.Step {
	if len(inst.ENIs) <= 1 {
		g := groups(eni{Groups: inst.Groups})
		if len(inst.ENIs) == 1 {
			g = groups(inst.ENIs[0])
		}
		return []remediate.Step{step("ec2:ModifyInstanceAttribute", map[string]any{"InstanceId": inst.ID, "Groups": g})}
	}
	var out []remediate.Step
	for _, e := range inst.ENIs {
		out = append(out, step("ec2:ModifyNetworkInterfaceAttribute", map[string]any{"NetworkInterfaceId": e.ID, "Groups": groups(e)}))
	}
	return out
}

func isolatedBy(inst *instance, gid string) bool {
	if len(inst.ENIs) == 0 {
		return sameSet(inst.Groups, []string{gid})
	}
	for _, e := range inst.ENIs {
		if !sameSet(e.Groups, []string{gid}) {
			return false
		}
	}
	return true
}

// findIsolationGroup returns the VPC's isolation group, or nil.
func findIsolationGroup(ctx context.Context, c *remediate.Clients, vpc string) (*isolationGroup, error) {
	sg, err := describeIsolationGroup(ctx, c, vpc)
	if err != nil || sg == nil {
		return nil, err
	}
	return &isolationGroup{ID: aws.ToString(sg.GroupId), IngressRules: len(sg.IpPermissions), EgressRules: len(sg.IpPermissionsEgress)}, nil
}

func describeIsolationGroup(ctx context.Context, c *remediate.Clients, vpc string) (*types.SecurityGroup, error) {
	out, err := c.EC2().DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}},
		{Name: aws.String("group-name"), Values: []string{isolationGroupName}},
	}})
	if err != nil {
		return nil, fmt.Errorf("looking for the isolation group of %s: %w", vpc, err)
	}
	if len(out.SecurityGroups) == 0 {
		return nil, nil
	}
	return &out.SecurityGroups[0], nil
}

func (p ec2Isolate) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b isolateBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	inst, err := describeInstance(ctx, c, b.Instance.ID)
	if err != nil {
		return nil, err
	}
	res := &remediate.Result{}
	var d isolateData
	sg, err := describeIsolationGroup(ctx, c, b.Instance.VPC)
	if err != nil {
		return nil, err
	}
	if sg == nil {
		out, err := c.EC2().CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName: aws.String(isolationGroupName), Description: aws.String("vigil isolation: no inbound or outbound traffic"), VpcId: aws.String(b.Instance.VPC),
			TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroup, Tags: ec2Tags(map[string]string{"Name": isolationGroupName, tagIsolation: "true", tagRemediation: key})}},
		})
		if err != nil {
			return nil, fmt.Errorf("creating the isolation group in %s: %w", b.Instance.VPC, err)
		}
		d.GroupID, d.Created, res.Changed = aws.ToString(out.GroupId), true, true
		if sg, err = describeIsolationGroup(ctx, c, b.Instance.VPC); err != nil {
			return nil, err
		}
		if sg == nil {
			return nil, fmt.Errorf("the isolation group %s just created in %s is not found", d.GroupID, b.Instance.VPC)
		}
	} else {
		d.GroupID = aws.ToString(sg.GroupId)
		// Created by an earlier run of this same remediation?
		d.Created = hasTag(sg.Tags, tagRemediation, key)
	}
	if len(sg.IpPermissions) > 0 {
		if _, err := c.EC2().RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(d.GroupID), IpPermissions: sg.IpPermissions}); err != nil {
			return nil, fmt.Errorf("emptying the isolation group %s: %w", d.GroupID, err)
		}
		res.Changed = true
	}
	if len(sg.IpPermissionsEgress) > 0 {
		if _, err := c.EC2().RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(d.GroupID), IpPermissions: sg.IpPermissionsEgress}); err != nil {
			return nil, fmt.Errorf("emptying the isolation group %s: %w", d.GroupID, err)
		}
		res.Changed = true
	}
	want := map[string]string{tagIsolatedFrom: strings.Join(b.Instance.Groups, ","), tagIsolatedAt: b.At}
	if inst.Tags[tagIsolatedFrom] != want[tagIsolatedFrom] || inst.Tags[tagIsolatedAt] != want[tagIsolatedAt] {
		if _, err := c.EC2().CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{inst.ID}, Tags: ec2Tags(want)}); err != nil {
			return nil, fmt.Errorf("tagging %s with its original groups: %w", inst.ID, err)
		}
		res.Changed = true
	}
	if !isolatedBy(inst, d.GroupID) {
		if err := setGroups(ctx, c, inst, func(eni) []string { return []string{d.GroupID} }); err != nil {
			return nil, err
		}
		res.Changed = true
	}
	res.Data = mustJSON(d)
	res.Summary = fmt.Sprintf("%s isolated behind %s (was %s)", inst.ID, d.GroupID, strings.Join(b.Instance.Groups, ", "))
	return res, nil
}

// setGroups changes the groups of the instance's interfaces.
func setGroups(ctx context.Context, c *remediate.Clients, inst *instance, groups func(eni) []string) error {
	if len(inst.ENIs) <= 1 {
		g := groups(eni{Groups: inst.Groups})
		if len(inst.ENIs) == 1 {
			g = groups(inst.ENIs[0])
		}
		if _, err := c.EC2().ModifyInstanceAttribute(ctx, &ec2.ModifyInstanceAttributeInput{InstanceId: aws.String(inst.ID), Groups: g}); err != nil {
			return fmt.Errorf("changing the security groups of %s: %w", inst.ID, err)
		}
		return nil
	}
	for _, e := range inst.ENIs {
		if _, err := c.EC2().ModifyNetworkInterfaceAttribute(ctx, &ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(e.ID), Groups: groups(e)}); err != nil {
			return fmt.Errorf("changing the security groups of %s (%s): %w", e.ID, inst.ID, err)
		}
	}
	return nil
}

func (p ec2Isolate) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	var b isolateBefore
	if err := decodeBefore(plan, &b); err != nil {
		return false, remediate.Note{}, err
	}
	var d isolateData
	if err := decodeData(r, &d); err != nil {
		return false, remediate.Note{}, err
	}
	inst, err := describeInstance(ctx, c, b.Instance.ID)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if d.GroupID == "" {
		g, err := findIsolationGroup(ctx, c, b.Instance.VPC)
		if err != nil || g == nil {
			return false, remediate.Note{
				EN: "the VPC has no isolation group",
				JA: fmt.Sprintf("インスタンス %s の VPC %s に隔離用セキュリティグループがありません", b.Instance.ID, b.Instance.VPC),
			}, err
		}
		d.GroupID = g.ID
	}
	if !isolatedBy(inst, d.GroupID) {
		return false, remediate.Note{
			EN: fmt.Sprintf("%s is in %s, not only in %s", inst.ID, strings.Join(inst.Groups, ", "), d.GroupID),
			JA: fmt.Sprintf("インスタンス %s は %s に属しており、隔離用セキュリティグループ %s のみにはなっていません", inst.ID, strings.Join(inst.Groups, "、"), d.GroupID),
		}, nil
	}
	g, err := findIsolationGroup(ctx, c, b.Instance.VPC)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if g == nil || g.ID != d.GroupID {
		return false, remediate.Note{
			EN: fmt.Sprintf("isolation group %s is gone", d.GroupID),
			JA: fmt.Sprintf("インスタンス %s の隔離用セキュリティグループ %s が見つかりません", inst.ID, d.GroupID),
		}, nil
	}
	if g.IngressRules > 0 || g.EgressRules > 0 {
		return false, remediate.Note{
			EN: fmt.Sprintf("isolation group %s has %d inbound and %d outbound rules", g.ID, g.IngressRules, g.EgressRules),
			JA: fmt.Sprintf("インスタンス %s の隔離用セキュリティグループ %s にインバウンドルールが %d 件、アウトバウンドルールが %d 件残っています", inst.ID, g.ID, g.IngressRules, g.EgressRules),
		}, nil
	}
	if inst.Tags[tagIsolatedFrom] != strings.Join(b.Instance.Groups, ",") {
		return false, remediate.Note{
			EN: fmt.Sprintf("tag %s of %s does not record the original groups", tagIsolatedFrom, inst.ID),
			JA: fmt.Sprintf("インスタンス %s のタグ %s に元のセキュリティグループが記録されていません", inst.ID, tagIsolatedFrom),
		}, nil
	}
	return true, remediate.Note{
		EN: fmt.Sprintf("%s is only in %s, which has no rules", inst.ID, g.ID),
		JA: fmt.Sprintf("インスタンス %s は隔離用セキュリティグループ %s のみに属しています（このグループにルールはありません）", inst.ID, g.ID),
	}, nil
}

func (p ec2Isolate) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b isolateBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	var d isolateData
	if err := decodeData(r, &d); err != nil {
		return err
	}
	inst, err := describeInstance(ctx, c, b.Instance.ID)
	if err != nil {
		return err
	}
	original := map[string][]string{}
	for _, e := range b.Instance.ENIs {
		original[e.ID] = e.Groups
	}
	restore := func(e eni) []string {
		if g, ok := original[e.ID]; ok {
			return g
		}
		return b.Instance.Groups
	}
	if !sameGroups(inst, restore) {
		if err := setGroups(ctx, c, inst, restore); err != nil {
			return err
		}
	}
	if err := restoreTags(ctx, c, inst.ID, b.Instance.Tags, []string{tagIsolatedFrom, tagIsolatedAt}); err != nil {
		return err
	}
	if d.GroupID == "" && r != nil && r.Key != "" {
		// Apply failed before recording what it did: the group is ours
		// if it carries our key.
		sg, err := describeIsolationGroup(ctx, c, b.Instance.VPC)
		if err != nil {
			return err
		}
		if sg != nil && hasTag(sg.Tags, tagRemediation, r.Key) {
			d.GroupID, d.Created = aws.ToString(sg.GroupId), true
		}
	}
	if !d.Created || d.GroupID == "" {
		return nil
	}
	// The group goes only when nothing uses it any more: other instances
	// isolated since keep it.
	used, err := c.EC2().DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{d.GroupID}}}})
	if err != nil {
		return fmt.Errorf("checking whether isolation group %s is still used: %w", d.GroupID, err)
	}
	for _, n := range used.NetworkInterfaces {
		for _, g := range n.Groups {
			if aws.ToString(g.GroupId) == d.GroupID {
				return nil
			}
		}
	}
	if _, err := c.EC2().DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(d.GroupID)}); err != nil && apiCode(err) != "InvalidGroup.NotFound" {
		return fmt.Errorf("deleting isolation group %s: %w", d.GroupID, err)
	}
	return nil
}

func sameGroups(inst *instance, want func(eni) []string) bool {
	if len(inst.ENIs) == 0 {
		return sameSet(inst.Groups, want(eni{Groups: inst.Groups}))
	}
	for _, e := range inst.ENIs {
		if !sameSet(e.Groups, want(e)) {
			return false
		}
	}
	return true
}
