package ask

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// resourceRef is a resource to describe, as resolved from an id or ARN.
type resourceRef struct {
	Kind    string `json:"type"` // instance, security_group, bucket, iam_user, iam_role, access_key
	ID      string `json:"id"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
}

var resourceKinds = []string{"instance", "security_group", "bucket", "iam_user", "iam_role", "access_key"}

// resolveResource reads an id or ARN; kind, when given, says what a bare
// name is (a bucket or user name looks like anything).
func resolveResource(id, kind string) (resourceRef, error) {
	id = strings.TrimSpace(id)
	r := resourceRef{Kind: kind, ID: id}
	if strings.HasPrefix(id, "s3://") {
		b, _, _ := strings.Cut(strings.TrimPrefix(id, "s3://"), "/")
		return resourceRef{Kind: "bucket", ID: b}, nil
	}
	if strings.HasPrefix(id, "arn:") {
		parts := strings.SplitN(id, ":", 6)
		if len(parts) != 6 {
			return r, fmt.Errorf("%q is not an ARN", id)
		}
		svc, region, acct, res := parts[2], parts[3], parts[4], parts[5]
		r.Account, r.Region = acct, region
		typ, name, _ := strings.Cut(res, "/")
		switch {
		case svc == "ec2" && typ == "instance":
			r.Kind, r.ID = "instance", name
		case svc == "ec2" && typ == "security-group":
			r.Kind, r.ID = "security_group", name
		case svc == "s3" && region == "" && acct == "":
			r.Kind, r.ID = "bucket", strings.SplitN(res, "/", 2)[0]
		case svc == "iam" && typ == "user":
			r.Kind, r.ID = "iam_user", name[strings.LastIndexByte(name, '/')+1:]
		case svc == "iam" && typ == "role":
			r.Kind, r.ID = "iam_role", name[strings.LastIndexByte(name, '/')+1:]
		default:
			return r, fmt.Errorf("%q: describe_resource reads EC2 instances, security groups, S3 buckets, IAM users, roles and access keys", id)
		}
		return r, nil
	}
	switch {
	case strings.HasPrefix(id, "i-"):
		r.Kind = "instance"
	case strings.HasPrefix(id, "sg-"):
		r.Kind = "security_group"
	case strings.HasPrefix(id, "AKIA") || strings.HasPrefix(id, "ASIA"):
		r.Kind = "access_key"
	case kind == "":
		return r, fmt.Errorf("%q: give an id (i-..., sg-..., AKIA...), an ARN, or type bucket, iam_user or iam_role with a name", id)
	}
	return r, nil
}

var describeResourceTool = tool{
	name: "describe_resource",
	description: "Read the current configuration of one AWS resource through the AWS APIs (read-only): an EC2 instance (i-...), a security group (sg-...), " +
		"an S3 bucket, an IAM user, role or access key (AKIA...). Give its id or ARN; for a bare bucket, user or role name also give type.",
	schema: `{"type": "object", "properties": {
  "resource": {"type": "string", "description": "id, ARN or name"},
  "type": {"type": "string", "enum": ["instance", "security_group", "bucket", "iam_user", "iam_role", "access_key"]},
  "account_id": {"type": "string"},
  "region": {"type": "string"}
}, "required": ["resource"], "additionalProperties": false}`,
	available: always,
	run: func(ctx context.Context, s *session, args json.RawMessage) (any, error) {
		var in struct {
			Resource string `json:"resource"`
			Type     string `json:"type"`
			Account  string `json:"account_id"`
			Region   string `json:"region"`
		}
		if err := decode("describe_resource", args, &in); err != nil {
			return nil, err
		}
		r, err := resolveResource(in.Resource, in.Type)
		if err != nil {
			return nil, badArgs("describe_resource: %v", err)
		}
		if in.Account != "" {
			r.Account = in.Account
		}
		if in.Region != "" {
			r.Region = in.Region
		}
		return s.describe(ctx, r)
	},
}

// described is what describe_resource returns.
type described struct {
	Resource resourceRef    `json:"resource"`
	Details  map[string]any `json:"details"`
	// Unreadable lists the parts that could not be read, with why
	// (missing permission, ...).
	Unreadable []string `json:"unreadable,omitempty"`
}

// describe reads r with read-only calls.
func (s *session) describe(ctx context.Context, r resourceRef) (*described, error) {
	if r.Region == "" {
		// Buckets and IAM are global: any region answers.
		regions, err := s.lookupRegions(ctx, Filter{})
		if err != nil {
			return nil, err
		}
		r.Region = regions[0]
	}
	cfg, err := s.a.deps.AWS.Account(ctx, r.Account, r.Region)
	if err != nil {
		return nil, err
	}
	out := &described{Resource: r, Details: map[string]any{}}
	soft := func(what string, err error) {
		out.Unreadable = append(out.Unreadable, what+": "+apiError(err))
	}
	var api string
	switch r.Kind {
	case "instance":
		api = "ec2:DescribeInstances"
		res, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{r.ID}})
		if err != nil {
			return nil, notFound(r, err)
		}
		for _, rs := range res.Reservations {
			for _, in := range rs.Instances {
				d := out.Details
				d["InstanceId"], d["InstanceType"], d["State"] = aws.ToString(in.InstanceId), string(in.InstanceType), stateName(in.State)
				d["PrivateIpAddress"], d["PublicIpAddress"] = aws.ToString(in.PrivateIpAddress), aws.ToString(in.PublicIpAddress)
				d["VpcId"], d["SubnetId"], d["ImageId"] = aws.ToString(in.VpcId), aws.ToString(in.SubnetId), aws.ToString(in.ImageId)
				var sgs []string
				for _, g := range in.SecurityGroups {
					sgs = append(sgs, aws.ToString(g.GroupId))
				}
				d["SecurityGroups"] = sgs
				if in.IamInstanceProfile != nil {
					d["IamInstanceProfile"] = aws.ToString(in.IamInstanceProfile.Arn)
				}
				if in.MetadataOptions != nil {
					d["HttpTokens"] = string(in.MetadataOptions.HttpTokens)
				}
				if in.LaunchTime != nil {
					d["LaunchTime"] = in.LaunchTime.UTC().Format(time.RFC3339)
				}
				d["Tags"] = ec2Tags(in.Tags)
			}
		}
	case "security_group":
		api = "ec2:DescribeSecurityGroups"
		res, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{r.ID}})
		if err != nil {
			return nil, notFound(r, err)
		}
		for _, g := range res.SecurityGroups {
			d := out.Details
			d["GroupId"], d["GroupName"], d["VpcId"], d["Description"] = aws.ToString(g.GroupId), aws.ToString(g.GroupName), aws.ToString(g.VpcId), aws.ToString(g.Description)
			d["Ingress"], d["Egress"] = permissions(g.IpPermissions), permissions(g.IpPermissionsEgress)
			d["Tags"] = ec2Tags(g.Tags)
		}
	case "bucket":
		api = "s3:GetBucket*"
		c := s3.NewFromConfig(cfg, func(o *s3.Options) {
			if s.a.deps.AWS.Endpoint() != "" || cfg.BaseEndpoint != nil {
				o.UsePathStyle = true
			}
		})
		b := aws.String(r.ID)
		loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b})
		if err != nil {
			return nil, notFound(r, err)
		}
		region := string(loc.LocationConstraint)
		if region == "" {
			region = "us-east-1"
		}
		out.Details["Bucket"], out.Details["Region"] = r.ID, region
		if p, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b}); err == nil && p.PublicAccessBlockConfiguration != nil {
			pc := p.PublicAccessBlockConfiguration
			out.Details["PublicAccessBlock"] = map[string]bool{"BlockPublicAcls": aws.ToBool(pc.BlockPublicAcls), "IgnorePublicAcls": aws.ToBool(pc.IgnorePublicAcls),
				"BlockPublicPolicy": aws.ToBool(pc.BlockPublicPolicy), "RestrictPublicBuckets": aws.ToBool(pc.RestrictPublicBuckets)}
		} else if code(err) == "NoSuchPublicAccessBlockConfiguration" {
			out.Details["PublicAccessBlock"] = "none"
		} else if err != nil {
			soft("GetPublicAccessBlock", err)
		}
		if p, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b}); err == nil && p.PolicyStatus != nil {
			out.Details["PolicyIsPublic"] = aws.ToBool(p.PolicyStatus.IsPublic)
		} else if code(err) == "NoSuchBucketPolicy" {
			out.Details["PolicyIsPublic"] = false
		} else if err != nil {
			soft("GetBucketPolicyStatus", err)
		}
		if e, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}); err == nil && e.ServerSideEncryptionConfiguration != nil {
			var algs []string
			for _, rule := range e.ServerSideEncryptionConfiguration.Rules {
				if rule.ApplyServerSideEncryptionByDefault != nil {
					algs = append(algs, string(rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm))
				}
			}
			out.Details["DefaultEncryption"] = algs
		} else if err != nil && code(err) != "ServerSideEncryptionConfigurationNotFoundError" {
			soft("GetBucketEncryption", err)
		}
		if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b}); err == nil {
			out.Details["Versioning"] = string(v.Status)
		} else {
			soft("GetBucketVersioning", err)
		}
	case "iam_user":
		api = "iam:GetUser"
		c := iam.NewFromConfig(cfg)
		u, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(r.ID)})
		if err != nil {
			return nil, notFound(r, err)
		}
		out.Details["UserName"], out.Details["Arn"] = aws.ToString(u.User.UserName), aws.ToString(u.User.Arn)
		if u.User.CreateDate != nil {
			out.Details["CreateDate"] = u.User.CreateDate.UTC().Format(time.RFC3339)
		}
		if u.User.PasswordLastUsed != nil {
			out.Details["PasswordLastUsed"] = u.User.PasswordLastUsed.UTC().Format(time.RFC3339)
		}
		keys(ctx, c, r.ID, out, soft)
		if p, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(r.ID)}); err == nil {
			var arns []string
			for _, ap := range p.AttachedPolicies {
				arns = append(arns, aws.ToString(ap.PolicyArn))
			}
			out.Details["AttachedPolicies"] = arns
		} else {
			soft("ListAttachedUserPolicies", err)
		}
	case "iam_role":
		api = "iam:GetRole"
		c := iam.NewFromConfig(cfg)
		role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(r.ID)})
		if err != nil {
			return nil, notFound(r, err)
		}
		out.Details["RoleName"], out.Details["Arn"] = aws.ToString(role.Role.RoleName), aws.ToString(role.Role.Arn)
		if doc, err := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument)); err == nil {
			var v any
			if json.Unmarshal([]byte(doc), &v) == nil {
				out.Details["AssumeRolePolicy"] = v
			}
		}
		if p, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(r.ID)}); err == nil {
			var arns []string
			for _, ap := range p.AttachedPolicies {
				arns = append(arns, aws.ToString(ap.PolicyArn))
			}
			out.Details["AttachedPolicies"] = arns
		} else {
			soft("ListAttachedRolePolicies", err)
		}
	case "access_key":
		api = "iam:GetAccessKeyLastUsed"
		c := iam.NewFromConfig(cfg)
		lu, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(r.ID)})
		if err != nil {
			return nil, notFound(r, err)
		}
		user := aws.ToString(lu.UserName)
		out.Details["AccessKeyId"], out.Details["UserName"] = r.ID, user
		if l := lu.AccessKeyLastUsed; l != nil {
			if l.LastUsedDate != nil {
				out.Details["LastUsedDate"] = l.LastUsedDate.UTC().Format(time.RFC3339)
			}
			out.Details["LastUsedService"], out.Details["LastUsedRegion"] = aws.ToString(l.ServiceName), aws.ToString(l.Region)
		}
		if user != "" {
			keys(ctx, c, user, out, soft)
		}
	default:
		return nil, badArgs("describe_resource: type %q is not one of %s", r.Kind, strings.Join(resourceKinds, ", "))
	}
	s.cite(Citation{Type: CiteAWSAPI, Title: api, ID: r.ID, Region: r.Region})
	return out, nil
}

// keys adds the user's access keys (ids, status, creation) to out.
func keys(ctx context.Context, c *iam.Client, user string, out *described, soft func(string, error)) {
	k, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(user)})
	if err != nil {
		soft("ListAccessKeys", err)
		return
	}
	var list []map[string]string
	for _, m := range k.AccessKeyMetadata {
		e := map[string]string{"AccessKeyId": aws.ToString(m.AccessKeyId), "Status": string(m.Status)}
		if m.CreateDate != nil {
			e["CreateDate"] = m.CreateDate.UTC().Format(time.RFC3339)
		}
		list = append(list, e)
	}
	out.Details["AccessKeys"] = list
}

func stateName(st *ec2types.InstanceState) string {
	if st == nil {
		return ""
	}
	return string(st.Name)
}

func ec2Tags(tags []ec2types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// permissions writes security group rules as "tcp 22 from 0.0.0.0/0".
func permissions(ps []ec2types.IpPermission) []string {
	var out []string
	for _, p := range ps {
		proto := aws.ToString(p.IpProtocol)
		ports := "all"
		if proto == "-1" {
			proto = "all"
		} else if p.FromPort != nil {
			ports = fmt.Sprint(aws.ToInt32(p.FromPort))
			if aws.ToInt32(p.ToPort) != aws.ToInt32(p.FromPort) {
				ports += "-" + fmt.Sprint(aws.ToInt32(p.ToPort))
			}
		}
		var from []string
		for _, r := range p.IpRanges {
			from = append(from, aws.ToString(r.CidrIp))
		}
		for _, r := range p.Ipv6Ranges {
			from = append(from, aws.ToString(r.CidrIpv6))
		}
		for _, g := range p.UserIdGroupPairs {
			from = append(from, aws.ToString(g.GroupId))
		}
		for _, pl := range p.PrefixListIds {
			from = append(from, aws.ToString(pl.PrefixListId))
		}
		out = append(out, fmt.Sprintf("%s %s %s", proto, ports, strings.Join(from, ",")))
	}
	return out
}

// code is an AWS error's code, "" for other errors.
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// apiError says an AWS error briefly: its code and message.
func apiError(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

// notFound turns an AWS error about the resource (not found, access
// denied) into a tool error the model can read and recover from.
func notFound(r resourceRef, err error) error {
	if code(err) != "" {
		return &toolError{msg: fmt.Sprintf("describe_resource %s %s: %s", r.Kind, r.ID, apiError(err))}
	}
	return err
}
