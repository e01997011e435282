package sandbox_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// awsCLIs lists every distinct AWS CLI on PATH. Two can be installed at
// once (Debian's awscli and a pip one); they speak different protocol
// generations (query vs JSON for SQS, query vs CBOR for CloudWatch), so
// the smoke test runs each.
func awsCLIs() []string {
	var out []string
	seen := map[string]bool{}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, "aws")
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			real = p
		}
		// pyenv shims are scripts that pick an interpreter: key on the
		// version the CLI reports instead of the path.
		v, err := exec.Command(p, "--version").CombinedOutput()
		if err != nil {
			continue
		}
		key := strings.Fields(string(v))[0]
		if seen[key] || seen[real] {
			continue
		}
		seen[key], seen[real] = true, true
		out = append(out, p)
	}
	return out
}

// TestAWSCLISmoke runs testdata/awscli-smoke.sh with each AWS CLI against a
// sandbox that checks SigV4 signatures, then checks the state the script
// left. It skips when no AWS CLI is installed, unless CI=true.
func TestAWSCLISmoke(t *testing.T) {
	clis := awsCLIs()
	if len(clis) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the AWS CLI is not installed; .ci/run must apt-get install awscli")
		}
		t.Skip("no aws on PATH (apt-get install awscli)")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script, err := filepath.Abs("testdata/awscli-smoke.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, cli := range clis {
		t.Run(filepath.Base(filepath.Dir(cli)), func(t *testing.T) {
			t.Parallel()
			sc := sandbox.Demo()
			sc.Credentials = []sandbox.Credential{{AccessKeyID: "AKIASMOKETEST0000001", SecretAccessKey: "smoke/secret+key=1"}}
			sb := start(t, sc)
			home := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", script)
			cmd.Env = []string{
				"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LANG=C.UTF-8",
				"SANDBOX_URL=" + sb.URL(), "AWS=" + cli,
				"AWS_ACCESS_KEY_ID=AKIASMOKETEST0000001", "AWS_SECRET_ACCESS_KEY=smoke/secret+key=1",
				"AWS_DEFAULT_REGION=ap-northeast-1", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
				"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
			}
			// A pip-installed CLI behind pyenv shims needs pyenv's settings.
			for _, kv := range os.Environ() {
				if strings.HasPrefix(kv, "PYENV") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			t.Logf("%s", out.String())
			if err != nil {
				t.Fatalf("smoke script with %s: %v", cli, err)
			}
			checkSmokeState(t, sb)
		})
	}
}

