package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestRebind(t *testing.T) {
	if got := rebind(`SELECT a FROM t WHERE b = ? AND c IN (?, ?)`); got != `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)` {
		t.Errorf("rebind: %s", got)
	}
}

// The statement cache must cope with the same query run again while its
// first rows are still open, and with many distinct statements.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.InTx(ctx, func(tx Tx) error {
		for i := range 3 {
			if err := AddSilence(ctx, tx, &Silence{ID: string(rune('a' + i)), Pattern: "{}", EndsAt: time.Now().Add(time.Hour)}); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT id FROM vigil_silences ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			// The same statement again, nested.
			inner, err := tx.Query(ctx, `SELECT id FROM vigil_silences ORDER BY id`)
			if err != nil {
				return err
			}
			m := 0
			for inner.Next() {
				m++
			}
			inner.Close()
			if m != 3 {
				t.Errorf("nested query saw %d rows", m)
			}
			n++
		}
		if n != 3 {
			t.Errorf("outer query saw %d rows", n)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range stmtCacheSize + 10 {
		var x int
		if err := s.Q().QueryRow(ctx, fmt.Sprintf(`SELECT ? + %d`, i), 1).Scan(&x); err != nil || x != i+1 {
			t.Fatalf("distinct statement %d: %d %v", i, x, err)
		}
	}
}

// Waiting event commits get the database before other waiting work.
func TestGatePriority(t *testing.T) {
	g := &gate{}
	ctx := context.Background()
	if err := g.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	start := func(name string, c context.Context) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.acquire(c)
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			g.release()
		}()
	}
	start("low", ctx)
	waitWaiters(t, g, 1)
	start("high", Priority(ctx))
	waitWaiters(t, g, 2)
	g.release()
	wg.Wait()
	if len(order) != 2 || order[0] != "high" {
		t.Errorf("order %v, want high first", order)
	}
	// A waiter whose context ends leaves the queue.
	g.acquire(ctx)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- g.acquire(cctx) }()
	waitWaiters(t, g, 1)
	cancel()
	if err := <-done; err == nil {
		t.Error("a cancelled wait should fail")
	}
	g.release()
	if err := g.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	g.release()
}

// waitWaiters waits until n callers wait at the gate.
func waitWaiters(t *testing.T, g *gate, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.mu.Lock()
		w := len(g.hi) + len(g.lo)
		g.mu.Unlock()
		if w >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiters at the gate, want %d", w, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestSQLiteFile(t *testing.T) {
	for dsn, want := range map[string]string{
		"sqlite://./vigil.db":                         "./vigil.db",
		"sqlite:///var/lib/vigil.db?synchronous=FULL": "/var/lib/vigil.db",
		"sqlite:vigil.db":                             "vigil.db",
		"sqlite://:memory:":                           "",
		"postgres://postgres@127.0.0.1:5433/vigil":    "",
	} {
		if got := SQLiteFile(dsn); got != want {
			t.Errorf("SQLiteFile(%q) = %q, want %q", dsn, got, want)
		}
	}
}
