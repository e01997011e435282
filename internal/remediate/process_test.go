package remediate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/sandbox"
	"github.com/vigilhq/vigil/internal/sandbox/sandboxtest"
)

// These tests run the real vigil binary and SIGKILL it mid-remediation.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func vigilBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills the vigil binary; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vigil-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "vigil")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/vigilhq/vigil/cmd/vigil").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

var servingRE = regexp.MustCompile(`"msg":"vigil serving","addr":"([^"]+)"`)

type proc struct {
	cmd  *exec.Cmd
	base string
	done chan struct{}
	log  bytes.Buffer
	mu   sync.Mutex
}

func startVigil(t *testing.T, bin, cfgPath string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, "serve", "--config", cfgPath, "--log-level", "info"), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "VIGIL_API_KEY=test-key")
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			p.mu.Lock()
			t.Logf("vigil log:\n%s", p.log.String())
			p.mu.Unlock()
		}
	})
	select {
	case a := <-addr:
		p.base = "http://" + a
	case <-p.done:
		t.Fatalf("vigil exited: %s", p.log.String())
	case <-time.After(60 * time.Second):
		t.Fatal("vigil did not start")
	}
	return p
}

func (p *proc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

func (p *proc) do(t *testing.T, method, path string, body []byte) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, p.base+path, bytes.NewReader(body))
	req.Header.Set("x-api-key", "test-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, b)
	}
	return b
}

func (p *proc) status(t *testing.T) (remediate.Remediation, bool) {
	var list []remediate.Remediation
	json.Unmarshal(p.do(t, "GET", "/remediations", nil), &list)
	if len(list) == 0 {
		return remediate.Remediation{}, false
	}
	return list[0], true
}

func killConfig(t *testing.T, propagation string) string {
	dir := t.TempDir()
	cfg := fmt.Sprintf(`
database: sqlite://%s
server:
  listen: "127.0.0.1:0"
  api_keys: ["env:VIGIL_API_KEY"]
jobs: {poll_interval: 20ms}
remediation:
  mode: auto
  propagation_wait: %s
  verify_timeout: 1m
rules:
  - name: guardduty-ec2
    event_pattern: {"source": ["aws.guardduty"]}
    targets:
      - {type: remediate, playbooks: [ec2-isolate]}
`, filepath.Join(dir, "vigil.db"), propagation)
	p := filepath.Join(dir, "vigil.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestKilledBetweenApplyAndVerify: vigil serve is killed after the change
// is applied and recorded, while it waits for the change to propagate; the
// next start verifies it, without applying again.
func TestKilledBetweenApplyAndVerify(t *testing.T) {
	bin := vigilBinary(t)
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	cfg := killConfig(t, "3s")
	v := startVigil(t, bin, cfg)
	v.do(t, "POST", "/events", gdEvent("e-kill-1", "f-kill-1", "i-0a1b2c3d4e5f60718", 8))
	waitFor(t, "the change to be applied", func() bool { r, ok := v.status(t); return ok && r.Status == remediate.StatusApplied })
	v.kill(t)

	v2 := startVigil(t, bin, cfg)
	var r remediate.Remediation
	waitFor(t, "the verification after the restart", func() bool {
		var ok bool
		r, ok = v2.status(t)
		if r.Status == remediate.StatusEscalated {
			t.Fatalf("escalated: %s", r.Error)
		}
		return ok && r.Status == remediate.StatusVerified
	})
	for _, op := range []string{"CreateSecurityGroup", "ModifyInstanceAttribute"} {
		if ok, failed := count(sb.Calls(), op); ok != 1 || failed != 0 {
			t.Errorf("%s: %d calls (%d failed), want exactly 1", op, ok, failed)
		}
	}
}

// TestKilledDuringTheApplyCall: vigil serve is killed while EC2 is
// answering the change (it is made, but vigil never hears so and records
// nothing); the next start runs the apply again, finds the change made and
// verifies it without making it a second time.
func TestKilledDuringTheApplyCall(t *testing.T) {
	bin := vigilBinary(t)
	sb := sandboxtest.Start(t, sandbox.Options{Scenario: sandbox.Demo()})
	if _, err := sb.AddFault(sandbox.Fault{Service: "ec2", Operation: "ModifyInstanceAttribute", Latency: sandbox.Duration(5 * time.Second), Count: 1}); err != nil {
		t.Fatal(err)
	}
	cfg := killConfig(t, "100ms")
	v := startVigil(t, bin, cfg)
	v.do(t, "POST", "/events", gdEvent("e-kill-2", "f-kill-2", "i-0a1b2c3d4e5f60718", 8))
	waitFor(t, "the change to reach EC2", func() bool { n, _ := count(sb.Calls(), "ModifyInstanceAttribute"); return n == 1 })
	v.kill(t)

	v2 := startVigil(t, bin, cfg)
	waitFor(t, "the verification after the restart", func() bool {
		r, ok := v2.status(t)
		if r.Status == remediate.StatusEscalated {
			t.Fatalf("escalated: %s", r.Error)
		}
		return ok && r.Status == remediate.StatusVerified
	})
	for _, op := range []string{"CreateSecurityGroup", "ModifyInstanceAttribute"} {
		if ok, failed := count(sb.Calls(), op); ok+failed != 1 {
			t.Errorf("%s: %d calls, want exactly 1", op, ok+failed)
		}
	}
}
