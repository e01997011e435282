package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
)

func newConfigCmd(a *app) *cobra.Command {
	var forCmd string
	check := leaf("check FILE", "validate a configuration file; errors are file:line: field: problem", configCheckHelp,
		func(ctx context.Context, args []string) int { return runConfigCheck(ctx, a.stdio, forCmd, args) })
	choiceFlag(check, &forCmd, "for", "serve", "the command the file is for: serve also needs server credentials and a listen address", "serve", "lambda", "process")
	return group("config", "check a configuration file (vigil config check FILE)", check)
}

const configCheckHelp = `
Validate a vigil configuration file: YAML syntax, unknown fields (every one,
with the nearest known name), rule names, event patterns (with AWS's error
text), input transformers, target types and their fields, notifiers,
reports, schedules, retry and grouping settings, and that secrets are
references (env:NAME) rather than values. Every problem is reported as
FILE:LINE:COLUMN: field: problem; the exit status is 2 when there is any.

vigil serve also refuses a file without server credentials (server.api_keys,
server.basic_auth, server.access_keys or server.no_auth: true) or with a bad
server.listen: those problems are marked "(vigil serve only)" and not
reported with --for lambda or --for process, which do not listen.

Secrets are not resolved: the check passes without them in the environment.

Example:
  vigil config check vigil.yaml
  vigil config check --for lambda lambda.yaml
`

func runConfigCheck(ctx context.Context, io stdio, forCmd string, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil config check: give one FILE")
		return exitUsage
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	var errs config.Errors
	if err := pipeline.CheckBytes(args[0], data); err != nil {
		if !errors.As(err, &errs) {
			fmt.Fprintln(io.err, err)
			return exitUsage
		}
	}
	cfg, _ := config.ParseLenient(args[0], data)
	if forCmd == "serve" && cfg != nil {
		errs = append(errs, cfg.ServeErrors()...)
	}
	if len(errs) > 0 {
		serveOnly := 0
		for _, e := range errs {
			fmt.Fprintln(io.err, e)
			if e.Only != "" {
				serveOnly++
			}
		}
		summary := plural(len(errs), "problem")
		if serveOnly > 0 {
			summary += fmt.Sprintf(" (%d only for vigil serve; --for lambda or --for process leaves them out)", serveOnly)
		}
		fmt.Fprintf(io.err, "%s: %s\n", args[0], summary)
		return exitUsage
	}
	n := 0
	for _, r := range cfg.Rules {
		n += len(r.Targets)
	}
	fmt.Fprintf(io.out, "%s: ok for vigil %s (%s, %s, database %s)\n", args[0], forCmd, plural(len(cfg.Rules), "rule"), plural(n, "target"), databaseKind(cfg.Database))
	return exitOK
}

// loadConfig loads and fully checks a configuration, target types included.
func loadConfig(path string) (*config.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := pipeline.CheckBytes(path, data); err != nil {
		return nil, err
	}
	return config.Parse(path, data)
}

func databaseKind(dsn string) string {
	if len(dsn) >= 7 && dsn[:7] == "sqlite:" {
		return "sqlite"
	}
	return "postgres"
}