// checkSmokeState checks that what the CLI did shows in the sandbox state,
// and that every simulated operation was called and answered 2xx.
func checkSmokeState(t *testing.T, sb *sandbox.Sandbox) {
	st := sb.State()
	acct := st.Accounts[0]
	apne := acct.Regions[0]
	inst := map[string]*sandbox.Instance{}
	for _, in := range apne.Instances {
		inst[in.ID] = in
	}
	var quarantine string
	for _, g := range apne.SecurityGroups {
		if g.Name == "smoke-quarantine" {
			quarantine = g.ID
			if len(g.Ingress) != 0 || len(g.Egress) != 1 || g.Egress[0].ToPort != 443 {
				t.Errorf("quarantine rules = %+v / %+v", g.Ingress, g.Egress)
			}
		}
	}
	if quarantine == "" || !slices.Equal(inst["i-0a1b2c3d4e5f60718"].SecurityGroups, []string{quarantine}) {
		t.Errorf("jump host groups = %v, quarantine %q", inst["i-0a1b2c3d4e5f60718"].SecurityGroups, quarantine)
	}
	if in := inst["i-04f2e6a8c0b1d3957"]; in.Metadata.HttpTokens != "required" || in.Tags["vigil:case"] != "IR-1" || in.Tags["temp"] != "" {
		t.Errorf("batch worker = %+v tags %v", in.Metadata, in.Tags)
	}
	if inst["i-0d3e5f7a9b1c2e468"].State != "stopped" || inst["i-06b5a4c3d2e1f0987"].State != "terminated" {
		t.Errorf("states = %s, %s", inst["i-0d3e5f7a9b1c2e468"].State, inst["i-06b5a4c3d2e1f0987"].State)
	}
	if !apne.EbsEncryptionByDefault {
		t.Error("EBS encryption by default is off")
	}
	if !slices.ContainsFunc(apne.Snapshots, func(s *sandbox.Snapshot) bool {
		return s.Description == "smoke IR-1" && s.VolumeID == "vol-04f2e6a8c0b1d0003"
	}) {
		t.Errorf("snapshots = %+v", apne.Snapshots)
	}
	if acct.Users[0].AccessKeys[0].Status != "Inactive" || acct.PasswordPolicy.MinimumPasswordLength != 14 || !acct.PasswordPolicy.RequireSymbols {
		t.Errorf("iam: key %s, policy %+v", acct.Users[0].AccessKeys[0].Status, acct.PasswordPolicy)
	}
	buckets := map[string]*sandbox.Bucket{}
	for _, b := range acct.Buckets {
		buckets[b.Name] = b
	}
	if b := buckets["smoke-evidence-111122223333"]; b == nil || b.Region != "ap-northeast-1" || b.PublicAccessBlock != nil {
		t.Errorf("smoke bucket = %+v", b)
	}
	if p := buckets["example-public-assets-111122223333"].PublicAccessBlock; p == nil || !p.RestrictPublicBuckets {
		t.Errorf("public assets block = %+v", p)
	}
	for _, tp := range apne.Topics {
		if tp.Name == "smoke-alerts" && (len(tp.Published) != 1 || !strings.Contains(tp.Published[0].Message, "203.0.113.45") || tp.Published[0].Subject != "smoke") {
			t.Errorf("published = %+v", tp.Published)
		}
	}
	for _, q := range apne.Queues {
		if q.Name == "smoke-events" && len(q.Messages) != 0 {
			t.Errorf("smoke queue still holds %d messages", len(q.Messages))
		}
	}
	for _, s := range apne.Secrets {
		if s.Name == "smoke/token" && (s.Value != "v2" || len(s.Versions) != 2) {
			t.Errorf("secret = %q with %d versions", s.Value, len(s.Versions))
		}
	}
	if m := apne.Metrics; len(m) != 1 || m[0].Namespace != "Vigil/Smoke" || m[0].Name != "Runs" || m[0].Value != 1 || m[0].Dimensions["Stage"] != "smoke" {
		t.Errorf("metrics = %+v", m)
	}
	if raw, ok := sb.Finding("smoke-finding-1"); !ok || !bytes.Contains(raw, []byte(`"Title":"smoke"`)) {
		t.Error("imported finding missing")
	}
	raw, _ := sb.Finding("arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335-cf3f-4f93-a025-6b1a7baced06")
	if !bytes.Contains(raw, []byte(`"Workflow":{"Status":"RESOLVED"}`)) || !bytes.Contains(raw, []byte("UpdatedBy\":\"smoke")) {
		t.Errorf("updated finding = %s", raw)
	}

	ok := map[string]bool{}
	protocols := map[string]string{}
	for _, c := range sb.Calls() {
		if c.Status >= 200 && c.Status < 300 {
			ok[c.Service+":"+c.Operation] = true
			protocols[c.Service] = c.Protocol
		}
	}
	for _, op := range []string{
		"sts:GetCallerIdentity", "sts:AssumeRole",
		"ec2:DescribeInstances", "ec2:DescribeSecurityGroups", "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress",
		"ec2:RevokeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifyInstanceAttribute",
		"ec2:ModifyInstanceMetadataOptions", "ec2:CreateTags", "ec2:DeleteTags", "ec2:DescribeTags", "ec2:DescribeVolumes", "ec2:CreateSnapshot",
		"ec2:DescribeSnapshots", "ec2:EnableEbsEncryptionByDefault", "ec2:DisableEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault",
		"ec2:StopInstances", "ec2:TerminateInstances",
		"iam:ListUsers", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:GetAccessKeyLastUsed", "iam:GetAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy",
		"s3:ListBuckets", "s3:CreateBucket", "s3:GetPublicAccessBlock", "s3:PutPublicAccessBlock", "s3:DeletePublicAccessBlock", "s3:GetBucketPolicyStatus",
		"securityhub:GetFindings", "securityhub:BatchImportFindings", "securityhub:BatchUpdateFindings",
		"sns:CreateTopic", "sns:ListTopics", "sns:Publish",
		"sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:SendMessage", "sqs:SendMessageBatch", "sqs:ReceiveMessage", "sqs:DeleteMessage",
		"sqs:DeleteMessageBatch", "sqs:ChangeMessageVisibility",
		"secretsmanager:CreateSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
		"monitoring:PutMetricData",
	} {
		if !ok[op] {
			t.Errorf("%s was not called successfully by the AWS CLI", op)
		}
	}
	t.Logf("protocols used by this CLI: sqs=%s cloudwatch=%s", protocols["sqs"], protocols["monitoring"])
}
