package playbooks

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/vigilhq/vigil/internal/remediate"
)

// s3BlockPublicAccess turns on all four S3 Block Public Access settings,
// for a bucket (Security Hub S3.2, S3.3, S3.8; GuardDuty S3 findings) or for
// the whole account (S3.1). Bucket policies and ACLs that grant public
// access stop taking effect; they are not deleted.
type s3BlockPublicAccess struct{}

func (s3BlockPublicAccess) Name() string { return "s3-block-public-access" }

func (s3BlockPublicAccess) Info() remediate.Info {
	return remediate.Info{
		Summary:           "Turn on S3 Block Public Access for a bucket, or for the account",
		SummaryJA:         "バケット単位またはアカウント単位で S3 パブリックアクセスブロックを有効にする",
		Reversible:        true,
		RollbackOnFailure: true,
		Resources:         []string{remediate.TypeBucket, remediate.TypeAccount},
		ReadPermissions:   []string{"s3:GetBucketPublicAccessBlock", "s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock"},
		Permissions: []string{"s3:GetBucketPublicAccessBlock", "s3:GetBucketLocation", "s3:PutBucketPublicAccessBlock",
			"s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"},
	}
}

type pabParams struct {
	// Level is bucket or account; by default the finding's resource
	// decides (a bucket when it names one).
	Level string `json:"level"`
}

type pab struct {
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

func (p pab) all() bool {
	return p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

func (p pab) params() map[string]bool {
	return map[string]bool{"BlockPublicAcls": p.BlockPublicAcls, "IgnorePublicAcls": p.IgnorePublicAcls, "BlockPublicPolicy": p.BlockPublicPolicy, "RestrictPublicBuckets": p.RestrictPublicBuckets}
}

var pabOn = pab{true, true, true, true}

type pabBefore struct {
	Level   string `json:"level"`
	Bucket  string `json:"bucket,omitempty"`
	Region  string `json:"bucket_region,omitempty"`
	Account string `json:"account_id,omitempty"`
	// Config is nil when there was no configuration at all.
	Config *pab `json:"public_access_block"`
}

// pabTarget reads and writes one level's configuration.
type pabTarget struct {
	c *remediate.Clients
	b *pabBefore
}

func (t pabTarget) get(ctx context.Context) (*pab, error) {
	if t.b.Level == "account" {
		out, err := t.c.S3Control().GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(t.b.Account)})
		if apiCode(err) == "NoSuchPublicAccessBlockConfiguration" {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the account's public access block: %w", err)
		}
		x := out.PublicAccessBlockConfiguration
		return &pab{aws.ToBool(x.BlockPublicAcls), aws.ToBool(x.IgnorePublicAcls), aws.ToBool(x.BlockPublicPolicy), aws.ToBool(x.RestrictPublicBuckets)}, nil
	}
	out, err := t.c.S3().GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(t.b.Bucket)})
	if apiCode(err) == "NoSuchPublicAccessBlockConfiguration" {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the public access block of bucket %s: %w", t.b.Bucket, err)
	}
	x := out.PublicAccessBlockConfiguration
	return &pab{aws.ToBool(x.BlockPublicAcls), aws.ToBool(x.IgnorePublicAcls), aws.ToBool(x.BlockPublicPolicy), aws.ToBool(x.RestrictPublicBuckets)}, nil
}

func (t pabTarget) put(ctx context.Context, v pab) error {
	if t.b.Level == "account" {
		_, err := t.c.S3Control().PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(t.b.Account),
			PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(v.BlockPublicAcls), IgnorePublicAcls: aws.Bool(v.IgnorePublicAcls),
				BlockPublicPolicy: aws.Bool(v.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(v.RestrictPublicBuckets)}})
		if err != nil {
			return fmt.Errorf("setting the account's public access block: %w", err)
		}
		return nil
	}
	_, err := t.c.S3().PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(t.b.Bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(v.BlockPublicAcls), IgnorePublicAcls: aws.Bool(v.IgnorePublicAcls),
			BlockPublicPolicy: aws.Bool(v.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(v.RestrictPublicBuckets)}})
	if err != nil {
		return fmt.Errorf("setting the public access block of bucket %s: %w", t.b.Bucket, err)
	}
	return nil
}

func (t pabTarget) remove(ctx context.Context) error {
	if t.b.Level == "account" {
		if _, err := t.c.S3Control().DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: aws.String(t.b.Account)}); err != nil {
			return fmt.Errorf("removing the account's public access block: %w", err)
		}
		return nil
	}
	if _, err := t.c.S3().DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(t.b.Bucket)}); err != nil {
		return fmt.Errorf("removing the public access block of bucket %s: %w", t.b.Bucket, err)
	}
	return nil
}

func (b *pabBefore) target(c *remediate.Clients) pabTarget {
	if b.Level == "bucket" {
		c = c.InRegion(b.Region)
	}
	return pabTarget{c, b}
}

// api names the step's API as the AWS CLI does.
func (b *pabBefore) api(op string) string {
	if b.Level == "account" {
		return "s3control:" + op
	}
	return "s3api:" + op
}

func (b *pabBefore) ref() map[string]any {
	if b.Level == "account" {
		return map[string]any{"AccountId": b.Account}
	}
	return map[string]any{"Bucket": b.Bucket}
}

