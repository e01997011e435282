// Command vigil receives AWS security and operations events, routes them with
// EventBridge-compatible rules, explains them, notifies people and remediates.
//
// This package only parses flags and wires packages together; every command
// lives in its own file (explain.go holds `vigil explain`) as a constructor
// returning a cobra command, and newRoot lists them.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/awsx"
)

// Exit codes shared by every command.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed
	exitUsage   = 2 // bad flags, bad arguments or invalid input
)

// stdio is what a command may touch of the outside world. Tests pass
// buffers; main passes the process's files.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// app is what every command shares: the standard streams and the global
// flags.
type app struct {
	stdio
	// endpoint is --endpoint-url: every AWS API call goes there ("" for AWS).
	endpoint string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes one vigil command line and returns its exit status; tests
// drive the whole CLI in-process through it.
func run(ctx context.Context, std stdio, args []string) int {
	a := &app{stdio: std}
	root := a.newRoot()
	args, err := prepareArgs(root, args)
	if err != nil {
		return a.exitCode(root, err)
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	return a.exitCode(cmd, err)
}

const rootHelp = `
vigil receives AWS security and operations events, routes them with
EventBridge-compatible rules, explains them, notifies people and remediates.

Flags go before or after a command's arguments (vigil explain finding.json
--lang ja); --flag=value, --flag value and Go-style -flag value all work.
Exit status: 0 ok, 1 the command ran and failed, 2 bad usage or input.`

// newRoot returns the vigil command with every subcommand.
func (a *app) newRoot() *cobra.Command {
	v := currentVersion()
	root := &cobra.Command{
		Use:     "vigil",
		Short:   "receive, route, explain and notify AWS security and operations events",
		Long:    trimHelp(rootHelp),
		Version: v.String(),
		// Errors and usage are printed by exitCode, in one format.
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(a.in)
	root.SetOut(a.out)
	root.SetErr(a.err)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(flagError)
	root.PersistentFlags().StringVar(&a.endpoint, "endpoint-url", "", "send every AWS API call to this endpoint (like AWS_ENDPOINT_URL), e.g. the sandbox at http://127.0.0.1:4566")
	root.AddCommand(
		newAskCmd(a),
		newApprovalsCmd(a),
		newApproveCmd(a),
		newAuditCmd(a),
		newBenchCmd(a),
		newConfigCmd(a),
		newDeadLettersCmd(a),
		newDemoCmd(a),
		newEventsCmd(a),
		newExplainCmd(a),
		newExportCmd(a),
		newInitCmd(a),
		newKBCmd(a),
		newInvestigateCmd(a),
		newLambdaCmd(a),
		newProcessCmd(a),
		newRejectCmd(a),
		newRemediateCmd(a),
		newReplayCmd(a),
		newRulesCmd(a),
		newSandboxCmd(a),
		newScanCmd(a),
		newServeCmd(a),
		newSilenceCmd(a),
		newTestEventPatternCmd(a),
		newTransformCmd(a),
		newVersionCmd(a),
	)
	return root
}

// awsProvider returns the AWS configurations of this command line, with
// --endpoint-url applied.
func (a *app) awsProvider() *awsx.Provider {
	return awsx.NewProvider(awsx.ProviderOptions{Options: awsx.Options{Endpoint: a.endpoint}})
}
