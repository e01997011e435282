package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/server"
)

func init() {
	register(&command{
		name:    "serve",
		summary: "receive events (HTTP, SQS), store them durably, route and deliver them",
		run:     runServe,
	})
}

const serveHelp = `
Run vigil's pipeline: receive events on POST /events (one event, an array, or
PutEvents' {"Entries": [...]}) and POST /invocations, and from an SQS queue
with --sqs-queue-url; commit each event to the database before acknowledging
it; route it with the configured rules; deliver to each target with retries,
grouping and a dead-letter list. /metrics, /healthz and /readyz serve
operations.

SIGTERM or Ctrl-C drains: no new events are taken, events received are
committed, and running deliveries get server.drain_timeout to finish.

Logs are JSON lines on standard error, each carrying the event id.

Example:
  export VIGIL_API_KEY=$(openssl rand -hex 16)
  vigil serve --config vigil.yaml
`

func runServe(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "serve", "", serveHelp)
	cfgPath := fs.String("config", "vigil.yaml", "configuration file")
	sqsURL := fs.String("sqs-queue-url", "", "also consume events from this SQS queue (overrides sqs.queue_url)")
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	id := fs.String("id", "", "name of this replica in job records (default: host name and start time)")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(io.err, "vigil serve: takes no arguments")
		return exitUsage
	}
	log, err := newLogger(io, *level)
	if err != nil {
		fmt.Fprintf(io.err, "vigil serve: --log-level: %v\n", err)
		return exitUsage
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintf(io.err, "vigil serve: %v\n", err)
		return exitUsage
	}
	if err := server.Run(ctx, cfg, server.RunOptions{Logger: log, SQSQueueURL: *sqsURL, ID: *id}); err != nil {
		fmt.Fprintf(io.err, "vigil serve: %v\n", err)
		return exitFailure
	}
	return exitOK
}

func newLogger(io stdio, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, err
	}
	w := io.err
	if w == nil {
		w = os.Stderr
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv})), nil
}
