package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/server"
)

type processOptions struct {
	config, format string
	deliver        bool
	output         outputFlag
}

func newProcessCmd(a *app) *cobra.Command {
	var o processOptions
	cmd := leaf("process FILE|-", "show which rules match events and what each target would receive (dry run)", processHelp,
		func(ctx context.Context, args []string) int {
			return runProcess(ctx, a.stdio, a.awsProvider(), o, args)
		})
	fs := cmd.Flags()
	fs.StringVar(&o.config, "config", "vigil.yaml", "configuration file")
	fs.BoolVar(&o.deliver, "deliver", false, "really send to the targets (default: dry run)")
	formatFlag(cmd, &o.format, "text", "text", "json")
	o.output.add(fs, "the decisions")
	return cmd
}

const processHelp = `
Route events once, without a server or a database: for each event in FILE (or
standard input with -), show which rules match and exactly what each target
would receive after its input_path / input_transformer, or why it would
receive nothing. For a notify target it also shows the message its notifier
would send, explained by the built-in engine (a dry run calls no model).
FILE holds one event, a JSON array of events, or PutEvents'
{"Entries": [...]}.

Nothing is sent unless --deliver is given; then each target is called once,
synchronously, without retries (grouped targets get one request per event).
Silences live in the database and are not applied here.

Example:
  vigil process --config vigil.yaml event.json
  vigil process --config vigil.yaml --format json - < events.json
`

func runProcess(ctx context.Context, io stdio, aws *awsx.Provider, o processOptions, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil process: give one FILE, or - to read standard input")
		return exitUsage
	}
	if o.format != "text" && o.format != "json" {
		fmt.Fprintf(io.err, "vigil process: --format: want text or json, got %q\n", o.format)
		return exitUsage
	}
	cfg, err := loadConfig(o.config)
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	p, err := pipeline.New(ctx, cfg, pipeline.Deps{AWS: aws, Stateless: true})
	if err != nil {
		fmt.Fprintln(io.err, err)
		return exitUsage
	}
	var body []byte
	if args[0] == "-" {
		body, err = readAll(io.in)
	} else {
		body, err = os.ReadFile(args[0])
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil process: %v\n", err)
		return exitFailure
	}
	raws, entryErrs, err := server.SplitEvents(body)
	if err != nil {
		fmt.Fprintf(io.err, "vigil process: %s: %v\n", args[0], err)
		return exitUsage
	}
	out, closeOut, err := o.output.open(io.out)
	if err != nil {
		fmt.Fprintf(io.err, "vigil process: %v\n", err)
		return exitFailure
	}
	code := exitOK
	var decisions []any
	for i, raw := range raws {
		if entryErrs[i] != nil {
			fmt.Fprintf(io.err, "vigil process: event %d: %v\n", i+1, entryErrs[i])
			code = exitUsage
			continue
		}
		ev, dec, err := p.Route(raw)
		if err != nil {
			fmt.Fprintf(io.err, "vigil process: event %d: %v\n", i+1, err)
			code = exitUsage
			continue
		}
		messages := map[string]*notifyPreview{}
		for _, m := range dec.Matched {
			if m.SilencedBy != "" {
				continue
			}
			for j := range m.Targets {
				msg, err := previewNotify(ctx, cfg, m.Rule, &m.Targets[j])
				if err != nil {
					msg = &notifyPreview{Text: "the message cannot be made: " + err.Error()}
				}
				if msg != nil {
					messages[m.Rule+"/"+m.Targets[j].Target] = msg
				}
			}
		}
		sent := map[string]string{}
		if o.deliver {
			for _, r := range p.DeliverNow(ctx, ev, dec) {
				if r.Err != nil {
					sent[r.Rule+"/"+r.Target] = "failed: " + r.Err.Error()
					code = exitFailure
				} else {
					sent[r.Rule+"/"+r.Target] = "delivered"
				}
			}
		}
		if o.format == "json" {
			decisions = append(decisions, struct {
				*route.Decision
				Source     string            `json:"source"`
				DetailType string            `json:"detail_type"`
				Sent       map[string]string `json:"sent,omitempty"`
				// Messages are what notify targets send, by rule/target.
				Messages map[string]*notifyPreview `json:"messages,omitempty"`
			}{dec, ev.Source, ev.DetailType, sent, messages})
			continue
		}
		printDecision(out, ev.Source, ev.DetailType, dec, sent, messages, o.deliver)
	}
	if o.format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.Encode(decisions)
	}
	if err := closeOut(); err != nil {
		fmt.Fprintf(io.err, "vigil process: %v\n", err)
		return exitFailure
	}
	return code
}

func printDecision(w io.Writer, source, detailType string, dec *route.Decision, sent map[string]string, messages map[string]*notifyPreview, deliver bool) {
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
			if msg := messages[m.Rule+"/"+o.Target]; msg != nil {
				printNotifyPreview(w, msg)
			}
		}
	}
}

func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64<<20))
	return b, err
}

// printNotifyPreview writes a notify target's message below its payload.
func printNotifyPreview(w io.Writer, msg *notifyPreview) {
	if msg.Notifier == "" { // it could not be made
		fmt.Fprintf(w, "      %s\n", msg.Text)
		return
	}
	how := msg.Lang
	if msg.Engine != "" {
		how += ", explained by the " + msg.Engine + " engine in this dry run"
	}
	fmt.Fprintf(w, "      notifier %s would send (%s):\n", msg.Notifier, how)
	fmt.Fprintf(w, "        subject: %s\n", msg.Subject)
	if msg.Text != "" {
		for _, line := range strings.Split(msg.Text, "\n") {
			fmt.Fprintln(w, strings.TrimRight("        "+line, " "))
		}
	}
}
