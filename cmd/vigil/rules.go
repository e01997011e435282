package main

import (
	"context"
	"fmt"
	"os"

	"github.com/vigilhq/vigil/internal/config"
)

func init() {
	register(&command{
		name:    "rules",
		summary: "import EventBridge rules (vigil rules import FILE...)",
		run: func(ctx context.Context, io stdio, args []string) int {
			return subcommand(ctx, io, "rules", args, map[string]*command{
				"import": {name: "import", summary: "convert EventBridge rules (AWS CLI output, CloudFormation) to vigil rules", run: runRulesImport},
			})
		},
	})
}

const rulesImportHelp = `
Convert EventBridge rules as AWS gives them into the rules: section of a vigil
configuration file, printed on standard output. Each FILE is one of:

  - aws events describe-rule --name NAME output, optionally followed by the
    aws events list-targets-by-rule --rule NAME output for that rule;
  - aws events list-rules output (patterns only, no targets);
  - a CloudFormation template, JSON or YAML, with AWS::Events::Rule resources.

SQS and SNS targets become forward targets, API destinations webhook targets
(set their url), with Input, InputPath, InputTransformer and RetryPolicy kept.
Targets vigil cannot deliver to (Lambda, Step Functions, ...) are skipped;
every skip or change is reported on standard error.

Example:
  aws events describe-rule --name guardduty-high > rule.json
  aws events list-targets-by-rule --rule guardduty-high > targets.json
  vigil rules import rule.json targets.json >> vigil.yaml
`

func runRulesImport(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "rules import", "FILE...", rulesImportHelp)
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(io.err, "vigil rules import: give at least one FILE")
		return exitUsage
	}
	var docs []config.ImportDoc
	for _, name := range fs.Args() {
		var b []byte
		var err error
		if name == "-" {
			b, err = readAll(io.in)
		} else {
			b, err = os.ReadFile(name)
		}
		if err != nil {
			fmt.Fprintf(io.err, "vigil rules import: %v\n", err)
			return exitFailure
		}
		docs = append(docs, config.ImportDoc{Name: name, Data: b})
	}
	rules, warnings, err := config.Import(docs)
	for _, w := range warnings {
		fmt.Fprintf(io.err, "vigil rules import: warning: %s\n", w)
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil rules import: %v\n", err)
		return exitUsage
	}
	io.out.Write(config.FormatRules(rules))
	return exitOK
}
