package remediate

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// TestVerificationJAMigration: a remediation verified before the
// Japanese column existed keeps its English text and shows it in both
// languages; one verified after keeps both. On SQLite, and on PostgreSQL
// when VIGIL_TEST_POSTGRES_URL is set.
func TestVerificationJAMigration(t *testing.T) {
	for name, dsn := range map[string]func(*testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "v.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			url := dsn(t)
			now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
			old := &Remediation{ID: "rem-old", DedupKey: "old", Playbook: "ec2-isolate", Resource: "i-0aaa", Status: StatusVerified, Finding: &Finding{ID: "f-old"}, CreatedAt: now}

			// The schema as it was: the first migration only, and a row
			// verified then (written with the columns of the time).
			st, err := store.OpenShared(ctx, url, Migrations[:1])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Q().Exec(ctx, `INSERT INTO vigil_remediations (id, dedup_key, playbook, finding_id, event_id, account, region, resource_type, resource, severity,
				rule, requested_by, status, finding, verification, created_at, updated_at) VALUES (?, ?, ?, '', '', '', '', '', ?, '', '', '', ?, ?, ?, ?, ?)`,
				old.ID, old.DedupKey, old.Playbook, old.Resource, old.Status, []byte(`{"id":"f-old"}`), "i-0aaa is only in sg-0bbb, which has no rules",
				store.Micros(now), store.Micros(now)); err != nil {
				t.Fatal(err)
			}
			st.Close()

			st, err = store.OpenShared(ctx, url, Migrations)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			got, err := getRemediation(ctx, st.Q(), old.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.VerificationJA != "" || got.VerificationIn(lang.JA) != "i-0aaa is only in sg-0bbb, which has no rules" || got.VerificationIn(lang.EN) != got.Verification {
				t.Errorf("old row: %q / %q, in Japanese %q", got.Verification, got.VerificationJA, got.VerificationIn(lang.JA))
			}

			// A remediation verified now keeps both texts.
			r := &Remediation{ID: "rem-new", DedupKey: "new", Playbook: "ec2-isolate", Resource: "i-0ccc", Status: StatusApplied, Finding: &Finding{ID: "f-new"}, CreatedAt: now}
			n := Note{EN: "i-0ccc is only in sg-0ddd, which has no rules", JA: "インスタンス i-0ccc は隔離用セキュリティグループ sg-0ddd のみに属しています"}
			err = st.InTx(ctx, func(tx store.Tx) error {
				if _, err := insertRemediation(ctx, tx, r); err != nil {
					return err
				}
				r.Status = StatusVerified
				r.setVerification(n)
				return updateRemediation(ctx, tx, r, now)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, err = getRemediation(ctx, st.Q(), r.ID); err != nil {
				t.Fatal(err)
			}
			if got.Verification != n.EN || got.VerificationJA != n.JA || got.VerificationIn(lang.JA) != n.JA || got.VerificationIn(lang.EN) != n.EN {
				t.Errorf("new row: %q / %q", got.Verification, got.VerificationJA)
			}
		})
	}
}

// TestVerifiedNoticeLanguage: the notice of a verified remediation says
// what the verification found in the reader's language, and in English
// when no Japanese text was recorded.
func TestVerifiedNoticeLanguage(t *testing.T) {
	r := &Remediation{ID: "rem-1", Playbook: "ec2-isolate", Resource: "i-0ccc", Status: StatusVerified}
	r.setVerification(Note{EN: "i-0ccc is only in sg-0ddd, which has no rules", JA: "インスタンス i-0ccc は隔離用セキュリティグループ sg-0ddd のみに属しています"})
	s := &Service{}
	if m := s.Message(r, nil, noticeVerified, lang.JA); !strings.Contains(m.Text, r.VerificationJA) || strings.Contains(m.Text, r.Verification) {
		t.Errorf("Japanese notice:\n%s", m.Text)
	}
	if m := s.Message(r, nil, noticeVerified, lang.EN); !strings.Contains(m.Text, r.Verification) || strings.Contains(m.Text, r.VerificationJA) {
		t.Errorf("English notice:\n%s", m.Text)
	}
	r.VerificationJA = ""
	if m := s.Message(r, nil, noticeVerified, lang.JA); !strings.Contains(m.Text, r.Verification) {
		t.Errorf("Japanese notice without the Japanese text:\n%s", m.Text)
	}
}
