package main

import (
	"context"
	"fmt"

	"github.com/vigilhq/vigil/internal/server"
)

// benchIngest is `vigil bench ingest`, dispatched by the bench group.
var benchIngest = &command{
	name:    "ingest",
	summary: "accepted events/s and accept-to-delivery latency of a server in this process",
	run:     runBenchIngest,
}

const benchIngestHelp = `
Start a vigil server in this process with 10 rules, each with a webhook target
(a receiver in this process), post N events to POST /events over HTTP, and
print how many events per second were accepted (each committed to the
database before its 2xx) and the p50/p99 time from an event's 2xx to its
webhook delivery.

Use --rate to measure latency at a given load, and --database to measure
PostgreSQL instead of a temporary SQLite file.

Example:
  vigil bench ingest -n 20000 -c 64
  vigil bench ingest -n 10000 --rate 1000
  vigil bench ingest --database postgres://postgres@127.0.0.1:5432/vigil_bench -n 20000 -c 64
`

func runBenchIngest(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "bench ingest", "", benchIngestHelp)
	db := fs.String("database", "", "database URL (default: a SQLite file in a temporary directory)")
	n := fs.Int("n", 20000, "events to post")
	c := fs.Int("c", 64, "concurrent requests")
	rate := fs.Int("rate", 0, "post at this many events per second (0: as fast as accepted)")
	batch := fs.Int("batch", 1, "events per request (1 as EventBridge API destinations send; up to 10 as PutEvents)")
	workers := fs.Int("workers", 50, "delivery workers (jobs.workers)")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if *n < 1 || *c < 1 || *batch < 1 || *rate < 0 {
		fmt.Fprintln(io.err, "vigil bench ingest: -n, -c and --batch must be positive, --rate not negative")
		return exitUsage
	}
	res, err := server.BenchIngest(ctx, server.BenchOptions{Database: *db, Events: *n, Connections: *c, Rate: *rate, Batch: *batch, Workers: *workers})
	if res != nil {
		fmt.Fprintf(io.out, "%d events, %d connections, batch %d, rate %s, 10 rules, webhook target\n%s\n", *n, *c, *batch, rateText(*rate), res)
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil bench ingest: %v\n", err)
		return exitFailure
	}
	return exitOK
}

func rateText(r int) string {
	if r == 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%d/s", r)
}
