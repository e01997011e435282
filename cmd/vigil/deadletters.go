package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/vigilhq/vigil/internal/jobs"
	"github.com/vigilhq/vigil/internal/store"
)

func init() {
	register(&command{
		name:    "deadletters",
		summary: "deliveries that exhausted their retries (vigil deadletters list|show|redrive)",
		run: func(ctx context.Context, io stdio, args []string) int {
			return subcommand(ctx, io, "deadletters", args, map[string]*command{
				"list":    {name: "list", summary: "list dead letters", run: runDeadLettersList},
				"show":    {name: "show", summary: "show one dead letter with its payload and last error", run: runDeadLettersShow},
				"redrive": {name: "redrive", summary: "retry dead letters with a fresh retry budget", run: runDeadLettersRedrive},
			})
		},
	})
}

func runDeadLettersList(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "deadletters list", "", "List deliveries that exhausted their retry policy or failed for good, oldest first.")
	dbf := addDBFlags(fs)
	rule := fs.String("rule", "", "only this rule")
	target := fs.String("target", "", "only this target id")
	all := fs.Bool("all", false, "include dead letters already redriven")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	st, err := dbf.open(ctx)
	if err != nil {
		fmt.Fprintf(io.err, "vigil deadletters list: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	dls, err := store.ListDeadLetters(ctx, st.Q(), store.DeadLetterFilter{Rule: *rule, Target: *target, All: *all})
	if err != nil {
		fmt.Fprintf(io.err, "vigil deadletters list: %v\n", err)
		return exitFailure
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tFAILED\tRULE\tTARGET\tEVENT\tATTEMPTS\tREDRIVEN\tLAST ERROR")
	for _, d := range dls {
		redriven := "-"
		if !d.RedrivenAt.IsZero() {
			redriven = fmt.Sprintf("job %d", d.RedriveJob)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.JobID, d.FailedAt.UTC().Format(time.RFC3339), d.Rule, d.Target, d.EventID, d.Attempts, redriven, truncate(d.LastError, 120))
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

func runDeadLettersShow(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "deadletters show", "JOB", "Show one dead letter as JSON: its rule, target, event, attempts, last error and the payload it tried to deliver.")
	dbf := addDBFlags(fs)
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(io.err, "vigil deadletters show: give one JOB id (from vigil deadletters list)")
		return exitUsage
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil {
		fmt.Fprintf(io.err, "vigil deadletters show: JOB must be a number, got %q\n", fs.Arg(0))
		return exitUsage
	}
	st, err := dbf.open(ctx)
	if err != nil {
		fmt.Fprintf(io.err, "vigil deadletters show: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	d, err := store.GetDeadLetter(ctx, st.Q(), id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = fmt.Errorf("no dead letter for job %d", id)
		}
		fmt.Fprintf(io.err, "vigil deadletters show: %v\n", err)
		return exitFailure
	}
	var a jobs.DeliverArgs
	json.Unmarshal(d.Args, &a)
	var payload any = string(a.Payload)
	if json.Valid(a.Payload) {
		payload = json.RawMessage(a.Payload)
	}
	out := map[string]any{
		"job": d.JobID, "rule": d.Rule, "target": d.Target, "event_id": d.EventID, "dedup_key": a.EventKey,
		"attempts": d.Attempts, "last_error": d.LastError, "failed_at": d.FailedAt.UTC().Format(time.RFC3339Nano),
		"accepted_at": a.AcceptedAt.UTC().Format(time.RFC3339Nano), "payload": payload,
	}
	if !d.RedrivenAt.IsZero() {
		out["redriven_at"] = d.RedrivenAt.UTC().Format(time.RFC3339Nano)
		out["redrive_job"] = d.RedriveJob
	}
	enc := json.NewEncoder(io.out)
	enc.SetIndent("", "  ")
	enc.Encode(out)
	return exitOK
}

const redriveHelp = `
Retry dead letters: each becomes a new delivery job with a fresh retry budget
(its max_age counts from now), delivered by the running vigil serve to the
target as it is configured now (so fix the target, then redrive). Give JOB ids,
or --all (optionally with --rule and --target).

Example:
  vigil deadletters redrive --all --rule ssh-open-to-world
`

func runDeadLettersRedrive(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "deadletters redrive", "[JOB...]", redriveHelp)
	dbf := addDBFlags(fs)
	all := fs.Bool("all", false, "redrive every open dead letter (that matches --rule and --target)")
	rule := fs.String("rule", "", "with --all: only this rule")
	target := fs.String("target", "", "with --all: only this target id")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if *all == (fs.NArg() > 0) {
		fmt.Fprintln(io.err, "vigil deadletters redrive: give JOB ids or --all, not both")
		return exitUsage
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fmt.Fprintf(io.err, "vigil deadletters redrive: JOB must be a number, got %q\n", a)
			return exitUsage
		}
		ids = append(ids, id)
	}
	st, err := dbf.open(ctx)
	if err != nil {
		fmt.Fprintf(io.err, "vigil deadletters redrive: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	if *all {
		dls, err := store.ListDeadLetters(ctx, st.Q(), store.DeadLetterFilter{Rule: *rule, Target: *target})
		if err != nil {
			fmt.Fprintf(io.err, "vigil deadletters redrive: %v\n", err)
			return exitFailure
		}
		for _, d := range dls {
			ids = append(ids, d.JobID)
		}
	}
	q, err := jobs.New(ctx, st, jobs.Options{})
	if err != nil {
		fmt.Fprintf(io.err, "vigil deadletters redrive: %v\n", err)
		return exitFailure
	}
	code := exitOK
	for _, id := range ids {
		nid, err := q.Redrive(ctx, id)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				err = fmt.Errorf("no dead letter for job %d", id)
			}
			fmt.Fprintf(io.err, "vigil deadletters redrive: job %d: %v\n", id, err)
			code = exitFailure
			continue
		}
		fmt.Fprintf(io.out, "redriven %d as job %d\n", id, nid)
	}
	if len(ids) == 0 {
		fmt.Fprintln(io.out, "no dead letters to redrive")
	}
	return code
}
