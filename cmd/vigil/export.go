package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/deploy"
)

func newExportCmd(a *app) *cobra.Command {
	return group("export", "write the AWS side of a configuration: CloudFormation, Terraform, a Lambda zip (vigil export cloudformation|terraform|lambda-zip)",
		newExportTemplateCmd(a, "cloudformation", "a CloudFormation template (JSON)", deploy.CloudFormation),
		newExportTemplateCmd(a, "terraform", "a Terraform configuration (main.tf, hashicorp/aws 5.x)", deploy.Terraform),
		newExportLambdaZipCmd(a))
}

type exportOptions struct {
	config string
	opts   deploy.Options
	output outputFlag
}

const exportHelp = `
Write %s with the EventBridge side of a vigil configuration:

  - one EventBridge rule per vigil rule, with the same event pattern and
    state, named --name-prefix + the rule's name (rules matching only vigil's
    own schedule events are left out: they never come from EventBridge);
  - the way those events reach vigil (--via):
      sqs              an SQS queue and its policy (only these rules may send);
                       set sqs.queue_url to the QueueUrl output and run
                       vigil serve
      api-destination  an API destination posting each event to vigil serve's
                       /events with an API key (a connection and the role
                       EventBridge uses); parameters: vigil's HTTPS URL and
                       one of its server.api_keys
      lambda           a function running vigil lambda from the zip that
                       vigil export lambda-zip writes, and its role
  - the IAM managed policy vigil needs for what the configuration does:
    consume the queue, forward to SQS/SNS, publish to SNS notifiers, read
    Security Hub for reports, read its Secrets Manager secrets, invoke Bedrock,
    assume remediation.role; attach it to the role vigil runs as (--via lambda
    attaches it to the function's role). Playbooks' own permissions are not
    in it (docs/remediate.md);
  - with --bus NAME the rules go on that event bus; --create-bus creates it.

What is left out, and why, is printed on standard error.

Examples:
  vigil export %s --config vigil.yaml --output %s
  vigil export %s --config vigil.yaml --via api-destination --bus security
`

func newExportTemplateCmd(a *app, name, what string, write func(*deploy.Plan) ([]byte, error)) *cobra.Command {
	var o exportOptions
	file := "vigil.template.json"
	if name == "terraform" {
		file = "main.tf"
	}
	cmd := leaf(name, "write "+what+" with the EventBridge rules, queue or API destination and IAM of a configuration",
		fmt.Sprintf(exportHelp, what, name, file, name),
		func(ctx context.Context, args []string) int {
			return runExportTemplate(a.stdio, "vigil export "+name, o, write, args)
		})
	fs := cmd.Flags()
	fs.StringVar(&o.config, "config", "vigil.yaml", "configuration file")
	choiceFlag(cmd, &o.opts.Via, "via", deploy.ViaSQS, "how events reach vigil", deploy.Vias...)
	fs.StringVar(&o.opts.Bus, "bus", "default", "the event bus the rules go on")
	fs.BoolVar(&o.opts.CreateBus, "create-bus", false, "create the --bus event bus too")
	fs.StringVar(&o.opts.NamePrefix, "name-prefix", "vigil-", "start of every rule's (and the function's) name")
	choiceFlag(cmd, &o.opts.Arch, "arch", "x86_64", "the Lambda function's architecture (--via lambda), as the binary in the zip", "x86_64", "arm64")
	o.output.add(fs, "the "+name+" output")
	return cmd
}

func runExportTemplate(io stdio, cmdName string, o exportOptions, write func(*deploy.Plan) ([]byte, error), args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(io.err, "%s: unexpected argument %q (the configuration is --config FILE)\n", cmdName, args[0])
		return exitUsage
	}
	raw, err := os.ReadFile(o.config)
	if err != nil {
		fmt.Fprintf(io.err, "%s: --config: %v\n", cmdName, err)
		return exitUsage
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	plan, err := deploy.Build(cfg, raw, o.opts)
	if err != nil {
		fmt.Fprintf(io.err, "%s: %v\n", cmdName, err)
		return exitUsage
	}
	out, err := write(plan)
	if err != nil {
		fmt.Fprintf(io.err, "%s: %v\n", cmdName, err)
		return exitFailure
	}
	w, done, err := o.output.open(io.out)
	if err != nil {
		fmt.Fprintf(io.err, "%s: %v\n", cmdName, err)
		return exitUsage
	}
	_, err = w.Write(out)
	if cerr := done(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(io.err, "%s: %v\n", cmdName, err)
		return exitFailure
	}
	for _, n := range plan.Notes {
		fmt.Fprintf(io.err, "note: %s\n", n)
	}
	return exitOK
}

