package main

import (
	"context"
	"fmt"
	"os"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
)

func init() {
	register(&command{
		name:    "explain",
		summary: "explain an event: the facts, what it means and what to do (en/ja)",
		run:     runExplain,
	})
}

const explainHelp = `
Explain one EventBridge event (Security Hub, GuardDuty, AWS Config, CloudWatch
alarm, AWS Health, IAM Access Analyzer, CloudTrail API call, EC2 state change,
or any other source): an overview of the facts, what the problem is and why it
matters, the recommended response, concrete steps and the official
documentation. Read the event from FILE, or from standard input with -.

The builtin engine works offline and never invents a resource, a number or a
link: what its catalogs do not cover it reports as facts plus general guidance.

The default language comes from the environment variable VIGIL_LANG (en or ja),
else en.

Example:
  vigil explain --lang ja finding.json
  aws events test-event-pattern ... | vigil explain --format slack -
`

func runExplain(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "explain", "FILE|-", explainHelp)
	defLang := os.Getenv("VIGIL_LANG")
	if defLang == "" {
		defLang = "en"
	}
	langFlag := fs.String("lang", defLang, "output language: en or ja")
	engineFlag := fs.String("engine", "builtin", "explanation engine: builtin (bedrock and openai are not built yet)")
	formatFlag := fs.String("format", "markdown", "output format: markdown, text, slack or json")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(io.err, "vigil explain: give one FILE, or - to read standard input")
		return exitUsage
	}
	lang, err := explain.ParseLang(*langFlag)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --lang: %v\n", err)
		return exitUsage
	}
	format, err := explain.ParseFormat(*formatFlag)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --format: %v\n", err)
		return exitUsage
	}
	engine, err := explain.New(*engineFlag)
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: --engine: %v\n", err)
		return exitUsage
	}

	name := fs.Arg(0)
	var ev *event.Event
	if name == "-" {
		ev, err = event.Read(io.in)
		name = "standard input"
	} else {
		f, openErr := os.Open(name)
		if openErr != nil {
			fmt.Fprintf(io.err, "vigil explain: %v\n", openErr)
			return exitFailure
		}
		ev, err = event.Read(f)
		f.Close()
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: %s: %v\n", name, err)
		return exitUsage
	}

	x, err := engine.Explain(ctx, ev, explain.Options{Lang: lang})
	if err != nil {
		fmt.Fprintf(io.err, "vigil explain: %s: %v\n", name, err)
		return exitUsage
	}
	if err := explain.Render(io.out, x, format); err != nil {
		fmt.Fprintf(io.err, "vigil explain: writing output: %v\n", err)
		return exitFailure
	}
	return exitOK
}
