package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Issue 13 item 9: the AWS SDK's own warnings (here "falling back to
// IMDSv1", which a Bedrock explanation without credentials causes) are
// records of vigil's logger: one JSON line each in JSON mode, never the
// SDK's plain text on standard error.
func TestAWSSDKWarningsAreStructured(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden) // no IMDSv2 token: the SDK warns and falls back
	}))
	defer imds.Close()
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_REGION", "us-east-1")
	cfg, err := config.Parse("v.yaml", []byte("database: sqlite://"+filepath.Join(t.TempDir(), "v.db")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx := context.Background()
	p, err := pipeline.New(ctx, cfg, pipeline.Deps{
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		AWS:    awsx.NewProvider(awsx.ProviderOptions{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop(ctx)
	ac, err := p.AWS().Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ac.Credentials.Retrieve(ctx) // fails: no credentials anywhere
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("not a JSON log line: %q", line)
			continue
		}
		if rec["source"] == "aws-sdk" && rec["level"] == "WARN" && strings.Contains(rec["msg"].(string), "IMDSv1") {
			found = true
		}
	}
	if !found {
		t.Errorf("the SDK's IMDSv1 warning is not among the logger's records:\n%s", logs.String())
	}
}
