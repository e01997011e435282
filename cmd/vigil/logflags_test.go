package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLogFlagsRefuseUnknownValues(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"serve", "lambda"} {
		for _, c := range []struct{ flag, value, want string }{
			{"--log-level", "verbose", `invalid argument "verbose" for "--log-level" flag: use debug, info, warn or error`},
			{"--log-format", "xml", `invalid argument "xml" for "--log-format" flag: use text or json`},
		} {
			_, errOut, code := runCLI(t, "", cmd, c.flag, c.value)
			want := fmt.Sprintf("vigil %s: %s\nRun 'vigil %s --help' for usage.\n", cmd, c.want, cmd)
			if code != exitUsage || errOut != want {
				t.Errorf("%s %s %s: exit %d, %q; want %q", cmd, c.flag, c.value, code, errOut, want)
			}
		}
	}
}

func TestLogger(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	// Not a terminal: JSON lines by default.
	logFlags{level: "warn"}.logger(&b).Info("dropped")
	logFlags{level: "warn"}.logger(&b).Warn("kept", "event_id", "e1")
	var rec map[string]any
	if err := json.Unmarshal(b.Bytes(), &rec); err != nil || rec["msg"] != "kept" || rec["event_id"] != "e1" {
		t.Errorf("default format off a terminal: %v %q", err, b.String())
	}
	b.Reset()
	logFlags{level: "debug", format: "text"}.logger(&b).Debug("shown", "event_id", "e2")
	if !strings.HasPrefix(b.String(), "time=") || !strings.Contains(b.String(), `level=DEBUG msg=shown event_id=e2`) {
		t.Errorf("text: %q", b.String())
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(w) || isTerminal(&b) {
		t.Error("a pipe or a buffer taken for a terminal")
	}
}

// TestServeLogFormat runs vigil serve in-process with each log format and
// stops it once it says it is serving.
func TestServeLogFormat(t *testing.T) {
	t.Setenv("VIGIL_API_KEY", "test-key")
	dir := t.TempDir()
	cfg := writeFile(t, "v.yaml", fmt.Sprintf("database: sqlite://%s\nserver:\n  listen: 127.0.0.1:0\n  api_keys: [env:VIGIL_API_KEY]\nrules: []\n", filepath.Join(dir, "v.db")))
	for format, serving := range map[string]string{"text": `msg="vigil serving"`, "json": `"msg":"vigil serving"`, "": `"msg":"vigil serving"`} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errOut lockedBuffer
		done := make(chan int, 1)
		args := []string{"serve", "--config", cfg}
		if format != "" {
			args = append(args, "--log-format", format)
		}
		go func() { done <- run(ctx, stdio{in: strings.NewReader(""), out: &out, err: &errOut}, args) }()
		deadline := time.After(20 * time.Second)
	wait:
		for !strings.Contains(errOut.String(), serving) {
			select {
			case code := <-done:
				t.Fatalf("--log-format %q: exited %d before serving: %s", format, code, errOut.String())
			case <-deadline:
				t.Fatalf("--log-format %q: not serving after 20s: %s", format, errOut.String())
			case <-time.After(10 * time.Millisecond):
				continue wait
			}
		}
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("--log-format %q: exit %d after Ctrl-C: %s", format, code, errOut.String())
		}
	}
}
