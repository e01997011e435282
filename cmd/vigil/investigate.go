package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/investigate"
	"github.com/vigilhq/vigil/internal/pipeline"
)

func newInvestigateCmd(a *app) *cobra.Command {
	return group("investigate", "CloudTrail timelines, related entities and baselines (vigil investigate load|timeline|related|entity)",
		newInvestigateLoadCmd(a), newInvestigateTimelineCmd(a), newInvestigateRelatedCmd(a), newInvestigateEntityCmd(a))
}

// invFlags are the flags every investigate command takes.
type invFlags struct {
	config, database string
}

func (f *invFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.config, "config", "vigil.yaml", "configuration file: its database and investigate section (defaults when the file does not exist)")
	fs.StringVar(&f.database, "database", "", "database URL, sqlite://PATH or postgres://... (overrides the configuration's)")
}

// open opens the investigation service on the configured database.
func (f invFlags) open(ctx context.Context, a *app) (*investigate.Service, func(), error) {
	cfg, err := config.Load(f.config)
	if errors.Is(err, fs.ErrNotExist) {
		cfg, err = config.Parse(f.config, nil)
	}
	if err != nil {
		return nil, nil, err
	}
	dsn := cfg.Database
	if f.database != "" {
		dsn = f.database
	}
	st, err := pipeline.OpenStore(ctx, dsn, true)
	if err != nil {
		return nil, nil, err
	}
	opts := investigate.OptionsFrom(cfg.Investigate, cfg.Explain.Lang)
	opts.AWS = a.awsProvider()
	return investigate.New(st, opts), func() { st.Close() }, nil
}

const investigateLoadHelp = `
Load CloudTrail log files: a directory (searched recursively), one file, or
s3://BUCKET/PREFIX in CloudTrail's layout
(AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz). Files are
{"Records": [...]} or JSON arrays of records, plain or gzipped.

Loading is incremental and resumable: a re-run reads only files it has not
loaded completely, a killed load loses nothing it committed, and a record is
stored once (by eventID). Prints the records loaded, those skipped as already
loaded, and the rate.
`

func newInvestigateLoadCmd(a *app) *cobra.Command {
	var f invFlags
	cmd := leaf("load PATH|s3://BUCKET/PREFIX", "load CloudTrail log files from a directory or s3://BUCKET/PREFIX", investigateLoadHelp,
		func(ctx context.Context, args []string) int { return runInvestigateLoad(ctx, a, f, args) })
	f.add(cmd.Flags())
	return cmd
}

func runInvestigateLoad(ctx context.Context, a *app, f invFlags, pos []string) int {
	io := a.stdio
	if len(pos) != 1 {
		fmt.Fprintln(io.err, "vigil investigate load: give one PATH or s3://BUCKET/PREFIX")
		return exitUsage
	}
	inv, done, err := f.open(ctx, a)
	if err != nil {
		fmt.Fprintf(io.err, "vigil investigate load: %v\n", err)
		return exitFailure
	}
	defer done()
	stats, err := inv.Load(ctx, pos[0], investigate.LoadOptions{})
	fmt.Fprintf(io.out, "loaded %d records from %d files; skipped %d already loaded (%d files unchanged); %.0f records/s",
		stats.Loaded, stats.Files, stats.Skipped, stats.FilesSkipped, stats.RecordsPerSecond())
	if stats.Bad > 0 {
		fmt.Fprintf(io.out, "; %d unreadable records (no eventID or eventTime)", stats.Bad)
	}
	fmt.Fprintln(io.out)
	if err != nil {
		fmt.Fprintf(io.err, "vigil investigate load: %v\n", err)
		return exitFailure
	}
	return exitOK
}

const investigateEntityArg = `ENTITY is an ARN (user, role, assumed-role session, root, any resource), an
access key id or an IP address.`

// timelineFlags are vigil investigate timeline's flags.
type timelineFlags struct {
	invFlags
	since, until, format, lang string
	limit                      int
}

func newInvestigateTimelineCmd(a *app) *cobra.Command {
	var f timelineFlags
	cmd := leaf("timeline ENTITY", "an entity's calls in a window, labelled against its baseline", investigateTimelineHelp,
		func(ctx context.Context, args []string) int { return runInvestigateTimeline(ctx, a, f, args) })
	fs := cmd.Flags()
	f.add(fs)
	fs.StringVar(&f.since, "since", "", "first time, RFC 3339 (e.g. 2023-07-10T11:00:00Z)")
	fs.StringVar(&f.until, "until", "", "last time, RFC 3339")
	formatFlag(cmd, &f.format, "text", "text", "json")
	fs.IntVar(&f.limit, "limit", investigate.DefaultLimit, "most calls shown")
	choiceFlag(cmd, &f.lang, "lang", "", "language of the reasons (default: explain.lang)", "en", "ja")
	return cmd
}

const investigateTimelineHelp = `
The calls of ENTITY in a window, oldest first, each labelled against its
principal's baseline (new-ip, new-user-agent, new-region, new-api, sensitive,
failed-burst, volume-spike, root, no-mfa) with why. For a role, the calls of
all its sessions.

` + investigateEntityArg

