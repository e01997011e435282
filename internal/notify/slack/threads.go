package slack

import (
	"context"
	"sync"
	"time"

	"github.com/vigilhq/vigil/internal/store"
)

// ThreadStore remembers, per channel and incident key, the timestamp of the
// first message posted, so follow-ups can be posted as replies.
type ThreadStore interface {
	// Thread returns the ts of the incident's first message in channel.
	Thread(ctx context.Context, channel, key string) (ts string, ok bool, err error)
	// SetThread records ts as the incident's thread unless one is already
	// recorded.
	SetThread(ctx context.Context, channel, key, ts string) error
}

type memoryThreads struct {
	mu sync.Mutex
	m  map[[2]string]string
}

func (t *memoryThreads) Thread(_ context.Context, channel, key string) (string, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ts, ok := t.m[[2]string{channel, key}]
	return ts, ok, nil
}

func (t *memoryThreads) SetThread(_ context.Context, channel, key, ts string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[[2]string]string{}
	}
	if _, ok := t.m[[2]string{channel, key}]; !ok {
		t.m[[2]string{channel, key}] = ts
	}
	return nil
}

// StoreThreads keeps threads in vigil's database, so every replica and
// every restart posts follow-ups in the same thread. A thread older than
// maxAge (7 days when zero) is forgotten: an incident that comes back after
// that starts a new thread.
func StoreThreads(ctx context.Context, st *store.Store, maxAge time.Duration) (ThreadStore, error) {
	if maxAge <= 0 {
		maxAge = 7 * 24 * time.Hour
	}
	if err := st.Migrate(ctx, Migrations); err != nil {
		return nil, err
	}
	return &dbThreads{st: st, maxAge: maxAge}, nil
}

// Migrations create the table of Slack threads.
var Migrations = []store.Migration{{ID: "slack/0001_threads", SQL: []string{
	`CREATE TABLE IF NOT EXISTS vigil_slack_threads (
		channel    TEXT NOT NULL,
		thread_key TEXT NOT NULL,
		ts         TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		PRIMARY KEY (channel, thread_key)
	)`,
}}}

type dbThreads struct {
	st     *store.Store
	maxAge time.Duration
}

func (t *dbThreads) Thread(ctx context.Context, channel, key string) (string, bool, error) {
	var ts string
	err := t.st.Q().QueryRow(ctx, `SELECT ts FROM vigil_slack_threads WHERE channel = ? AND thread_key = ? AND created_at > ?`,
		channel, key, store.Micros(time.Now().Add(-t.maxAge))).Scan(&ts)
	if err == store.ErrNotFound {
		return "", false, nil
	}
	return ts, err == nil, err
}

func (t *dbThreads) SetThread(ctx context.Context, channel, key, ts string) error {
	now := time.Now()
	// Replace an expired thread; keep a live one (another replica may have
	// posted first).
	_, err := t.st.Q().Exec(ctx, `INSERT INTO vigil_slack_threads (channel, thread_key, ts, created_at) VALUES (?,?,?,?)
		ON CONFLICT (channel, thread_key) DO UPDATE SET ts = excluded.ts, created_at = excluded.created_at
		WHERE vigil_slack_threads.created_at <= ?`,
		channel, key, ts, store.Micros(now), store.Micros(now.Add(-t.maxAge)))
	return err
}
