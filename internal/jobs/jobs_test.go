package jobs_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// echoArgs is a job kind of the test's own: jobs knows nothing of it.
type echoArgs struct {
	Name string `json:"name"`
	// FailFor makes the first attempts fail; -1 fails for good.
	FailFor int `json:"fail_for"`
}

func (echoArgs) Kind() string { return "test_echo" }

type echoWorker struct {
	river.WorkerDefaults[echoArgs]
	q    *jobs.Queue
	mu   sync.Mutex
	done map[string]int // name -> attempt that succeeded
}

func (w *echoWorker) NextRetry(*river.Job[echoArgs]) time.Time { return time.Now() }

func (w *echoWorker) Work(ctx context.Context, job *river.Job[echoArgs]) error {
	a := job.Args
	if a.FailFor < 0 {
		return w.q.DeadLetter(ctx, job.JobRow, jobs.DeadLetter{Rule: "r", Target: a.Name}, errors.New("cannot "+a.Name), "not retryable")
	}
	if job.Attempt <= a.FailFor {
		return errors.New("not yet")
	}
	// The job's effect and its completion commit together.
	return w.q.Store().InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO echoes (name, attempt) VALUES (?, ?)`, a.Name, job.Attempt); err != nil {
			return err
		}
		w.mu.Lock()
		w.done[a.Name] = job.Attempt
		w.mu.Unlock()
		return jobs.CompleteTx(ctx, tx, job)
	})
}

var echoes = []store.Migration{{ID: "test/0001_echoes", SQL: []string{`CREATE TABLE echoes (name TEXT PRIMARY KEY, attempt BIGINT NOT NULL)`}}}

func open(t *testing.T, dsn string) *store.Store {
	st, err := store.Open(context.Background(), dsn, jobs.Migrations, echoes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRegisteredKindRunsRetriesDeadLettersAndRedrives(t *testing.T) {
	for name, dsn := range map[string]func(*testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "v.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t, dsn(t))
			q := jobs.New(st, jobs.Options{Workers: 4, JobTimeout: 5 * time.Second, RescueAfter: time.Minute, PollInterval: 10 * time.Millisecond, Retention: time.Hour})
			w := &echoWorker{q: q, done: map[string]int{}}
			jobs.AddWorker(q, w)
			if got := q.Kinds(); len(got) != 1 || got[0] != "test_echo" {
				t.Fatalf("kinds = %v", got)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer q.Stop(ctx)
			var deadID int64
			err := st.InTx(ctx, func(tx store.Tx) error {
				if err := q.InsertTx(ctx, tx, []river.InsertManyParams{{Args: echoArgs{Name: "now"}}, {Args: echoArgs{Name: "third", FailFor: 2}}}); err != nil {
					return err
				}
				var err error
				deadID, err = q.InsertOneTx(ctx, tx, echoArgs{Name: "never", FailFor: -1}, &river.InsertOpts{MaxAttempts: 7})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the jobs", func() bool {
				w.mu.Lock()
				defer w.mu.Unlock()
				return w.done["now"] == 1 && w.done["third"] == 3
			})
			var dls []*jobs.DeadLetter
			waitFor(t, "the dead letter", func() bool {
				dls, err = jobs.ListDeadLetters(ctx, st.Q(), jobs.DeadLetterFilter{})
				return err == nil && len(dls) == 1
			})
			d := dls[0]
			if d.JobID != deadID || d.Kind != "test_echo" || d.Target != "never" || d.MaxAttempts != 7 || d.LastError != "cannot never (not retryable)" {
				t.Errorf("dead letter = %+v", d)
			}
			// Redriven as the same kind with the same arguments: it fails
			// again and is dead-lettered again, under the new job's id.
			newID, err := q.Redrive(ctx, deadID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := q.Redrive(ctx, deadID); !errors.Is(err, jobs.ErrRedriven) {
				t.Errorf("second redrive: %v, want ErrRedriven", err)
			}
			waitFor(t, "the redriven job's dead letter", func() bool {
				d, err := jobs.GetDeadLetter(ctx, st.Q(), newID)
				return err == nil && d.Kind == "test_echo" && d.Target == "never"
			})
		})
	}
}

func TestAddWorkerAfterUsePanics(t *testing.T) {
	st := open(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"))
	q := jobs.New(st, jobs.Options{})
	if err := st.InTx(context.Background(), func(tx store.Tx) error {
		return q.InsertTx(context.Background(), tx, []river.InsertManyParams{{Args: echoArgs{Name: "x"}}})
	}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("AddWorker after the queue was used did not panic")
		}
	}()
	jobs.AddWorker(q, &echoWorker{})
}

func TestBackoff(t *testing.T) {
	p := jobs.Policy{MinBackoff: time.Second, MaxBackoff: 10 * time.Second}
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 9: 10 * time.Second} {
		for range 50 {
			if d := p.Backoff(attempt); d < want/2 || d > want {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
	if d := (jobs.Policy{}).Backoff(3); d != 0 {
		t.Errorf("zero policy backoff = %s", d)
	}
}

// TestSQLiteInsertWritesRiversRows checks that the multi-row insert vigil
// uses on SQLite (InsertTx) writes the rows River's own insert
// (InsertOneTx) writes for the same jobs.
func TestSQLiteInsertWritesRiversRows(t *testing.T) {
	ctx := context.Background()
	st := open(t, "sqlite://"+filepath.Join(t.TempDir(), "v.db"))
	q := jobs.New(st, jobs.Options{})
	jobs.AddWorker(q, &echoWorker{q: q, done: map[string]int{}})
	at := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	params := []river.InsertManyParams{
		{Args: echoArgs{Name: "plain"}},
		{Args: echoArgs{Name: "options", FailFor: 2}, InsertOpts: &river.InsertOpts{MaxAttempts: 7, Priority: 2, Metadata: []byte(`{"k": 1}`)}},
		{Args: echoArgs{Name: "later"}, InsertOpts: &river.InsertOpts{MaxAttempts: 3, ScheduledAt: at}},
	}
	var fast, viaRiver []int64
	err := st.InTx(ctx, func(tx store.Tx) error {
		before := maxJobID(ctx, t, tx)
		if err := q.InsertTx(ctx, tx, params); err != nil {
			return err
		}
		for id := before + 1; id <= maxJobID(ctx, t, tx); id++ {
			fast = append(fast, id)
		}
		for _, p := range params {
			id, err := q.InsertOneTx(ctx, tx, p.Args, p.InsertOpts)
			if err != nil {
				return err
			}
			viaRiver = append(viaRiver, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(fast) != len(params) {
		t.Fatalf("InsertTx wrote %d rows, want %d", len(fast), len(params))
	}
	for i := range params {
		got, want := jobRow(ctx, t, st, fast[i]), jobRow(ctx, t, st, viaRiver[i])
		if got != want {
			t.Errorf("job %d:\n InsertTx wrote %s\n River wrote   %s", i, got, want)
		}
	}
}

func maxJobID(ctx context.Context, t *testing.T, q store.Querier) int64 {
	t.Helper()
	var id int64
	if err := q.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM river_job`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// jobRow is every column of a job row River's reads depend on, with the
// times as their format (length, and whether they compare as due now)
// except a scheduled job's scheduled_at, which must be exact. River's
// InsertOneTx adds a nonce to the metadata (to tell, with RETURNING, an
// inserted job from a skipped unique one); its bulk insert, which InsertTx
// replaces, does not.
func jobRow(ctx context.Context, t *testing.T, st *store.Store, id int64) string {
	t.Helper()
	var s string
	err := st.Q().QueryRow(ctx, `SELECT json_array(json(args), kind, max_attempts, json_remove(metadata, '$."river:unique_nonce"'), priority, queue, state, json(tags),
		unique_key IS NULL, unique_states IS NULL, attempt, attempted_at IS NULL, finalized_at IS NULL, errors IS NULL,
		length(created_at), created_at <= datetime('now', 'subsec'), length(scheduled_at),
		CASE state WHEN 'scheduled' THEN scheduled_at ELSE scheduled_at <= datetime('now', 'subsec') END)
		FROM river_job WHERE id = ?`, id).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
