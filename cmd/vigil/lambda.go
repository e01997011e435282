package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/store"
)

func init() {
	register(&command{
		name:    "lambda",
		summary: "run as an AWS Lambda function handling EventBridge events",
		run:     runLambda,
	})
}

const lambdaHelp = `
Run as the handler of an AWS Lambda function (custom runtime, provided.al2023:
build vigil for linux as "bootstrap") that an EventBridge rule invokes. Each
event is routed with the same rules and targets as vigil serve.

By default each target is called synchronously; a failure that a retry can
fix makes the invocation fail, so Lambda's asynchronous retries and the
function's on-failure destination take over. With --store, the event is
instead committed to the configuration's database (PostgreSQL) and delivered,
with retries, grouping and dead letters, by vigil serve replicas sharing it.

Example (function environment):
  command: vigil lambda --config /var/task/vigil.yaml
`

func runLambda(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "lambda", "", lambdaHelp)
	cfgPath := fs.String("config", "vigil.yaml", "configuration file")
	durable := fs.Bool("store", false, "commit events to the database for vigil serve to deliver, instead of delivering synchronously")
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	log, err := newLogger(io, *level)
	if err != nil {
		fmt.Fprintf(io.err, "vigil lambda: --log-level: %v\n", err)
		return exitUsage
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	table, _ := route.Compile(cfg)
	var in *ingest.Ingester
	if *durable {
		st, err := store.OpenShared(ctx, cfg.Database)
		if err != nil {
			fmt.Fprintf(io.err, "vigil lambda: %v\n", err)
			return exitFailure
		}
		defer st.Close()
		q, err := jobs.New(ctx, st, jobs.Options{Logger: log})
		if err != nil {
			fmt.Fprintf(io.err, "vigil lambda: %v\n", err)
			return exitFailure
		}
		in = ingest.New(st, q, table, ingest.Options{Logger: log})
		defer in.Close()
		if err := in.LoadSilences(ctx); err != nil {
			fmt.Fprintf(io.err, "vigil lambda: %v\n", err)
			return exitFailure
		}
	}
	lambda.StartWithOptions(ingest.LambdaHandler(table, in, log), lambda.WithContext(ctx))
	return exitOK
}
