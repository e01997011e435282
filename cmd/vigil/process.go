package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/server"
)

func init() {
	register(&command{
		name:    "process",
		summary: "show which rules match events and what each target would receive (dry run)",
		run:     runProcess,
	})
}

const processHelp = `
Route events once, without a server or a database: for each event in FILE (or
standard input with -), show which rules match and exactly what each target
would receive after its input_path / input_transformer, or why it would
receive nothing. FILE holds one event, a JSON array of events, or PutEvents'
{"Entries": [...]}.

Nothing is sent unless --deliver is given; then each target is called once,
synchronously, without retries (grouped targets get one request per event).
Silences live in the database and are not applied here.

Example:
  vigil process --config vigil.yaml event.json
  vigil process --config vigil.yaml --format json - < events.json
`

func runProcess(ctx context.Context, io stdio, args []string) int {
	fs := newFlags(io, "process", "FILE|-", processHelp)
	cfgPath := fs.String("config", "vigil.yaml", "configuration file")
	deliver := fs.Bool("deliver", false, "really send to the targets (default: dry run)")
	format := fs.String("format", "text", "output format: text or json")
	if code, ok := parseFlags(fs, io, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(io.err, "vigil process: give one FILE, or - to read standard input")
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(io.err, "vigil process: --format: want text or json, got %q\n", *format)
		return exitUsage
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	table, _ := route.Compile(cfg)
	var body []byte
	if fs.Arg(0) == "-" {
		body, err = readAll(io.in)
	} else {
		body, err = os.ReadFile(fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil process: %v\n", err)
		return exitFailure
	}
	raws, entryErrs, err := server.SplitEvents(body)
	if err != nil {
		fmt.Fprintf(io.err, "vigil process: %s: %v\n", fs.Arg(0), err)
		return exitUsage
	}
	code := exitOK
	var decisions []any
	now := time.Now()
	for i, raw := range raws {
		if entryErrs[i] != nil {
			fmt.Fprintf(io.err, "vigil process: event %d: %v\n", i+1, entryErrs[i])
			code = exitUsage
			continue
		}
		ev, err := ingest.Parse(raw)
		if err != nil {
			fmt.Fprintf(io.err, "vigil process: event %d: %v\n", i+1, err)
			code = exitUsage
			continue
		}
		dec, err := table.Route(ev, now, nil)
		if err != nil {
			fmt.Fprintf(io.err, "vigil process: event %d: %v\n", i+1, err)
			code = exitUsage
			continue
		}
		sent := map[string]string{}
		if *deliver {
			for _, m := range dec.Matched {
				for _, o := range m.Targets {
					if !o.Deliver {
						continue
					}
					d := route.Delivery{ID: dec.Key + "/" + m.Rule + "/" + o.Target, Rule: m.Rule, Target: o.Target, Payload: o.Payload, EventIDs: []string{ev.ID}, Attempt: 1}
					if _, err := table.Send(ctx, d); err != nil {
						sent[m.Rule+"/"+o.Target] = "failed: " + err.Error()
						code = exitFailure
					} else {
						sent[m.Rule+"/"+o.Target] = "delivered"
					}
				}
			}
		}
		if *format == "json" {
			decisions = append(decisions, struct {
				*route.Decision
				Source     string            `json:"source"`
				DetailType string            `json:"detail_type"`
				Sent       map[string]string `json:"sent,omitempty"`
			}{dec, ev.Source, ev.DetailType, sent})
			continue
		}
		printDecision(io.out, ev.Source, ev.DetailType, dec, sent, *deliver)
	}
	if *format == "json" {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		enc.Encode(decisions)
	}
	return code
}

func printDecision(w io.Writer, source, detailType string, dec *route.Decision, sent map[string]string, deliver bool) {
	fmt.Fprintf(w, "event %s (%s / %s), dedup key %s\n", dec.EventID, source, detailType, dec.Key)
	if len(dec.Matched) == 0 {
		fmt.Fprintln(w, "  no rule matches")
	}
	for _, m := range dec.Matched {
		fmt.Fprintf(w, "  rule %s\n", m.Rule)
		if m.SilencedBy != "" {
			fmt.Fprintf(w, "    silenced by %s\n", m.SilencedBy)
			continue
		}
		for _, o := range m.Targets {
			group := ""
			if o.Group != "" {
				group = fmt.Sprintf(" [group %s]", o.GroupKey)
			}
			if !o.Deliver {
				fmt.Fprintf(w, "    target %s (%s)%s: nothing delivered: %s\n", o.Target, o.Type, group, o.Reason)
				continue
			}
			status := "would receive"
			if deliver {
				status = sent[m.Rule+"/"+o.Target]
			}
			fmt.Fprintf(w, "    target %s (%s)%s %s: %s\n", o.Target, o.Type, group, status, o.Payload)
		}
	}
}

func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	return b, err
}
