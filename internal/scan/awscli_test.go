package scan_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/scan"
)

// TestTenThousandFindingsMatchAWSCLI scans 10,000 generated findings and
// checks the CSV's row count against the AWS CLI's count of the same
// filters, computed independently against the same sandbox.
func TestTenThousandFindingsMatchAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the AWS CLI is not installed; .ci/run must apt-get install awscli")
		}
		t.Skip("no aws on PATH (apt-get install awscli)")
	}
	sc := scenario()
	sc.GeneratedFindings = 10000
	sb, scanner := startSandbox(t, sandbox.Options{Scenario: sc, Seed: 7})
	if n := sb.FindingCount(); n != 10000 {
		t.Fatalf("sandbox holds %d findings", n)
	}
	q := scan.Query{
		Regions:       []string{tokyo, usEast},
		SeverityFloor: "MEDIUM",
		ControlIDs:    []string{"S3.1", "S3.2", "S3.5", "S3.8", "EC2.2", "EC2.8", "EC2.19", "IAM.3", "IAM.4", "IAM.8", "CloudTrail.1", "GuardDuty.1", "KMS.4"},
	}
	var out bytes.Buffer
	res, err := scan.Run(ctx, scanner, &out, scan.Options{Query: q, Lang: lang.JA, BOM: true})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := len(rows) - 1
	if got != res.Total {
		t.Errorf("CSV has %d rows, the result says %d", got, res.Total)
	}

	// The same filters for the CLI. Control ids can be filtered on the
	// server here: every generated finding has a SecurityControlId.
	eq := func(vals ...string) []map[string]string {
		var out []map[string]string
		for _, v := range vals {
			out = append(out, map[string]string{"Value": v, "Comparison": "EQUALS"})
		}
		return out
	}
	filters, _ := json.Marshal(map[string]any{
		"ComplianceStatus":            eq("FAILED"),
		"WorkflowStatus":              eq("NEW", "NOTIFIED"),
		"RecordState":                 eq("ACTIVE"),
		"SeverityLabel":               eq("MEDIUM", "HIGH", "CRITICAL"),
		"ComplianceSecurityControlId": eq(q.ControlIDs...),
	})
	want := 0
	for _, region := range q.Regions {
		cmd := exec.Command(aws, "securityhub", "get-findings", "--region", region, "--endpoint-url", sb.URL(),
			"--filters", string(filters), "--query", "length(Findings)", "--output", "text")
		cmd.Env = os.Environ()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws securityhub get-findings: %v\n%s", err, stderr.String())
		}
		// With text output the CLI applies --query to each page it
		// fetches: it prints one count per page.
		for _, field := range strings.Fields(string(b)) {
			n, err := strconv.Atoi(field)
			if err != nil {
				t.Fatalf("aws printed %q", b)
			}
			want += n
		}
	}
	if want < 1000 {
		t.Fatalf("the CLI counted only %d findings: the filters select too little to be a meaningful check", want)
	}
	if got != want {
		t.Errorf("vigil listed %d violations, the AWS CLI counts %d", got, want)
	}
	t.Logf("%d of 10,000 findings match; vigil and the AWS CLI agree", got)
}
