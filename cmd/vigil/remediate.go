package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/kb"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify/channel"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/remediate"
	"github.com/vigilhq/vigil/internal/remediate/playbooks"
	"github.com/vigilhq/vigil/internal/secrets"
	"github.com/vigilhq/vigil/internal/secrets/secretsmanager"
	"github.com/vigilhq/vigil/internal/store"
)

func newRemediateCmd(a *app) *cobra.Command {
	return group("remediate", "plan, apply, verify and roll back remediations (vigil remediate plan|apply|rollback|list|show|policy)",
		newRemediatePlanCmd(a), newRemediateApplyCmd(a), newRemediateRollbackCmd(a),
		newRemediateListCmd(a), newRemediateShowCmd(a), newRemediatePolicyCmd(a))
}

// remFlags are --config and --database for the remediate commands, which
// also work without a configuration file (remediation's defaults, database
// ./vigil.db).
type remFlags struct {
	config, database string
}

func (f *remFlags) add(fs *pflag.FlagSet, withDB bool) {
	fs.StringVar(&f.config, "config", "", "configuration file (default: vigil.yaml when it exists; remediation's defaults otherwise)")
	if withDB {
		fs.StringVar(&f.database, "database", "", "database URL (default: the configuration's, else sqlite://./vigil.db)")
	}
}

// load returns the configuration: the file named, vigil.yaml when it
// exists, or the defaults.
func (f remFlags) load() (*config.Config, error) {
	path := f.config
	if path == "" {
		if _, err := os.Stat("vigil.yaml"); err == nil {
			path = "vigil.yaml"
		}
	}
	if path == "" {
		return config.Parse("(defaults)", nil)
	}
	return config.Load(path)
}

// openStore opens the database alone (shared with a running vigil serve).
func (f remFlags) openStore(ctx context.Context) (*store.Store, error) {
	dsn := f.database
	if dsn == "" {
		cfg, err := f.load()
		if err != nil {
			return nil, err
		}
		dsn = cfg.Database
	}
	return pipeline.OpenStore(ctx, dsn, true)
}

// remEnv is what a remediate command works with.
type remEnv struct {
	cfg *config.Config
	st  *store.Store
	svc *remediate.Service
	kb  *kb.Base // the policy documents' parameters; nil without knowledge:
}

func (e *remEnv) close() {
	if e.st != nil {
		e.st.Close()
	}
	if e.kb != nil {
		e.kb.Close()
	}
}

