package console

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/store"
)

// BenchmarkIncidentsPage lists a page of incidents from 100,000 stored
// events: the first page, and one 99,000 events deep (keyset paging on
// the received_at index should cost the same). Compare the two as a
// ratio.
func BenchmarkIncidentsPage(b *testing.B) {
	ctx := b.Context()
	st, err := store.OpenShared(ctx, "sqlite://"+filepath.Join(b.TempDir(), "vigil.db"), audit.Migrations)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const n = 100000
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i += 1000 {
		evs := make([]*store.Event, 0, 1000)
		for j := i; j < i+1000; j++ {
			id := fmt.Sprintf("ev-%06d", j)
			raw := fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"111122223333","time":"2026-12-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{"title":"finding %d","severity":5}}`, id, j)
			evs = append(evs, &store.Event{Key: "id:" + id, ID: id, Source: "aws.guardduty", DetailType: "GuardDuty Finding", Input: "http", ReceivedAt: start.Add(time.Duration(j) * time.Second), Raw: []byte(raw)})
		}
		if err := st.InTx(ctx, func(tx store.Tx) error { _, err := store.InsertEvents(ctx, tx, evs); return err }); err != nil {
			b.Fatal(err)
		}
	}
	c, err := New(Options{Store: st, Users: []User{NewUser("bob", config.RoleViewer, "pw")}})
	if err != nil {
		b.Fatal(err)
	}
	v, _ := c.sessions.start(c.users["bob"])
	h := c.Handler()
	var deepAt int64
	var deepKey string
	if err := st.Q().QueryRow(ctx, `SELECT received_at, dedup_key FROM vigil_events ORDER BY received_at DESC, dedup_key DESC LIMIT 1 OFFSET 99000`).Scan(&deepAt, &deepKey); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, path string }{
		{"first", "/ui/"},
		{"deep", "/ui/?after=" + strconv.FormatInt(deepAt, 10) + "~" + deepKey},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", bc.path, nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: v})
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("GET %s = %d", bc.path, rec.Code)
				}
			}
		})
	}
}
