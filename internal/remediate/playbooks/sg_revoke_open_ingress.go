package playbooks

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigilhq/vigil/internal/remediate"
)

// sgRevokeOpenIngress removes the inbound rules of a security group that
// let anyone (0.0.0.0/0 or ::/0) reach the configured ports, 22 and 3389
// by default (Security Hub EC2.13, EC2.14, EC2.19; Config restricted-ssh).
// Rules open to narrower ranges, and rules for other ports, stay. The
// removed rules, with their descriptions and tags, are recorded so the
// rollback puts them back.
type sgRevokeOpenIngress struct{}

func (sgRevokeOpenIngress) Name() string { return "sg-revoke-open-ingress" }

func (sgRevokeOpenIngress) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Remove inbound rules open to 0.0.0.0/0 or ::/0 on the configured ports (default 22 and 3389)",
		SummaryJA:         "設定したポート (既定は 22 と 3389) で 0.0.0.0/0 または ::/0 に開いた受信ルールを削除する",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeSecurityGroup},
		ReadPermissions:   []string{"ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"},
		Permissions: []string{"ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:RevokeSecurityGroupIngress",
			"ec2:AuthorizeSecurityGroupIngress", "ec2:CreateTags"},
	}
}

// sgParams are the playbook's parameters.
type sgParams struct {
	// Ports are the ports that must not be open to the world; default 22
	// and 3389.
	Ports []int32 `json:"ports"`
	// AllPorts removes every rule open to the world, whatever its ports.
	AllPorts bool `json:"all_ports"`
}

