package store_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

var owned = []store.Migration{
	{ID: "test/0001_things", SQL: []string{`CREATE TABLE things (id TEXT PRIMARY KEY, body {blob} NOT NULL)`}},
	{ID: "test/0002_things_note", SQL: []string{`ALTER TABLE things ADD COLUMN note TEXT NOT NULL DEFAULT ''`}},
}

func dsns(t *testing.T) map[string]func(*testing.T) string {
	return map[string]func(*testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite://" + filepath.Join(t.TempDir(), "v.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	}
}

// TestMigrationsAppliedOnceInOrder: a second Open applies nothing again
// (the ALTER would fail), and a migration added later is applied after the
// others.
func TestMigrationsAppliedOnceInOrder(t *testing.T) {
	for name, dsn := range dsns(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			url := dsn(t)
			st, err := store.OpenShared(ctx, url, owned[:1])
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			st, err = store.OpenShared(ctx, url, owned)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.Q().Exec(ctx, `INSERT INTO things (id, body, note) VALUES ('a', ?, 'n')`, []byte("x")); err != nil {
				t.Fatalf("the later migration's column is missing: %v", err)
			}
			if err := st.Migrate(ctx, owned); err != nil {
				t.Fatalf("migrating again: %v", err)
			}
			got, err := st.Applied(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"store/0001_base", "test/0001_things", "test/0002_things_note"}
			if !slices.Equal(got, want) {
				t.Errorf("applied = %v, want %v", got, want)
			}
		})
	}
}

// TestMigrationFailureRollsBack: a failing migration leaves nothing of
// itself behind, is not recorded, and names itself; the migrations before
// it stay applied.
func TestMigrationFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	url := "sqlite://" + filepath.Join(t.TempDir(), "v.db")
	bad := []store.Migration{owned[0], {ID: "test/0002_broken", SQL: []string{`CREATE TABLE half (x TEXT)`, `ALTER TABLE nothing ADD COLUMN x TEXT`}}}
	if _, err := store.Open(ctx, url, bad); err == nil || !strings.Contains(err.Error(), "test/0002_broken") {
		t.Fatalf("want an error naming the broken migration, got %v", err)
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Q().Exec(ctx, `SELECT 1 FROM half`); err == nil {
		t.Error("the failed migration's first statement was kept")
	}
	got, _ := st.Applied(ctx)
	if want := []string{"store/0001_base", "test/0001_things"}; !slices.Equal(got, want) {
		t.Errorf("applied = %v, want %v", got, want)
	}
	if err := st.Migrate(ctx, []store.Migration{owned[0], owned[0]}); err == nil {
		t.Error("a repeated migration id was accepted")
	}
}

// TestConcurrentMigrations: replicas opening a fresh PostgreSQL database at
// the same moment all succeed, and every migration is applied once.
func TestConcurrentMigrations(t *testing.T) {
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := store.Open(ctx, url, owned)
			if err == nil {
				st.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
}
