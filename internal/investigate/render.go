package investigate

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTimeline writes tl as text: one line per call, and under it the
// reason for each label.
func WriteTimeline(w io.Writer, tl *Timeline) error {
	fmt.Fprintf(w, "%s (%s): %d calls\n", tl.Entity, tl.Kind, len(tl.Events))
	for _, ev := range tl.Events {
		line := fmt.Sprintf("%s  %s  %s  %s  %s", ev.Time.Format(time.RFC3339), ev.EventName, ev.EventSource, ev.Region, ev.SourceIP)
		if ev.ErrorCode != "" {
			line += "  error=" + ev.ErrorCode
		}
		if tl.Kind != KindSession && tl.Kind != KindUser && ev.Principal != tl.Entity {
			line += "  by " + ev.Principal
		}
		if len(ev.Labels) > 0 {
			line += "  [" + strings.Join(ev.Labels, " ") + "]"
		}
		fmt.Fprintln(w, line)
		for _, l := range ev.Labels {
			fmt.Fprintf(w, "    %s: %s\n", l, ev.Why[l])
		}
	}
	if tl.Truncated {
		fmt.Fprintln(w, "(more calls in the window: narrow it with --since/--until or raise --limit)")
	}
	return nil
}

// WriteRelated writes r as a table.
func WriteRelated(w io.Writer, r *Related) error {
	fmt.Fprintf(w, "%s (%s)\n", r.Entity, r.Kind)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RELATION\tKIND\tENTITY\tFIRST SEEN\tLAST SEEN\tCOUNT")
	for _, x := range r.Related {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", x.Relation, x.Kind, x.Entity, x.FirstSeen.Format(time.RFC3339), x.LastSeen.Format(time.RFC3339), x.Count)
	}
	tw.Flush()
	if r.Truncated {
		fmt.Fprintln(w, "(more related entities: raise --limit)")
	}
	return nil
}

// WriteSummary writes s as text.
func WriteSummary(w io.Writer, s *Summary) error {
	fmt.Fprintf(w, "%s (%s)\n", s.Entity, s.Kind)
	fmt.Fprintf(w, "first seen  %s\nlast seen   %s\nrecords     %d\n", s.FirstSeen.Format(time.RFC3339), s.LastSeen.Format(time.RFC3339), s.Count)
	if s.Baseline != "" {
		fmt.Fprintf(w, "baseline of %s\n", s.Baseline)
	}
	if len(s.Chain) > 0 {
		fmt.Fprintf(w, "assumed by  %s\n", strings.Join(s.Chain, " <- "))
	}
	fmt.Fprintf(w, "usage from %s to %s:\n", s.From.Format(time.RFC3339), s.To.Format(time.RFC3339))
	list := func(title string, us []Usage) {
		if len(us) == 0 {
			return
		}
		fmt.Fprintf(w, "  %s:\n", title)
		for _, u := range us {
			fmt.Fprintf(w, "    %7d  %s\n", u.Count, u.Value)
		}
	}
	list("IPs", s.IPs)
	list("user agents", s.UserAgents)
	list("regions", s.Regions)
	list("APIs", s.APIs)
	if h := s.Hourly; h.ActiveHours > 0 {
		fmt.Fprintf(w, "  hourly: %d active hours, %.1f calls per active hour, busiest %d at %s\n", h.ActiveHours, h.Mean, h.Busiest, h.BusiestAt.Format(time.RFC3339))
	}
	return nil
}
