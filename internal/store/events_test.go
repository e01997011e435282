package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// TestListEventsPages lists events by time, both ways, and pages through
// events received at the same instant without losing or repeating one, on
// SQLite and PostgreSQL.
func TestListEventsPages(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			ctx := context.Background()
			dsn := "sqlite://" + filepath.Join(t.TempDir(), "v.db")
			if db == "postgres" {
				dsn = storetest.PostgresURL(t)
			}
			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			var evs []*store.Event
			for i := range 7 {
				// Three events share each instant.
				evs = append(evs, &store.Event{Key: fmt.Sprintf("id:e%d", i), ID: fmt.Sprintf("e%d", i), Source: []string{"a", "b"}[i%2],
					DetailType: "x", Input: "http", ReceivedAt: base.Add(time.Duration(i/3) * time.Minute), Raw: []byte(`{}`)})
			}
			if err := st.InTx(ctx, func(tx store.Tx) error { _, err := store.InsertEvents(ctx, tx, evs); return err }); err != nil {
				t.Fatal(err)
			}
			for _, newest := range []bool{false, true} {
				var got []string
				var after *store.Event
				for {
					page, err := store.ListEvents(ctx, st.Q(), store.EventQuery{Limit: 2, After: after, Newest: newest})
					if err != nil {
						t.Fatal(err)
					}
					if len(page) == 0 {
						break
					}
					for _, e := range page {
						got = append(got, e.ID)
					}
					after = page[len(page)-1]
				}
				want := "[e0 e1 e2 e3 e4 e5 e6]"
				if newest {
					want = "[e6 e5 e4 e3 e2 e1 e0]"
				}
				if fmt.Sprint(got) != want {
					t.Errorf("newest=%v: %v, want %s", newest, got, want)
				}
			}
			page, err := store.ListEvents(ctx, st.Q(), store.EventQuery{Since: base.Add(time.Minute), Until: base.Add(2 * time.Minute), Source: "b", WithRaw: true})
			if err != nil || len(page) != 2 || page[0].ID != "e3" || page[1].ID != "e5" || string(page[0].Raw) != "{}" {
				t.Errorf("since/until/source: %d events %v", len(page), err)
			}
		})
	}
}
