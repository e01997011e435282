package sandbox_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
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
// left and that every operation the sandbox serves was called with success
// (but those smokeExempt lists). It skips when no AWS CLI is installed,
// unless CI=true, and with -short. The script makes about 300 calls per
// CLI, each through a fork server that has imported the CLI already
// (forkServer), in five lanes at once. It runs in parallel with the
// package's other tests: a sequential test would hold them all back until
// the CLIs are done.
func TestAWSCLISmoke(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the AWS CLI smoke test takes a minute or more; skipped with -short")
	}
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
			// A bound, not a speed target: a loaded 2-core machine makes even
			// forked CLI calls slow. It ends a minute before the
			// test binary's own deadline (go test -timeout) so the script's
			// output is still reported.
			limit := 30 * time.Minute
			if d, ok := t.Deadline(); ok && time.Until(d)-time.Minute < limit {
				limit = time.Until(d) - time.Minute
			}
			ctx, cancel := context.WithTimeout(context.Background(), limit)
			defer cancel()
			env := []string{
				"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LANG=C.UTF-8",
				"AWS_ACCESS_KEY_ID=AKIASMOKETEST0000001", "AWS_SECRET_ACCESS_KEY=smoke/secret+key=1",
				"AWS_DEFAULT_REGION=ap-northeast-1", "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
				"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
			}
			// A pip-installed CLI behind pyenv shims needs pyenv's settings.
			for _, kv := range os.Environ() {
				if strings.HasPrefix(kv, "PYENV") {
					env = append(env, kv)
				}
			}
			cmd := exec.CommandContext(ctx, "bash", script)
			cmd.Env = append(env, "SANDBOX_URL="+sb.URL(), "AWS="+forkServer(t, ctx, cli, env))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			t.Logf("%s", out.String())
			if err != nil {
				t.Fatalf("smoke script with %s: %v", cli, err)
			}
			// Operations this CLI is too old to know, as the script reported.
			lacks := map[string]bool{}
			for line := range strings.SplitSeq(out.String(), "\n") {
				if op, ok := strings.CutPrefix(strings.TrimSpace(line), "skip "); ok {
					lacks[op] = true
				}
			}
			checkSmokeState(t, sb, lacks)
		})
	}
}

