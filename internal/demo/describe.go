package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// describe reads, with ordinary AWS calls to the sandbox, the state a
// playbook changes on resource, and says whether it is the state the
// playbook aims for: the demo's own check, beside vigil's verification.
func describe(ctx context.Context, cfg aws.Config, lang, playbook, resource string) (string, bool, error) {
	switch playbook {
	case "ec2-isolate":
		return describeIsolation(ctx, cfg, lang, resource)
	case "iam-deactivate-access-key":
		return describeKey(ctx, cfg, lang, resource)
	case "sg-revoke-open-ingress":
		return describeOpenIngress(ctx, cfg, lang, resource)
	case "s3-block-public-access":
		return describePublicAccessBlock(ctx, cfg, lang, resource)
	}
	return "", false, fmt.Errorf("demo: no describe call for playbook %s", playbook)
}

// lastPart is what follows the last '/' or ':' of an ARN, or s itself.
func lastPart(s string) string {
	if i := strings.LastIndexAny(s, "/:"); i >= 0 {
		return s[i+1:]
	}
	return s
}

func pick(lang, en, ja string) string {
	if lang == "ja" {
		return ja
	}
	return en
}

// describeIsolation: the instance is isolated when its only security
// group is vigil's isolation group and that group has no rule.
func describeIsolation(ctx context.Context, cfg aws.Config, lang, resource string) (string, bool, error) {
	id := lastPart(resource)
	c := ec2.NewFromConfig(cfg)
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		return "", false, fmt.Errorf("demo: ec2:DescribeInstances %s: %w", id, err)
	}
	var groups []string
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			for _, g := range in.SecurityGroups {
				groups = append(groups, aws.ToString(g.GroupId))
			}
		}
	}
	if len(groups) == 0 {
		return pick(lang, "no security group", "セキュリティグループなし"), false, nil
	}
	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: groups})
	if err != nil {
		return "", false, fmt.Errorf("demo: ec2:DescribeSecurityGroups %v: %w", groups, err)
	}
	var parts []string
	isolated := len(sgs.SecurityGroups) == 1
	for _, g := range sgs.SecurityGroups {
		in, eg := len(g.IpPermissions), len(g.IpPermissionsEgress)
		parts = append(parts, fmt.Sprintf(pick(lang, "%s (%s: %d inbound, %d outbound rules)", "%s（%s: 受信ルール %d、送信ルール %d）"),
			aws.ToString(g.GroupId), aws.ToString(g.GroupName), in, eg))
		if !hasTag(g.Tags, "vigil:isolation", "true") || in+eg != 0 {
			isolated = false
		}
	}
	return "ec2:DescribeInstances " + id + pick(lang, ": security groups ", ": セキュリティグループ ") + strings.Join(parts, ", "), isolated, nil
}

func hasTag(tags []ec2types.Tag, k, v string) bool {
	return slices.ContainsFunc(tags, func(t ec2types.Tag) bool { return aws.ToString(t.Key) == k && aws.ToString(t.Value) == v })
}

// describeKey: the access key is deactivated when IAM lists it Inactive.
func describeKey(ctx context.Context, cfg aws.Config, lang, resource string) (string, bool, error) {
	id := lastPart(resource)
	c := iam.NewFromConfig(cfg)
	used, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
	if err != nil {
		return "", false, fmt.Errorf("demo: iam:GetAccessKeyLastUsed %s: %w", id, err)
	}
	user := aws.ToString(used.UserName)
	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: used.UserName})
	if err != nil {
		return "", false, fmt.Errorf("demo: iam:ListAccessKeys %s: %w", user, err)
	}
	for _, k := range keys.AccessKeyMetadata {
		if aws.ToString(k.AccessKeyId) == id {
			return fmt.Sprintf(pick(lang, "iam:ListAccessKeys %s: %s is %s", "iam:ListAccessKeys %s: %s は %s"), user, id, k.Status), k.Status == "Inactive", nil
		}
	}
	return fmt.Sprintf(pick(lang, "iam:ListAccessKeys %s: %s is not listed", "iam:ListAccessKeys %s: %s は一覧にありません"), user, id), false, nil
}

// describeOpenIngress: the group is closed when no inbound rule lets
// 0.0.0.0/0 or ::/0 reach a remote administration port (SSH, RDP); a web
// port open to the world is listed, not counted against it.
func describeOpenIngress(ctx context.Context, cfg aws.Config, lang, resource string) (string, bool, error) {
	id := lastPart(resource)
	c := ec2.NewFromConfig(cfg)
	out, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if err != nil {
		return "", false, fmt.Errorf("demo: ec2:DescribeSecurityGroups %s: %w", id, err)
	}
	var open []string
	closed := true
	for _, g := range out.SecurityGroups {
		for _, p := range g.IpPermissions {
			admin := aws.ToString(p.IpProtocol) == "-1" || p.FromPort != nil && p.ToPort != nil &&
				slices.ContainsFunc([]int32{22, 3389}, func(port int32) bool { return *p.FromPort <= port && port <= *p.ToPort })
			ports := aws.ToString(p.IpProtocol)
			if p.FromPort != nil {
				ports = fmt.Sprintf("%s/%d", ports, aws.ToInt32(p.FromPort))
				if aws.ToInt32(p.ToPort) != aws.ToInt32(p.FromPort) {
					ports += fmt.Sprintf("-%d", aws.ToInt32(p.ToPort))
				}
			}
			for _, r := range p.IpRanges {
				if aws.ToString(r.CidrIp) == "0.0.0.0/0" {
					open = append(open, ports+" 0.0.0.0/0")
					closed = closed && !admin
				}
			}
			for _, r := range p.Ipv6Ranges {
				if aws.ToString(r.CidrIpv6) == "::/0" {
					open = append(open, ports+" ::/0")
					closed = closed && !admin
				}
			}
		}
	}
	if len(open) == 0 {
		return "ec2:DescribeSecurityGroups " + id + pick(lang, ": no inbound rule open to the world", ": 全世界に開いた受信ルールはありません"), true, nil
	}
	return "ec2:DescribeSecurityGroups " + id + pick(lang, ": open to the world: ", ": 全世界に開いた受信ルール: ") + strings.Join(open, ", "), closed, nil
}

// describePublicAccessBlock: the bucket is blocked when all four settings
// of its public access block are on.
func describePublicAccessBlock(ctx context.Context, cfg aws.Config, lang, resource string) (string, bool, error) {
	bucket := lastPart(resource)
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err != nil {
		if strings.Contains(err.Error(), "NoSuchPublicAccessBlockConfiguration") {
			return "s3:GetPublicAccessBlock " + bucket + pick(lang, ": none", ": 設定なし"), false, nil
		}
		return "", false, fmt.Errorf("demo: s3:GetPublicAccessBlock %s: %w", bucket, err)
	}
	b := out.PublicAccessBlockConfiguration
	on := aws.ToBool(b.BlockPublicAcls) && aws.ToBool(b.IgnorePublicAcls) && aws.ToBool(b.BlockPublicPolicy) && aws.ToBool(b.RestrictPublicBuckets)
	return fmt.Sprintf("s3:GetPublicAccessBlock %s: BlockPublicAcls=%t IgnorePublicAcls=%t BlockPublicPolicy=%t RestrictPublicBuckets=%t", bucket,
		aws.ToBool(b.BlockPublicAcls), aws.ToBool(b.IgnorePublicAcls), aws.ToBool(b.BlockPublicPolicy), aws.ToBool(b.RestrictPublicBuckets)), on, nil
}
