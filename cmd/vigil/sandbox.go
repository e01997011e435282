package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/sandbox"
)

type sandboxOptions struct {
	addr, scenario                    string
	findings                          int
	seed                              uint64
	trailDir, eventsURL, eventsAPIKey string
}

func newSandboxCmd(a *app) *cobra.Command {
	var o sandboxOptions
	cmd := leaf("sandbox", "run a simulated AWS account on 127.0.0.1 (demos, game days, tests)", sandboxHelp,
		func(ctx context.Context, args []string) int { return runSandbox(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	fs.StringVar(&o.addr, "addr", "127.0.0.1:4566", "address to listen on (loopback only)")
	fs.StringVar(&o.scenario, "scenario", "demo", "scenario `file` (YAML or JSON) to seed the account from, demo, or an attack scenario: "+attackNames())
	fs.IntVar(&o.findings, "findings", 0, "add `N` generated Security Hub findings (realistic mix of controls, severities, workflow and record states)")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed for generated ids, findings and fault rates")
	fs.StringVar(&o.trailDir, "trail-dir", "", "write a CloudTrail record of every call to `DIR`, in CloudTrail's S3 layout (AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz)")
	fs.StringVar(&o.eventsURL, "events-url", "", "POST what AWS would send to EventBridge (API calls via CloudTrail, GuardDuty and Security Hub findings, alarm state changes) to `URL`, e.g. vigil's http://127.0.0.1:8080/events")
	fs.StringVar(&o.eventsAPIKey, "events-api-key", "", "API key for --events-url, sent as x-api-key (default: $VIGIL_API_KEY)")
	return cmd
}

// attackNames lists the attack scenarios for --scenario's help.
func attackNames() string {
	var names []string
	for _, a := range sandbox.Attacks() {
		names = append(names, a.Name)
	}
	return strings.Join(names, ", ")
}

const sandboxHelp = `
Runs a simulated, in-memory AWS account that real AWS clients talk to
unchanged: EC2, IAM, STS, S3 and S3 Control, SNS, SQS, Secrets Manager,
CloudWatch, CloudTrail, GuardDuty, Systems Manager Automation and Security
Hub, over the same wire protocols as AWS. Only the endpoint URL differs.
It runs until interrupted; state is lost when it stops.

A game day: --scenario stolen-key (or crypto-mining, public-bucket,
cloudtrail-stopped, ssh-open) plays that attack against the account as
soon as it listens; with --events-url the CloudTrail events, GuardDuty and
Security Hub findings and alarm changes go to vigil, with --trail-dir the
CloudTrail log files go to a directory vigil investigate can load.

The demo scenario holds the accounts, instances, security groups, volumes,
buckets, users and access keys named in vigil's sample events.

Point vigil at it with the global flag or the SDK's standard variable:
  vigil --endpoint-url http://127.0.0.1:4566 ...
  export AWS_ENDPOINT_URL=http://127.0.0.1:4566
and the AWS CLI with:
  aws --endpoint-url http://127.0.0.1:4566 ec2 describe-instances

Inspect and steer it over HTTP: GET /_sandbox/state, GET /_sandbox/calls,
POST /_sandbox/reset, POST /_sandbox/faults (see docs/sandbox.md).
`

func runSandbox(ctx context.Context, io stdio, o sandboxOptions, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(io.err, "vigil sandbox: unexpected argument %q\n", args[0])
		return exitUsage
	}
	if o.findings < 0 || o.findings > 1_000_000 {
		fmt.Fprintf(io.err, "vigil sandbox: --findings: %d is outside 0..1000000\n", o.findings)
		return exitUsage
	}
	host, _, err := net.SplitHostPort(o.addr)
	if err != nil {
		fmt.Fprintf(io.err, "vigil sandbox: --addr: %v\n", err)
		return exitUsage
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(io.err, "vigil sandbox: --addr: %q is not a loopback address; the sandbox accepts any credentials, so it only listens on 127.0.0.1, ::1 or localhost\n", host)
		return exitUsage
	}
	sc, err := sandbox.LoadScenario(o.scenario)
	if err != nil {
		fmt.Fprintf(io.err, "vigil sandbox: %v\n", err)
		return exitUsage
	}
	key := o.eventsAPIKey
	if key == "" {
		key = os.Getenv("VIGIL_API_KEY")
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{Addr: o.addr, Scenario: sc, Findings: o.findings, Seed: o.seed,
		TrailDir: o.trailDir, EventsURL: o.eventsURL, EventsAPIKey: key})
	if err != nil {
		fmt.Fprintf(io.err, "vigil sandbox: %v\n", err)
		return exitFailure
	}
	st := sb.State()
	fmt.Fprintf(io.out, "vigil sandbox: listening on %s (scenario %q: %s, %s)\n",
		sb.URL(), st.Name, plural(len(st.Accounts), "account"), plural(sb.FindingCount(), "Security Hub finding"))
	// AWS CLI v1 reads the region from AWS_DEFAULT_REGION only.
	fmt.Fprintf(io.out, "  export AWS_ENDPOINT_URL=%s AWS_REGION=%s AWS_DEFAULT_REGION=%s AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox\n",
		sb.URL(), st.DefaultRegion, st.DefaultRegion)
	fmt.Fprintf(io.out, "  state: %s/_sandbox/state   calls: %s/_sandbox/calls   Ctrl-C stops it\n", sb.URL(), sb.URL())
	if rep := sb.AttackReport(); rep != nil {
		fmt.Fprintf(io.out, "attack %s played against %s in %s from %s:\n", rep.Attack, rep.Account, rep.Region, rep.SourceIP)
		for _, s := range rep.Steps {
			fmt.Fprintf(io.out, "  %-19s %s\n", s.Tactic, s.What)
		}
	}
	if o.trailDir != "" {
		fmt.Fprintf(io.out, "  CloudTrail log files: %s\n", o.trailDir)
	}
	<-ctx.Done()
	if err := sb.Close(); err != nil {
		fmt.Fprintf(io.err, "vigil sandbox: stop: %v\n", err)
		return exitFailure
	}
	return exitOK
}
