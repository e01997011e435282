package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer a command writes to while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSandboxExportLine starts vigil sandbox and runs the AWS CLI (v1 on
// this machine and in CI, which reads only AWS_DEFAULT_REGION) with nothing
// but the variables the sandbox says to export.
func TestSandboxExportLine(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, stdio{in: strings.NewReader(""), out: &out, err: &errOut}, []string{"sandbox", "--addr", "127.0.0.1:0"})
	}()
	var export string
	for deadline := time.Now().Add(10 * time.Second); export == "" && time.Now().Before(deadline); {
		for _, line := range strings.Split(out.String(), "\n") {
			if e, ok := strings.CutPrefix(strings.TrimSpace(line), "export "); ok {
				export = e
			}
		}
		select {
		case code := <-done:
			t.Fatalf("sandbox exited %d: %s", code, errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if export == "" {
		t.Fatalf("no export line in %q", out.String())
	}
	if !strings.Contains(out.String(), "(scenario \"demo\": 3 accounts, ") {
		t.Errorf("banner: %q", out.String())
	}
	vars := map[string]string{}
	for _, kv := range strings.Fields(export) {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	if vars["AWS_DEFAULT_REGION"] == "" || vars["AWS_DEFAULT_REGION"] != vars["AWS_REGION"] {
		t.Errorf("export line %q: want AWS_DEFAULT_REGION next to AWS_REGION", export)
	}

	aws, err := exec.LookPath("aws")
	switch {
	case err != nil && os.Getenv("CI") == "true":
		t.Error("the AWS CLI is not installed; .ci/run must apt-get install awscli")
	case err != nil:
		t.Log("no aws on PATH (apt-get install awscli): the export line is not tried with the AWS CLI")
	case testing.Short():
		t.Log("-short: the export line is not tried with the AWS CLI")
	default:
		home := t.TempDir()
		env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home,
			"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials")}
		for k, v := range vars {
			env = append(env, k+"="+v)
		}
		cmd := exec.Command(aws, "ec2", "describe-instances", "--query", "length(Reservations)", "--output", "text")
		cmd.Env = env
		b, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(b)) == "0" {
			t.Errorf("aws ec2 describe-instances with the exported variables: %v\n%s", err, b)
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("sandbox exited %d after Ctrl-C: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop")
	}
}

func TestLambdaOutsideLambda(t *testing.T) {
	t.Setenv("AWS_LAMBDA_RUNTIME_API", "")
	out, errOut, code := runCLI(t, "", "lambda", "--config", "prod.yaml")
	if code != exitUsage || out != "" || !strings.HasPrefix(errOut, "vigil lambda: not running in AWS Lambda (AWS_LAMBDA_RUNTIME_API is not set)\n") ||
		!strings.Contains(errOut, "vigil process --config prod.yaml event.json") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
