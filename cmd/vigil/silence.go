package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/store"
	"github.com/vigilhq/vigil/pattern"
)

func init() {
	register(&command{
		name:    "silence",
		summary: "mute matching events for a while (vigil silence add|list|expire)",
		run: func(ctx context.Context, io stdio, args []string) int {
			return subcommand(ctx, io, "silence", args, map[string]*command{
				"add":    {name: "add", summary: "add a silence", run: runSilenceAdd},
				"list":   {name: "list", summary: "list silences", run: runSilenceList},
				"expire": {name: "expire", summary: "end a silence now", run: runSilenceExpire},
			})
		},
	})
}

// dbFlags adds --config and --database and opens the database they name.
type dbFlags struct {
	cfg, db *string
}

func addDBFlags(fs *flag.FlagSet) dbFlags {
	return dbFlags{
		cfg: fs.String("config", "vigil.yaml", "configuration file (its database is used)"),
		db:  fs.String("database", "", "database URL (overrides the configuration's)"),
	}
}

func (d dbFlags) open(ctx context.Context) (*store.Store, error) {
	dsn := *d.db
	if dsn == "" {
		cfg, err := config.Load(*d.cfg)
		if err != nil {
			return nil, err
		}
		dsn = cfg.Database
	}
	return store.OpenShared(ctx, dsn)
}

const silenceAddHelp = `
Add a silence: while it is active, events matching its EventBridge pattern are
still stored, but the targets of the matching rules (or of --rule only)
receive nothing. Every running vigil serve picks it up within 5 seconds.

Example:
  vigil silence add --pattern '{"source":["aws.securityhub"],"detail":{"findings":{"Compliance":{"SecurityControlId":["EC2.7"]}}}}' \
    --duration 4h --creator alice --comment "EBS default encryption rollout, ticket OPS-12"
`

func runSilenceAdd(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "silence add", "", silenceAddHelp)
	dbf := addDBFlags(fs)
	pat := fs.String("pattern", "", "EventBridge event pattern the events must match (required)")
	rule := fs.String("rule", "", "silence only this rule (default: every rule)")
	starts := fs.String("starts", "", "start time, RFC 3339 (default: now)")
	ends := fs.String("ends", "", "end time, RFC 3339 (default: start + --duration)")
	dur := fs.String("duration", "2h", "how long the silence lasts when --ends is not given (e.g. 30m, 4h, 7d)")
	creator := fs.String("creator", os.Getenv("USER"), "who adds the silence")
	comment := fs.String("comment", "", "why (required)")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(io.err, "vigil silence add: "+format+"\n", a...)
		return exitUsage
	}
	if *pat == "" {
		return fail("--pattern is required")
	}
	if err := pattern.Validate([]byte(*pat)); err != nil {
		return fail("--pattern: %v", err)
	}
	if *comment == "" {
		return fail("--comment is required: say why the events are silenced")
	}
	if *creator == "" {
		return fail("--creator is required")
	}
	start := time.Now()
	if *starts != "" {
		t, err := time.Parse(time.RFC3339, *starts)
		if err != nil {
			return fail("--starts: want RFC 3339 such as 2025-01-02T15:04:05Z, got %q", *starts)
		}
		start = t
	}
	var end time.Time
	if *ends != "" {
		t, err := time.Parse(time.RFC3339, *ends)
		if err != nil {
			return fail("--ends: want RFC 3339 such as 2025-01-02T15:04:05Z, got %q", *ends)
		}
		end = t
	} else {
		d, err := config.ParseDuration(*dur)
		if err != nil {
			return fail("--duration: %v", err)
		}
		end = start.Add(d)
	}
	if !end.After(start) {
		return fail("the silence ends (%s) before it starts (%s)", end.Format(time.RFC3339), start.Format(time.RFC3339))
	}
	st, err := dbf.open(ctx)
	if err != nil {
		fmt.Fprintf(io.err, "vigil silence add: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	s := &store.Silence{ID: ingest.NewID(), Rule: *rule, Pattern: *pat, StartsAt: start, EndsAt: end, CreatedBy: *creator, Comment: *comment, CreatedAt: time.Now()}
	if err := store.AddSilence(ctx, st.Q(), s); err != nil {
		fmt.Fprintf(io.err, "vigil silence add: %v\n", err)
		return exitFailure
	}
	fmt.Fprintln(io.out, s.ID)
	return exitOK
}

func runSilenceList(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "silence list", "", "List silences that have not ended (all of them with --all).")
	dbf := addDBFlags(fs)
	all := fs.Bool("all", false, "include expired silences")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	st, err := dbf.open(ctx)
	if err != nil {
		fmt.Fprintf(io.err, "vigil silence list: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	since := time.Now()
	if *all {
		since = time.Time{}
	}
	ss, err := store.ListSilences(ctx, st.Q(), since)
	if err != nil {
		fmt.Fprintf(io.err, "vigil silence list: %v\n", err)
		return exitFailure
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tRULE\tSTARTS\tENDS\tCREATOR\tCOMMENT\tPATTERN")
	now := time.Now()
	for _, s := range ss {
		state := "active"
		switch {
		case now.Before(s.StartsAt):
			state = "pending"
		case !now.Before(s.EndsAt):
			state = "expired"
		}
		rule := s.Rule
		if rule == "" {
			rule = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, state, rule, s.StartsAt.UTC().Format(time.RFC3339), s.EndsAt.UTC().Format(time.RFC3339), s.CreatedBy, s.Comment, s.Pattern)
	}
	tw.Flush()
	return exitOK
}

func runSilenceExpire(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "silence expire", "ID...", "End silences now.")
	dbf := addDBFlags(fs)
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(io.err, "vigil silence expire: give the ids of the silences to end")
		return exitUsage
	}
	st, err := dbf.open(ctx)
	if err != nil {
		fmt.Fprintf(io.err, "vigil silence expire: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	code := exitOK
	for _, id := range fs.Args() {
		if err := store.ExpireSilence(ctx, st.Q(), id, time.Now()); err != nil {
			if err == store.ErrNotFound {
				err = fmt.Errorf("no silence with id %q", id)
			}
			fmt.Fprintf(io.err, "vigil silence expire: %v\n", err)
			code = exitFailure
			continue
		}
		fmt.Fprintf(io.out, "expired %s\n", id)
	}
	return code
}
