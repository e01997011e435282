package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/operator"
)

func newEventsCmd(a *app) *cobra.Command {
	return group("events", "the events vigil stored (vigil events list|show)", newEventsListCmd(a), newEventsShowCmd(a))
}

type eventsListOptions struct {
	where                apiFlags
	since, until, source string
	limit                int
	format               string
}

const eventsListHelp = `
List the events vigil stored, newest first: id, when it was received, source,
detail-type and how it came in (http, sqs, lambda, schedule, ...). --since and
--until take RFC 3339 times or a duration back from now (30m, 24h, 7d).

Example:
  vigil events list --since 24h --source aws.guardduty
  VIGIL_API_KEY=secret vigil events list --server http://127.0.0.1:8080 --limit 10 --format json
`

func newEventsListCmd(a *app) *cobra.Command {
	var o eventsListOptions
	cmd := leaf("list", "list stored events, newest first", eventsListHelp,
		func(ctx context.Context, args []string) int { return runEventsList(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	o.where.add(fs)
	fs.StringVar(&o.since, "since", "", "only events received at or after `T` (RFC 3339, or a duration ago such as 24h)")
	fs.StringVar(&o.until, "until", "", "only events received before `T`")
	fs.StringVar(&o.source, "source", "", "only events of this source, e.g. aws.guardduty")
	fs.IntVar(&o.limit, "limit", 50, "at most `N` events (up to 1000)")
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

// parseWhen reads an RFC 3339 time, or a duration back from now.
func parseWhen(flag, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := configDuration(s); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%s: want an RFC 3339 time such as 2026-12-01T09:00:00Z or a duration ago such as 24h, got %q", flag, s)
}

func runEventsList(ctx context.Context, io stdio, o eventsListOptions, args []string) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(io.err, "vigil events list: "+format+"\n", a...)
		return exitUsage
	}
	if len(args) != 0 {
		return fail("unexpected argument %q (to see one event: vigil events show ID)", args[0])
	}
	now := time.Now()
	since, err := parseWhen("--since", o.since, now)
	if err != nil {
		return fail("%v", err)
	}
	until, err := parseWhen("--until", o.until, now)
	if err != nil {
		return fail("%v", err)
	}
	api, done, err := o.where.onDatabase(ctx, false, false)
	if err != nil {
		return apiFailed(io, "vigil events list", err, nil)
	}
	defer done()
	evs, err := api.Events(ctx, operator.EventFilter{Since: since, Until: until, Source: o.source, Limit: o.limit})
	if err != nil {
		return apiFailed(io, "vigil events list", err, map[string]string{"limit": "--limit"})
	}
	if o.format == "json" {
		if evs == nil {
			evs = []operator.Event{}
		}
		return writeJSON(io, "vigil events list", evs)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tSOURCE\tDETAIL-TYPE\tINPUT")
	for _, e := range evs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.ID, e.ReceivedAt.Format(time.RFC3339), e.Source, truncate(e.DetailType, 60), e.Input)
	}
	tw.Flush()
	return exitOK
}

type eventsShowOptions struct {
	where  apiFlags
	format string
}

func newEventsShowCmd(a *app) *cobra.Command {
	var o eventsShowOptions
	cmd := leaf("show ID", "show one stored event as it was received",
		"Show one stored event: the event as vigil received it (--format json, the default, prints it with when and how it came in).",
		func(ctx context.Context, args []string) int { return runEventsShow(ctx, a.stdio, o, args) })
	o.where.add(cmd.Flags())
	formatFlag(cmd, &o.format, "json", "json", "text")
	return cmd
}

func runEventsShow(ctx context.Context, io stdio, o eventsShowOptions, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil events show: give one event ID (from vigil events list)")
		return exitUsage
	}
	api, done, err := o.where.onDatabase(ctx, false, false)
	if err != nil {
		return apiFailed(io, "vigil events show", err, nil)
	}
	defer done()
	e, err := api.Event(ctx, args[0])
	if err != nil {
		return apiFailed(io, "vigil events show", err, nil)
	}
	if o.format == "json" {
		return writeJSON(io, "vigil events show", e)
	}
	fmt.Fprintf(io.out, "id:          %s\nreceived:    %s\nsource:      %s\ndetail-type: %s\ninput:       %s\ndedup key:   %s\nevent:\n", e.ID, e.ReceivedAt.Format(time.RFC3339Nano), e.Source, e.DetailType, e.Input, e.DedupKey)
	var v any
	if json.Unmarshal(e.Raw, &v) == nil {
		return writeJSON(io, "vigil events show", v)
	}
	fmt.Fprintf(io.out, "%s\n", e.Raw)
	return exitOK
}
