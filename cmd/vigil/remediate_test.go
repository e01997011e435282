package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/examples"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// vigil runs one vigil command line in-process.
func vigil(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), stdio{in: strings.NewReader(stdin), out: &out, err: &errb}, args)
	return code, out.String(), errb.String()
}

// exampleFile writes a sample event to a file and returns its path.
func exampleFile(t *testing.T, name string) string {
	t.Helper()
	b, err := examples.Events.ReadFile("events/" + name)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mutatingCalls(sb *sandbox.Sandbox) int {
	n := 0
	for _, c := range sb.Calls() {
		op := c.Operation
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Head") {
			n++
		}
	}
	return n
}

// awsCLI runs the AWS CLI against the sandbox; it skips without one
// (outside CI).
func awsCLI(t *testing.T, sb *sandbox.Sandbox, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the AWS CLI is not installed; .ci/run must apt-get install awscli")
		}
		t.Skip("no aws on PATH (apt-get install awscli)")
	}
	cmd := exec.Command("aws", append(args, "--endpoint-url", sb.URL(), "--region", "ap-northeast-1", "--output", "json")...)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=ap-northeast-1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func instanceGroups(t *testing.T, sb *sandbox.Sandbox, id string) []string {
	out := awsCLI(t, sb, "ec2", "describe-instances", "--instance-ids", id)
	var r struct {
		Reservations []struct {
			Instances []struct {
				SecurityGroups []struct{ GroupId string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var g []string
	for _, s := range r.Reservations[0].Instances[0].SecurityGroups {
		g = append(g, s.GroupId)
	}
	return g
}

// TestRemediatePlan: plan reads only, prints the JSON contract, and
// renders AWS CLI commands, a boto3 script and Terraform from the event's
// own identifiers.
func TestRemediatePlan(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	t.Chdir(t.TempDir())
	file := exampleFile(t, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json")
	code, out, errOut := vigil(t, "", "remediate", "plan", file, "--format", "json")
	if code != 0 {
		t.Fatalf("plan = %d: %s", code, errOut)
	}
	var got struct {
		Plans []struct {
			Playbook, Account, Region, Resource, Mode string
			Steps                                     []struct {
				API    string         `json:"api"`
				Params map[string]any `json:"params"`
			}
			Before   map[string]any `json:"before"`
			Rollback []any          `json:"rollback"`
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(got.Plans) != 2 {
		t.Fatalf("plans = %s", out)
	}
	iso := got.Plans[0]
	if iso.Playbook != "ec2-isolate" || iso.Account != "111122223333" || iso.Region != "ap-northeast-1" || iso.Resource != "i-04f2e6a8c0b1d3957" || iso.Mode != "dry-run" ||
		len(iso.Steps) == 0 || iso.Steps[len(iso.Steps)-1].API != "ec2:ModifyInstanceAttribute" || iso.Before["instance"] == nil || len(iso.Rollback) == 0 {
		t.Errorf("isolation plan = %+v", iso)
	}
	if n := mutatingCalls(sb); n != 0 {
		t.Fatalf("plan made %d mutating calls", n)
	}

	_, cli, _ := vigil(t, "", "remediate", "plan", file, "--playbook", "ec2-isolate", "--format", "cli")
	for _, want := range []string{
		`ISOLATION_GROUP_ID=$(aws ec2 create-security-group --description 'vigil isolation: no inbound or outbound traffic' --group-name 'vigil-isolation'`,
		`--query GroupId --output text)`,
		`aws ec2 modify-instance-attribute --groups ''"$ISOLATION_GROUP_ID"'' --instance-id 'i-04f2e6a8c0b1d3957' --region ap-northeast-1`,
		`IDEMPOTENCY_KEY='<IDEMPOTENCY_KEY>'  # fill in before running`,
		`# aws ec2 modify-instance-attribute --groups 'sg-03a9f1c7e5b2d4680'`,
	} {
		if !strings.Contains(cli, want) {
			t.Errorf("cli lacks %q:\n%s", want, cli)
		}
	}
	_, py, _ := vigil(t, "", "remediate", "plan", file, "--playbook", "ec2-isolate", "--format", "python")
	for _, want := range []string{`import boto3`, `ISOLATION_GROUP_ID = ec2.create_security_group(`, `)["GroupId"]`, `ec2.modify_instance_attribute(Groups=[ISOLATION_GROUP_ID], InstanceId="i-04f2e6a8c0b1d3957")`} {
		if !strings.Contains(py, want) {
			t.Errorf("python lacks %q:\n%s", want, py)
		}
	}
	if p, err := exec.LookPath("python3"); err == nil {
		f := filepath.Join(t.TempDir(), "plan.py")
		os.WriteFile(f, []byte(py), 0o644)
		if out, err := exec.Command(p, "-m", "py_compile", f).CombinedOutput(); err != nil {
			t.Errorf("the boto3 script does not compile: %v\n%s", err, out)
		}
	}
	if p, err := exec.LookPath("sh"); err == nil {
		f := filepath.Join(t.TempDir(), "plan.sh")
		os.WriteFile(f, []byte(cli), 0o644)
		if out, err := exec.Command(p, "-n", f).CombinedOutput(); err != nil {
			t.Errorf("the shell script does not parse: %v\n%s", err, out)
		}
	}
	_, tf, _ := vigil(t, "", "remediate", "plan", file, "--playbook", "iam-password-policy", "--format", "terraform")
	if !strings.Contains(tf, `resource "aws_iam_account_password_policy" "this"`) {
		t.Errorf("terraform = %s", tf)
	}
	if n := mutatingCalls(sb); n != 0 {
		t.Fatalf("rendering made %d mutating calls", n)
	}
}

// TestRemediateApplyAndRollback: a one-shot apply with --yes --by isolates
// the instance (the AWS CLI shows its new group), a second apply changes
// nothing and returns the same id, the rollback restores the group, and
// the audit log verifies until a record is tampered with.
func TestRemediateApplyAndRollback(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	dir := t.TempDir()
	t.Chdir(dir)
	// vigil.yaml in the working directory is read without --config.
	if err := os.WriteFile(filepath.Join(dir, "vigil.yaml"), []byte("remediation:\n  propagation_wait: 100ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := "sqlite://" + filepath.Join(t.TempDir(), "vigil.db")
	file := exampleFile(t, "guardduty.cryptocurrency_ec2_bitcointool_b_dns.json")
	const inst = "i-04f2e6a8c0b1d3957"
	before := instanceGroups(t, sb, inst)

	code, out, errOut := vigil(t, "", "remediate", "apply", file, "--playbook", "ec2-isolate", "--yes", "--by", "alice", "--database", db, "--format", "json")
	if code != 0 {
		t.Fatalf("apply = %d: %s%s", code, out, errOut)
	}
	var res struct{ ID, Status string }
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Status != "verified" || res.ID == "" {
		t.Fatalf("apply printed %s (%v)", out, err)
	}
	after := instanceGroups(t, sb, inst)
	if len(after) != 1 || after[0] == before[0] {
		t.Fatalf("groups after isolation = %v (before %v)", after, before)
	}
	changes := mutatingCalls(sb)

	code, out2, errOut := vigil(t, "", "remediate", "apply", file, "--playbook", "ec2-isolate", "--yes", "--by", "alice", "--database", db, "--format", "json")
	var res2 struct{ ID, Status string }
	json.Unmarshal([]byte(out2), &res2)
	if code != 0 || res2.ID != res.ID || mutatingCalls(sb) != changes {
		t.Fatalf("second apply = %d %s %s, %d more changes", code, out2, errOut, mutatingCalls(sb)-changes)
	}

	code, list, _ := vigil(t, "", "remediate", "list", "--database", db, "--format", "json")
	if code != 0 || !strings.Contains(list, res.ID) {
		t.Fatalf("list = %d %s", code, list)
	}
	code, show, _ := vigil(t, "", "remediate", "show", res.ID, "--database", db, "--format", "json")
	if code != 0 || !strings.Contains(show, `"approval.approved"`) || !strings.Contains(show, `"aws.call"`) {
		t.Fatalf("show = %d %s", code, show)
	}

	code, _, errOut = vigil(t, "", "remediate", "rollback", res.ID, "--yes", "--by", "alice", "--database", db)
	if code != 0 {
		t.Fatalf("rollback = %d: %s", code, errOut)
	}
	if got := instanceGroups(t, sb, inst); len(got) != 1 || got[0] != before[0] {
		t.Fatalf("groups after rollback = %v, want %v", got, before)
	}
	groups := awsCLI(t, sb, "ec2", "describe-security-groups", "--filters", "Name=group-name,Values=vigil-isolation")
	if strings.Contains(groups, "vigil-isolation") {
		t.Errorf("the isolation group is still there after the rollback: %s", groups)
	}

	code, out, _ = vigil(t, "", "audit", "verify", "--database", db)
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify = %d %s", code, out)
	}
	st, err := pipeline.OpenStore(context.Background(), db, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Q().Exec(context.Background(), `UPDATE vigil_audit SET actor = 'mallory' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, _, errOut = vigil(t, "", "audit", "verify", "--database", db)
	if code != 1 || !strings.Contains(errOut, "audit record 3: changed") {
		t.Fatalf("audit verify after tampering = %d %s", code, errOut)
	}
}

// TestRemediateApplyRefusesSelfApprovedDestruction: the person asking for
// a termination may not approve it with --yes.
func TestRemediateApplyRefusesSelfApprovedDestruction(t *testing.T) {
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	t.Chdir(t.TempDir())
	db := "sqlite://" + filepath.Join(t.TempDir(), "vigil.db")
	file := exampleFile(t, "guardduty.impact_ec2_portsweep.json")
	code, _, errOut := vigil(t, "", "remediate", "apply", file, "--playbook", "ec2-terminate", "--yes", "--by", "alice", "--database", db)
	if code != 1 || !strings.Contains(errOut, "may not approve it too") {
		t.Fatalf("apply = %d %s", code, errOut)
	}
	if n := mutatingCalls(sb); n != 0 {
		t.Fatalf("%d changes were made", n)
	}
}
