package main

import (
	"context"
	"fmt"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/route"
)

func init() {
	register(&command{
		name:    "config",
		summary: "check a configuration file (vigil config check FILE)",
		run: func(ctx context.Context, io stdio, args []string) int {
			return subcommand(ctx, io, "config", args, map[string]*command{
				"check": {name: "check", summary: "validate a configuration file; errors are file:line: field: problem", run: runConfigCheck},
			})
		},
	})
}

const configCheckHelp = `
Validate a vigil configuration file: YAML syntax, unknown fields, rule names,
event patterns (with AWS's error text), input transformers, target types and
their fields, retry and grouping settings, and that secrets are references
(env:NAME) rather than values. Every problem is reported as
FILE:LINE:COLUMN: field: problem; the exit status is 2 when there is any.

Secrets are not resolved: the check passes without them in the environment.

Example:
  vigil config check vigil.yaml
`

func runConfigCheck(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "config check", "FILE", configCheckHelp)
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(io.err, "vigil config check: give one FILE")
		return exitUsage
	}
	cfg, err := loadConfig(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	n := 0
	for _, r := range cfg.Rules {
		n += len(r.Targets)
	}
	fmt.Fprintf(io.out, "%s: ok (%d rules, %d targets, database %s)\n", fs.Arg(0), len(cfg.Rules), n, databaseKind(cfg.Database))
	return exitOK
}

// loadConfig loads and fully checks a configuration, target types included.
func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if _, err := route.Compile(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

func databaseKind(dsn string) string {
	if len(dsn) >= 7 && dsn[:7] == "sqlite:" {
		return "sqlite"
	}
	return "postgres"
}
