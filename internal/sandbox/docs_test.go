package sandbox_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/sandbox"
)

// docServices maps the service headings of docs/sandbox.md's
// compatibility table to the services' names in Call.Service.
var docServices = map[string]string{
	"EC2": "ec2", "IAM": "iam", "STS": "sts", "S3": "s3", "S3 Control": "s3control", "SNS": "sns", "SQS": "sqs",
	"Secrets Manager": "secretsmanager", "CloudWatch": "monitoring", "CloudTrail": "cloudtrail", "GuardDuty": "guardduty",
	"Security Hub": "securityhub", "Systems Manager": "ssm",
}

// TestDocsListEveryOperation keeps the compatibility table of
// docs/sandbox.md in step with the operations the sandbox serves: every
// served operation has a row, and every row names a served operation.
func TestDocsListEveryOperation(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../docs/sandbox.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "\n## Compatibility table\n")
	if !ok {
		t.Fatal("docs/sandbox.md has no \"## Compatibility table\" section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	var listed []string
	svc := ""
	for line := range strings.SplitSeq(table, "\n") {
		if title, ok := strings.CutPrefix(line, "### "); ok {
			title, _, _ = strings.Cut(title, " (")
			if svc = docServices[title]; svc == "" {
				t.Errorf("heading %q names no service the test knows", line)
			}
			continue
		}
		cells := strings.Split(line, "|")
		if svc == "" || len(cells) < 3 || strings.HasPrefix(line, "|---") || strings.TrimSpace(cells[1]) == "operation" {
			continue
		}
		listed = append(listed, svc+":"+strings.TrimSpace(cells[1]))
	}
	served := sandbox.Operations()
	for _, op := range served {
		if !slices.Contains(listed, op) {
			t.Errorf("%s is served but missing from the compatibility table of docs/sandbox.md", op)
		}
	}
	for _, op := range listed {
		if !slices.Contains(served, op) {
			t.Errorf("the compatibility table lists %s, which the sandbox does not serve", op)
		}
	}
	if len(listed) != len(served) {
		t.Errorf("the table has %d rows for %d served operations", len(listed), len(served))
	}
}
