package main

import (
	"context"
	"fmt"
	"net"

	"github.com/vigilhq/vigil/internal/sandbox"
)

func init() {
	register(&command{
		name:    "sandbox",
		summary: "run a simulated AWS account on 127.0.0.1 (demos, game days, tests)",
		run:     runSandbox,
	})
}

const sandboxHelp = `
Runs a simulated, in-memory AWS account that real AWS clients talk to
unchanged: EC2, IAM, STS, S3, SNS, SQS, Secrets Manager, CloudWatch
(PutMetricData) and Security Hub, over the same wire protocols as AWS.
Only the endpoint URL differs. It runs until interrupted; state is lost
when it stops.

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

func runSandbox(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "sandbox", "", sandboxHelp)
	addr := fs.String("addr", "127.0.0.1:4566", "address to listen on (loopback only)")
	scenario := fs.String("scenario", "demo", "scenario `file` (YAML or JSON) to seed the account from, or demo")
	findings := fs.Int("findings", 0, "add `N` generated Security Hub findings (realistic mix of controls, severities, workflow and record states)")
	seed := fs.Uint64("seed", 1, "random seed for generated ids, findings and fault rates")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(io.err, "vigil sandbox: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *findings < 0 || *findings > 1_000_000 {
		fmt.Fprintf(io.err, "vigil sandbox: --findings: %d is outside 0..1000000\n", *findings)
		return exitUsage
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		fmt.Fprintf(io.err, "vigil sandbox: --addr: %v\n", err)
		return exitUsage
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(io.err, "vigil sandbox: --addr: %q is not a loopback address; the sandbox accepts any credentials, so it only listens on 127.0.0.1, ::1 or localhost\n", host)
		return exitUsage
	}
	sc, err := sandbox.LoadScenario(*scenario)
	if err != nil {
		fmt.Fprintf(io.err, "vigil sandbox: %v\n", err)
		return exitUsage
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{Addr: *addr, Scenario: sc, Findings: *findings, Seed: *seed})
	if err != nil {
		fmt.Fprintf(io.err, "vigil sandbox: %v\n", err)
		return exitFailure
	}
	st := sb.State()
	fmt.Fprintf(io.out, "vigil sandbox: listening on %s (scenario %q: %d accounts, %d Security Hub findings)\n",
		sb.URL(), st.Name, len(st.Accounts), sb.FindingCount())
	fmt.Fprintf(io.out, "  export AWS_ENDPOINT_URL=%s AWS_REGION=%s AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox\n", sb.URL(), st.DefaultRegion)
	fmt.Fprintf(io.out, "  state: %s/_sandbox/state   calls: %s/_sandbox/calls   Ctrl-C stops it\n", sb.URL(), sb.URL())
	<-ctx.Done()
	if err := sb.Close(); err != nil {
		fmt.Fprintf(io.err, "vigil sandbox: stop: %v\n", err)
		return exitFailure
	}
	return exitOK
}
