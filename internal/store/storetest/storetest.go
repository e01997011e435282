// Package storetest gives tests a fresh PostgreSQL database.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestDatabase creates a fresh database on the PostgreSQL server at base
// (a postgres:// URL) for one test, drops it when the test ends, and returns
// its URL. Each test gets its own database so tests can run in parallel and
// River's tables start empty.
func TestDatabase(t testing.TB, base string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to the test PostgreSQL server: %v", err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	rand.Read(b[:])
	name := "vigil_t_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// PostgresURL returns a fresh database on the server named by
// VIGIL_TEST_POSTGRES_URL. Without it the test is skipped, except under
// CI=true, where it fails: CI must start PostgreSQL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("VIGIL_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("VIGIL_TEST_POSTGRES_URL is not set; CI must start PostgreSQL and set it")
		}
		t.Skip("VIGIL_TEST_POSTGRES_URL is not set; see docs/pipeline.md for starting a test PostgreSQL")
	}
	return TestDatabase(t, base)
}
