package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/deliver"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/jobs"
	vpipeline "github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/target"
)

// Issue 13 item 1: an event the database cannot store fails alone. Events
// with a NUL where PostgreSQL keeps text are refused before the commit; the
// others in the same request and in concurrent ones are stored.
func TestUnstorableEventFailsAlone(t *testing.T) {
	bad := map[string]string{
		"NUL in source":      `{"id":"bad-source","source":"aws.ec2\u0000","detail-type":"t","detail":{}}`,
		"NUL in detail-type": `{"id":"bad-type","source":"aws.ec2","detail-type":"t\u0000","detail":{}}`,
		"NUL in id":          `{"id":"bad\u0000id","source":"aws.ec2","detail-type":"t","detail":{}}`,
		"NUL in finding Id":  `{"id":"bad-finding","source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":[{"Id":"f\u0000","UpdatedAt":"2024-01-01T00:00:00Z"}]}}`,
	}
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			rcv := newReceiver(t)
			p := startPipeline(t, dsn(t), fmt.Sprintf(`
rules:
  - name: all
    event_pattern: {"source": [{"prefix": ""}]}
    targets:
      - {id: hook, type: webhook, url: %q}
      - {id: grouped, type: webhook, url: %q, group_by: [detail.eventName], group_wait: 1h}
`, rcv.srv.URL, rcv.srv.URL))
			ctx := context.Background()
			// One request mixing good and bad events.
			var raws [][]byte
			var names []string
			for n, b := range bad {
				raws = append(raws, ec2Event("good-before-"+strings.ReplaceAll(n, " ", "-")), []byte(b))
				names = append(names, "", n)
			}
			// A NUL in a group_by value is fine: group keys are JSON text.
			raws = append(raws, []byte(`{"id":"nul-group","source":"aws.ec2","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"x\u0000"}}`))
			names = append(names, "")
			res := p.in.Accept(ctx, "test", raws)
			for i, r := range res {
				if names[i] == "" {
					if r.Err != nil {
						t.Errorf("good event %d: %v", i, r.Err)
					}
					continue
				}
				var ie *ingest.Error
				if !errors.As(r.Err, &ie) || ie.Code != "InvalidArgument" {
					t.Errorf("%s: want an InvalidArgument rejection, got %v", names[i], r.Err)
				}
			}
			// 500 concurrent callers, one of them bad: nobody else fails.
			var wg sync.WaitGroup
			errs := make([]error, 500)
			for i := range 500 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					raw := ec2Event(fmt.Sprintf("c%d", i))
					if i == 250 {
						raw = []byte(bad["NUL in source"])
					}
					errs[i] = p.in.Accept(ctx, "test", [][]byte{raw})[0].Err
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if (i == 250) != (err != nil) {
					t.Errorf("concurrent event %d: %v", i, err)
				}
			}
			var n int
			if err := p.st.Q().QueryRow(ctx, `SELECT count(*) FROM vigil_events`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if want := len(bad) + 1 + 499; n != want {
				t.Errorf("%d events stored, want %d", n, want)
			}
		})
	}
}

// A value the database refuses inside the transaction (here a hook's own
// table, as capabilities add) is found by splitting the group commit: the
// event at fault is rejected as bad input, every other one is stored with
// its jobs.
func TestGroupCommitIsolatesRefusedEvent(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st, err := vpipeline.OpenStore(ctx, dsn(t), false)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if _, err := st.Q().Exec(ctx, `CREATE TABLE hook_seen (id TEXT NOT NULL CHECK (id <> 'poison'))`); err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse("t.yaml", []byte(`
rules:
  - name: r
    event_pattern: {"source": ["aws.ec2"]}
    targets: [{id: hook, type: webhook, url: "http://127.0.0.1:1/never"}]
`))
			if err != nil {
				t.Fatal(err)
			}
			table, err := route.Compile(cfg, target.NewRegistry(target.Deps{Config: cfg}, vpipeline.TargetTypes()...))
			if err != nil {
				t.Fatal(err)
			}
			q := jobs.New(st, jobs.Options{})
			d := deliver.New(q, deliver.Options{})
			hook := func(ctx context.Context, tx store.Tx, ev *event.Event, _ *store.Event) ([]river.InsertManyParams, error) {
				_, err := tx.Exec(ctx, `INSERT INTO hook_seen (id) VALUES (?)`, ev.ID)
				return nil, err
			}
			in := ingest.New(st, q, d, table, ingest.Options{Hooks: []ingest.Hook{hook}})
			t.Cleanup(in.Close)
			var raws [][]byte
			for i := range 50 {
				id := fmt.Sprintf("ok-%d", i)
				if i == 37 {
					id = "poison"
				}
				raws = append(raws, ec2Event(id))
			}
			res := in.Accept(ctx, "test", raws)
			for i, r := range res {
				if i == 37 {
					var ie *ingest.Error
					if !errors.As(r.Err, &ie) || ie.Code != "InvalidArgument" || !strings.Contains(r.Err.Error(), "cannot store") {
						t.Errorf("refused event: want InvalidArgument naming the database's refusal, got %v", r.Err)
					}
					continue
				}
				if r.Err != nil || r.Duplicate || r.Decision == nil {
					t.Errorf("event %d: %+v", i, r)
				}
			}
			var events, seen, jobRows int
			st.Q().QueryRow(ctx, `SELECT count(*) FROM vigil_events`).Scan(&events)
			st.Q().QueryRow(ctx, `SELECT count(*) FROM hook_seen`).Scan(&seen)
			st.Q().QueryRow(ctx, `SELECT count(*) FROM river_job`).Scan(&jobRows)
			if events != 49 || seen != 49 || jobRows != 49 {
				t.Errorf("stored %d events, %d hook rows, %d jobs; want 49 of each", events, seen, jobRows)
			}
		})
	}
}
