package explain

import (
	"strings"
	"time"
)

// timeLayouts are the ways AWS sources write times in events: RFC 3339
// (with or without fractions), AWS Health's RFC 1123 ("Sat, 05 Jun 2016
// 15:10:09 GMT"), and CloudTrail's response dates ("Jul 10, 2023,
// 12:07:59 PM", with or without the second comma).
var timeLayouts = []string{time.RFC3339Nano, time.RFC1123, "Jan 2, 2006, 3:04:05 PM", "Jan 2, 2006 3:04:05 PM", "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05"}

// parseTime reads a time written in one of timeLayouts; ok is false for
// anything else. Times without a zone are UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
