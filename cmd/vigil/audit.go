package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilhq/vigil/internal/audit"
)

func newAuditCmd(a *app) *cobra.Command {
	return group("audit", "the hash-chained audit log (vigil audit verify|log)", newAuditVerifyCmd(a), newAuditLogCmd(a))
}

type auditOptions struct {
	flags   remFlags
	format  string
	subject string
	limit   int
}

func newAuditVerifyCmd(a *app) *cobra.Command {
	var o auditOptions
	cmd := leaf("verify", "check that no audit record was changed, removed or moved", `
Walk the audit log's hash chain and report the first record that was changed,
removed or moved. Exit status 0: intact; 1: the first bad record is named.`,
		func(ctx context.Context, args []string) int { return runAuditVerify(ctx, a, o, args) })
	o.flags.add(cmd.Flags(), true)
	formatFlag(cmd, &o.format, "text", "text", "json")
	return cmd
}

func runAuditVerify(ctx context.Context, a *app, o auditOptions, args []string) int {
	io := a.stdio
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil audit verify: unexpected argument %q\n", args[0])
		return exitUsage
	}
	st, err := o.flags.openStore(ctx)
	if err != nil {
		fmt.Fprintf(io.err, "vigil audit verify: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	rep, err := audit.Verify(ctx, st.Q())
	if err != nil {
		fmt.Fprintf(io.err, "vigil audit verify: %v\n", err)
		return exitFailure
	}
	if o.format == "json" {
		writeJSON(io, "vigil audit verify", rep)
	} else if rep.Problem == nil {
		fmt.Fprintf(io.out, "audit log intact: %d records\n", rep.Records)
	}
	if rep.Problem != nil {
		fmt.Fprintf(io.err, "vigil audit verify: %v\n", rep.Problem)
		return exitFailure
	}
	return exitOK
}

func newAuditLogCmd(a *app) *cobra.Command {
	var o auditOptions
	cmd := leaf("log", "print the audit log", "Print the audit log in order: who did what to what, with each record's detail (secrets redacted).",
		func(ctx context.Context, args []string) int { return runAuditLog(ctx, a, o, args) })
	fs := cmd.Flags()
	o.flags.add(fs, true)
	formatFlag(cmd, &o.format, "text", "text", "json")
	fs.StringVar(&o.subject, "subject", "", "only records about this (a remediation or approval id)")
	fs.IntVar(&o.limit, "limit", 0, "at most this many (0: all)")
	return cmd
}

func runAuditLog(ctx context.Context, a *app, o auditOptions, args []string) int {
	io := a.stdio
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil audit log: unexpected argument %q\n", args[0])
		return exitUsage
	}
	st, err := o.flags.openStore(ctx)
	if err != nil {
		fmt.Fprintf(io.err, "vigil audit log: %v\n", err)
		return exitFailure
	}
	defer st.Close()
	es, err := audit.List(ctx, st.Q(), audit.Query{Subject: o.subject, Limit: o.limit})
	if err != nil {
		fmt.Fprintf(io.err, "vigil audit log: %v\n", err)
		return exitFailure
	}
	if o.format == "json" {
		if es == nil {
			es = []*audit.Entry{}
		}
		return writeJSON(io, "vigil audit log", es)
	}
	for _, e := range es {
		fmt.Fprintf(io.out, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.Subject, truncate(string(e.Detail), 200))
	}
	return exitOK
}
