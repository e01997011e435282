package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/operator"
)

const replayHelp = `
Deliver stored events again, as EventBridge replays an archive: every event
vigil received between --since and --until (default now) is routed with the
rules in force now (only --rule, when given) and the silences in force now,
and each target it matches gets a new delivery with a fresh retry budget.
Replayed events carry "replay-name": NAME, as EventBridge's do (rules and
input transformers can use it), and their deliveries have ids of their own
(X-Vigil-Delivery: replay/NAME/...), so receivers that drop repeats do not
drop them. The events are not stored again.

Without --server, the deliveries are queued in the database of --config
(or --database) and the running vigil serve delivers them.

Example:
  vigil replay --since 2026-12-01T00:00:00Z --until 2026-12-01T06:00:00Z --rule guardduty-high
  VIGIL_API_KEY=secret vigil replay --server http://127.0.0.1:8080 --since 2h --name after-fix
`

type replayOptions struct {
	where                    apiFlags
	since, until, rule, name string
	format                   string
}

func newReplayCmd(a *app) *cobra.Command {
	var o replayOptions
	cmd := leaf("replay", "deliver stored events again (EventBridge archive replay)", replayHelp,
		func(ctx context.Context, args []string) int { return runReplay(ctx, a, o, args) })
	fs := cmd.Flags()
	o.where.add(fs)
	fs.StringVar(&o.since, "since", "", "replay events received at or after `T` (RFC 3339, or a duration ago such as 2h; required)")
	fs.StringVar(&o.until, "until", "", "replay events received before `T` (default: now)")
	fs.StringVar(&o.rule, "rule", "", "replay to this rule only (default: every rule that matches)")
	fs.StringVar(&o.name, "name", "", "the replay's name, carried as replay-name (default: replay- and the time)")
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

func runReplay(ctx context.Context, a *app, o replayOptions, args []string) int {
	io := a.stdio
	fail := func(format string, args ...any) int {
		fmt.Fprintf(io.err, "vigil replay: "+format+"\n", args...)
		return exitUsage
	}
	if len(args) != 0 {
		return fail("unexpected argument %q", args[0])
	}
	if o.since == "" {
		return fail("--since is required: the time of the first event to replay (e.g. --since 2h)")
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
	api, done, err := o.where.onPipeline(ctx, a, false)
	if err != nil {
		return apiFailed(io, "vigil replay", err, nil)
	}
	defer done()
	res, err := api.Replay(ctx, operator.ReplayRequest{Name: o.name, Since: since, Until: until, Rule: o.rule})
	if err != nil {
		return apiFailed(io, "vigil replay", err, map[string]string{"since": "--since", "until": "--until", "rule": "--rule", "name": "--name"})
	}
	if o.format == "json" {
		return writeJSON(io, "vigil replay", res)
	}
	fmt.Fprintf(io.out, "replay %s: %s read, %s matched, %s queued", res.Name, plural(res.Events, "event"), plural(res.Matched, "event"), plural(res.Deliveries, "delivery"))
	if res.Silenced > 0 {
		fmt.Fprintf(io.out, ", %s silenced", plural(res.Silenced, "match"))
	}
	fmt.Fprintln(io.out)
	return exitOK
}

// configDuration is config.ParseDuration (whole days allowed).
func configDuration(s string) (time.Duration, error) { return config.ParseDuration(s) }
