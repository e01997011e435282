package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/server"
)

type serveOptions struct {
	config, sqsURL, id string
	log                logFlags
}

func newServeCmd(a *app) *cobra.Command {
	var o serveOptions
	cmd := leaf("serve", "receive events (HTTP, SQS), store them durably, route and deliver them", serveHelp,
		func(ctx context.Context, args []string) int {
			return runServe(ctx, a.stdio, a.awsProvider(), o, args)
		})
	fs := cmd.Flags()
	fs.StringVar(&o.config, "config", "vigil.yaml", "configuration file")
	fs.StringVar(&o.sqsURL, "sqs-queue-url", "", "also consume events from this SQS queue (overrides sqs.queue_url)")
	o.log.add(cmd)
	fs.StringVar(&o.id, "id", "", "name of this replica in job records (default: host name and start time)")
	return cmd
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
SIGHUP (or POST /-/reload) reloads the configuration file: rules, targets,
notifiers, reports and schedules change for what is accepted from then on; a
file with a problem changes nothing and the log says why; changes to
database, server, jobs, sqs and explain wait for a restart.

Logs go to standard error, each record carrying the event id: text on a
terminal, JSON lines otherwise (--log-format chooses).

Example:
  export VIGIL_API_KEY=$(openssl rand -hex 16)
  vigil serve --config vigil.yaml
`

func runServe(ctx context.Context, io stdio, aws *awsx.Provider, o serveOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(io.err, "vigil serve: takes no arguments")
		return exitUsage
	}
	log := o.log.logger(io.err)
	cfg, err := loadConfig(o.config)
	if err != nil {
		fmt.Fprintf(io.err, "vigil serve: %v\n", err)
		return exitUsage
	}
	// SIGHUP reloads the configuration (as POST /-/reload does); a bad
	// file keeps the running one and the log says why.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{}, 1)
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}()
	opts := server.RunOptions{SQSQueueURL: o.sqsURL, Reload: reload, Load: func() (*config.Config, error) { return loadConfig(o.config) }}
	if err := server.RunConfig(ctx, cfg, pipeline.Deps{Logger: log, ID: o.id, AWS: aws}, opts); err != nil {
		fmt.Fprintf(io.err, "vigil serve: %v\n", err)
		return exitFailure
	}
	return exitOK
}
