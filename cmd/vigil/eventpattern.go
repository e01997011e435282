package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/pattern"
)

// argBytes reads a flag value the way the AWS CLI does: inline text, or the
// contents of a file given as file://PATH.
func argBytes(v string) ([]byte, error) {
	if p, ok := strings.CutPrefix(v, "file://"); ok {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", v, err)
		}
		return b, nil
	}
	return []byte(v), nil
}

// eventFieldsAWSRequires are the fields TestEventPattern insists on.
var eventFieldsAWSRequires = []string{"id", "account", "source", "time", "region", "detail-type"}

// checkTestEvent applies TestEventPattern's validation of the event.
func checkTestEvent(ev []byte) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(ev, &obj); err != nil {
		return fmt.Errorf("Parameter Event is not valid. (%v)", err)
	}
	var missing []string
	for _, k := range eventFieldsAWSRequires {
		if _, ok := obj[k]; !ok {
			missing = append(missing, k)
		}
	}
	if missing != nil {
		return fmt.Errorf("Parameter Event is not valid. (missing %s)", strings.Join(missing, ", "))
	}
	return nil
}

type testEventPatternOptions struct {
	pattern, event, batch string
	maxSize               int
}

func newTestEventPatternCmd(a *app) *cobra.Command {
	var o testEventPatternOptions
	cmd := leaf("test-event-pattern", "test an event against an EventBridge event pattern, as aws events test-event-pattern", testEventPatternHelp,
		func(ctx context.Context, args []string) int { return runTestEventPattern(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	fs.StringVar(&o.pattern, "event-pattern", "", "the event pattern: JSON or file://PATH")
	fs.StringVar(&o.event, "event", "", "the event: JSON or file://PATH")
	fs.StringVar(&o.batch, "batch", "", "test many cases: a JSON Lines file, or - for stdin")
	fs.IntVar(&o.maxSize, "max-pattern-size", pattern.DefaultMaxPatternSize, "largest pattern accepted, in characters (AWS allows up to 4096 on request)")
	return cmd
}

const testEventPatternHelp = `
Tests whether an event matches an EventBridge event pattern, with the answer and
the error text AWS's TestEventPattern gives. Arguments take inline JSON or
file://PATH, as in the AWS CLI:

  vigil test-event-pattern --event-pattern '{"source":["aws.ec2"]}' --event file://event.json

prints {"Result": true} or {"Result": false} and exits 0. An invalid pattern
prints "InvalidEventPatternException: <AWS's message>" on stderr and exits 2.
Like AWS, the event must be a JSON object with id, account, source, time,
region and detail-type.

With --batch FILE (or - for stdin), each input line is a JSON object
{"pattern": {...}, "event": {...}} and each output line, in order, is
{"result": true}, {"result": false} or {"error": "<message>"}.`

func runTestEventPattern(ctx context.Context, std stdio, o testEventPatternOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(std.err, "vigil test-event-pattern: unexpected argument %q (give the event with --event)\n", args[0])
		return exitUsage
	}
	if o.batch != "" {
		if o.pattern != "" || o.event != "" {
			fmt.Fprintln(std.err, "vigil test-event-pattern: --batch cannot be combined with --event-pattern or --event")
			return exitUsage
		}
		return testPatternBatch(std, o.batch, o.maxSize)
	}
	if o.pattern == "" || o.event == "" {
		fmt.Fprintln(std.err, "vigil test-event-pattern: both --event-pattern and --event are required (or --batch)")
		return exitUsage
	}
	pat, err := argBytes(o.pattern)
	if err != nil {
		fmt.Fprintln(std.err, "vigil test-event-pattern:", err)
		return exitUsage
	}
	ev, err := argBytes(o.event)
	if err != nil {
		fmt.Fprintln(std.err, "vigil test-event-pattern:", err)
		return exitUsage
	}
	m := pattern.NewMatcher(pattern.WithMaxPatternSize(o.maxSize))
	if err := m.AddPattern("p", pat); err != nil {
		fmt.Fprintln(std.err, "InvalidEventPatternException:", err)
		return exitUsage
	}
	if err := checkTestEvent(ev); err != nil {
		fmt.Fprintln(std.err, "ValidationException:", err)
		return exitUsage
	}
	names, err := m.Match(ev)
	if err != nil {
		fmt.Fprintln(std.err, "ValidationException: Parameter Event is not valid.", err)
		return exitUsage
	}
	fmt.Fprintf(std.out, "{\"Result\": %t}\n", len(names) > 0)
	return exitOK
}

// testPatternBatch answers one JSON line per input line. Compiled patterns
// are cached by their text, since batches tend to reuse a few patterns.
func testPatternBatch(std stdio, src string, maxSize int) int {
	var in io.Reader = std.in
	if src != "-" {
		f, err := os.Open(src)
		if err != nil {
			fmt.Fprintln(std.err, "vigil test-event-pattern:", err)
			return exitUsage
		}
		defer f.Close()
		in = f
	}
	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(std.out, 1<<16)
	defer w.Flush()
	cache := map[string]*patternResult{}
	var names []string
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) == 0 {
			if err != nil {
				break
			}
			continue
		}
		var c struct {
			Pattern json.RawMessage `json:"pattern"`
			Event   json.RawMessage `json:"event"`
		}
		if jerr := json.Unmarshal(b, &c); jerr != nil || c.Pattern == nil || c.Event == nil {
			writeBatchError(w, fmt.Sprintf("line %d: expected {\"pattern\": {...}, \"event\": {...}}", line))
		} else {
			pr := cache[string(c.Pattern)]
			if pr == nil {
				if len(cache) > 4096 {
					clear(cache)
				}
				pr = &patternResult{m: pattern.NewMatcher(pattern.WithMaxPatternSize(maxSize))}
				pr.err = pr.m.AddPattern("p", c.Pattern)
				cache[string(c.Pattern)] = pr
			}
			switch {
			case pr.err != nil:
				writeBatchError(w, pr.err.Error())
			default:
				if verr := checkTestEvent(c.Event); verr != nil {
					writeBatchError(w, verr.Error())
					break
				}
				names, err = pr.m.AppendMatches(names[:0], c.Event)
				if err != nil {
					writeBatchError(w, "Parameter Event is not valid. "+err.Error())
					break
				}
				if len(names) > 0 {
					w.WriteString("{\"result\": true}\n")
				} else {
					w.WriteString("{\"result\": false}\n")
				}
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintln(std.err, "vigil test-event-pattern:", err)
				return exitFailure
			}
			break
		}
	}
	return exitOK
}

