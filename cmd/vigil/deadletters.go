package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/operator"
)

func newDeadLettersCmd(a *app) *cobra.Command {
	return group("deadletters", "deliveries that exhausted their retries (vigil deadletters list|show|redrive)",
		newDeadLettersListCmd(a), newDeadLettersShowCmd(a), newDeadLettersRedriveCmd(a))
}

// deadLetterFilter is what list and redrive select dead letters by.
type deadLetterFilter struct {
	where        apiFlags
	rule, target string
	all          bool
	format       string // list only
}

func newDeadLettersListCmd(a *app) *cobra.Command {
	var o deadLetterFilter
	cmd := leaf("list", "list dead letters", "List deliveries that exhausted their retry policy or failed for good, oldest first.",
		func(ctx context.Context, args []string) int { return runDeadLettersList(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	o.where.add(fs)
	fs.StringVar(&o.rule, "rule", "", "only this rule")
	fs.StringVar(&o.target, "target", "", "only this target id")
	fs.BoolVar(&o.all, "all", false, "include dead letters already redriven")
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

func runDeadLettersList(ctx context.Context, io stdio, o deadLetterFilter, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil deadletters list: unexpected argument %q (to see one dead letter: vigil deadletters show JOB)\n", args[0])
		return exitUsage
	}
	api, done, err := o.where.onDatabase(ctx, false, false)
	if err != nil {
		return apiFailed(io, "vigil deadletters list", err, nil)
	}
	defer done()
	dls, err := api.DeadLetters(ctx, operator.DeadLetterFilter{Rule: o.rule, Target: o.target, All: o.all})
	if err != nil {
		return apiFailed(io, "vigil deadletters list", err, nil)
	}
	if o.format == "json" {
		if dls == nil {
			dls = []operator.DeadLetter{}
		}
		return writeJSON(io, "vigil deadletters list", dls)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tFAILED\tRULE\tTARGET\tEVENT\tATTEMPTS\tREDRIVEN\tLAST ERROR")
	for _, d := range dls {
		redriven := "-"
		if d.RedrivenAt != nil {
			redriven = fmt.Sprintf("job %d", d.RedriveJob)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.Job, d.FailedAt.Format(time.RFC3339), d.Rule, d.Target, d.EventID, d.Attempts, redriven, truncate(d.LastError, 120))
	}
	tw.Flush()
	return exitOK
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

type deadLettersShowOptions struct {
	where  apiFlags
	format string
}

func newDeadLettersShowCmd(a *app) *cobra.Command {
	var o deadLettersShowOptions
	cmd := leaf("show JOB", "show one dead letter with its payload and last error",
		"Show one dead letter: its rule, target, event, attempts, last error and the payload it tried to deliver (JSON by default; --format text for reading).",
		func(ctx context.Context, args []string) int { return runDeadLettersShow(ctx, a.stdio, o, args) })
	o.where.add(cmd.Flags())
	formatFlag(cmd, &o.format, "json", "json", "text")
	return cmd
}

func runDeadLettersShow(ctx context.Context, io stdio, o deadLettersShowOptions, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil deadletters show: give one JOB id (from vigil deadletters list)")
		return exitUsage
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		fmt.Fprintf(io.err, "vigil deadletters show: JOB must be a number, got %q\n", args[0])
		return exitUsage
	}
	api, done, err := o.where.onDatabase(ctx, false, false)
	if err != nil {
		return apiFailed(io, "vigil deadletters show", err, nil)
	}
	defer done()
	x, err := api.DeadLetter(ctx, id)
	if err != nil {
		return apiFailed(io, "vigil deadletters show", err, nil)
	}
	if o.format == "json" {
		return writeJSON(io, "vigil deadletters show", x)
	}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.RFC3339Nano)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 1, ' ', 0)
	fmt.Fprintf(tw, "job:\t%d\nrule:\t%s\ntarget:\t%s\nevent:\t%s\ndedup key:\t%s\nattempts:\t%d\naccepted:\t%s\nfailed:\t%s\n",
		x.Job, x.Rule, x.Target, x.EventID, x.DedupKey, x.Attempts, at(x.AcceptedAt), x.FailedAt.Format(time.RFC3339Nano))
	if x.RedrivenAt != nil {
		fmt.Fprintf(tw, "redriven:\t%s as job %d\n", at(x.RedrivenAt), x.RedriveJob)
	}
	fmt.Fprintf(tw, "last error:\t%s\n", x.LastError)
	tw.Flush()
	payload := []byte(x.Payload)
	var s string
	if json.Unmarshal(payload, &s) == nil {
		payload = []byte(s) // a payload that is not JSON, as it was sent
	} else {
		var indented bytes.Buffer
		if json.Indent(&indented, payload, "", "  ") == nil {
			payload = indented.Bytes()
		}
	}
	fmt.Fprintf(io.out, "payload:\n%s\n", payload)
	return exitOK
}

// writeJSON prints v as indented JSON.
func writeJSON(io stdio, who string, v any) int {
	enc := json.NewEncoder(io.out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(io.err, "%s: %v\n", who, err)
		return exitFailure
	}
	return exitOK
}

const redriveHelp = `
Retry dead letters: each becomes a new delivery job with a fresh retry budget
(its max_age counts from now), delivered by the running vigil serve to the
target as it is configured now (so fix the target, then redrive). Give JOB ids,
or --all (optionally with --rule and --target).

Example:
  vigil deadletters redrive --all --rule ssh-open-to-world
  VIGIL_API_KEY=secret vigil deadletters redrive --server http://127.0.0.1:8080 42 43
`

func newDeadLettersRedriveCmd(a *app) *cobra.Command {
	var o deadLetterFilter
	cmd := leaf("redrive [JOB...]", "retry dead letters with a fresh retry budget", redriveHelp,
		func(ctx context.Context, args []string) int { return runDeadLettersRedrive(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	o.where.add(fs)
	fs.BoolVar(&o.all, "all", false, "redrive every open dead letter (that matches --rule and --target)")
	fs.StringVar(&o.rule, "rule", "", "with --all: only this rule")
	fs.StringVar(&o.target, "target", "", "with --all: only this target id")
	return cmd
}

func runDeadLettersRedrive(ctx context.Context, io stdio, o deadLetterFilter, args []string) int {
	switch {
	case !o.all && len(args) == 0:
		fmt.Fprintln(io.err, "vigil deadletters redrive: give the JOB ids to redrive (from vigil deadletters list), or --all for every open dead letter (narrowed by --rule and --target)")
		return exitUsage
	case o.all && len(args) > 0:
		fmt.Fprintln(io.err, "vigil deadletters redrive: give JOB ids or --all, not both")
		return exitUsage
	case !o.all && (o.rule != "" || o.target != ""):
		fmt.Fprintln(io.err, "vigil deadletters redrive: --rule and --target narrow --all; with JOB ids, drop them")
		return exitUsage
	}
	var ids []int64
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fmt.Fprintf(io.err, "vigil deadletters redrive: JOB must be a number, got %q\n", a)
			return exitUsage
		}
		ids = append(ids, id)
	}
	api, done, err := o.where.onDatabase(ctx, false, false)
	if err != nil {
		return apiFailed(io, "vigil deadletters redrive", err, nil)
	}
	defer done()
	res, err := api.Redrive(ctx, operator.RedriveRequest{Jobs: ids, All: o.all, Rule: o.rule, Target: o.target})
	if err != nil {
		return apiFailed(io, "vigil deadletters redrive", err, nil)
	}
	code := exitOK
	for _, r := range res {
		if r.Error != "" {
			fmt.Fprintf(io.err, "vigil deadletters redrive: job %d: %s\n", r.Job, r.Error)
			code = exitFailure
			continue
		}
		fmt.Fprintf(io.out, "redriven %d as job %d\n", r.Job, r.NewJob)
	}
	if len(res) == 0 {
		fmt.Fprintln(io.out, "no dead letters to redrive")
	}
	return code
}
