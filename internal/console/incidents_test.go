package console

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/audit"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/store"
)

// TestIncidentsPaging: following "Older events" lists every event once,
// newest first, including events received at the same instant; a search
// pages the same way over its matches only.
func TestIncidentsPaging(t *testing.T) {
	ctx := t.Context()
	st, err := store.OpenShared(ctx, "sqlite://"+filepath.Join(t.TempDir(), "vigil.db"), audit.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 130
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var evs []*store.Event
	for i := range n {
		id := fmt.Sprintf("ev-%03d", i)
		kind := "plain"
		if i%3 == 0 {
			kind = "needle"
		}
		raw := fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"Test","source":"test.%s","account":"111122223333","time":"2026-12-01T00:00:00Z","region":"ap-northeast-1","resources":[],"detail":{}}`, id, kind)
		// Two events share each instant.
		evs = append(evs, &store.Event{Key: "id:" + id, ID: id, Source: "test." + kind, DetailType: "Test", Input: "http", ReceivedAt: start.Add(time.Duration(i/2) * time.Second), Raw: []byte(raw)})
	}
	if err := st.InTx(ctx, func(tx store.Tx) error { _, err := store.InsertEvents(ctx, tx, evs); return err }); err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Store: st, Users: []User{NewUser("bob", config.RoleViewer, "pw")}})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := c.sessions.start(c.users["bob"])
	h := c.Handler()
	ids := regexp.MustCompile(`href="/ui/events/(ev-\d+)"`)
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	list := func(path string) []string {
		var got []string
		for pages := 0; path != ""; pages++ {
			if pages > 10 {
				t.Fatalf("more than 10 pages from %s", path)
			}
			req := httptest.NewRequest("GET", path, nil)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: v})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				t.Fatalf("GET %s = %d\n%s", path, rec.Code, rec.Body)
			}
			for _, m := range ids.FindAllStringSubmatch(rec.Body.String(), -1) {
				got = append(got, m[1])
			}
			path = ""
			if m := next.FindStringSubmatch(rec.Body.String()); m != nil {
				path = html.UnescapeString(m[1])
			}
		}
		return got
	}
	all := list("/ui/")
	if len(all) != n {
		t.Fatalf("listed %d events, want %d", len(all), n)
	}
	for i, id := range all {
		// Newest first; within an instant, the greater key first.
		if want := fmt.Sprintf("ev-%03d", n-1-i); id != want {
			t.Fatalf("position %d is %s, want %s", i, id, want)
		}
	}
	needles := list("/ui/?q=NEEDLE")
	if len(needles) != (n+2)/3 {
		t.Fatalf("search listed %d events, want %d: %v", len(needles), (n+2)/3, needles)
	}
	for _, id := range needles {
		var i int
		fmt.Sscanf(id, "ev-%d", &i)
		if i%3 != 0 {
			t.Fatalf("search listed %s, which does not match", id)
		}
	}
}
