package console_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// need returns the path of a tool the browser test needs; without it the
// test skips, or fails under CI=true (.ci/run installs it).
func need(t *testing.T, what, path, install string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (%s); .ci/run must %s", what, path, install)
		}
		t.Skipf("%s is missing (%s): %s", what, path, install)
	}
	return path
}

// TestConsoleInBrowser drives the console in Debian's chromium with
// playwright-core (e2e/console.mjs): an approver signs in, opens the
// pending isolation of the GuardDuty EC2 finding's instance, approves it
// and sees it reach verified without reloading; the instance is then
// isolated as the AWS CLI sees it. A viewer sees no Approve button and
// their forged POST is refused; a POST without the CSRF token is refused;
// axe-core finds no serious or critical violation on any page; every page
// is photographed in English and Japanese (into $VIGIL_SCREENSHOTS when
// set, for CI's artefacts and docs/console.md).
func TestConsoleInBrowser(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		node = need(t, "node", "/usr/bin/node", "apt-get install nodejs npm")
	}
	chromium := need(t, "chromium", "/usr/bin/chromium", "apt-get install chromium")
	need(t, "playwright-core", "e2e/node_modules/playwright-core", "run npm ci in internal/console/e2e")
	aws, err := exec.LookPath("aws")
	if err != nil {
		aws = need(t, "the AWS CLI", "/usr/bin/aws", "apt-get install awscli")
	}

	base, sb, dsn := serveConsoleDB(t)
	runReports(t, sb, dsn)
	postFinding(t, base)
	postEvent(t, base, "cloudtrail.authorize_ssh_world.json")
	const instance = "i-04f2e6a8c0b1d3957"
	before := securityGroups(t, aws, sb.URL(), instance)

	shots := os.Getenv("VIGIL_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if shots, err = filepath.Abs(shots); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, "console.mjs")
	cmd.Dir = "e2e"
	cmd.Env = append(os.Environ(), "BASE="+base, "INSTANCE="+instance, "SHOTS="+shots, "CHROMIUM="+chromium,
		"ALICE_PASSWORD="+alicePassword, "BOB_PASSWORD="+bobPassword)
	cmd.WaitDelay = 10 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("console.mjs: %v\n%s\n%s", err, stderr.String(), stdout.String())
	}
	var got struct {
		Axe         map[string][]string `json:"axe"`
		Screenshots []string            `json:"screenshots"`
		Statuses    []string            `json:"statuses"`
		Forged      int                 `json:"forged"`
		NoToken     int                 `json:"noToken"`
		CSV         []struct {
			Status      int    `json:"status"`
			Disposition string `json:"disposition"`
			Head        string `json:"head"`
		} `json:"csv"`
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("console.mjs printed %q: %v", stdout.String(), err)
	}
	if got.Forged != 403 || got.NoToken != 403 || len(got.Statuses) != 2 || got.Statuses[1] != "検証済み" {
		t.Fatalf("findings = %+v", got)
	}
	// 10 pages in two languages, the sign-in page in both, the pending
	// list and approval, the approval once verified and the viewer's.
	if len(got.CSV) != 2 || got.CSV[0].Status != 200 || !strings.HasPrefix(got.CSV[0].Disposition, "attachment") || !strings.HasPrefix(got.CSV[0].Head, "Resource,") ||
		got.CSV[1].Status != 200 || !strings.HasPrefix(got.CSV[1].Head, "リソース名,") {
		t.Fatalf("report CSV downloads = %+v", got.CSV)
	}
	if len(got.Screenshots) != 2*11+2+4 {
		t.Fatalf("%d screenshots: %v", len(got.Screenshots), got.Screenshots)
	}
	for _, f := range got.Screenshots {
		if st, err := os.Stat(f); err != nil || st.Size() < 1000 {
			t.Fatalf("screenshot %s: %v", f, err)
		}
	}
	for page, v := range got.Axe {
		if len(v) > 0 {
			t.Logf("axe, %s (minor or moderate): %v", page, v)
		}
	}

	after := securityGroups(t, aws, sb.URL(), instance)
	if len(after) != 1 || len(before) == 0 || after[0] == before[0] {
		t.Fatalf("security groups of %s: before %v, after %v; want one isolation group", instance, before, after)
	}
}

// securityGroups asks the AWS CLI which security groups the instance has.
func securityGroups(t *testing.T, aws, endpoint, instance string) []string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), aws, "ec2", "describe-instances", "--instance-ids", instance, "--endpoint-url", endpoint,
		"--region", "ap-northeast-1", "--query", "Reservations[0].Instances[0].SecurityGroups[].GroupId", "--output", "json").CombinedOutput()
	if err != nil {
		t.Fatalf("aws ec2 describe-instances: %v\n%s", err, out)
	}
	var ids []string
	if err := json.Unmarshal(out, &ids); err != nil {
		t.Fatalf("aws ec2 describe-instances printed %s: %v", out, err)
	}
	return ids
}
