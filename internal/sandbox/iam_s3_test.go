package sandbox_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vigilhq/vigil/internal/sandbox"
)

func TestIAMUsersAndKeys(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := iam.NewFromConfig(cfg(sb, "us-east-1"))
	users := must[*iam.ListUsersOutput](t)(c.ListUsers(ctx, &iam.ListUsersInput{}))
	if len(users.Users) != 2 || aws.ToString(users.Users[0].UserName) != "etl-batch" || aws.ToString(users.Users[0].Arn) != "arn:aws:iam::111122223333:user/etl-batch" {
		t.Fatalf("users = %+v", users.Users)
	}
	// Paging with MaxItems/Marker through the SDK paginator.
	p := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(1)})
	n := 0
	for p.HasMorePages() {
		n += len(must[*iam.ListUsersOutput](t)(p.NextPage(ctx)).Users)
	}
	if n != 2 {
		t.Errorf("paged users = %d", n)
	}
	keys := must[*iam.ListAccessKeysOutput](t)(c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("etl-batch")}))
	if len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].AccessKeyId) != "AKIAH24JZLHVCY3F7F6L" || keys.AccessKeyMetadata[0].Status != iamtypes.StatusTypeActive {
		t.Fatalf("keys = %+v", keys.AccessKeyMetadata)
	}
	must[*iam.UpdateAccessKeyOutput](t)(c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("etl-batch"), AccessKeyId: aws.String("AKIAH24JZLHVCY3F7F6L"), Status: iamtypes.StatusTypeInactive}))
	keys = must[*iam.ListAccessKeysOutput](t)(c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("etl-batch")}))
	if keys.AccessKeyMetadata[0].Status != iamtypes.StatusTypeInactive {
		t.Errorf("status after update = %s", keys.AccessKeyMetadata[0].Status)
	}
	_, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("etl-batch"), AccessKeyId: aws.String("AKIA0000000000000000"), Status: iamtypes.StatusTypeInactive})
	wantCode(t, err, "NoSuchEntity")
	_, err = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("nobody")})
	wantCode(t, err, "NoSuchEntity")
	// Root's own keys when no user is named.
	root := must[*iam.ListAccessKeysOutput](t)(c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{}))
	if len(root.AccessKeyMetadata) != 1 || aws.ToString(root.AccessKeyMetadata[0].AccessKeyId) != "AKIARNBK7Y7RKTKYU43W" {
		t.Errorf("root keys = %+v", root.AccessKeyMetadata)
	}

	lu := must[*iam.GetAccessKeyLastUsedOutput](t)(c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAH24JZLHVCY3F7F6L")}))
	if aws.ToString(lu.UserName) != "etl-batch" || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "s3" || lu.AccessKeyLastUsed.LastUsedDate == nil {
		t.Errorf("last used = %+v", lu.AccessKeyLastUsed)
	}
	// A signed call with the key records its use.
	keyCfg := cfgKeys(sb, "ap-northeast-1", "AKIAQ3EGRJ7WBUILD001", "any", "")
	id := must[*sts.GetCallerIdentityOutput](t)(sts.NewFromConfig(keyCfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if aws.ToString(id.Arn) != "arn:aws:iam::111122223333:user/build-deployer" {
		t.Errorf("caller = %s", aws.ToString(id.Arn))
	}
	lu = must[*iam.GetAccessKeyLastUsedOutput](t)(c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAQ3EGRJ7WBUILD001")}))
	if aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "sts" || aws.ToString(lu.AccessKeyLastUsed.Region) != "ap-northeast-1" {
		t.Errorf("last used after a call = %+v", lu.AccessKeyLastUsed)
	}
}

// TestIAMInactiveKeyStopsWorking: deactivating a leaked key (what a
// remediation does first) stops its calls at once; activating it again
// lets them through.
func TestIAMInactiveKeyStopsWorking(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	admin := iam.NewFromConfig(cfg(sb, "us-east-1"))
	leaked := sts.NewFromConfig(cfgKeys(sb, "ap-northeast-1", "AKIAH24JZLHVCY3F7F6L", "any", ""))
	must[*sts.GetCallerIdentityOutput](t)(leaked.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	set := func(status iamtypes.StatusType) {
		must[*iam.UpdateAccessKeyOutput](t)(admin.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("etl-batch"), AccessKeyId: aws.String("AKIAH24JZLHVCY3F7F6L"), Status: status}))
	}
	set(iamtypes.StatusTypeInactive)
	_, err := leaked.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId")
	set(iamtypes.StatusTypeActive)
	must[*sts.GetCallerIdentityOutput](t)(leaked.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
}

func TestIAMPasswordPolicy(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	// 111111111111 has no policy: assume a role there.
	stsc := sts.NewFromConfig(cfg(sb, "us-east-1"))
	ar := must[*sts.AssumeRoleOutput](t)(stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("vigil")}))
	cr := ar.Credentials
	c := iam.NewFromConfig(cfgKeys(sb, "us-east-1", aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)))
	_, err := c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	wantCode(t, err, "NoSuchEntity")
	must[*iam.UpdateAccountPasswordPolicyOutput](t)(c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
		MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(24), AllowUsersToChangePassword: true,
	}))
	p := must[*iam.GetAccountPasswordPolicyOutput](t)(c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})).PasswordPolicy
	if aws.ToInt32(p.MinimumPasswordLength) != 14 || !p.RequireSymbols || !p.ExpirePasswords || aws.ToInt32(p.MaxPasswordAge) != 90 || aws.ToInt32(p.PasswordReusePrevention) != 24 {
		t.Errorf("policy = %+v", p)
	}
	_, err = c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(200)})
	wantCode(t, err, "ValidationError")
	// The default account's policy did not change.
	dp := must[*iam.GetAccountPasswordPolicyOutput](t)(iam.NewFromConfig(cfg(sb, "us-east-1")).GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})).PasswordPolicy
	if aws.ToInt32(dp.MinimumPasswordLength) != 8 {
		t.Errorf("default account policy = %+v", dp)
	}
}

