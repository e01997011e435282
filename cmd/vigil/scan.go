package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vigilhq/vigil/internal/awsx"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/slack"
	"github.com/vigilhq/vigil/internal/scan"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/store"
)

func init() {
	register(&command{
		name:    "scan",
		summary: "list Security Hub violations as a CSV report (ja/en), diffed against the last scan, to a file or Slack",
		run: func(ctx context.Context, io stdio, args []string) int {
			return subcommand(ctx, io, "scan", args, map[string]*command{
				"securityhub": {name: "securityhub", summary: "scan Security Hub findings (failed, NEW or NOTIFIED, active)", run: runScanSecurityHub},
			})
		},
	})
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
reference: env:NAME or secretsmanager:SECRET_ID[#json-key].

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

func runScanSecurityHub(ctx context.Context, std stdio, args []string) int {
	fs := newFlags(std, "scan securityhub", "", scanHelp)
	controls := fs.String("control-ids", "", "comma-separated control ids to keep, e.g. S3.1,IAM.1 (default: all)")
	floor := fs.String("severity-floor", "", "keep this severity or higher: LOW, MEDIUM, HIGH or CRITICAL (default: all)")
	regions := fs.String("regions", "", "comma-separated regions to scan (default: the AWS configuration's region)")
	accounts := fs.String("accounts", "", "comma-separated account ids to keep (default: all the credentials can see)")
	products := fs.String("products", "", `comma-separated product names to keep, e.g. "Security Hub" (default: all)`)
	langFlag := fs.String("lang", envOr("en", "VIGIL_LANG"), "language of the CSV headers and the message: en or ja")
	bom := fs.Bool("bom", false, "start the CSV with a UTF-8 byte order mark, for Excel")
	output := fs.String("output", "", "write the CSV to FILE, or - for standard output (default: standard output, or only Slack with --slack-channel)")
	env := fs.String("env", "", `environment name for the message, e.g. "本番" or production`)
	database := fs.String("database", "", "compare with the previous scan kept in this database (sqlite://PATH or postgres://...) and record this one")
	name := fs.String("name", "", "name of the scan in the database (default: derived from the filters)")
	ownerTag := fs.String("owner-tag", "", "resource tag naming each resource's owner, e.g. Owner")
	owners := ownerFlag{}
	fs.Var(owners, "owner", "map an owner tag value to a Slack user id or email address: VALUE=RECIPIENT (repeatable)")
	channel := fs.String("slack-channel", "", "upload the CSV to this Slack channel id, with the summary as its comment")
	token := fs.String("slack-token", "env:SLACK_BOT_TOKEN", "Slack bot token reference: env:NAME or secretsmanager:SECRET_ID[#key]")
	slackURL := fs.String("slack-api-url", "", "Slack Web API base URL (default https://slack.com/api/)")
	if code, ok := parseFlags(fs, std, args); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(std.err, "vigil scan securityhub: "+format+"\n", a...)
		return code
	}
	if fs.NArg() != 0 {
		return fail(exitUsage, "takes no arguments")
	}
	lang, err := explain.ParseLang(*langFlag)
	if err != nil {
		return fail(exitUsage, "--lang: %v", err)
	}
	q := scan.Query{ControlIDs: splitList(*controls), SeverityFloor: strings.ToUpper(*floor), Regions: splitList(*regions),
		Accounts: splitList(*accounts), Products: splitList(*products)}
	if err := q.Check(); err != nil {
		return fail(exitUsage, "%v", err)
	}
	if len(owners) > 0 && *ownerTag == "" {
		return fail(exitUsage, "--owner needs --owner-tag")
	}
	if *channel != "" {
		if err := secrets.Ref(*token).Check(); err != nil {
			return fail(exitUsage, "--slack-token: %v", err)
		}
	}
	cfg, err := awsx.Load(ctx, awsx.Options{})
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	opts := scan.Options{Query: q, Name: *name, Env: *env, Lang: lang, BOM: *bom, Owners: scan.Owners{Tag: *ownerTag, Map: owners}}
	if *database != "" {
		st, err := store.OpenShared(ctx, *database)
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
	case *output == "-" || *output == "" && *channel == "":
		w = std.out
	case *output != "":
		if file, err = os.Create(*output); err != nil {
			return fail(exitFailure, "%v", err)
		}
		w, uploadPath = file, *output
	default:
		if file, err = os.CreateTemp("", "vigil-scan-*.csv"); err != nil {
			return fail(exitFailure, "%v", err)
		}
		defer os.Remove(file.Name())
		w, uploadPath = file, file.Name()
	}
	if *channel != "" && uploadPath == "" {
		// --output - with Slack: the upload needs a file of its own.
		tmp, err := os.CreateTemp("", "vigil-scan-*.csv")
		if err != nil {
			return fail(exitFailure, "%v", err)
		}
		defer os.Remove(tmp.Name())
		file, uploadPath = tmp, tmp.Name()
		w = teeWriter{w, tmp}
	}
	res, err := scan.Run(ctx, &scan.Scanner{AWS: cfg}, w, opts)
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
	if *channel == "" {
		return exitOK
	}
	a, err := notify.File(res.FileName(), "text/csv", uploadPath)
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	m.ID = res.Name
	m.Attachments = []notify.Attachment{a}
	n := &slack.Notifier{Token: secrets.Ref(*token), Channel: *channel, APIURL: *slackURL}
	if _, err := n.Notify(ctx, m); err != nil {
		return fail(exitFailure, "%v", err)
	}
	fmt.Fprintf(std.err, "uploaded %s to Slack channel %s\n", filepath.Base(res.FileName()), *channel)
	return exitOK
}

type teeWriter struct{ a, b io.Writer }

func (t teeWriter) Write(p []byte) (int, error) {
	if _, err := t.a.Write(p); err != nil {
		return 0, err
	}
	return t.b.Write(p)
}
