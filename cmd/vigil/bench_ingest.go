package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vigilhq/vigil/internal/server"
)

type benchIngestOptions struct {
	database, cpuProfile                              string
	events, connections, rate, batch, workers, repeat int
}

func newBenchIngestCmd(a *app) *cobra.Command {
	var o benchIngestOptions
	cmd := leaf("ingest", "accepted events/s and accept-to-delivery latency of a server in this process", benchIngestHelp,
		func(ctx context.Context, args []string) int { return runBenchIngest(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	fs.StringVar(&o.database, "database", "", "database URL (default: a SQLite file in a temporary directory)")
	fs.IntVarP(&o.events, "events", "n", 20000, "events to post")
	fs.IntVarP(&o.connections, "connections", "c", 64, "concurrent requests")
	fs.IntVar(&o.rate, "rate", 0, "post at this many events per second (0: as fast as accepted)")
	fs.IntVar(&o.batch, "batch", 1, "events per request (1 as EventBridge API destinations send; up to 10 as PutEvents)")
	fs.IntVar(&o.workers, "workers", 50, "delivery workers (jobs.workers)")
	fs.IntVar(&o.repeat, "repeat", 1, "run the whole measurement this many times and summarise the ratios (min/median/max)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the (first run's) posting phase to this file")
	// --n and --c, which vigil accepted before -n and -c had long names.
	fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		switch name {
		case "n":
			name = "events"
		case "c":
			name = "connections"
		}
		return pflag.NormalizedName(name)
	})
	return cmd
}

const benchIngestHelp = `
Start a vigil server in this process with 10 rules, each with a webhook target
(a receiver in this process), post N events to POST /events over HTTP, and
print how many events per second were accepted (each committed to the
database before its 2xx) and the p50/p99 time from an event's 2xx to its
webhook delivery.

Then, with the server stopped, measure the raw reference on the same
database: the same number of event rows plus one job row each, inserted
in transactions of 100 by one writer with nothing of vigil around them
(SQLite with synchronous=NORMAL, vigil's default), and print vigil's rate
as a ratio of it. --repeat 3 runs everything three times and prints the
ratios' min/median/max.

Use --rate to measure latency at a given load, and --database to measure
PostgreSQL instead of a temporary SQLite file.

Example:
  vigil bench ingest -n 20000 -c 64
  vigil bench ingest -n 10000 --rate 1000
  vigil bench ingest -n 20000 -c 64 --repeat 3
  vigil bench ingest --database postgres://postgres@127.0.0.1:5432/vigil_bench -n 20000 -c 64
`

func runBenchIngest(ctx context.Context, io stdio, o benchIngestOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil bench ingest: unexpected argument %q\n", args[0])
		return exitUsage
	}
	if o.events < 1 || o.connections < 1 || o.batch < 1 || o.rate < 0 || o.repeat < 1 {
		fmt.Fprintln(io.err, "vigil bench ingest: -n, -c, --batch and --repeat must be positive, --rate not negative")
		return exitUsage
	}
	var ratios, p99s []float64
	for run := range o.repeat {
		bo := server.BenchOptions{Database: o.database, Events: o.events, Connections: o.connections, Rate: o.rate, Batch: o.batch, Workers: o.workers}
		var prof *os.File
		if o.cpuProfile != "" && run == 0 {
			f, err := os.Create(o.cpuProfile)
			if err != nil {
				fmt.Fprintf(io.err, "vigil bench ingest: --cpuprofile: %v\n", err)
				return exitUsage
			}
			prof, bo.Profile = f, f
		}
		res, err := server.BenchIngest(ctx, bo)
		if prof != nil {
			prof.Close()
		}
		if res != nil {
			fmt.Fprintf(io.out, "%d events, %d connections, batch %d, rate %s, 10 rules, webhook target\n%s\n", o.events, o.connections, o.batch, rateText(o.rate), res)
		}
		if err != nil {
			fmt.Fprintf(io.err, "vigil bench ingest: %v\n", err)
			return exitFailure
		}
		ratios = append(ratios, res.Ratio())
		p99s = append(p99s, float64(res.P99)/float64(time.Millisecond))
	}
	if o.repeat > 1 {
		slices.Sort(ratios)
		slices.Sort(p99s)
		mid := len(ratios) / 2
		fmt.Fprintf(io.out, "ratio to raw over %d runs: min %.2f, median %.2f, max %.2f; p99 accept-to-delivery: min %.1f ms, median %.1f ms, max %.1f ms\n",
			len(ratios), ratios[0], ratios[mid], ratios[len(ratios)-1], p99s[0], p99s[mid], p99s[len(p99s)-1])
	}
	return exitOK
}

func rateText(r int) string {
	if r == 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%d/s", r)
}