func runInvestigateTimeline(ctx context.Context, a *app, f timelineFlags, pos []string) int {
	io := a.stdio
	e, code, ok := oneEntity(io, "timeline", pos)
	if !ok {
		return code
	}
	q := investigate.TimelineQuery{Limit: f.limit, Lang: f.lang}
	for _, t := range []struct {
		flag, v string
		dst     *time.Time
	}{{"--since", f.since, &q.Since}, {"--until", f.until, &q.Until}} {
		if t.v == "" {
			continue
		}
		p, err := time.Parse(time.RFC3339, t.v)
		if err != nil {
			fmt.Fprintf(io.err, "vigil investigate timeline: %s: want an RFC 3339 time such as 2023-07-10T11:00:00Z, got %q\n", t.flag, t.v)
			return exitUsage
		}
		*t.dst = p
	}
	inv, done, err := f.open(ctx, a)
	if err != nil {
		fmt.Fprintf(io.err, "vigil investigate timeline: %v\n", err)
		return exitFailure
	}
	defer done()
	tl, err := inv.Timeline(ctx, e, q)
	if err != nil {
		return investigateFailed(io, "timeline", err)
	}
	if f.format == "json" {
		return writeJSONOut(io, tl)
	}
	investigate.WriteTimeline(io.out, tl)
	return exitOK
}

// listFlags are the flags of vigil investigate related and entity.
type listFlags struct {
	invFlags
	format string
	limit  int
}

func newInvestigateRelatedCmd(a *app) *cobra.Command {
	var f listFlags
	cmd := leaf("related ENTITY", "the entities an entity is related to", investigateRelatedHelp,
		func(ctx context.Context, args []string) int { return runInvestigateRelated(ctx, a, f, args) })
	fs := cmd.Flags()
	f.add(fs)
	formatFlag(cmd, &f.format, "text", "text", "json")
	fs.IntVar(&f.limit, "limit", investigate.DefaultLimit, "most related entities shown")
	return cmd
}

const investigateRelatedHelp = `
The entities ENTITY is related to (keys of a user, sessions of a role and who
assumed them, what a principal created or attached, resources it touched, IPs
and user agents it used, findings that name it), each with first and last
seen and a count. The relation reads "ENTITY <relation> <entity>".

` + investigateEntityArg

func runInvestigateRelated(ctx context.Context, a *app, f listFlags, pos []string) int {
	io := a.stdio
	e, code, ok := oneEntity(io, "related", pos)
	if !ok {
		return code
	}
	inv, done, err := f.open(ctx, a)
	if err != nil {
		fmt.Fprintf(io.err, "vigil investigate related: %v\n", err)
		return exitFailure
	}
	defer done()
	rel, err := inv.Related(ctx, e, f.limit)
	if err != nil {
		return investigateFailed(io, "related", err)
	}
	if f.format == "json" {
		return writeJSONOut(io, rel)
	}
	investigate.WriteRelated(io.out, rel)
	return exitOK
}

func newInvestigateEntityCmd(a *app) *cobra.Command {
	var f listFlags
	cmd := leaf("entity ENTITY", "first and last seen, usual IPs, regions, APIs and hourly volume", investigateEntityHelp,
		func(ctx context.Context, args []string) int { return runInvestigateEntity(ctx, a, f, args) })
	f.add(cmd.Flags())
	formatFlag(cmd, &f.format, "text", "text", "json")
	return cmd
}

const investigateEntityHelp = `
What is known of ENTITY: first and last seen and, over the baseline window
before it was last seen, its usual IPs, user agents, regions and APIs and its
hourly volume; for a session, its role and who assumed it.

` + investigateEntityArg

func runInvestigateEntity(ctx context.Context, a *app, f listFlags, pos []string) int {
	io := a.stdio
	e, code, ok := oneEntity(io, "entity", pos)
	if !ok {
		return code
	}
	inv, done, err := f.open(ctx, a)
	if err != nil {
		fmt.Fprintf(io.err, "vigil investigate entity: %v\n", err)
		return exitFailure
	}
	defer done()
	sum, err := inv.Entity(ctx, e)
	if err != nil {
		return investigateFailed(io, "entity", err)
	}
	if f.format == "json" {
		return writeJSONOut(io, sum)
	}
	investigate.WriteSummary(io.out, sum)
	return exitOK
}

// oneEntity checks the positional arguments.
func oneEntity(io stdio, cmd string, pos []string) (investigate.Entity, int, bool) {
	if len(pos) != 1 {
		fmt.Fprintf(io.err, "vigil investigate %s: give one ENTITY: an ARN, an access key id or an IP address\n", cmd)
		return investigate.Entity{}, exitUsage, false
	}
	e, err := investigate.ParseEntity(pos[0])
	if err != nil {
		fmt.Fprintf(io.err, "vigil investigate %s: %v\n", cmd, err)
		return investigate.Entity{}, exitUsage, false
	}
	return e, exitOK, true
}

func investigateFailed(io stdio, cmd string, err error) int {
	fmt.Fprintf(io.err, "vigil investigate %s: %v\n", cmd, err)
	if investigate.IsBadQuery(err) {
		return exitUsage
	}
	return exitFailure
}

func writeJSONOut(io stdio, v any) int {
	enc := json.NewEncoder(io.out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(io.err, "vigil: %v\n", err)
		return exitFailure
	}
	return exitOK
}