// open loads the configuration and builds the remediation service; with
// withDB it opens the database (shared with a running vigil serve) and the
// configured notifiers.
func (f remFlags) open(ctx context.Context, a *app, withDB bool) (*remEnv, error) {
	cfg, err := f.load()
	if err != nil {
		return nil, err
	}
	e := &remEnv{cfg: cfg}
	aws := a.awsProvider()
	var notifiers map[string]*channel.Named
	if withDB {
		dsn := f.database
		if dsn == "" {
			dsn = cfg.Database
		}
		if e.st, err = pipeline.OpenStore(ctx, dsn, true); err != nil {
			return nil, err
		}
		rs := &secrets.Resolver{Backend: secretsmanager.New(aws)}
		if notifiers, err = pipeline.BuildNotifiers(cfg, channel.Deps{Store: e.st, AWS: aws, Secrets: rs}); err != nil {
			e.close()
			return nil, err
		}
	}
	if e.kb, err = pipeline.NewKnowledge(cfg, aws, nil); err != nil {
		e.close()
		return nil, err
	}
	if e.svc, err = pipeline.NewRemediation(cfg, e.st, nil, aws, notifiers, e.kb, slog.New(slog.DiscardHandler)); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// currentUser is the login name, the default of --by where a person's
// name is recorded.
func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// readEventArg reads the event of FILE, or of standard input for -.
func readEventArg(io stdio, name string) (*event.Event, error) {
	if name == "-" {
		return event.Read(io.in)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ev, err := event.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return ev, nil
}

const remediatePlanHelp = `
Plan the remediation of one event (a GuardDuty finding, a Security Hub
finding, an AWS Config compliance change or a CloudTrail call): which
playbooks apply (--playbook, or the mapping), the exact API calls, the
resource's state before, how to roll back, and what the policy would decide
(mode). Planning only reads: no call that changes anything is made, and no
role is assumed in the caller's own account.

Formats: text (default), json ({"plans": [...]}), cli (AWS CLI commands),
python (a boto3 script) and terraform (where a Terraform resource applies),
built from the event's own identifiers; values known only once applied are
written <LIKE_THIS>.

Example:
  vigil --endpoint-url http://127.0.0.1:4566 remediate plan examples/events/guardduty.cryptocurrency_ec2_bitcointool_b_dns.json --format cli
`

type remPlanOptions struct {
	flags     remFlags
	playbooks []string
	format    string
	lang      string
}

func newRemediatePlanCmd(a *app) *cobra.Command {
	var o remPlanOptions
	cmd := leaf("plan FILE|-", "plan a remediation: API calls, before-state, rollback (reads only)", remediatePlanHelp,
		func(ctx context.Context, args []string) int { return runRemediatePlan(ctx, a, o, args) })
	fs := cmd.Flags()
	o.flags.add(fs, false)
	fs.StringSliceVar(&o.playbooks, "playbook", nil, "playbook to plan (repeatable; default: the mapping's for the finding)")
	formatFlag(cmd, &o.format, "text", "text", "json", "cli", "python", "terraform")
	choiceFlag(cmd, &o.lang, "lang", envOr("en", "VIGIL_LANG"), "language of the text format", "en", "ja")
	completeValues(cmd, "playbook", playbooks.All().Names()...)
	return cmd
}

func runRemediatePlan(ctx context.Context, a *app, o remPlanOptions, args []string) int {
	io := a.stdio
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil remediate plan: give one event FILE (or - for standard input)")
		return exitUsage
	}
	lng, err := lang.Parse(o.lang)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate plan: --lang: %v\n", err)
		return exitUsage
	}
	switch o.format {
	case "text", "json", "cli", "python", "terraform":
	default:
		fmt.Fprintf(io.err, "vigil remediate plan: --format: want text, json, cli, python or terraform, got %q\n", o.format)
		return exitUsage
	}
	ev, err := readEventArg(io, args[0])
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate plan: %v\n", err)
		return exitUsage
	}
	e, err := o.flags.open(ctx, a, false)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate plan: %v\n", err)
		return exitFailure
	}
	defer e.close()
	plans, err := e.svc.Preview(ctx, ev, o.playbooks)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate plan: %v\n", err)
		return exitFailure
	}
	switch o.format {
	case "json":
		if plans == nil {
			plans = []*remediate.Plan{}
		}
		if writeJSON(io, "vigil remediate plan", map[string]any{"plans": plans}) != exitOK {
			return exitFailure
		}
	case "cli":
		err = remediate.RenderCLI(io.out, plans)
	case "python":
		err = remediate.RenderPython(io.out, plans)
	case "terraform":
		err = remediate.RenderTerraform(io.out, plans)
	default:
		err = remediate.RenderText(io.out, plans, lng)
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate plan: %v\n", err)
		return exitFailure
	}
	return exitOK
}

const remediateApplyHelp = `
Plan, apply and verify one playbook on one event's finding from the command
line (game days, one-off fixes), recorded in vigil's database and audit log
as the workflow of vigil serve records it. It needs no configuration file.

--yes --by NAME is the approval of the person named, whatever
remediation.mode says; without --yes the plan is shown and the command asks.
The blast-radius limit (remediation.limit, 10 changes an hour by default)
still applies, and so does the exemption tag. A destructive playbook
(ec2-terminate) may not be approved by the person who asks for it: the
command records the request and another approver runs vigil approve.

Applying the same playbook to the same finding again changes nothing and
prints the existing remediation.

Example:
  vigil --endpoint-url http://127.0.0.1:4566 remediate apply finding.json --playbook ec2-isolate --yes --by alice --format json
`

type remApplyOptions struct {
	flags    remFlags
	playbook string
	yes      bool
	by       string
	format   string
}

