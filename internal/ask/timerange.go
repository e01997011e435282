package ask

import (
	"regexp"
	"strconv"
	"time"
)

// timeRange is a period a question names.
type timeRange struct {
	since, until time.Time
	// phrase is how the question said it, for the answer's scope line.
	phrase string
}

var (
	relativeRE = regexp.MustCompile(`(?:過去|直近|ここ|最近|この)\s*([0-9]+)\s*(時間|日間|日|週間|週|か月|ヶ月|カ月)|([0-9]+)\s*(時間|日|週間)\s*以内|\b(?:in the |within the |within |over the |for the )?(?:last|past|previous)\s+([0-9]+)\s*(hours?|h|days?|d|weeks?|w)\b|\bwithin\s+([0-9]+)\s*(hours?|days?|weeks?)\b`)
	namedRE    = regexp.MustCompile(`今日|本日|昨日|今週|先週|今月|\btoday\b|\byesterday\b|\bthis week\b|\blast week\b|\bthis month\b|\bpast (?:day|24h)\b|\bpast week\b|\blast 24h\b`)
)

// parseTime finds the first period the text names, relative to now in
// loc: today and yesterday from midnight, weeks from Monday. It returns
// the text with the phrase removed.
func parseTime(text string, now time.Time, loc *time.Location) (*timeRange, string) {
	now = now.In(loc)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	if m := relativeRE.FindStringSubmatchIndex(text); m != nil {
		phrase := text[m[0]:m[1]]
		var num, unit string
		for g := 1; g+1 < len(m)/2; g += 2 {
			if m[2*g] >= 0 {
				num, unit = text[m[2*g]:m[2*g+1]], text[m[2*g+2]:m[2*g+3]]
				break
			}
		}
		n, err := strconv.Atoi(num)
		if err == nil && n > 0 && n <= 3660 {
			var since time.Time
			switch unit {
			case "時間", "hour", "hours", "h":
				since = now.Add(-time.Duration(n) * time.Hour)
			case "日", "日間", "day", "days", "d":
				since = now.AddDate(0, 0, -n)
			case "週間", "週", "week", "weeks", "w":
				since = now.AddDate(0, 0, -7*n)
			default: // months
				since = now.AddDate(0, -n, 0)
			}
			return &timeRange{since: since, until: now, phrase: phrase}, text[:m[0]] + " " + text[m[1]:]
		}
	}
	loc2 := namedRE.FindStringIndex(text)
	if loc2 == nil {
		return nil, text
	}
	phrase := text[loc2[0]:loc2[1]]
	r := &timeRange{until: now, phrase: phrase}
	weekStart := midnight.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	switch phrase {
	case "今日", "本日", "today":
		r.since = midnight
	case "昨日", "yesterday":
		r.since, r.until = midnight.AddDate(0, 0, -1), midnight
	case "今週", "this week":
		r.since = weekStart
	case "先週", "last week":
		r.since, r.until = weekStart.AddDate(0, 0, -7), weekStart
	case "今月", "this month":
		r.since = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	case "past day", "past 24h", "last 24h":
		r.since = now.Add(-24 * time.Hour)
	case "past week":
		r.since = now.AddDate(0, 0, -7)
	}
	return r, text[:loc2[0]] + " " + text[loc2[1]:]
}