// checkSmokeState checks that what the CLI did shows in the sandbox state,
// and that every simulated operation was called and answered 2xx.
func checkSmokeState(t *testing.T, sb *sandbox.Sandbox, lacks map[string]bool) {
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
			// The script authorized egress to 443, then revoked it by rule id.
			if len(g.Ingress) != 0 || len(g.Egress) != 0 {
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
	if len(apne.Detectors) != 1 || apne.Detectors[0].Status != "ENABLED" || len(apne.Automations) != 1 {
		t.Errorf("guardduty detectors %+v, automations %+v", apne.Detectors, apne.Automations)
	}
	if p := acct.PublicAccessBlock; p == nil || !p.BlockPublicPolicy {
		t.Errorf("account public access block = %+v", p)
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
		if tp.Name == "smoke-alerts" && (len(tp.Published) == 0 || !strings.Contains(tp.Published[0].Message, "203.0.113.45") || tp.Published[0].Subject != "smoke") {
			t.Errorf("published = %+v", tp.Published)
		}
	}
	for _, q := range apne.Queues {
		if q.Name == "smoke-events" && len(q.Messages) != 0 {
			t.Errorf("smoke queue still holds %d messages", len(q.Messages))
		}
	}
	for _, s := range apne.Secrets {
		// The script moves AWSCURRENT back to the first version.
		if s.Name == "smoke/token" && (s.Value != "v1" || len(s.Versions) != 2) {
			t.Errorf("secret = %q with %d versions", s.Value, len(s.Versions))
		}
	}
	// Two data of one metric: 1 (Count), then 9.
	if m := apne.Metrics; len(m) != 2 || m[0].Namespace != "Vigil/Smoke" || m[0].Name != "Runs" || m[0].Value != 1 || m[0].Dimensions["Stage"] != "smoke" || m[1].Name != "Runs" || m[1].Value != 9 {
		for _, d := range m {
			t.Errorf("metric datum %+v", *d)
		}
		t.Errorf("want two data of Vigil/Smoke Runs (Stage=smoke): 1, then 9; got %d", len(m))
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
	for _, op := range sandbox.Operations() {
		switch {
		case lacks[op]:
			t.Logf("%s: this AWS CLI does not have the command", op)
		case !ok[op] && smokeExempt[op] == "":
			t.Errorf("%s was not called successfully by the AWS CLI", op)
		}
	}
	t.Logf("protocols used by this CLI: sqs=%s cloudwatch=%s", protocols["sqs"], protocols["monitoring"])
}

// smokeExempt lists the served operations the smoke script does not call,
// each with the reason.
var smokeExempt = map[string]string{
	"secretsmanager:RotateSecret":             "always refused: rotation runs a Lambda function",
	"secretsmanager:CancelRotateSecret":       "always refused: rotation runs a Lambda function",
	"secretsmanager:StopReplicationToReplica": "always refused: replicas stay with their primary secret",
}

// smokeServices are the botocore names of the services the smoke script
// calls, whose models the fork server loads once.
var smokeServices = []string{"ec2", "iam", "sts", "s3", "s3control", "sns", "sqs", "secretsmanager", "cloudwatch",
	"cloudtrail", "guardduty", "securityhub", "ssm"}

// forkServer starts testdata/awscli-forkserver.py for the AWS CLI at cli
// and returns a command that stands for it: each call runs the CLI's own
// entry point in a process forked from one that has already imported the
// CLI, instead of starting Python and importing it again (most of the
// cost of a call). When the server cannot start (the CLI is not a Python
// script, or its Python lacks socket.send_fds), it logs why and returns
// cli itself.
func forkServer(t *testing.T, ctx context.Context, cli string, env []string) string {
	python := cliPython(cli, env)
	if python == "" {
		t.Logf("%s: not a Python script; each call starts the CLI", cli)
		return cli
	}
	server, err := filepath.Abs("testdata/awscli-forkserver.py")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "cli.sock")
	cmd := exec.CommandContext(ctx, python, append([]string{server, "serve", sock}, smokeServices...)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Logf("%s: fork server: %v; each call starts the CLI", cli, err)
		return cli
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The server prints "ready" once it listens, or exits.
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			cmd.Wait()
			t.Logf("%s: fork server did not start (%s); each call starts the CLI", cli, strings.TrimSpace(stderr.String()))
			return cli
		}
	case <-ctx.Done():
		t.Fatalf("%s: fork server not ready: %v", cli, ctx.Err())
	}
	wrapper := filepath.Join(dir, "aws")
	script := fmt.Sprintf("#!/bin/sh\nexec %q %q call %q \"$@\"\n", python, server, sock)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}

// cliPython is the interpreter of the AWS CLI script at cli (following a
// pyenv shim to the script it runs), or "" when cli is not a Python
// script.
func cliPython(cli string, env []string) string {
	b, err := os.ReadFile(cli)
	if err != nil {
		return ""
	}
	if bytes.Contains(b, []byte("pyenv")) && bytes.HasPrefix(b, []byte("#!/usr/bin/env bash")) {
		cmd := exec.Command("pyenv", "which", "aws")
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			return ""
		}
		if b, err = os.ReadFile(strings.TrimSpace(string(out))); err != nil {
			return ""
		}
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	shebang, ok := bytes.CutPrefix(first, []byte("#!"))
	fields := strings.Fields(string(shebang))
	if !ok || len(fields) == 0 || !strings.Contains(string(shebang), "python") {
		return ""
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		p, err := exec.LookPath(fields[1])
		if err != nil {
			return ""
		}
		return p
	}
	return fields[0]
}
