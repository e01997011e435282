// Package target registers the report target type: when a rule (or a
// schedule, through its implicit rule schedule.NAME) sends it an event, it
// runs the named Security Hub report, compares it with the previous run in
// vigil's database, and sends the CSV with its summary to the report's
// notifiers. Import it for its side effect.
package target

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/notify"
	notifytarget "github.com/vigilhq/vigil/internal/notify/target"
	"github.com/vigilhq/vigil/internal/route"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/store"
)

func init() {
	route.Register("report", newReportTarget)
}

// Options turns a configured report into scan options.
func Options(r *config.Report) scan.Options {
	lang := explain.EN
	if r.Lang == "ja" {
		lang = explain.JA
	}
	return scan.Options{
		Query: scan.Query{ControlIDs: r.ControlIDs, SeverityFloor: r.SeverityFloor, Regions: r.Regions, Accounts: r.Accounts, Products: r.Products},
		Name:  "report." + r.Name, Env: r.Env, Lang: lang, BOM: r.BOM,
		Owners: scan.Owners{Tag: r.OwnerTag, Map: r.Owners},
	}
}

func newReportTarget(cfg *config.Config, t *config.Target, path string) (route.Sender, error) {
	if t.Report == "" {
		return nil, cfg.Errorf(path+".report", "required: the name of a report in reports:")
	}
	rc := cfg.Report(t.Report)
	if rc == nil {
		return nil, cfg.Errorf(path+".report", "no report is named %q", t.Report)
	}
	opts := Options(rc)
	if err := opts.Query.Check(); err != nil {
		return nil, cfg.Errorf(path+".report", "report %q: %v", rc.Name, err)
	}
	var notifiers []*notifytarget.Built
	for _, name := range rc.Notify {
		b, err := notifytarget.Build(cfg, name, path+".report")
		if err != nil {
			return nil, err
		}
		notifiers = append(notifiers, b)
	}
	dsn := cfg.Database
	var once sync.Once
	var awsCfg aws.Config
	var awsErr error
	return route.SenderFunc(func(ctx context.Context, d route.Delivery) (bool, error) {
		once.Do(func() { awsCfg, awsErr = awsx.Load(context.WithoutCancel(ctx), awsx.Options{}) })
		if awsErr != nil {
			return true, fmt.Errorf("report %s: %w", rc.Name, awsErr)
		}
		st, err := store.Shared(ctx, dsn)
		if err != nil {
			return true, fmt.Errorf("report %s: %w", rc.Name, err)
		}
		h, err := scan.OpenHistory(ctx, st)
		if err != nil {
			return true, fmt.Errorf("report %s: %w", rc.Name, err)
		}
		o := opts
		o.History = h
		o.Delivery = d.ID
		return Run(ctx, &scan.Scanner{AWS: awsCfg}, o, d.ID, notifiers)
	}), nil
}

// Run runs a report and sends it: the CSV (kept in a temporary file, not
// in memory) attached to the summary message, to each notifier.
func Run(ctx context.Context, sc *scan.Scanner, opts scan.Options, id string, notifiers []*notifytarget.Built) (bool, error) {
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
		return true, fmt.Errorf("report %s: %w", opts.Name, err)
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
	return false, nil
}
