package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/operator"
	"github.com/vigilhq/vigil/internal/pipeline"
)

func newRulesCmd(a *app) *cobra.Command {
	return group("rules", "the rules: list, test an event, import EventBridge rules (vigil rules list|test|import)",
		newRulesListCmd(a), newRulesTestCmd(a), newRulesImportCmd(a))
}

type rulesListOptions struct {
	where  apiFlags
	format string
}

func newRulesListCmd(a *app) *cobra.Command {
	var o rulesListOptions
	cmd := leaf("list", "list the rules in force with their patterns and targets",
		"List the rules of the configuration (--config), or of the running vigil serve (--server): name, state, targets and event pattern; schedules' report rules (schedule.NAME) included.",
		func(ctx context.Context, args []string) int { return runRulesList(ctx, a.stdio, o, args) })
	o.where.add(cmd.Flags())
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

func runRulesList(ctx context.Context, io stdio, o rulesListOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil rules list: unexpected argument %q\n", args[0])
		return exitUsage
	}
	api := o.where.remote()
	if api == nil {
		cfg, err := o.where.db.loadConfig()
		if err != nil {
			return apiFailed(io, "vigil rules list", err, nil)
		}
		api = &operator.Local{Config: func() *config.Config { return cfg }}
	}
	rules, err := api.Rules(ctx)
	if err != nil {
		return apiFailed(io, "vigil rules list", err, nil)
	}
	if o.format == "json" {
		return writeJSON(io, "vigil rules list", rules)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tTARGETS\tEVENT PATTERN")
	for _, r := range rules {
		var ts []string
		for _, t := range r.Targets {
			ts = append(ts, t.ID+" ("+t.Type+")")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.State, strings.Join(ts, ", "), r.EventPattern)
	}
	tw.Flush()
	return exitOK
}

type rulesTestOptions struct {
	where  apiFlags
	format string
}

const rulesTestHelp = `
Route an event through the rules without storing or delivering it: which
rules match, and exactly what each of their targets would receive (after
InputPath or the input transformer). With --server, the running vigil
serve's rules and its silences in force answer (a muted rule is shown with
the silence that mutes it); without, the rules of --config.

Example:
  vigil rules test examples/events/guardduty.impact_ec2_portsweep.json
  cat event.json | VIGIL_API_KEY=secret vigil rules test --server http://127.0.0.1:8080 -
`

func newRulesTestCmd(a *app) *cobra.Command {
	var o rulesTestOptions
	cmd := leaf("test FILE|-", "show which rules an event matches and what each target would get", rulesTestHelp,
		func(ctx context.Context, args []string) int { return runRulesTest(ctx, a, o, args) })
	o.where.add(cmd.Flags())
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

func runRulesTest(ctx context.Context, a *app, o rulesTestOptions, args []string) int {
	io := a.stdio
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil rules test: give one event FILE, or - for standard input")
		return exitUsage
	}
	var raw []byte
	var err error
	if args[0] == "-" {
		raw, err = readAll(io.in)
	} else {
		raw, err = os.ReadFile(args[0])
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil rules test: %v\n", err)
		return exitUsage
	}
	api, done, err := o.where.onPipeline(ctx, a, true)
	if err != nil {
		return apiFailed(io, "vigil rules test", err, nil)
	}
	defer done()
	dec, err := api.TestEvent(ctx, raw)
	if err != nil {
		return apiFailed(io, "vigil rules test", err, nil)
	}
	if o.format == "json" {
		return writeJSON(io, "vigil rules test", dec)
	}
	if len(dec.Matched) == 0 {
		fmt.Fprintf(io.out, "event %s: no rule matches\n", dec.EventID)
		return exitOK
	}
	fmt.Fprintf(io.out, "event %s:\n", dec.EventID)
	for _, m := range dec.Matched {
		if m.SilencedBy != "" {
			fmt.Fprintf(io.out, "  rule %s: silenced by %s (its targets get nothing)\n", m.Rule, m.SilencedBy)
			continue
		}
		fmt.Fprintf(io.out, "  rule %s\n", m.Rule)
		for _, t := range m.Targets {
			if !t.Deliver {
				fmt.Fprintf(io.out, "    target %s (%s): nothing delivered: %s\n", t.Target, t.Type, t.Reason)
				continue
			}
			fmt.Fprintf(io.out, "    target %s (%s) would receive: %s\n", t.Target, t.Type, t.Payload)
		}
	}
	return exitOK
}

func newRulesImportCmd(a *app) *cobra.Command {
	var o rulesImportOptions
	cmd := leaf("import FILE...", "convert EventBridge rules (AWS CLI output, CloudFormation) to vigil rules", rulesImportHelp,
		func(ctx context.Context, args []string) int { return runRulesImport(ctx, a.stdio, o, args) })
	o.output.add(cmd.Flags(), "the result")
	cmd.Flags().StringVar(&o.merge, "merge", "", "add the rules (and schedules) to this configuration `FILE`, in place, keeping its comments; checked before it is written")
	return cmd
}

type rulesImportOptions struct {
	output outputFlag
	merge  string
}

const rulesImportHelp = `
Convert EventBridge rules as AWS gives them into vigil rules. Each FILE is one
of:

  - aws events describe-rule --name NAME output, optionally followed by the
    aws events list-targets-by-rule --rule NAME output for that rule;
  - aws events list-rules output (patterns only, no targets);
  - a CloudFormation template, JSON or YAML, with AWS::Events::Rule resources.

SQS and SNS targets become forward targets, API destinations webhook targets
(set their url), with Input, InputPath, InputTransformer and RetryPolicy kept.
A scheduled rule (ScheduleExpression) becomes a schedule of the same name and
a rule matching its events. Targets vigil cannot deliver to (Lambda, Step
Functions, ...) are skipped; every skip or change (event buses, dead-letter
queues, target roles) is reported on standard error.

Without --merge the result is a configuration of its own (schedules: and
rules:), to start a new vigil.yaml with. With --merge FILE the rules and
schedules are added to the end of FILE's rules: and schedules: lists, the
rest of FILE kept as written; the result is checked as vigil config check
does and written only when it passes (to --output instead of FILE when
given). Do not append the output to a file with >>: its rules: key would be
there twice.

Example:
  aws events describe-rule --name guardduty-high > rule.json
  aws events list-targets-by-rule --rule guardduty-high > targets.json
  vigil rules import --merge vigil.yaml rule.json targets.json
  vigil rules import template.yaml --output imported.yaml
`

func runRulesImport(ctx context.Context, io stdio, o rulesImportOptions, args []string) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(io.err, "vigil rules import: "+format+"\n", a...)
		return code
	}
	if len(args) == 0 {
		return fail(exitUsage, "give at least one FILE")
	}
	var docs []config.ImportDoc
	for _, name := range args {
		var b []byte
		var err error
		if name == "-" {
			b, err = readAll(io.in)
		} else {
			b, err = os.ReadFile(name)
		}
		if err != nil {
			return fail(exitFailure, "%v", err)
		}
		docs = append(docs, config.ImportDoc{Name: name, Data: b})
	}
	im, err := config.Import(docs)
	for _, w := range im.Warnings {
		fmt.Fprintf(io.err, "vigil rules import: warning: %s\n", w)
	}
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	result := config.Format(im)
	if o.merge != "" {
		data, err := os.ReadFile(o.merge)
		if err != nil {
			return fail(exitFailure, "--merge: %v", err)
		}
		if result, err = config.Merge(o.merge, data, im); err != nil {
			return fail(exitFailure, "--merge: %v", err)
		}
		if err := pipeline.CheckBytes(o.merge, result); err != nil {
			fmt.Fprintf(io.err, "vigil rules import: %s would not pass vigil config check with the imported rules, so it was not changed:\n%v\n", o.merge, err)
			return exitFailure
		}
		if o.output.path == "" {
			if err := writeFileAtomic(o.merge, result); err != nil {
				return fail(exitFailure, "--merge: %v", err)
			}
			fmt.Fprintf(io.err, "vigil rules import: added %s and %s to %s\n", plural(len(im.Rules), "rule"), plural(len(im.Schedules), "schedule"), o.merge)
			return exitOK
		}
	}
	w, closeOut, err := o.output.open(io.out)
	if err == nil {
		_, err = w.Write(result)
		if cerr := closeOut(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	return exitOK
}

// writeFileAtomic replaces path with data: written to a temporary file
// beside it and renamed, keeping path's permissions, so a crash leaves
// either the old file or the new one.
func writeFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
