package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/operator"
	"github.com/vigilhq/vigil/pattern"
)

func newSilenceCmd(a *app) *cobra.Command {
	return group("silence", "mute matching events for a while (vigil silence add|list|expire)",
		newSilenceAddCmd(a), newSilenceListCmd(a), newSilenceExpireCmd(a))
}

const silenceAddHelp = `
Add a silence: while it is active, events matching its EventBridge pattern are
still stored, but the targets of the matching rules (or of --rule only)
receive nothing; each muted event is logged ("event silenced") and counted in
vigil_events_silenced_total. Every running vigil serve picks it up within 5
seconds (at once with --server).

With --rule, the rule must exist in the configuration (--config), which is
read unless only --database is given (with --server, the server's). --creator
defaults to $USER, as in Alertmanager's amtool.

Example:
  vigil silence add --pattern '{"source":["aws.securityhub"],"detail":{"findings":{"Compliance":{"SecurityControlId":["EC2.7"]}}}}' \
    --duration 4h --creator alice --comment "EBS default encryption rollout, ticket OPS-12"
  VIGIL_API_KEY=secret vigil silence add --server http://127.0.0.1:8080 --pattern '{"source":["aws.ec2"]}' --comment "game day"
`

type silenceAddOptions struct {
	where                                                   apiFlags
	pattern, rule, starts, ends, duration, creator, comment string
}

// silenceFlags names the flags of the operator API's silence fields.
var silenceFlags = map[string]string{"pattern": "--pattern", "rule": "--rule", "comment": "--comment", "created_by": "--creator", "ends_at": "--ends", "starts_at": "--starts"}

func newSilenceAddCmd(a *app) *cobra.Command {
	var o silenceAddOptions
	cmd := leaf("add", "add a silence", silenceAddHelp,
		func(ctx context.Context, args []string) int { return runSilenceAdd(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	o.where.add(fs)
	fs.StringVar(&o.pattern, "pattern", "", "EventBridge event pattern the events must match (required)")
	fs.StringVar(&o.rule, "rule", "", "silence only this rule of the configuration (default: every rule)")
	fs.StringVar(&o.starts, "starts", "", "start time, RFC 3339 (default: now)")
	fs.StringVar(&o.ends, "ends", "", "end time, RFC 3339 (default: start + --duration)")
	fs.StringVar(&o.duration, "duration", "2h", "how long the silence lasts when --ends is not given (e.g. 30m, 4h, 7d)")
	fs.StringVar(&o.creator, "creator", "", "who adds the silence (default: $USER)")
	fs.StringVar(&o.comment, "comment", "", "why (required)")
	return cmd
}

func runSilenceAdd(ctx context.Context, io stdio, o silenceAddOptions, args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(io.err, "vigil silence add: "+format+"\n", a...)
		return exitUsage
	}
	if len(args) != 0 {
		return fail("unexpected argument %q (give the pattern with --pattern)", args[0])
	}
	if o.pattern == "" {
		return fail("--pattern is required")
	}
	if err := pattern.Validate([]byte(o.pattern)); err != nil {
		return fail("--pattern: %v", err)
	}
	if o.comment == "" {
		return fail("--comment is required: say why the events are silenced")
	}
	if o.creator == "" {
		o.creator = os.Getenv("USER")
	}
	if o.creator == "" {
		return fail("--creator is required: give who adds the silence ($USER is not set)")
	}
	start := time.Now()
	if o.starts != "" {
		t, err := time.Parse(time.RFC3339, o.starts)
		if err != nil {
			return fail("--starts: want RFC 3339 such as 2025-01-02T15:04:05Z, got %q", o.starts)
		}
		start = t
	}
	var end time.Time
	if o.ends != "" {
		t, err := time.Parse(time.RFC3339, o.ends)
		if err != nil {
			return fail("--ends: want RFC 3339 such as 2025-01-02T15:04:05Z, got %q", o.ends)
		}
		end = t
	} else {
		d, err := config.ParseDuration(o.duration)
		if err != nil {
			return fail("--duration: %v", err)
		}
		end = start.Add(d)
	}
	api, done, err := o.where.onDatabase(ctx, true, o.rule != "")
	if err != nil {
		return apiFailed(io, "vigil silence add", err, nil)
	}
	defer done()
	s, err := api.AddSilence(ctx, operator.NewSilence{Pattern: json.RawMessage(o.pattern), Rule: o.rule, StartsAt: start, EndsAt: end, CreatedBy: o.creator, Comment: o.comment})
	if err != nil {
		return apiFailed(io, "vigil silence add", err, silenceFlags)
	}
	fmt.Fprintln(io.out, s.ID)
	return exitOK
}

type silenceListOptions struct {
	where  apiFlags
	all    bool
	format string
}

func newSilenceListCmd(a *app) *cobra.Command {
	var o silenceListOptions
	cmd := leaf("list", "list silences", "List silences that have not ended (all of them with --all).",
		func(ctx context.Context, args []string) int { return runSilenceList(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	o.where.add(fs)
	fs.BoolVar(&o.all, "all", false, "include expired silences")
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

func runSilenceList(ctx context.Context, io stdio, o silenceListOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil silence list: unexpected argument %q\n", args[0])
		return exitUsage
	}
	api, done, err := o.where.onDatabase(ctx, false, false)
	if err != nil {
		return apiFailed(io, "vigil silence list", err, nil)
	}
	defer done()
	ss, err := api.Silences(ctx, o.all)
	if err != nil {
		return apiFailed(io, "vigil silence list", err, nil)
	}
	if o.format == "json" {
		if ss == nil {
			ss = []operator.Silence{}
		}
		return writeJSON(io, "vigil silence list", ss)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tRULE\tSTARTS\tENDS\tCREATOR\tCOMMENT\tPATTERN")
	for _, s := range ss {
		rule := s.Rule
		if rule == "" {
			rule = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.State, rule, s.StartsAt.Format(time.RFC3339), s.EndsAt.Format(time.RFC3339), s.CreatedBy, s.Comment, s.Pattern)
	}
	tw.Flush()
	return exitOK
}

func newSilenceExpireCmd(a *app) *cobra.Command {
	var where apiFlags
	cmd := leaf("expire ID...", "end a silence now", "End silences now.",
		func(ctx context.Context, args []string) int { return runSilenceExpire(ctx, a.stdio, where, args) })
	where.add(cmd.Flags())
	return cmd
}

func runSilenceExpire(ctx context.Context, io stdio, where apiFlags, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(io.err, "vigil silence expire: give the ids of the silences to end")
		return exitUsage
	}
	api, done, err := where.onDatabase(ctx, false, false)
	if err != nil {
		return apiFailed(io, "vigil silence expire", err, nil)
	}
	defer done()
	code := exitOK
	for _, id := range args {
		if err := api.ExpireSilence(ctx, id); err != nil {
			if c := apiFailed(io, "vigil silence expire", err, nil); c > code {
				code = c
			}
			continue
		}
		fmt.Fprintf(io.out, "expired %s\n", id)
	}
	return code
}
