// Package schedule reads schedule expressions and fires schedules.
//
// An expression is written the way EventBridge writes it —
// cron(0 9 ? * MON-FRI *) or rate(5 minutes) — or as standard five-field
// cron (0 9 * * 1-5), or as a descriptor (@daily, @hourly, @every 1h). It
// is evaluated in the schedule's time zone (Asia/Tokyo, say).
package schedule

import (
	"fmt"
	"strings"
	"time"
)

// Schedule says when a schedule fires.
type Schedule interface {
	// Next returns the first firing time after t, or the zero time when
	// the schedule never fires again.
	Next(t time.Time) time.Time
}

// Parse reads expr and returns its schedule in loc (UTC when nil). Errors
// say what is wrong with which field, in words.
func Parse(expr string, loc *time.Location) (Schedule, error) {
	if loc == nil {
		loc = time.UTC
	}
	e := strings.TrimSpace(expr)
	switch {
	case e == "":
		return nil, fmt.Errorf("empty schedule expression; write e.g. cron(0 9 ? * MON-FRI *), rate(5 minutes) or 0 9 * * 1-5")
	case strings.HasPrefix(e, "cron(") || strings.HasPrefix(e, "rate("):
		if !strings.HasSuffix(e, ")") {
			return nil, fmt.Errorf("%q: missing the closing parenthesis", expr)
		}
		inner := strings.TrimSpace(e[5 : len(e)-1])
		if strings.HasPrefix(e, "rate(") {
			return parseRate(inner)
		}
		return parseEventBridgeCron(inner, loc)
	case strings.HasPrefix(e, "@"):
		return parseDescriptor(e, loc)
	}
	return parseStandardCron(e, loc)
}

func parseDescriptor(e string, loc *time.Location) (Schedule, error) {
	if d, ok := strings.CutPrefix(e, "@every "); ok {
		p, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil || p < time.Second {
			return nil, fmt.Errorf("%q: @every needs a duration of at least 1s, such as @every 1h", e)
		}
		return every(p), nil
	}
	std := map[string]string{
		"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
		"@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
	}
	if c, ok := std[e]; ok {
		return parseStandardCron(c, loc)
	}
	return nil, fmt.Errorf("%q: unknown descriptor (known: @yearly, @monthly, @weekly, @daily, @hourly, @every DURATION)", e)
}
