package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"github.com/vigilhq/vigil/internal/secrets/secretsmanager"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/slack"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/store"
)

func newScanCmd(a *app) *cobra.Command {
	return group("scan", "list Security Hub violations as a CSV report (ja/en), diffed against the last scan, to a file or Slack",
		newScanSecurityHubCmd(a))
}

const scanHelp = `
List Security Hub violations: findings whose compliance status is FAILED,
whose workflow status is NEW or NOTIFIED and whose record is ACTIVE, narrowed
by control id (Compliance.SecurityControlId, or the end of the GeneratorId),
severity, account and product, in one or more regions. Pages are streamed:
memory does not grow with the number of findings.

The CSV's columns are resource, title, control id, severity, account,
region, first observed, last observed and remediation URL (--lang ja gives
Japanese headers: リソース名, 違反事項, コントロールID, 重要度, ...), plus the
owner with --owner-tag and the change since the last scan with --database.

With --database the scan is compared with the previous scan of the same
filters kept there: the summary says what is new, resolved and still open.
With --slack-channel the CSV is uploaded to Slack with a comment such as
「🚨 本番 環境で 12 件の違反を検出しました」, and each owner is mentioned on
their own violations. The bot token is read from --slack-token, a secret
reference: env:NAME or secretsmanager:SECRET_ID[#json-key]. A scan becomes
the one the next is compared with only once its upload succeeded; with
--only-changes, a scan that found nothing new or resolved is not uploaded.
--mark-notified then sets the listed findings still NEW to NOTIFIED in
Security Hub (it changes the findings: off by default).

--regions names every region to scan; without it the AWS configuration's
region (AWS_REGION, or the profile's) is scanned. Throttling slows a scan
down (each page is asked for again, with backoff) rather than ending it.

Example:
  vigil scan securityhub --lang ja --bom --output violations.csv
  vigil scan securityhub --control-ids S3.1,IAM.1 --severity-floor MEDIUM \
    --regions ap-northeast-1,us-east-1 --output -
  vigil scan securityhub --lang ja --env 本番 --database sqlite://./vigil.db \
    --owner-tag Owner --owner alice=U012AB3CD --owner bob=bob@example.com \
    --slack-channel C0123456789 --slack-token secretsmanager:prod/vigil/slack#token
`

// ownerFlag collects --owner VALUE=RECIPIENT flags.
type ownerFlag map[string][]string

func (o ownerFlag) String() string { return "" }

func (o ownerFlag) Type() string { return "VALUE=RECIPIENT" }