type sgRule struct {
	ID          string            `json:"security_group_rule_id"`
	Protocol    string            `json:"protocol"`
	FromPort    int32             `json:"from_port"`
	ToPort      int32             `json:"to_port"`
	CIDR        string            `json:"cidr_ipv4,omitempty"`
	CIDRv6      string            `json:"cidr_ipv6,omitempty"`
	Description string            `json:"description,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

type sgBefore struct {
	Group string   `json:"group_id"`
	Ports []int32  `json:"ports,omitempty"`
	All   bool     `json:"all_ports,omitempty"`
	Rules []sgRule `json:"removed_rules"`
}

func (r sgRule) same(o sgRule) bool {
	return r.Protocol == o.Protocol && r.FromPort == o.FromPort && r.ToPort == o.ToPort && r.CIDR == o.CIDR && r.CIDRv6 == o.CIDRv6
}

func (r sgRule) String() string {
	src := r.CIDR + r.CIDRv6
	switch {
	case r.Protocol == "-1":
		return "all traffic from " + src
	case r.FromPort == r.ToPort:
		return fmt.Sprintf("%s %d from %s", r.Protocol, r.FromPort, src)
	}
	return fmt.Sprintf("%s %d-%d from %s", r.Protocol, r.FromPort, r.ToPort, src)
}

// open reports whether the rule lets anyone reach one of ports.
func (r sgRule) open(ports []int32, all bool) bool {
	if r.CIDR != "0.0.0.0/0" && r.CIDRv6 != "::/0" {
		return false
	}
	if all || r.Protocol == "-1" {
		return true
	}
	if r.Protocol != "tcp" && r.Protocol != "udp" && r.Protocol != "6" && r.Protocol != "17" {
		return false
	}
	return slices.ContainsFunc(ports, func(p int32) bool { return r.FromPort <= p && p <= r.ToPort })
}

func ingressRules(ctx context.Context, c *remediate.Clients, group string) ([]sgRule, error) {
	var out []sgRule
	p := ec2.NewDescribeSecurityGroupRulesPaginator(c.EC2(), &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{group}}}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the rules of %s: %w", group, err)
		}
		for _, r := range page.SecurityGroupRules {
			if aws.ToBool(r.IsEgress) {
				continue
			}
			x := sgRule{ID: aws.ToString(r.SecurityGroupRuleId), Protocol: aws.ToString(r.IpProtocol), FromPort: aws.ToInt32(r.FromPort), ToPort: aws.ToInt32(r.ToPort),
				CIDR: aws.ToString(r.CidrIpv4), CIDRv6: aws.ToString(r.CidrIpv6), Description: aws.ToString(r.Description)}
			if len(r.Tags) > 0 {
				x.Tags = map[string]string{}
				for _, t := range r.Tags {
					x.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
			}
			out = append(out, x)
		}
	}
	return out, nil
}

func (p sgRevokeOpenIngress) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	res, err := needResource(in, p.Name(), remediate.TypeSecurityGroup)
	if err != nil {
		return nil, err
	}
	var par sgParams
	if err := remediate.DecodeParams(p.Name(), in.Params, &par); err != nil {
		return nil, err
	}
	if len(par.Ports) == 0 {
		par.Ports = []int32{22, 3389}
	}
	c := in.Clients
	g, err := c.EC2().DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{res.ID}})
	if err != nil {
		return nil, fmt.Errorf("reading security group %s: %w", res.ID, err)
	}
	tags := map[string]string{}
	for _, sg := range g.SecurityGroups {
		for _, t := range sg.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	rules, err := ingressRules(ctx, c, res.ID)
	if err != nil {
		return nil, err
	}
	b := sgBefore{Group: res.ID, Ports: par.Ports, All: par.AllPorts}
	for _, r := range rules {
		if r.open(par.Ports, par.AllPorts) {
			b.Rules = append(b.Rules, r)
		}
	}
	plan := &remediate.Plan{Playbook: p.Name(), Resource: res.ID, ResourceType: remediate.TypeSecurityGroup, Before: mustJSON(b), Tags: tags, Params: mustJSON(par)}
	what := portsText(par)
	if len(b.Rules) == 0 {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("Security group %s has no inbound rule open to the world on %s.", res.ID, what)
		plan.ExplanationJA = fmt.Sprintf("セキュリティグループ %s には %s で全世界に開いた受信ルールはありません。", res.ID, what)
		return plan, nil
	}
	var ids, descr []string
	for _, r := range b.Rules {
		ids = append(ids, r.ID)
		descr = append(descr, r.String())
		perm := map[string]any{"IpProtocol": r.Protocol, "FromPort": r.FromPort, "ToPort": r.ToPort}
		rng := map[string]string{}
		if r.Description != "" {
			rng["Description"] = r.Description
		}
		if r.CIDR != "" {
			rng["CidrIp"] = r.CIDR
			perm["IpRanges"] = []map[string]string{rng}
		} else {
			rng["CidrIpv6"] = r.CIDRv6
			perm["Ipv6Ranges"] = []map[string]string{rng}
		}
		auth := map[string]any{"GroupId": res.ID, "IpPermissions": []map[string]any{perm}}
		if len(r.Tags) > 0 {
			auth["TagSpecifications"] = []map[string]any{{"ResourceType": "security-group-rule", "Tags": tagParams(r.Tags)}}
		}
		plan.Rollback = append(plan.Rollback, step("ec2:AuthorizeSecurityGroupIngress", auth))
	}
	plan.Steps = []remediate.Step{step("ec2:RevokeSecurityGroupIngress", map[string]any{"GroupId": res.ID, "SecurityGroupRuleIds": ids})}
	plan.Explanation = fmt.Sprintf("Remove %d inbound rule(s) of security group %s open to the world on %s: %s.", len(ids), res.ID, what, strings.Join(descr, "; "))
	plan.ExplanationJA = fmt.Sprintf("セキュリティグループ %s から、%s で全世界に開いた受信ルール %d 件を削除します: %s。", res.ID, what, len(ids), strings.Join(descr, "; "))
	return plan, nil
}

func portsText(p sgParams) string {
	if p.AllPorts {
		return "any port"
	}
	var s []string
	for _, x := range p.Ports {
		s = append(s, fmt.Sprint(x))
	}
	return "port " + strings.Join(s, ", ")
}

func (p sgRevokeOpenIngress) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b sgBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	now, err := ingressRules(ctx, c, b.Group)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range now {
		if slices.ContainsFunc(b.Rules, r.same) {
			ids = append(ids, r.ID)
		}
	}
	res := &remediate.Result{Summary: fmt.Sprintf("%d rule(s) removed from %s", len(b.Rules), b.Group)}
	if len(ids) == 0 {
		return res, nil
	}
	if _, err := c.EC2().RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(b.Group), SecurityGroupRuleIds: ids}); err != nil {
		return nil, fmt.Errorf("removing open rules from %s: %w", b.Group, err)
	}
	res.Changed = true
	return res, nil
}

func (p sgRevokeOpenIngress) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	var b sgBefore
	if err := decodeBefore(plan, &b); err != nil {
		return false, remediate.Note{}, err
	}
	now, err := ingressRules(ctx, c, b.Group)
	if err != nil {
		return false, remediate.Note{}, err
	}
	for _, x := range now {
		if x.open(b.Ports, b.All) {
			return false, remediate.Note{
				EN: fmt.Sprintf("%s still allows %s", b.Group, x),
				JA: fmt.Sprintf("セキュリティグループ %s はまだ %s を許可しています", b.Group, x),
			}, nil
		}
	}
	return true, remediate.Note{
		EN: fmt.Sprintf("%s allows nobody from the world on %s", b.Group, portsText(sgParams{Ports: b.Ports, AllPorts: b.All})),
		JA: fmt.Sprintf("セキュリティグループ %s は%sへのインターネットからのアクセスを許可していません", b.Group, portsTextJA(b.Ports, b.All)),
	}, nil
}

// portsTextJA is portsText in Japanese.
func portsTextJA(ports []int32, all bool) string {
	if all {
		return "すべてのポート"
	}
	var s []string
	for _, x := range ports {
		s = append(s, fmt.Sprint(x))
	}
	return "ポート " + strings.Join(s, "、") + " "
}

func (p sgRevokeOpenIngress) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b sgBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	now, err := ingressRules(ctx, c, b.Group)
	if err != nil {
		return err
	}
	for _, x := range b.Rules {
		if slices.ContainsFunc(now, x.same) {
			continue
		}
		perm := types.IpPermission{IpProtocol: aws.String(x.Protocol), FromPort: aws.Int32(x.FromPort), ToPort: aws.Int32(x.ToPort)}
		var descr *string
		if x.Description != "" {
			descr = aws.String(x.Description)
		}
		if x.CIDR != "" {
			perm.IpRanges = []types.IpRange{{CidrIp: aws.String(x.CIDR), Description: descr}}
		} else {
			perm.Ipv6Ranges = []types.Ipv6Range{{CidrIpv6: aws.String(x.CIDRv6), Description: descr}}
		}
		in := &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(b.Group), IpPermissions: []types.IpPermission{perm}}
		if len(x.Tags) > 0 {
			in.TagSpecifications = []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroupRule, Tags: ec2Tags(x.Tags)}}
		}
		if _, err := c.EC2().AuthorizeSecurityGroupIngress(ctx, in); err != nil && apiCode(err) != "InvalidPermission.Duplicate" {
			return fmt.Errorf("putting back %s on %s: %w", x, b.Group, err)
		}
	}
	return nil
}

// CheckParams checks ports and all_ports.
func (p sgRevokeOpenIngress) CheckParams(params json.RawMessage) error {
	var par sgParams
	if err := remediate.DecodeParams(p.Name(), params, &par); err != nil {
		return err
	}
	for i, port := range par.Ports {
		if port < 0 || port > 65535 {
			return fmt.Errorf("%s parameters: ports[%d]: %d is not a port (0-65535)", p.Name(), i, port)
		}
	}
	return nil
}
