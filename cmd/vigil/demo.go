package main

import (
	"context"
	"fmt"
	"time"

	"github.com/vigilhq/vigil/internal/demo"
)

func init() {
	register(&command{
		name:    "demo",
		summary: "run vigil's whole job on a simulated AWS account, with no account or keys",
		run:     runDemo,
	})
}

func runDemo(ctx context.Context, std stdio, args []string) int {
	fs := newFlags(std, "demo", "", `
Runs vigil's main job end to end on its embedded defaults, with nothing
leaving this machine: a simulated AWS account (the sandbox's demo scenario
with Security Hub findings), vigil's pipeline with an example configuration,
and a local receiver standing in for a ticketing system.

It posts GuardDuty, Security Hub and CloudTrail events, which are committed,
routed by EventBridge patterns, explained (summarize targets, kept in the
database), sent to Amazon SNS (the sandbox's) and to a signed webhook, and it
fires the Security Hub violation report. Then it prints what happened.

  vigil demo --lang ja
  vigil demo --dir ./demo   # keep the database, configuration and report CSV`)
	lang := fs.String("lang", "en", "language of explanations, notifications and the report: en or ja")
	dir := fs.String("dir", "", "keep the database, configuration and report here (default: a temporary directory, removed)")
	timeout := fs.Duration("timeout", time.Minute, "how long to wait for every delivery")
	if code, ok := parseFlags(fs, std, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(std.err, "vigil demo: takes no arguments")
		return exitUsage
	}
	if *lang != "en" && *lang != "ja" {
		fmt.Fprintf(std.err, "vigil demo: --lang must be en or ja, got %q\n", *lang)
		return exitUsage
	}
	if _, err := demo.Run(ctx, std.out, demo.Options{Lang: *lang, Dir: *dir, Timeout: *timeout}); err != nil {
		fmt.Fprintln(std.err, "vigil demo:", err)
		return exitFailure
	}
	return exitOK
}
