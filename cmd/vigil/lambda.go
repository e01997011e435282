package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/awsx"

	"github.com/vigilhq/vigil/internal/pipeline"
)

type lambdaOptions struct {
	config string
	log    logFlags
	store  bool
}

func newLambdaCmd(a *app) *cobra.Command {
	var o lambdaOptions
	cmd := leaf("lambda", "run as an AWS Lambda function handling EventBridge events", lambdaHelp,
		func(ctx context.Context, args []string) int {
			return runLambda(ctx, a.stdio, a.awsProvider(), o, args)
		})
	fs := cmd.Flags()
	fs.StringVar(&o.config, "config", "vigil.yaml", "configuration file")
	fs.BoolVar(&o.store, "store", false, "commit events to the database for vigil serve to deliver, instead of delivering synchronously")
	o.log.add(cmd)
	return cmd
}

const lambdaHelp = `
Run as the handler of an AWS Lambda function (custom runtime, provided.al2023)
that an EventBridge rule invokes. Each event is routed with the same rules
and targets as vigil serve. vigil export lambda-zip packs the function
(a bootstrap running this command, vigil and vigil.yaml); vigil export
cloudformation|terraform --via lambda creates it and its rules.

By default each target is called synchronously; a failure that a retry can
fix makes the invocation fail, so Lambda's asynchronous retries and the
function's on-failure destination take over. With --store, the event is
instead committed to the configuration's database (PostgreSQL) and delivered,
with retries, grouping and dead letters, by vigil serve replicas sharing it.

Outside Lambda (AWS_LAMBDA_RUNTIME_API not set) it exits with status 2 and
points at vigil process, which routes events with the same rules on this
machine.

Example (what the zip's bootstrap runs):
  vigil lambda --config /var/task/vigil.yaml
`

// lambdaOutside is what vigil lambda says when Lambda did not start it.
const lambdaOutside = `vigil lambda: not running in AWS Lambda (AWS_LAMBDA_RUNTIME_API is not set)
This command is the handler of a Lambda function, and Lambda starts it. To try
the same rules and targets on this machine:
  vigil process --config %s event.json             # what each target would receive
  vigil process --config %s --deliver event.json   # and send it
or run it under the Lambda Runtime Interface Emulator (aws-lambda-rie), which
sets AWS_LAMBDA_RUNTIME_API.
`

func runLambda(ctx context.Context, io stdio, aws *awsx.Provider, o lambdaOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(io.err, "vigil lambda: takes no arguments")
		return exitUsage
	}
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") == "" {
		fmt.Fprintf(io.err, lambdaOutside, o.config, o.config)
		return exitUsage
	}
	log := o.log.logger(io.err)
	cfg, err := loadConfig(o.config)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	p, err := pipeline.New(ctx, cfg, pipeline.Deps{Logger: log, AWS: aws, Workers: -1, Stateless: !o.store})
	if err != nil {
		fmt.Fprintf(io.err, "vigil lambda: %v\n", err)
		return exitFailure
	}
	defer p.Stop(context.WithoutCancel(ctx))
	lambda.StartWithOptions(p.LambdaHandler(), lambda.WithContext(ctx))
	return exitOK
}