type lambdaZipOptions struct {
	config, binary, output string
}

const lambdaZipHelp = `
Write a Lambda deployment package (provided.al2023 runtime): bootstrap, the
vigil binary and the configuration (checked as for vigil lambda) as
vigil.yaml. The function's handler runs vigil lambda --config vigil.yaml.

The binary is this vigil when it runs on Linux; otherwise, or for another
architecture, build one and pass it with --binary:
  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -o vigil-arm64 ./cmd/vigil
  vigil export lambda-zip --config vigil.yaml --binary vigil-arm64

Then deploy it with vigil export cloudformation --via lambda (upload the zip
to S3 first) or vigil export terraform --via lambda (reads the zip itself).

Example:
  vigil export lambda-zip --config vigil.yaml --output vigil-lambda.zip
`

func newExportLambdaZipCmd(a *app) *cobra.Command {
	var o lambdaZipOptions
	cmd := leaf("lambda-zip", "write a Lambda deployment package (bootstrap, vigil, vigil.yaml)", lambdaZipHelp,
		func(ctx context.Context, args []string) int { return runExportLambdaZip(a.stdio, o, args) })
	fs := cmd.Flags()
	fs.StringVar(&o.config, "config", "vigil.yaml", "configuration file to pack")
	fs.StringVar(&o.binary, "binary", "", "the vigil binary to pack, built for linux (default: this vigil, on Linux)")
	fs.StringVar(&o.output, "output", "vigil-lambda.zip", "the zip file to write")
	return cmd
}

func runExportLambdaZip(io stdio, o lambdaZipOptions, args []string) int {
	const name = "vigil export lambda-zip"
	if len(args) != 0 {
		fmt.Fprintf(io.err, "%s: unexpected argument %q (the configuration is --config FILE)\n", name, args[0])
		return exitUsage
	}
	if o.output == "" || o.output == "-" {
		fmt.Fprintf(io.err, "%s: --output: give the zip file to write\n", name)
		return exitUsage
	}
	raw, err := os.ReadFile(o.config)
	if err != nil {
		fmt.Fprintf(io.err, "%s: --config: %v\n", name, err)
		return exitUsage
	}
	if _, err := loadConfig(o.config); err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	bin := o.binary
	if bin == "" {
		if runtime.GOOS != "linux" {
			fmt.Fprintf(io.err, "%s: this vigil is built for %s: pass a linux build with --binary (GOOS=linux go build -o vigil-linux ./cmd/vigil)\n", name, runtime.GOOS)
			return exitUsage
		}
		if bin, err = os.Executable(); err != nil {
			fmt.Fprintf(io.err, "%s: finding this vigil's binary: %v; pass --binary\n", name, err)
			return exitFailure
		}
	}
	f, err := os.Open(bin)
	if err != nil {
		fmt.Fprintf(io.err, "%s: --binary: %v\n", name, err)
		return exitUsage
	}
	defer f.Close()
	if err := checkELF(f); err != nil {
		fmt.Fprintf(io.err, "%s: --binary %s: %v\n", name, bin, err)
		return exitUsage
	}
	var zip bytes.Buffer
	if err := deploy.LambdaZip(&zip, f, raw); err != nil {
		fmt.Fprintf(io.err, "%s: %v\n", name, err)
		return exitFailure
	}
	if err := os.WriteFile(o.output, zip.Bytes(), 0o644); err != nil {
		fmt.Fprintf(io.err, "%s: --output: %v\n", name, err)
		return exitFailure
	}
	fmt.Fprintf(io.out, "%s: %d bytes (bootstrap, vigil, vigil.yaml from %s)\n", o.output, zip.Len(), o.config)
	unzipped := int64(len(deploy.Bootstrap) + len(raw))
	if fi, err := f.Stat(); err == nil {
		unzipped += fi.Size()
	}
	for _, n := range deploy.LambdaZipNotes(int64(zip.Len()), unzipped) {
		fmt.Fprintf(io.err, "note: %s\n", n)
	}
	return exitOK
}

// checkELF refuses a file that is not a Linux executable (a macOS build
// would fail only when Lambda starts it), and leaves f at its start.
func checkELF(f *os.File) error {
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil || !bytes.Equal(magic, []byte("\x7fELF")) {
		return fmt.Errorf("not a Linux executable (build it with GOOS=linux)")
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}
