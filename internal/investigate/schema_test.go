package investigate

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// TestMigrationKeepsRecords: records stored before inv_events was keyed
// by time (migration 0002) are still there after it, in their timelines,
// and reading them again stores nothing twice.
func TestMigrationKeepsRecords(t *testing.T) {
	for name, dsn := range databases() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			url := dsn(t)
			var recs []*Record
			for i := range 30 {
				raw := call{t: synthStart.Add(time.Duration(i) * time.Minute), identity: iamUser("alice", "AKIAALICE00000000001"),
					source: "ec2.amazonaws.com", name: "DescribeInstances", region: "us-east-1", ip: "198.51.100.7", ua: "aws-cli/2"}.record(eventUUID("migrate", i))
				r, err := ParseRecord([]byte(raw))
				if err != nil {
					t.Fatal(err)
				}
				recs = append(recs, r)
			}

			// The schema before 0002, with records stored as it stored them.
			old, err := store.Open(ctx, url, Migrations[:1])
			if err != nil {
				t.Fatal(err)
			}
			err = old.InTx(ctx, func(tx store.Tx) error {
				for _, r := range recs {
					_, err := tx.Exec(ctx, `INSERT INTO inv_events (ekey, event_id, t, principal, base, akey, ip, ua, region, source, name, error, flags, resources, src) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
						hashID(r.EventID), r.EventID, r.Time, r.Principal.id(), r.Base.id(), Entity{KindAccessKey, r.AccessKey}.id(),
						Entity{KindIP, r.IP}.id(), Entity{KindUserAgent, r.UserAgent}.id(), r.Region, r.Source, r.Name, r.ErrorCode, int64(r.Flags), "", int64(0))
					if err != nil {
						return err
					}
				}
				a := newAggregates()
				for _, r := range recs {
					a.add(r, hashID(r.EventID))
				}
				return a.write(ctx, tx)
			})
			if err != nil {
				t.Fatal(err)
			}
			old.Close()

			st, err := store.Open(ctx, url, Migrations)
			if err != nil {
				t.Fatal(err)
			}
			applied, err := st.Applied(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, id := range applied {
				if id == migrationClustered {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%s recorded %d times, want once (applied: %v)", migrationClustered, n, applied)
			}
			s := New(st, DefaultOptions())
			user := Entity{KindUser, iamARN(synthAccount, "user", "alice")}
			tl, err := s.Timeline(ctx, user, TimelineQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(tl.Events) != len(recs) {
				t.Fatalf("timeline after the migration has %d events, want %d", len(tl.Events), len(recs))
			}
			for i, ev := range tl.Events {
				if ev.EventID != recs[i].EventID || ev.SourceIP != "198.51.100.7" || ev.AccessKeyID != "AKIAALICE00000000001" {
					t.Fatalf("event %d after the migration: %+v, want %s from 198.51.100.7 with AKIAALICE00000000001", i, ev, recs[i].EventID)
				}
			}
			var added int
			err = st.InTx(ctx, func(tx store.Tx) error {
				added, err = writeRecords(ctx, st.Kind(), tx, recs, nil)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var rows int64
			if err := st.Q().QueryRow(ctx, `SELECT count(*) FROM inv_events`).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if added != 0 || rows != int64(len(recs)) {
				t.Fatalf("storing the records again added %d (table holds %d rows), want 0 (%d rows)", added, rows, len(recs))
			}
			st.Close()
			// Opening again applies nothing again.
			st2, err := store.Open(ctx, url, Migrations)
			if err != nil {
				t.Fatal(fmt.Errorf("reopening: %w", err))
			}
			st2.Close()
		})
	}
}
