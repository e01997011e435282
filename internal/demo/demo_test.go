package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemo runs the whole demo, as `vigil demo` does, in both languages, and
// checks that every kind of delivery happened.
func TestDemo(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		t.Run(lang, func(t *testing.T) {
			var out bytes.Buffer
			dir := t.TempDir()
			res, err := Run(context.Background(), &out, Options{Lang: lang, Dir: dir, Timeout: 2 * time.Minute})
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if res.Accepted != res.Events || res.Events < 14 {
				t.Errorf("accepted %d of %d events", res.Accepted, res.Events)
			}
			// 6 GuardDuty findings of severity >= 4, 4 Security Hub events
			// and the CloudTrail call are explained and kept.
			if res.Explanations != 11 {
				t.Errorf("explanations: %d", res.Explanations)
			}
			// 6 GuardDuty messages and one grouped Security Hub message.
			if res.SNSMessages != 7 {
				t.Errorf("SNS messages: %d", res.SNSMessages)
			}
			if res.Tickets != 2 || res.Pages != 1 || res.ReportRows == 0 {
				t.Errorf("tickets %d, pages %d, report rows %d", res.Tickets, res.Pages, res.ReportRows)
			}
			if res.Isolated != "i-04f2e6a8c0b1d3957" || res.AuditRecords == 0 {
				t.Errorf("isolation with approval: isolated %q, audit records %d", res.Isolated, res.AuditRecords)
			}
			text := out.String()
			// vigil's verification of the isolation, in the run's language.
			verified := map[string]string{"en": "Verified: i-04f2e6a8c0b1d3957 is only in sg-", "ja": "検証結果: インスタンス i-04f2e6a8c0b1d3957 は隔離用セキュリティグループ sg-"}[lang]
			for _, want := range []string{"i-0f1e2d3c4b5a69788", "AKIARNBK7Y7RKTKYU43W", filepath.Join(dir, "securityhub-violations.csv"), verified} {
				if !strings.Contains(text, want) {
					t.Errorf("the demo's output lacks %q:\n%s", want, text)
				}
			}
			// The last line points at what to run next: vigil init writes
			// the vigil.yaml it names (it is not in the demo's directory).
			lines := strings.Split(strings.TrimSpace(text), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, "vigil init") {
				t.Errorf("the last line names no way to get the file it names: %q", last)
			}
			if lang == "ja" && !strings.Contains(text, "## 概要") {
				t.Errorf("Japanese explanation missing:\n%s", text)
			}
		})
	}
}
