// Package report is the report target type: when a rule (or a schedule,
// through its implicit rule schedule.NAME) sends it an event, it runs the
// named Security Hub report, compares it with the previous run in vigil's
// database, and sends the CSV with its summary to the report's notifiers.
package report

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/vigilhq/vigil/internal/notify/channel"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/target"
)

// Config is a report target's own fields.
type Config struct {
	// Report names the report (in reports:) to run.
	Report string `yaml:"report"`
}

// Type registers the report target type.
var Type = target.Type{Name: "report", Config: &Config{}, New: New}

// Options turns a configured report into scan options.
func Options(r *config.Report) scan.Options {
	lng := lang.EN
	if r.Lang == "ja" {
		lng = lang.JA
	}
	return scan.Options{
		Query: scan.Query{ControlIDs: r.ControlIDs, SeverityFloor: r.SeverityFloor, Regions: r.Regions, Accounts: r.Accounts, Products: r.Products},
		Name:  "report." + r.Name, Env: r.Env, Lang: lng, BOM: r.BOM,
		Owners:       scan.Owners{Tag: r.OwnerTag, Map: r.Owners},
		MarkNotified: r.MarkNotified,
	}
}

// Sending says what Run does with a report once it has run.
type Sending struct {
	// OnlyChanges skips sending a run that found nothing new and nothing
	// resolved (see config.Report.OnlyChanges).
	OnlyChanges bool
	// Logger records skipped runs and marking failures; none when nil.
	Logger *slog.Logger
}

// New builds a report target.
func New(d target.Deps, s *target.Spec) (target.Sender, error) {
	var c Config
	if err := s.Decode(&c); err != nil {
		return nil, err
	}
	if c.Report == "" {
		return nil, s.Errorf("report", "required: the name of a report in reports:")
	}
	rc := d.Config.Report(c.Report)
	if rc == nil {
		return nil, s.Errorf("report", "no report is named %q", c.Report)
	}
	opts := Options(rc)
	if err := opts.Query.Check(); err != nil {
		return nil, s.Errorf("report", "report %q: %v", rc.Name, err)
	}
	var notifiers []*channel.Named
	for _, name := range rc.Notify {
		n := d.Notifiers[name]
		if n == nil {
			return nil, s.Errorf("report", "report %q: no notifier is named %q", rc.Name, name)
		}
		notifiers = append(notifiers, n)
	}
	return target.SenderFunc(func(ctx context.Context, dl target.Delivery) (bool, error) {
		if d.Store == nil {
			return false, fmt.Errorf("report %s: reports compare runs in vigil's database; this process has none", rc.Name)
		}
		// A report that names its regions does not need a default one
		// (AWS_REGION).
		var awsCfg aws.Config
		var err error
		if len(opts.Query.Regions) > 0 {
			awsCfg, err = d.AWS.Region(ctx, opts.Query.Regions[0])
		} else {
			awsCfg, err = d.AWS.Config(ctx)
		}
		if err != nil {
			return true, fmt.Errorf("report %s: %w", rc.Name, err)
		}
		h, err := scan.OpenHistory(ctx, d.Store)
		if err != nil {
			return true, fmt.Errorf("report %s: %w", rc.Name, err)
		}
		o := opts
		o.History = h
		o.Delivery = dl.ID
		return Run(ctx, &scan.Scanner{AWS: awsCfg}, o, dl.ID, notifiers, Sending{OnlyChanges: rc.OnlyChanges, Logger: d.Logger})
	}), nil
}

// Run runs a report and sends it: the CSV (kept in a temporary file, not
// in memory) attached to the summary message, to each notifier. Only once
// every notifier took it does the run become the baseline of the next
// (and, with opts.MarkNotified, are its NEW findings set to NOTIFIED).
func Run(ctx context.Context, sc *scan.Scanner, opts scan.Options, id string, notifiers []*channel.Named, how Sending) (bool, error) {
	log := how.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f, err := os.CreateTemp("", "vigil-report-*.csv")
	if err != nil {
		return true, err
	}
	defer os.Remove(f.Name())
	res, err := scan.Run(ctx, sc, f, opts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// A refused call (denied, invalid filter) fails the same way
		// later: dead-lettered at once rather than retried all day.
		return awsx.Retryable(err), fmt.Errorf("report %s: %w", opts.Name, err)
	}
	if how.OnlyChanges && res.Unchanged() {
		log.Info("report not sent: nothing changed since the last run (only_changes)", "report", opts.Name, "violations", res.Total)
		if err := res.Commit(ctx); err != nil {
			return true, fmt.Errorf("report %s: %w", opts.Name, err)
		}
		return false, nil
	}
	m := res.Message()
	m.ID = id
	if res.Total > 0 {
		a, err := notify.File(res.FileName(), "text/csv", f.Name())
		if err != nil {
			return true, err
		}
		m.Attachments = []notify.Attachment{a}
	}
	for _, n := range notifiers {
		if retry, err := n.Notifier.Notify(ctx, m); err != nil {
			return retry, fmt.Errorf("report %s to %s: %w", opts.Name, n.Name, err)
		}
	}
	if err := res.Commit(ctx); err != nil {
		// Delivered: a retry would send it again. The next run compares
		// with the last committed one and reports these changes again.
		log.Warn("report delivered but not recorded as the baseline", "report", opts.Name, "error", err.Error())
	}
	if opts.MarkNotified && res.ToMark() > 0 {
		n, err := sc.MarkNotified(ctx, res, "reported by vigil ("+opts.Name+")")
		if err != nil {
			log.Warn("marking reported findings NOTIFIED failed", "report", opts.Name, "marked", n, "error", err.Error())
		} else {
			log.Info("marked reported findings NOTIFIED", "report", opts.Name, "marked", n)
		}
	}
	return false, nil
}