func newRemediateApplyCmd(a *app) *cobra.Command {
	var o remApplyOptions
	cmd := leaf("apply FILE|-", "plan, apply and verify a playbook now, approved by you", remediateApplyHelp,
		func(ctx context.Context, args []string) int { return runRemediateApply(ctx, a, o, args) })
	fs := cmd.Flags()
	o.flags.add(fs, true)
	fs.StringVar(&o.playbook, "playbook", "", "playbook to apply (required)")
	fs.BoolVar(&o.yes, "yes", false, "approve without asking (with --by)")
	fs.StringVar(&o.by, "by", "", "your name, recorded as requester and approver (default with a prompt: $USER)")
	formatFlag(cmd, &o.format, "text", "text", "json")
	completeValues(cmd, "playbook", playbooks.All().Names()...)
	return cmd
}

func runRemediateApply(ctx context.Context, a *app, o remApplyOptions, args []string) int {
	io := a.stdio
	fail := func(code int, format string, x ...any) int {
		fmt.Fprintf(io.err, "vigil remediate apply: "+format+"\n", x...)
		return code
	}
	if len(args) != 1 {
		return fail(exitUsage, "give one event FILE (or - for standard input)")
	}
	if o.playbook == "" {
		return fail(exitUsage, "--playbook is required (one of %s)", strings.Join(playbooks.All().Names(), ", "))
	}
	if o.format != "text" && o.format != "json" {
		return fail(exitUsage, "--format: want text or json, got %q", o.format)
	}
	if o.yes && o.by == "" {
		return fail(exitUsage, "--yes needs --by NAME: the person approving")
	}
	if o.by == "" {
		o.by = currentUser()
	}
	if args[0] == "-" && !o.yes {
		return fail(exitUsage, "reading the event from standard input leaves no way to ask: add --yes --by NAME")
	}
	ev, err := readEventArg(io, args[0])
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	e, err := o.flags.open(ctx, a, true)
	if err != nil {
		return fail(exitFailure, "%v", err)
	}
	defer e.close()
	opts := remediate.ApplyOptions{By: o.by}
	if o.format == "text" {
		opts.Progress = func(r *remediate.Remediation, step string) {
			fmt.Fprintf(io.err, "%s %s: %s\n", r.ID, r.Playbook, step)
		}
	}
	if !o.yes {
		in := bufio.NewReader(io.in)
		opts.Confirm = func(r *remediate.Remediation) (bool, error) {
			remediate.RenderText(io.err, []*remediate.Plan{r.Plan}, lang.EN)
			fmt.Fprintf(io.err, "\nApply this as %s? [y/N] ", o.by)
			line, err := in.ReadString('\n')
			if err != nil && line == "" {
				return false, nil
			}
			ans := strings.ToLower(strings.TrimSpace(line))
			return ans == "y" || ans == "yes", nil
		}
	}
	rems, err := e.svc.ApplyNow(ctx, ev, o.playbook, opts)
	printRemediations(io, o.format, rems)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate apply: %v\n", err)
		return exitFailure
	}
	for _, r := range rems {
		switch r.Status {
		case remediate.StatusVerified, remediate.StatusApplied, remediate.StatusApproved, remediate.StatusNoChange, remediate.StatusPendingApproval, remediate.StatusRolledBack:
		default:
			fmt.Fprintf(io.err, "vigil remediate apply: %s is %s%s\n", r.ID, r.Status, suffix(": ", r.Error))
			return exitFailure
		}
	}
	return exitOK
}