type patternResult struct {
	m   *pattern.Matcher
	err error
}

func writeBatchError(w *bufio.Writer, msg string) {
	b, _ := json.Marshal(map[string]string{"error": msg})
	w.Write(b)
	w.WriteByte('\n')
}

type transformOptions struct {
	event, inputPath, pathsMap, template, ruleName, ruleARN string
	output                                                  outputFlag
}

func newTransformCmd(a *app) *cobra.Command {
	var o transformOptions
	cmd := leaf("transform", "show what a target receives: InputPath / InputTransformer applied to an event", transformHelp,
		func(ctx context.Context, args []string) int { return runTransform(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	fs.StringVar(&o.event, "event", "", "the event: JSON or file://PATH")
	fs.StringVar(&o.inputPath, "input-path", "", "JSONPath of the part of the event to deliver, e.g. $.detail")
	fs.StringVar(&o.pathsMap, "input-paths-map", "", `placeholder names to JSONPaths: JSON object or file://PATH, e.g. {"id":"$.id"}`)
	fs.StringVar(&o.template, "input-template", "", "the input template: text or file://PATH")
	fs.StringVar(&o.ruleName, "rule-name", "vigil-test-rule", "value of <aws.events.rule-name>")
	fs.StringVar(&o.ruleARN, "rule-arn", "", "value of <aws.events.rule-arn> (default: a default-bus rule ARN for --rule-name)")
	o.output.add(fs, "the payload, byte for byte,")
	return cmd
}

const transformHelp = `
Prints exactly the payload an EventBridge target would receive for an event:
the whole event, the part selected by --input-path, or the result of an input
transformer (--input-paths-map and --input-template), with AWS's rules for
string and JSON templates. Arguments take inline text or file://PATH.

  vigil transform --event file://event.json \
    --input-paths-map '{"sev":"$.detail.severity"}' \
    --input-template '{"severity": <sev>}'

On standard output the payload is followed by a newline; with --output FILE
the file holds the payload exactly.

When AWS would deliver nothing (an object placed inside a quoted string of a
JSON template), the reason goes to stderr and the exit status is 1.`

func runTransform(ctx context.Context, std stdio, o transformOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(std.err, "vigil transform: unexpected argument %q (give the event with --event)\n", args[0])
		return exitUsage
	}
	if o.event == "" {
		fmt.Fprintln(std.err, "vigil transform: --event is required")
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintln(std.err, "vigil transform:", err)
		return exitUsage
	}
	ev, err := argBytes(o.event)
	if err != nil {
		return fail(err)
	}
	spec := pattern.InputSpec{TargetID: "vigil-transform", InputPath: o.inputPath}
	if o.pathsMap != "" {
		b, err := argBytes(o.pathsMap)
		if err != nil {
			return fail(err)
		}
		if err := json.Unmarshal(b, &spec.InputPathsMap); err != nil {
			return fail(fmt.Errorf("--input-paths-map must be a JSON object of strings: %v", err))
		}
	}
	if o.template != "" {
		b, err := argBytes(o.template)
		if err != nil {
			return fail(err)
		}
		spec.InputTemplate = string(b)
	}
	in, err := pattern.CompileInput(spec)
	if err != nil {
		fmt.Fprintln(std.err, "ValidationException:", err)
		return exitUsage
	}
	vars := pattern.Vars{RuleName: o.ruleName, RuleARN: o.ruleARN, IngestionTime: time.Now().UTC().Format(time.RFC3339)}
	if vars.RuleARN == "" {
		vars.RuleARN = defaultRuleARN(ev, o.ruleName)
	}
	out, deliver, reason, err := in.Render(ev, vars)
	if err != nil {
		return fail(err)
	}
	if !deliver {
		fmt.Fprintln(std.err, "not delivered:", reason)
		return exitFailure
	}
	// On a terminal the payload ends with a newline; in a file it is
	// exactly what the target receives.
	if o.output.path == "" || o.output.path == "-" {
		out = append(out, '\n')
	}
	w, closeOut, err := o.output.open(std.out)
	if err == nil {
		_, err = w.Write(out)
		if cerr := closeOut(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(std.err, "vigil transform:", err)
		return exitFailure
	}
	return exitOK
}

// defaultRuleARN builds arn:aws:events:REGION:ACCOUNT:rule/NAME from the event.
func defaultRuleARN(ev []byte, name string) string {
	var env struct {
		Account string `json:"account"`
		Region  string `json:"region"`
	}
	_ = json.Unmarshal(ev, &env)
	return fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", env.Region, env.Account, name)
}
