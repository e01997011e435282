package scan

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
)

// Options configure one report run.
type Options struct {
	Query Query
	// Name keys the scan's history; Query.Key() when empty, so runs with
	// the same filters compare with each other.
	Name string
	// Env names the environment in messages ("本番", "production"); the
	// message leaves it out when empty.
	Env string
	// Lang is the language of the CSV headers and the message.
	Lang lang.Lang
	// BOM starts the CSV with a UTF-8 byte order mark (for Excel).
	BOM bool
	// Owners maps a resource tag to the people mentioned on their
	// violations.
	Owners Owners
	// History, when set, compares the run with the previous one; without
	// it every violation counts as open and nothing as new or resolved.
	History *History
	// Examples bounds the violations listed per heading and per owner in
	// the message; 10 when zero.
	Examples int
	// Delivery identifies the job running the report: when a retry of it
	// runs again, the history compares with the same previous run, so the
	// retried message reports the same changes.
	Delivery string
	// MarkNotified keeps the findings whose workflow status is NEW so
	// that, once the report is delivered, Scanner.MarkNotified can set
	// them to NOTIFIED in Security Hub.
	MarkNotified bool
}

// Result is what a run found. It holds counts and a bounded number of
// examples, never every finding.
type Result struct {
	Name  string
	Query Query
	Env   string
	Lang  lang.Lang
	// Total counts the violations listed (rows in the CSV).
	Total int
	// Diffed is true when the run was compared with history; FirstScan
	// when there was no previous run to compare with.
	Diffed, FirstScan bool
	New, Resolved     int
	NewExamples       []Finding
	ResolvedExamples  []Finding
	// Owners lists each mentioned person's violations, most first;
	// Unowned counts violations with no owner (only with Owners set).
	Owners   []OwnerSummary
	Unowned  int
	OwnerTag string

	// commit makes the run the history's baseline (Commit).
	commit func(ctx context.Context) error
	// toMark are the findings still NEW in Security Hub, by the region
	// they were listed in (with Options.MarkNotified).
	toMark map[string][]Mark
}

// Mark identifies a finding for BatchUpdateFindings.
type Mark struct{ ID, ProductArn string }

// Commit makes this run the one the next run of the same scan is compared
// with. Call it once the report was delivered: a run whose report never
// reached anyone is not a baseline, so its new violations are reported as
// new again next time. Without history it does nothing.
func (r *Result) Commit(ctx context.Context) error {
	if r.commit == nil {
		return nil
	}
	return r.commit(ctx)
}

// Unchanged reports whether the run was compared with a previous one and
// found nothing new and nothing resolved.
func (r *Result) Unchanged() bool {
	return r.Diffed && !r.FirstScan && r.New == 0 && r.Resolved == 0
}

// Open is the number of violations that were already open at the previous
// scan.
func (r *Result) Open() int { return r.Total - r.New }

// Run scans with sc, writes the CSV report to w (nil for none), records
// the run in the history and returns the result.
func Run(ctx context.Context, sc *Scanner, w io.Writer, opts Options) (*Result, error) {
	if opts.Examples <= 0 {
		opts.Examples = 10
	}
	if opts.Name == "" {
		opts.Name = opts.Query.Key()
	}
	res := &Result{Name: opts.Name, Query: opts.Query, Env: opts.Env, Lang: opts.Lang, Diffed: opts.History != nil, OwnerTag: opts.Owners.Tag}
	var cw *CSVWriter
	if w != nil {
		var err error
		cw, err = NewCSVWriter(w, CSVOptions{Lang: opts.Lang, BOM: opts.BOM, Owner: opts.Owners.Enabled(), Change: opts.History != nil})
		if err != nil {
			return nil, err
		}
	}
	tally := &ownerTally{byWho: map[string]*OwnerSummary{}, examples: min(opts.Examples, 5)}
	emit := func(f *Finding, isNew bool) error {
		res.Total++
		if isNew && opts.History != nil {
			res.New++
			if len(res.NewExamples) < opts.Examples {
				res.NewExamples = append(res.NewExamples, slim(f))
			}
		}
		if opts.MarkNotified && f.Workflow == "NEW" && f.ProductArn != "" {
			if res.toMark == nil {
				res.toMark = map[string][]Mark{}
			}
			res.toMark[f.ScannedIn] = append(res.toMark[f.ScannedIn], Mark{f.ID, f.ProductArn})
		}
		value, who := opts.Owners.Of(f)
		if opts.Owners.Enabled() {
			tally.add(who, f, isNew && opts.History != nil)
		}
		if cw != nil {
			return cw.Write(f, value, isNew)
		}
		return nil
	}
	var dr *diffRun
	if opts.History != nil {
		var err error
		if dr, err = opts.History.begin(ctx, opts.Name, opts.Delivery, emit); err != nil {
			return nil, err
		}
		res.FirstScan = dr.first()
	}
	err := sc.Scan(ctx, opts.Query, func(f *Finding) error {
		if dr != nil {
			if opts.Owners.Enabled() {
				f.owner, _ = opts.Owners.Of(f)
			}
			return dr.add(ctx, f)
		}
		return emit(f, false)
	})
	if err != nil {
		return nil, err
	}
	if dr != nil {
		if err := dr.flush(ctx); err != nil {
			return nil, err
		}
		res.Resolved, res.ResolvedExamples, err = dr.finish(ctx, opts.Examples)
		if err != nil {
			return nil, err
		}
		if err := dr.archive(ctx, res, opts.Owners.Enabled()); err != nil {
			return nil, err
		}
		total, resolved := res.Total, res.Resolved
		res.commit = func(ctx context.Context) error { return dr.commit(ctx, total, resolved) }
	}
	if cw != nil {
		if err := cw.Flush(); err != nil {
			return nil, err
		}
	}
	res.Owners = tally.summaries()
	res.Unowned = tally.unowned
	return res, nil
}