func (o ownerFlag) Set(s string) error {
	value, who, ok := strings.Cut(s, "=")
	if !ok || value == "" || who == "" {
		return fmt.Errorf("want TAG_VALUE=RECIPIENT (a Slack user id or an email address), got %q", s)
	}
	if !scan.IsRecipient(who) {
		return fmt.Errorf("%q is neither an email address nor a Slack user or group id (U…, W…, S…)", who)
	}
	o[value] = append(o[value], who)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

type scanOptions struct {
	controls, floor, regions, accounts, products, lang, output, env, database, name, ownerTag string
	channel, token, slackURL                                                                  string
	bom, onlyChanges, markNotified                                                            bool
	owners                                                                                    ownerFlag
}

func newScanSecurityHubCmd(a *app) *cobra.Command {
	o := scanOptions{owners: ownerFlag{}}
	cmd := leaf("securityhub", "scan Security Hub findings (failed, NEW or NOTIFIED, active)", scanHelp,
		func(ctx context.Context, args []string) int {
			return runScanSecurityHub(ctx, a.stdio, a.awsProvider(), o, args)
		})
	fs := cmd.Flags()
	fs.StringVar(&o.controls, "control-ids", "", "comma-separated control ids to keep, e.g. S3.1,IAM.1 (default: all)")
	choiceFlag(cmd, &o.floor, "severity-floor", "", "keep findings of this severity or higher (all when not given)", scan.Severities...)
	fs.StringVar(&o.regions, "regions", "", "comma-separated regions to scan (default: the AWS configuration's region)")
	fs.StringVar(&o.accounts, "accounts", "", "comma-separated account ids to keep (default: all the credentials can see)")
	fs.StringVar(&o.products, "products", "", `comma-separated product names to keep, e.g. "Security Hub" (default: all)`)
	choiceFlag(cmd, &o.lang, "lang", envOr("en", "VIGIL_LANG"), "language of the CSV headers and the message", "en", "ja")
	fs.BoolVar(&o.bom, "bom", false, "start the CSV with a UTF-8 byte order mark, for Excel")
	fs.StringVar(&o.output, "output", "", "write the CSV to FILE, or - for standard output (default: standard output, or only Slack with --slack-channel)")
	fs.StringVar(&o.env, "env", "", `environment name for the message, e.g. "本番" or production`)
	fs.StringVar(&o.database, "database", "", "compare with the previous scan kept in this database (sqlite://PATH or postgres://...) and record this one")
	fs.StringVar(&o.name, "name", "", "name of the scan in the database (default: derived from the filters)")
	fs.StringVar(&o.ownerTag, "owner-tag", "", "resource tag naming each resource's owner, e.g. Owner")
	fs.Var(o.owners, "owner", "map an owner tag value to a Slack user id or email address: VALUE=RECIPIENT (repeatable)")
	fs.StringVar(&o.channel, "slack-channel", "", "upload the CSV to this Slack channel id, with the summary as its comment")
	fs.StringVar(&o.token, "slack-token", "env:SLACK_BOT_TOKEN", "Slack bot token reference: env:NAME or secretsmanager:SECRET_ID[#key]")
	fs.StringVar(&o.slackURL, "slack-api-url", "", "Slack Web API base URL (default https://slack.com/api/)")
	fs.BoolVar(&o.onlyChanges, "only-changes", false, "with --database and --slack-channel: upload only when a violation is new or resolved since the last uploaded scan")
	fs.BoolVar(&o.markNotified, "mark-notified", false, "once the report is written (and uploaded), set the listed findings still NEW to NOTIFIED in Security Hub (BatchUpdateFindings)")
	return cmd
}

func runScanSecurityHub(ctx context.Context, std stdio, provider *awsx.Provider, o scanOptions, args []string) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(std.err, "vigil scan securityhub: "+format+"\n", a...)
		return code
	}
	if len(args) != 0 {
		return fail(exitUsage, "takes no arguments")
	}
	lng, err := lang.Parse(o.lang)
	if err != nil {
		return fail(exitUsage, "--lang: %v", err)
	}
	q := scan.Query{ControlIDs: splitList(o.controls), SeverityFloor: strings.ToUpper(o.floor), Regions: splitList(o.regions),
		Accounts: splitList(o.accounts), Products: splitList(o.products)}
	// Each list is checked alone so that an error names its flag: scan's
	// message starts with the query field ("regions[1]: ..."), which is
	// replaced by the flag.
	for _, f := range []struct {
		flag string
		q    scan.Query
	}{
		{"--control-ids", scan.Query{ControlIDs: q.ControlIDs}},
		{"--regions", scan.Query{Regions: q.Regions}},
		{"--accounts", scan.Query{Accounts: q.Accounts}},
		{"--severity-floor", scan.Query{SeverityFloor: q.SeverityFloor}},
	} {
		if err := f.q.Check(); err != nil {
			msg := err.Error()
			if _, rest, ok := strings.Cut(msg, ": "); ok {
				msg = rest
			}
			return fail(exitUsage, "%s: %s", f.flag, msg)
		}
	}
	if err := q.Check(); err != nil {
		return fail(exitUsage, "%v", err)
	}
	if len(o.owners) > 0 && o.ownerTag == "" {
		return fail(exitUsage, "--owner needs --owner-tag")
	}
	if o.channel != "" {
		if err := secrets.Ref(o.token).Check(); err != nil {
			return fail(exitUsage, "--slack-token: %v", err)
		}
	}
	if o.onlyChanges && (o.database == "" || o.channel == "") {
		return fail(exitUsage, "--only-changes needs --database (to compare with) and --slack-channel (what is skipped)")
	}
	// With --regions, no default region (AWS_REGION) is needed.
	var cfg aws.Config
	if len(q.Regions) > 0 {
		cfg, err = provider.Region(ctx, q.Regions[0])
	} else {
		cfg, err = provider.Config(ctx)
	}
	if err != nil {
		if errors.Is(err, awsx.ErrNoRegion) {
			return fail(exitUsage, "no AWS region: give --regions (e.g. --regions ap-northeast-1,us-east-1) or set AWS_REGION")
		}
		return fail(exitFailure, "%v", err)
	}
	opts := scan.Options{Query: q, Name: o.name, Env: o.env, Lang: lng, BOM: o.bom, Owners: scan.Owners{Tag: o.ownerTag, Map: o.owners}, MarkNotified: o.markNotified}
	if o.database != "" {
		st, err := store.OpenShared(ctx, o.database)
		if err != nil {
			return fail(exitFailure, "%v", err)
		}
		defer st.Close()
		if opts.History, err = scan.OpenHistory(ctx, st); err != nil {
			return fail(exitFailure, "%v", err)
		}
	}

	// Where the CSV goes: a file or stdout, and a file to upload.
	var w io.Writer
	var file *os.File
	uploadPath := ""
	switch {
	case o.output == "-" || o.output == "" && o.channel == "":
		w = std.out
	case o.output != "":
		if file, err = os.Create(o.output); err != nil {
			return fail(exitFailure, "%v", err)
		}
		w, uploadPath = file, o.output
	default:
		if file, err = os.CreateTemp("", "vigil-scan-*.csv"); err != nil {
			return fail(exitFailure, "%v", err)
		}
		defer os.Remove(file.Name())
		w, uploadPath = file, file.Name()
	}
	if o.channel != "" && uploadPath == "" {
		// --output - with Slack: the upload needs a file of its own.
		tmp, err := os.CreateTemp("", "vigil-scan-*.csv")
		if err != nil {
			return fail(exitFailure, "%v", err)
		}
		defer os.Remove(tmp.Name())
		file, uploadPath = tmp, tmp.Name()
		w = teeWriter{w, tmp}
	}
	sc := &scan.Scanner{AWS: cfg}
	res, err := scan.Run(ctx, sc, w, opts)
	if file != nil {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	m := res.Message()
	fmt.Fprintln(std.err, m.Subject)
	if m.Text != "" {
		fmt.Fprintln(std.err, m.Text)
	}
	// The run becomes the baseline of the next only once its report got
	// where it was going: a failed upload leaves the previous baseline,
	// so these changes are reported again next time.
	done := func() int {
		if err := res.Commit(ctx); err != nil {
			return fail(exitFailure, "%v", err)
		}
		if o.markNotified && res.ToMark() > 0 {
			n, err := sc.MarkNotified(ctx, res, "reported by vigil ("+res.Name+")")
			if err != nil {
				return fail(exitFailure, "--mark-notified: %d marked, then: %v", n, err)
			}
			fmt.Fprintf(std.err, "marked %s NOTIFIED in Security Hub\n", plural(n, "finding"))
		}
		return exitOK
	}
	if o.channel == "" {
		return done()
	}
	if o.onlyChanges && res.Unchanged() {
		fmt.Fprintf(std.err, "not uploaded to Slack: nothing changed since the last uploaded scan (--only-changes)\n")
		return done()
	}
	a, err := notify.File(res.FileName(), "text/csv", uploadPath)
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	m.ID = res.Name
	m.Attachments = []notify.Attachment{a}
	n := &slack.Notifier{Token: secrets.Ref(o.token), Channel: o.channel, APIURL: o.slackURL,
		Resolver: &secrets.Resolver{Backend: secretsmanager.New(provider)}}
	if _, err := n.Notify(ctx, m); err != nil {
		return fail(exitFailure, "%v (the scan is not recorded as uploaded: the next one reports these changes again)", err)
	}
	fmt.Fprintf(std.err, "uploaded %s to Slack channel %s\n", filepath.Base(res.FileName()), o.channel)
	return done()
}

type teeWriter struct{ a, b io.Writer }

func (t teeWriter) Write(p []byte) (int, error) {
	if _, err := t.a.Write(p); err != nil {
		return 0, err
	}
	return t.b.Write(p)
}