func suffix(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// printRemediations prints {"id","status"} per remediation (an object for
// one, an array for several), or a line each.
func printRemediations(io stdio, format string, rems []*remediate.Remediation) {
	type short struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if format == "json" {
		var out []short
		for _, r := range rems {
			out = append(out, short{r.ID, r.Status})
		}
		switch len(out) {
		case 0:
		case 1:
			writeJSON(io, "vigil remediate", out[0])
		default:
			writeJSON(io, "vigil remediate", out)
		}
		return
	}
	for _, r := range rems {
		fmt.Fprintf(io.out, "%s %s %s on %s: %s%s\n", r.ID, r.Status, r.Playbook, r.Resource, firstOf(r.Verification, r.Reason), suffix(" — ", r.Error))
	}
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

const remediateRollbackHelp = `
Roll an applied remediation back to the before-state recorded in its plan,
in this process, and record it. Without --yes the plan's rollback steps are
shown and the command asks. Terminations cannot be rolled back.
`

type remRollbackOptions struct {
	flags  remFlags
	yes    bool
	by     string
	format string
}

func newRemediateRollbackCmd(a *app) *cobra.Command {
	var o remRollbackOptions
	cmd := leaf("rollback ID", "restore the before-state of an applied remediation", remediateRollbackHelp,
		func(ctx context.Context, args []string) int { return runRemediateRollback(ctx, a, o, args) })
	fs := cmd.Flags()
	o.flags.add(fs, true)
	fs.BoolVar(&o.yes, "yes", false, "roll back without asking")
	fs.StringVar(&o.by, "by", currentUser(), "your name, recorded in the audit log")
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

func runRemediateRollback(ctx context.Context, a *app, o remRollbackOptions, args []string) int {
	io := a.stdio
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil remediate rollback: give one remediation ID (vigil remediate list)")
		return exitUsage
	}
	if o.by == "" {
		fmt.Fprintln(io.err, "vigil remediate rollback: --by NAME is required")
		return exitUsage
	}
	e, err := o.flags.open(ctx, a, true)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate rollback: %v\n", err)
		return exitFailure
	}
	defer e.close()
	if !o.yes {
		r, err := e.svc.Get(ctx, args[0])
		if err != nil {
			fmt.Fprintf(io.err, "vigil remediate rollback: %v\n", err)
			return exitFailure
		}
		if r.Plan != nil {
			fmt.Fprintf(io.err, "%s %s on %s, rollback:\n", r.ID, r.Playbook, r.Resource)
			for _, st := range r.Plan.Rollback {
				p, _ := json.Marshal(st.Params)
				fmt.Fprintf(io.err, "  %s %s\n", st.API, p)
			}
		}
		fmt.Fprintf(io.err, "Roll back as %s? [y/N] ", o.by)
		line, _ := bufio.NewReader(io.in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			fmt.Fprintln(io.err, "vigil remediate rollback: not confirmed; nothing changed")
			return exitFailure
		}
	}
	r, err := e.svc.RollbackNow(ctx, args[0], o.by)
	if r != nil {
		printRemediations(io, o.format, []*remediate.Remediation{r})
	}
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate rollback: %v\n", err)
		return exitFailure
	}
	return exitOK
}

type remListOptions struct {
	flags  remFlags
	format string
	status string
	limit  int
}

func newRemediateListCmd(a *app) *cobra.Command {
	var o remListOptions
	cmd := leaf("list", "list remediations, newest first", "List remediations, newest first, with their status.",
		func(ctx context.Context, args []string) int { return runRemediateList(ctx, a, o, args) })
	fs := cmd.Flags()
	o.flags.add(fs, true)
	formatFlag(cmd, &o.format, "text", "text", "json")
	fs.StringVar(&o.status, "status", "", "only this status (planning, dry_run, pending_approval, verified, escalated, ...)")
	fs.IntVar(&o.limit, "limit", 100, "at most this many")
	return cmd
}

func runRemediateList(ctx context.Context, a *app, o remListOptions, args []string) int {
	io := a.stdio
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil remediate list: unexpected argument %q (to see one: vigil remediate show ID)\n", args[0])
		return exitUsage
	}
	e, err := o.flags.open(ctx, a, true)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate list: %v\n", err)
		return exitFailure
	}
	defer e.close()
	list, err := e.svc.List(ctx, remediate.Filter{Status: o.status, Limit: o.limit})
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate list: %v\n", err)
		return exitFailure
	}
	if o.format == "json" {
		if list == nil {
			list = []*remediate.Remediation{}
		}
		return writeJSON(io, "vigil remediate list", list)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tSTATUS\tPLAYBOOK\tRESOURCE\tACCOUNT/REGION\tFINDING")
	for _, r := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s/%s\t%s\n", r.ID, r.CreatedAt.UTC().Format(time.RFC3339), r.Status, r.Playbook, r.Resource, r.Account, r.Region, truncate(r.FindingID, 60))
	}
	tw.Flush()
	return exitOK
}