// FileName is the report's CSV file name, e.g. securityhub-violations.csv.
func (r *Result) FileName() string {
	return text(r.Lang, msgFileName) + ".csv"
}

// Message is the notification for the result: the headline (「🚨 本番
// 環境で N 件の違反を検出しました」), then what changed since the previous
// scan with examples, then the scope; each owner is mentioned with their
// own violations.
func (r *Result) Message() notify.Message {
	L := r.Lang
	m := notify.Message{Lang: L}
	switch {
	case r.Total == 0 && r.Env != "":
		m.Subject = text(L, msgSubjectNone, r.Env)
	case r.Total == 0:
		m.Subject = text(L, msgSubjectNone0)
	case r.Env != "":
		m.Subject = text(L, msgSubjectEnv, r.Total, r.Env)
	default:
		m.Subject = text(L, msgSubject, r.Total)
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(s + "\n") }
	if r.Diffed {
		switch {
		case r.FirstScan:
			line(text(L, msgFirstScan))
		case r.New == 0 && r.Resolved == 0:
			line(text(L, msgNoChange, r.Open()))
		default:
			line(text(L, msgChanges, r.New, r.Resolved, r.Open()))
		}
		if !r.FirstScan {
			list := func(head string, ex []Finding, n int) {
				if n == 0 {
					return
				}
				line("")
				line(text(L, head))
				for _, f := range ex {
					line("• " + findingLine(&f))
				}
				if n > len(ex) {
					line("• " + text(L, msgMore, n-len(ex)))
				}
			}
			list(msgNewHeading, r.NewExamples, r.New)
			list(msgResolvedHead, r.ResolvedExamples, r.Resolved)
		}
	}
	if scope := r.scope(); scope != "" {
		if b.Len() > 0 {
			line("")
		}
		line(scope)
	}
	if r.OwnerTag != "" && r.Unowned > 0 {
		line(text(L, msgUnowned, r.Unowned, r.OwnerTag))
	}
	m.Text = strings.TrimRight(b.String(), "\n")
	for _, o := range r.Owners {
		var ex []string
		for _, f := range o.Examples {
			ex = append(ex, f.ControlID+" "+f.Resource)
		}
		s := strings.Join(ex, text(L, msgListSep))
		if o.Count > len(o.Examples) {
			s += text(L, msgListSep) + text(L, msgMore, o.Count-len(o.Examples))
		}
		m.Mentions = append(m.Mentions, notify.Mention{Who: o.Who, Text: text(L, msgOwnerLine, o.Count, o.New, s)})
	}
	return m
}

func findingLine(f *Finding) string {
	return fmt.Sprintf("%s [%s] %s (%s %s)", f.ControlID, f.Severity, f.Resource, f.Account, f.Region)
}

func (r *Result) scope() string {
	L := r.Lang
	sep := text(L, msgListSep)
	var parts []string
	q := r.Query
	if len(q.Regions) > 0 {
		parts = append(parts, text(L, msgScopeRegions, strings.Join(q.Regions, sep)))
	}
	if q.SeverityFloor != "" {
		parts = append(parts, text(L, msgScopeSeverity, q.SeverityFloor))
	}
	if len(q.ControlIDs) > 0 {
		parts = append(parts, text(L, msgScopeControls, strings.Join(q.ControlIDs, sep)))
	}
	if len(q.Accounts) > 0 {
		parts = append(parts, text(L, msgScopeAccounts, strings.Join(q.Accounts, sep)))
	}
	if len(q.Products) > 0 {
		parts = append(parts, text(L, msgScopeProducts, strings.Join(q.Products, sep)))
	}
	if len(parts) == 0 {
		return ""
	}
	return text(L, msgScope, strings.Join(parts, text(L, msgScopeSep)))
}
