package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/shareddata"
)

// TestInvestigateCommands drives vigil investigate as a user would: load
// twice, then timeline (JSON, in the shape), related and entity.
func TestInvestigateCommands(t *testing.T) {
	dir := shareddata.Dir(t, "cloudtrail/invictus_aws_dataset")
	db := "sqlite://" + filepath.Join(t.TempDir(), "v.db")
	cfg := filepath.Join(t.TempDir(), "absent.yaml")
	vigil := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), stdio{in: strings.NewReader(""), out: &out, err: &errOut}, append(args, "--database", db, "--config", cfg))
		return code, out.String(), errOut.String()
	}
	code, out, errOut := vigil("investigate", "load", dir)
	if code != 0 || !strings.HasPrefix(out, "loaded 2900 records from 55 files; skipped 0 already loaded") {
		t.Fatalf("load: %d %q %q", code, out, errOut)
	}
	if code, out, _ = vigil("investigate", "load", dir); code != 0 || !strings.HasPrefix(out, "loaded 0 records from 0 files; skipped 2900 already loaded (55 files unchanged)") {
		t.Fatalf("second load: %d %q", code, out)
	}
	session := "arn:aws:sts::123837392027:assumed-role/stratus-red-team-ec2-steal-credentials-role/i-0dbc91f429e48eeed"
	code, out, errOut = vigil("investigate", "timeline", session, "--since", "2023-07-10T11:57:00Z", "--until", "2023-07-10T11:58:00Z", "--format", "json")
	if code != 0 {
		t.Fatalf("timeline: %d %s", code, errOut)
	}
	var tl struct {
		Entity string `json:"entity"`
		Events []struct {
			Time        string            `json:"time"`
			EventName   string            `json:"eventName"`
			EventSource string            `json:"eventSource"`
			Region      string            `json:"region"`
			SourceIP    string            `json:"sourceIPAddress"`
			UserAgent   string            `json:"userAgent"`
			ErrorCode   *string           `json:"errorCode"`
			Principal   string            `json:"principal"`
			AccessKeyID string            `json:"accessKeyId"`
			Resources   []string          `json:"resources"`
			Labels      []string          `json:"labels"`
			Why         map[string]string `json:"why"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &tl); err != nil {
		t.Fatal(err)
	}
	if tl.Entity != session || len(tl.Events) != 8 || tl.Events[0].Time != "2023-07-10T11:57:16Z" || tl.Events[2].SourceIP != "192.168.10.20" ||
		tl.Events[2].ErrorCode == nil || tl.Events[2].Resources == nil || tl.Events[2].Labels == nil || tl.Events[2].Principal != session {
		t.Errorf("timeline JSON = %s", out)
	}
	if code, out, _ = vigil("investigate", "related", "192.168.10.20", "--format", "json"); code != 0 || !strings.Contains(out, `"relation": "source-of"`) || !strings.Contains(out, session) {
		t.Errorf("related: %d %s", code, out)
	}
	if code, out, _ = vigil("investigate", "entity", session); code != 0 || !strings.Contains(out, "baseline of arn:aws:iam::123837392027:role/stratus-red-team-ec2-steal-credentials-role") {
		t.Errorf("entity: %d %s", code, out)
	}
	if code, _, errOut = vigil("investigate", "timeline", session, "--since", "yesterday"); code != 2 || !strings.Contains(errOut, "--since") {
		t.Errorf("bad --since: %d %s", code, errOut)
	}
	if code, _, errOut = vigil("investigate", "timeline", "203.0.113.250"); code != 1 || !strings.Contains(errOut, "not seen") {
		t.Errorf("unknown entity: %d %s", code, errOut)
	}
}