type remShowOptions struct {
	flags  remFlags
	format string
}

func newRemediateShowCmd(a *app) *cobra.Command {
	var o remShowOptions
	cmd := leaf("show ID", "show a remediation: plan, approval, steps and audit trail", "Show one remediation with its plan, before-state, approval, recorded steps and audit trail.",
		func(ctx context.Context, args []string) int { return runRemediateShow(ctx, a, o, args) })
	fs := cmd.Flags()
	o.flags.add(fs, true)
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

func runRemediateShow(ctx context.Context, a *app, o remShowOptions, args []string) int {
	io := a.stdio
	if len(args) != 1 {
		fmt.Fprintln(io.err, "vigil remediate show: give one remediation ID (vigil remediate list)")
		return exitUsage
	}
	e, err := o.flags.open(ctx, a, true)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate show: %v\n", err)
		return exitFailure
	}
	defer e.close()
	d, err := e.svc.Show(ctx, args[0])
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate show: %v\n", err)
		return exitFailure
	}
	if o.format == "json" {
		return writeJSON(io, "vigil remediate show", d)
	}
	fmt.Fprintf(io.out, "%s  %s on %s (%s/%s)\nstatus: %s%s\nfinding: %s (%s)\nrequested by %s (%s) at %s\n", d.ID, d.Playbook, d.Resource, d.Account, d.Region,
		d.Status, suffix(" — ", firstOf(d.Error, d.Reason)), d.FindingID, firstOf(d.Severity, "-"), d.RequestedBy, d.Rule, d.CreatedAt.UTC().Format(time.RFC3339))
	if d.Approval != nil {
		fmt.Fprintf(io.out, "approval %s: %s%s\n", d.Approval.ID, d.Approval.Status, suffix(" by ", d.Approval.DecidedBy))
	}
	if d.Plan != nil {
		fmt.Fprintln(io.out)
		remediate.RenderText(io.out, []*remediate.Plan{d.Plan}, lang.EN)
	}
	fmt.Fprintln(io.out, "\naudit:")
	for _, e := range d.Audit {
		fmt.Fprintf(io.out, "  %d %s %-8s %s\n", e.Seq, e.At.UTC().Format(time.RFC3339), e.Actor, e.Action)
	}
	return exitOK
}

const remediatePolicyHelp = `
Print the least-privilege IAM policy the remediation role needs for the
playbooks the configuration can run (its remediate targets' playbooks, and
the mapping's when a target names none), or for --playbook. --read-only
gives only what planning and verifying need.
`

type remPolicyOptions struct {
	flags     remFlags
	playbooks []string
	readOnly  bool
}

func newRemediatePolicyCmd(a *app) *cobra.Command {
	var o remPolicyOptions
	cmd := leaf("policy", "print the least-privilege IAM policy of the enabled playbooks", remediatePolicyHelp,
		func(ctx context.Context, args []string) int { return runRemediatePolicy(ctx, a, o, args) })
	fs := cmd.Flags()
	o.flags.add(fs, false)
	fs.StringSliceVar(&o.playbooks, "playbook", nil, "playbook to include (repeatable; default: the configuration's, else all)")
	fs.BoolVar(&o.readOnly, "read-only", false, "only the permissions to plan and verify")
	completeValues(cmd, "playbook", playbooks.All().Names()...)
	return cmd
}

func runRemediatePolicy(ctx context.Context, a *app, o remPolicyOptions, args []string) int {
	io := a.stdio
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil remediate policy: unexpected argument %q\n", args[0])
		return exitUsage
	}
	e, err := o.flags.open(ctx, a, false)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate policy: %v\n", err)
		return exitFailure
	}
	names := o.playbooks
	if len(names) == 0 {
		names = e.svc.EnabledPlaybooks()
	}
	if len(names) == 0 {
		names = e.svc.Registry().Names()
	}
	doc, err := remediate.IAMPolicy(e.svc.Registry(), names, o.readOnly)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate policy: %v\n", err)
		return exitUsage
	}
	b, err := remediate.MarshalPolicy(doc)
	if err != nil {
		fmt.Fprintf(io.err, "vigil remediate policy: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(io.out, "%s\n", b)
	return exitOK
}
