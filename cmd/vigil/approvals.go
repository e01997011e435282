package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vigilhq/vigil/internal/remediate"
)

// serverFlags name the vigil serve the approval commands talk to; the API
// key comes from VIGIL_API_KEY.
type serverFlags struct {
	url string
}

func (s *serverFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&s.url, "server", envOr("http://127.0.0.1:8080", "VIGIL_SERVER"), "the vigil serve to talk to (API key from VIGIL_API_KEY)")
}

// call sends a request to vigil serve and decodes the JSON answer into out;
// an error answer becomes an error with the server's message.
func (s serverFlags) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(s.url, "/")+path, rd)
	if err != nil {
		return fmt.Errorf("--server: %w", err)
	}
	if k := os.Getenv("VIGIL_API_KEY"); k != "" {
		req.Header.Set("x-api-key", k)
	}
	req.Header.Set("Content-Type", "application/json")
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("reaching vigil serve at %s: %w", s.url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			if resp.StatusCode == http.StatusUnauthorized {
				return fmt.Errorf("%s (set VIGIL_API_KEY)", e.Error)
			}
			return fmt.Errorf("%s", e.Error)
		}
		return fmt.Errorf("vigil serve answered %s", resp.Status)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func newApprovalsCmd(a *app) *cobra.Command {
	return group("approvals", "remediations waiting for a person (vigil approvals list)", newApprovalsListCmd(a))
}

type approvalsListOptions struct {
	server serverFlags
	format string
	all    bool
}

func newApprovalsListCmd(a *app) *cobra.Command {
	var o approvalsListOptions
	cmd := leaf("list", "list pending approvals", `
List the remediations waiting for approval (with --all, decided ones too),
newest first, from a running vigil serve. Approve with vigil approve ID --by
NAME, reject with vigil reject ID --by NAME --reason TEXT.`,
		func(ctx context.Context, args []string) int { return runApprovalsList(ctx, a.stdio, o, args) })
	fs := cmd.Flags()
	o.server.add(fs)
	formatFlag(cmd, &o.format, "text", "text", "json")
	fs.BoolVar(&o.all, "all", false, "include approvals already decided or expired")
	return cmd
}

func runApprovalsList(ctx context.Context, io stdio, o approvalsListOptions, args []string) int {
	if len(args) != 0 {
		fmt.Fprintf(io.err, "vigil approvals list: unexpected argument %q\n", args[0])
		return exitUsage
	}
	path := "/approvals"
	if o.all {
		path += "?all=1"
	}
	var list []remediate.ApprovalView
	if err := o.server.call(ctx, "GET", path, nil, &list); err != nil {
		fmt.Fprintf(io.err, "vigil approvals list: %v\n", err)
		return exitFailure
	}
	if o.format == "json" {
		if list == nil {
			list = []remediate.ApprovalView{}
		}
		return writeJSON(io, "vigil approvals list", list)
	}
	tw := tabwriter.NewWriter(io.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREQUESTED\tSTATUS\tPLAYBOOK\tRESOURCE\tACCOUNT/REGION\tSEVERITY\tEXPIRES\tWHY")
	for _, v := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s/%s\t%s\t%s\t%s\n", v.ID, v.RequestedAt.UTC().Format(time.RFC3339), v.Status, v.Playbook, v.Resource,
			v.Account, v.Region, firstOf(v.Severity, "-"), v.ExpiresAt.UTC().Format(time.RFC3339), truncate(v.Why, 80))
	}
	tw.Flush()
	return exitOK
}

type decideOptions struct {
	server     serverFlags
	by, reason string
}

func newApproveCmd(a *app) *cobra.Command {
	var o decideOptions
	cmd := leaf("approve ID", "approve a pending remediation (through vigil serve)", `
Approve a pending remediation as --by NAME: vigil serve applies it, verifies
it and notifies. With remediation.approvers configured, NAME must be one of
them; the person who asked for a destructive remediation may not approve it.`,
		func(ctx context.Context, args []string) int { return runDecide(ctx, a.stdio, o, args, true) })
	o.server.add(cmd.Flags())
	cmd.Flags().StringVar(&o.by, "by", "", "your name (required)")
	return cmd
}

func newRejectCmd(a *app) *cobra.Command {
	var o decideOptions
	cmd := leaf("reject ID", "reject a pending remediation (through vigil serve)", `
Reject a pending remediation as --by NAME, with a reason: nothing is changed
and the rejection is notified and recorded.`,
		func(ctx context.Context, args []string) int { return runDecide(ctx, a.stdio, o, args, false) })
	o.server.add(cmd.Flags())
	cmd.Flags().StringVar(&o.by, "by", "", "your name (required)")
	cmd.Flags().StringVar(&o.reason, "reason", "", "why")
	return cmd
}

func runDecide(ctx context.Context, io stdio, o decideOptions, args []string, approve bool) int {
	name := "reject"
	if approve {
		name = "approve"
	}
	if len(args) != 1 {
		fmt.Fprintf(io.err, "vigil %s: give one approval ID (vigil approvals list)\n", name)
		return exitUsage
	}
	if o.by == "" {
		fmt.Fprintf(io.err, "vigil %s: --by NAME is required: who decides\n", name)
		return exitUsage
	}
	var a remediate.Approval
	if err := o.server.call(ctx, "POST", "/approvals/"+args[0]+"/"+name, map[string]string{"by": o.by, "reason": o.reason}, &a); err != nil {
		fmt.Fprintf(io.err, "vigil %s: %v\n", name, err)
		return exitFailure
	}
	fmt.Fprintf(io.out, "%s %s by %s (remediation %s)\n", a.ID, a.Status, a.DecidedBy, a.RemediationID)
	return exitOK
}
