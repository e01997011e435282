package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

func open(t *testing.T, kind string) *store.Store {
	t.Helper()
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "a.db")
	if kind == "postgres" {
		dsn = storetest.PostgresURL(t)
	}
	st, err := store.OpenShared(context.Background(), dsn, audit.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestConcurrentAppendsFormOneChain: appenders in parallel (as replicas
// would) produce a gapless chain that verifies.
func TestConcurrentAppendsFormOneChain(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := open(t, kind)
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make(chan error, 80)
			for w := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 10 {
						errs <- audit.Log(ctx, st, audit.Record{Actor: fmt.Sprintf("w%d", w), Action: "test.append", Subject: fmt.Sprint(i), Detail: map[string]int{"i": i}})
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			rep, err := audit.Verify(ctx, st.Q())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Problem != nil || rep.Records != 80 {
				t.Fatalf("verify = %+v (problem %v), want 80 records and no problem", rep, rep.Problem)
			}
			es, err := audit.List(ctx, st.Q(), audit.Query{})
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range es {
				if e.Seq != int64(i+1) {
					t.Fatalf("entry %d has seq %d", i, e.Seq)
				}
			}
		})
	}
}

// TestRolledBackAppendLeavesNoGap: an append in a transaction that rolls
// back leaves neither a record nor a hole in the chain.
func TestRolledBackAppendLeavesNoGap(t *testing.T) {
	st := open(t, "sqlite")
	ctx := context.Background()
	audit.Log(ctx, st, audit.Record{Actor: "a", Action: "x"})
	st.InTx(ctx, func(tx store.Tx) error {
		if _, err := audit.Append(ctx, tx, audit.Record{Actor: "a", Action: "y"}); err != nil {
			t.Fatal(err)
		}
		return fmt.Errorf("roll back")
	})
	audit.Log(ctx, st, audit.Record{Actor: "a", Action: "z"})
	rep, err := audit.Verify(ctx, st.Q())
	if err != nil || rep.Problem != nil || rep.Records != 2 {
		t.Fatalf("verify = %+v, %v", rep, err)
	}
}

// TestVerifyFindsTampering: a changed, removed or moved record is found and
// the first bad one named.
func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  []string
		seq     int64
		problem string
	}{
		{"changed detail", []string{`UPDATE vigil_audit SET detail = ? WHERE seq = 4`}, 4, "changed"},
		{"changed actor", []string{`UPDATE vigil_audit SET actor = 'mallory' WHERE seq = 2`}, 2, "changed"},
		{"removed in the middle", []string{`DELETE FROM vigil_audit WHERE seq = 3`}, 3, "missing"},
		{"removed at the end", []string{`DELETE FROM vigil_audit WHERE seq = 6`}, 6, "missing"},
		{"removed and renumbered", []string{`DELETE FROM vigil_audit WHERE seq = 3`, `UPDATE vigil_audit SET seq = seq - 1 WHERE seq > 3`, `UPDATE vigil_audit_head SET seq = 5`}, 3, "does not follow"},
		{"two swapped", []string{`UPDATE vigil_audit SET seq = 100 WHERE seq = 2`, `UPDATE vigil_audit SET seq = 2 WHERE seq = 3`, `UPDATE vigil_audit SET seq = 3 WHERE seq = 100`}, 2, "does not follow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			st := open(t, "sqlite")
			ctx := context.Background()
			for i := range 6 {
				if err := audit.Log(ctx, st, audit.Record{Actor: "vigil", Action: "test.step", Subject: "rem-1", Detail: map[string]int{"step": i}}); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range c.tamper {
				var args []any
				if strings.Contains(q, "?") {
					args = append(args, []byte(`{"step":99}`))
				}
				if _, err := st.Q().Exec(ctx, q, args...); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := audit.Verify(ctx, st.Q())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Problem == nil {
				t.Fatal("tampering not detected")
			}
			if rep.Problem.Seq != c.seq || !strings.Contains(rep.Problem.Reason, c.problem) {
				t.Errorf("problem = %v, want record %d %s", rep.Problem, c.seq, c.problem)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	got, err := audit.Redact(map[string]any{
		"UserName":    "alice",
		"Credentials": map[string]any{"AccessKeyId": "ASIA", "SecretAccessKey": "s3cr3t", "SessionToken": "tok"},
		"list":        []any{map[string]any{"Password": "hunter2", "x": 1}},
		"api_key":     "k",
		"headers":     map[string]string{"Authorization": "Bearer z"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cr3t", "tok", "hunter2", `"k"`, "Bearer z", "ASIA"} {
		if strings.Contains(string(got), secret) {
			t.Errorf("%s left in %s", secret, got)
		}
	}
	var back map[string]any
	if err := json.Unmarshal(got, &back); err != nil || back["UserName"] != "alice" {
		t.Errorf("redacted = %s", got)
	}
}
