package group

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ID names a notification group; it is short and safe in URLs and job
// arguments whatever the group_by values are.
func ID(rule, target, key string) string {
	h := sha256.Sum256([]byte(rule + "\x00" + target + "\x00" + key))
	return hex.EncodeToString(h[:12])
}

// Key joins the values of the group_by paths in doc (a decoded event), as
// JSON, with "," between them. ["..."] puts every event in one group, as in
// Alertmanager.
func Key(doc any, paths []string) string {
	if len(paths) == 1 && paths[0] == "..." {
		return "..."
	}
	var b strings.Builder
	for i, p := range paths {
		if i > 0 {
			b.WriteString(",")
		}
		v, ok := lookup(doc, p)
		if !ok {
			b.WriteString("null")
			continue
		}
		j, _ := json.Marshal(v)
		b.Write(j)
	}
	return b.String()
}

// Timing is a grouped target's timing.
type Timing struct {
	// Wait is how long a new group collects events before its first
	// flush (group_wait).
	Wait time.Duration
	// Interval is the least time between two flushes of a group
	// (group_interval).
	Interval time.Duration
	// Repeat is how long a group is remembered after its last event
	// (repeat_interval).
	Repeat time.Duration
}

// NextFlush returns when the flush of group g, which an event received at
// now has just joined, is due: group_wait after the group opened for its
// first flush, group_interval after the last flush otherwise, and never in
// the past.
func (t Timing) NextFlush(g *Group, now time.Time) time.Time {
	at := g.OpenedAt.Add(t.Wait)
	if !g.LastFlushAt.IsZero() {
		at = g.LastFlushAt.Add(t.Interval)
	}
	if at.Before(now) {
		at = now
	}
	return at
}

// lookup reads a dotted path such as "detail.findings[0].Severity.Label"
// (a leading "$." is allowed).
func lookup(doc any, path string) (any, bool) {
	path = strings.TrimPrefix(strings.TrimPrefix(path, "$"), ".")
	cur := doc
	for path != "" {
		var seg string
		if i := strings.IndexAny(path, ".["); i >= 0 {
			seg, path = path[:i], path[i:]
		} else {
			seg, path = path, ""
		}
		if seg != "" {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[seg]; !ok {
				return nil, false
			}
		}
		if strings.HasPrefix(path, "[") {
			end := strings.Index(path, "]")
			if end < 0 {
				return nil, false
			}
			var n int
			if _, err := fmt.Sscanf(path[1:end], "%d", &n); err != nil {
				return nil, false
			}
			a, ok := cur.([]any)
			if !ok || n < 0 || n >= len(a) {
				return nil, false
			}
			cur = a[n]
			path = path[end+1:]
		}
		path = strings.TrimPrefix(path, ".")
	}
	return cur, true
}