func TestSTSIdentityAndAssumeRole(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := sts.NewFromConfig(cfg(sb, region))
	id := must[*sts.GetCallerIdentityOutput](t)(c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if aws.ToString(id.Account) != "111122223333" || aws.ToString(id.Arn) != "arn:aws:iam::111122223333:root" {
		t.Errorf("identity = %s %s", aws.ToString(id.Account), aws.ToString(id.Arn))
	}
	ar := must[*sts.AssumeRoleOutput](t)(c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/vigil-remediation"), RoleSessionName: aws.String("case-7")}))
	if aws.ToString(ar.AssumedRoleUser.Arn) != "arn:aws:sts::123456789012:assumed-role/vigil-remediation/case-7" {
		t.Errorf("assumed = %s", aws.ToString(ar.AssumedRoleUser.Arn))
	}
	cr := ar.Credentials
	c2 := sts.NewFromConfig(cfgKeys(sb, region, aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)))
	id2 := must[*sts.GetCallerIdentityOutput](t)(c2.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}))
	if aws.ToString(id2.Account) != "123456789012" || aws.ToString(id2.Arn) != "arn:aws:sts::123456789012:assumed-role/vigil-remediation/case-7" {
		t.Errorf("assumed identity = %s %s", aws.ToString(id2.Account), aws.ToString(id2.Arn))
	}
	_, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/x"), RoleSessionName: aws.String("s")})
	wantCode(t, err, "AccessDenied")
}

func TestS3Buckets(t *testing.T) {
	t.Parallel()
	sb := start(t, sandbox.Demo())
	c := s3.NewFromConfig(cfg(sb, region))
	list := must[*s3.ListBucketsOutput](t)(c.ListBuckets(ctx, &s3.ListBucketsInput{}))
	if len(list.Buckets) != 3 || aws.ToString(list.Buckets[0].Name) != "ap-analytics-raw-111122223333" {
		t.Fatalf("buckets = %+v", list.Buckets)
	}
	must[*s3.CreateBucketOutput](t)(c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vigil-evidence-111122223333"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}}))
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vigil-evidence-111122223333"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}})
	wantCode(t, err, "BucketAlreadyOwnedByYou")
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("another-bucket-no-constraint")})
	wantCode(t, err, "IllegalLocationConstraintException")
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}})
	wantCode(t, err, "InvalidBucketName")

	b := aws.String("example-public-assets-111122223333")
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
	ps := must[*s3.GetBucketPolicyStatusOutput](t)(c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b}))
	if !aws.ToBool(ps.PolicyStatus.IsPublic) {
		t.Error("public-assets policy should be public")
	}
	must[*s3.PutPublicAccessBlockOutput](t)(c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false)}}))
	pab := must[*s3.GetPublicAccessBlockOutput](t)(c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})).PublicAccessBlockConfiguration
	if !aws.ToBool(pab.BlockPublicAcls) || aws.ToBool(pab.RestrictPublicBuckets) {
		t.Errorf("public access block = %+v", pab)
	}
	must[*s3.DeletePublicAccessBlockOutput](t)(c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b}))
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")

	_, err = c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("ap-analytics-raw-111122223333")})
	wantCode(t, err, "NoSuchBucketPolicy")
	cross := must[*s3.GetBucketPolicyStatusOutput](t)(c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("my-bucket")}))
	if aws.ToBool(cross.PolicyStatus.IsPublic) {
		t.Error("a cross-account grant is not public")
	}
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("no-such-bucket-anywhere")})
	wantCode(t, err, "NoSuchBucket")
	// Another account's bucket is not ours.
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("bucket-test-iad")})
	wantCode(t, err, "AccessDenied")
}
