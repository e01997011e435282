package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/demo"
)

type demoOptions struct {
	lang, dir, attack string
	timeout           time.Duration
}

func newDemoCmd(a *app) *cobra.Command {
	var o demoOptions
	cmd := leaf("demo", "run vigil's whole job on a simulated AWS account, with no account or keys", demoHelp,
		func(ctx context.Context, args []string) int { return runDemo(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	choiceFlag(cmd, &o.lang, "lang", "en", "language of explanations, notifications and the report", "en", "ja")
	fs.StringVar(&o.dir, "dir", "", "keep the database, configuration and report here (default: a temporary directory, removed)")
	fs.DurationVar(&o.timeout, "timeout", time.Minute, "how long to wait for every delivery")
	choiceFlag(cmd, &o.attack, "attack", "", "play this attack scenario and follow it through detection, explanation, approval, remediation and investigation", demo.Attacks()...)
	return cmd
}

const demoHelp = `
Runs vigil's main job end to end on its embedded defaults, with nothing
leaving this machine: a simulated AWS account (the sandbox's demo scenario
with Security Hub findings), vigil's pipeline with an example configuration,
and a local receiver standing in for a ticketing system.

It posts GuardDuty, Security Hub and CloudTrail events, which are committed,
routed by EventBridge patterns, explained (summarize targets, kept in the
database), sent to Amazon SNS (the sandbox's) and to a signed webhook, and it
fires the Security Hub violation report. Then it prints what happened.

  vigil demo --lang ja
  vigil demo --dir ./demo   # keep the database, configuration and report CSV

With --attack NAME it runs a game day instead: the sandbox's attack scenario
NAME (see vigil sandbox --help) is played against the simulated account
while vigil listens, with remediation (in approve mode) and investigation
on. The demo shows the attacker's calls and the detections, the events
vigil routed, the explanation of the finding, the remediation plans waiting
for approval; it approves them as "analyst" over the approvals API (as
vigil approve ID --by analyst would), waits until vigil has applied and
verified them, checks the change with a describe call of its own, and
prints the attacker's CloudTrail timeline with its sensitive calls labelled
(a fresh sandbox has no history, so baseline labels such as new-ip cannot
appear).

  ssh-open            isolate the brute-forced instance, close SSH and RDP to the world
  stolen-key          deactivate the leaked key and the backdoor user's new key
  crypto-mining       isolate the mining instance
  public-bucket       turn the data bucket's public access block back on
  cloudtrail-stopped  deactivate the key that stopped the trail

  vigil demo --attack stolen-key --lang ja
`

func runDemo(ctx context.Context, std stdio, o demoOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintln(std.err, "vigil demo: takes no arguments")
		return exitUsage
	}
	if _, err := demo.Run(ctx, std.out, demo.Options{Lang: o.lang, Dir: o.dir, Timeout: o.timeout, Attack: o.attack}); err != nil {
		fmt.Fprintln(std.err, "vigil demo:", err)
		return exitFailure
	}
	return exitOK
}