func (p s3BlockPublicAccess) Plan(ctx context.Context, in remediate.PlanInput) (*remediate.Plan, error) {
	var par pabParams
	if err := remediate.DecodeParams(p.Name(), in.Params, &par); err != nil {
		return nil, err
	}
	b := &pabBefore{Level: par.Level}
	switch par.Level {
	case "":
		b.Level = "account"
		if in.Resource.Type == remediate.TypeBucket {
			b.Level = "bucket"
		}
	case "bucket", "account":
	default:
		return nil, fmt.Errorf("%s parameters: level: want bucket or account, got %q", p.Name(), par.Level)
	}
	c := in.Clients
	if b.Level == "bucket" {
		res, err := needResource(in, p.Name(), remediate.TypeBucket)
		if err != nil {
			return nil, err
		}
		b.Bucket = res.ID
		loc, err := c.S3().GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(b.Bucket)})
		if err != nil {
			return nil, fmt.Errorf("finding the region of bucket %s: %w", b.Bucket, err)
		}
		b.Region = string(loc.LocationConstraint)
		if b.Region == "" {
			b.Region = "us-east-1"
		}
	} else {
		b.Account = c.Account()
		if b.Account == "" {
			return nil, fmt.Errorf("%s: the finding names no account", p.Name())
		}
	}
	cur, err := b.target(c).get(ctx)
	if err != nil {
		return nil, err
	}
	b.Config = cur
	plan := &remediate.Plan{Playbook: p.Name(), Before: mustJSON(b), Tags: in.Resource.Tags}
	what, whatJA := "account "+b.Account, "アカウント "+b.Account
	if b.Level == "bucket" {
		plan.Resource, plan.ResourceType = b.Bucket, remediate.TypeBucket
		what, whatJA = "bucket "+b.Bucket, "バケット "+b.Bucket
	} else {
		plan.Resource, plan.ResourceType = "account", remediate.TypeAccount
	}
	if cur != nil && cur.all() {
		plan.NoChange = true
		plan.Explanation = fmt.Sprintf("S3 Block Public Access is already fully on for %s.", what)
		plan.ExplanationJA = fmt.Sprintf("%s の S3 パブリックアクセスブロックは既にすべて有効です。", whatJA)
		return plan, nil
	}
	put := b.ref()
	put["PublicAccessBlockConfiguration"] = pabOn.params()
	plan.Steps = []remediate.Step{step(b.api("PutPublicAccessBlock"), put)}
	if cur == nil {
		plan.Rollback = []remediate.Step{step(b.api("DeletePublicAccessBlock"), b.ref())}
	} else {
		rb := b.ref()
		rb["PublicAccessBlockConfiguration"] = cur.params()
		plan.Rollback = []remediate.Step{step(b.api("PutPublicAccessBlock"), rb)}
	}
	plan.Explanation = fmt.Sprintf("Turn on all four S3 Block Public Access settings for %s: public ACLs and public bucket policies stop granting access (they are not deleted).", what)
	plan.ExplanationJA = fmt.Sprintf("%s で S3 パブリックアクセスブロックの 4 つの設定をすべて有効にします。公開 ACL と公開バケットポリシーはアクセスを許可しなくなります (削除はされません)。", whatJA)
	if b.Level == "bucket" {
		plan.Terraform = fmt.Sprintf("resource \"aws_s3_bucket_public_access_block\" \"this\" {\n  bucket                  = %q\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}\n", b.Bucket)
	} else {
		plan.Terraform = fmt.Sprintf("resource \"aws_s3_account_public_access_block\" \"this\" {\n  account_id              = %q\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}\n", b.Account)
	}
	return plan, nil
}

func (p s3BlockPublicAccess) Apply(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, key string) (*remediate.Result, error) {
	var b pabBefore
	if err := decodeBefore(plan, &b); err != nil {
		return nil, err
	}
	t := b.target(c)
	res := &remediate.Result{Summary: "S3 Block Public Access on for " + plan.Resource}
	cur, err := t.get(ctx)
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.all() {
		return res, nil
	}
	if err := t.put(ctx, pabOn); err != nil {
		return nil, err
	}
	res.Changed = true
	return res, nil
}

func (p s3BlockPublicAccess) Verify(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) (bool, remediate.Note, error) {
	var b pabBefore
	if err := decodeBefore(plan, &b); err != nil {
		return false, remediate.Note{}, err
	}
	cur, err := b.target(c).get(ctx)
	if err != nil {
		return false, remediate.Note{}, err
	}
	if cur == nil || !cur.all() {
		return false, remediate.Note{
			EN: "S3 Block Public Access is not fully on for " + plan.Resource,
			JA: s3TargetJA(b) + " の S3 ブロックパブリックアクセスは、4 つの設定のうち無効のものが残っています",
		}, nil
	}
	return true, remediate.Note{
		EN: "S3 Block Public Access is fully on for " + plan.Resource,
		JA: s3TargetJA(b) + " の S3 ブロックパブリックアクセスは 4 つの設定がすべて有効になっています",
	}, nil
}

// s3TargetJA names, in Japanese, what Block Public Access was turned on
// for: the account or a bucket.
func s3TargetJA(b pabBefore) string {
	if b.Level == "bucket" {
		return "バケット " + b.Bucket
	}
	return "アカウント " + b.Account
}

func (p s3BlockPublicAccess) Rollback(ctx context.Context, c *remediate.Clients, plan *remediate.Plan, r *remediate.Result) error {
	var b pabBefore
	if err := decodeBefore(plan, &b); err != nil {
		return err
	}
	t := b.target(c)
	if b.Config == nil {
		cur, err := t.get(ctx)
		if err != nil || cur == nil {
			return err
		}
		return t.remove(ctx)
	}
	return t.put(ctx, *b.Config)
}

// CheckParams checks level.
func (p s3BlockPublicAccess) CheckParams(params json.RawMessage) error {
	var par pabParams
	if err := remediate.DecodeParams(p.Name(), params, &par); err != nil {
		return err
	}
	if par.Level != "" && par.Level != "bucket" && par.Level != "account" {
		return fmt.Errorf("%s parameters: level: want bucket or account, got %q", p.Name(), par.Level)
	}
	return nil
}
