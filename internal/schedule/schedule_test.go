package schedule

import (
	"strings"
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s: %v", name, err)
	}
	return l
}

func TestNext(t *testing.T) {
	tokyo := mustLoc(t, "Asia/Tokyo")
	for _, tc := range []struct {
		expr  string
		loc   *time.Location
		after string
		want  []string // the next firings, in order
	}{
		// Weekday mornings in Tokyo: Friday 10:00 → Monday 09:00.
		{"cron(0 9 ? * MON-FRI *)", tokyo, "2026-12-04T10:00:00+09:00", []string{"2026-12-07T09:00:00+09:00", "2026-12-08T09:00:00+09:00"}},
		{"0 9 * * 1-5", tokyo, "2026-12-04T10:00:00+09:00", []string{"2026-12-07T09:00:00+09:00"}},
		{"cron(0/15 * * * ? *)", nil, "2026-12-03T11:07:30Z", []string{"2026-12-03T11:15:00Z", "2026-12-03T11:30:00Z"}},
		{"cron(10 * * * ? *)", nil, "2026-12-03T11:10:00Z", []string{"2026-12-03T12:10:00Z"}},
		// The last day of the month.
		{"cron(0 10 L * ? *)", nil, "2026-02-01T00:00:00Z", []string{"2026-02-28T10:00:00Z", "2026-03-31T10:00:00Z"}},
		// The weekday nearest the 15th: Sunday 15 Nov 2026 → Monday 16.
		{"cron(0 9 15W * ? *)", nil, "2026-11-01T00:00:00Z", []string{"2026-11-16T09:00:00Z", "2026-12-15T09:00:00Z"}},
		// 1W on a Saturday the 1st moves forward to Monday the 3rd (Aug 2026).
		{"cron(0 9 1W * ? *)", nil, "2026-07-15T00:00:00Z", []string{"2026-08-03T09:00:00Z"}},
		// The second Tuesday (3 is Tuesday: Sunday is 1).
		{"cron(0 8 ? * 3#2 *)", nil, "2026-12-01T00:00:00Z", []string{"2026-12-08T08:00:00Z", "2027-01-12T08:00:00Z"}},
		// The last Friday.
		{"cron(0 8 ? * 6L *)", nil, "2026-12-01T00:00:00Z", []string{"2026-12-25T08:00:00Z", "2027-01-29T08:00:00Z"}},
		// Only in 2027.
		{"cron(0 0 1 1 ? 2027)", nil, "2026-06-01T00:00:00Z", []string{"2027-01-01T00:00:00Z"}},
		// Standard cron: both day fields restricted fire on either.
		{"0 0 13 * 5", nil, "2026-11-01T00:00:00Z", []string{"2026-11-06T00:00:00Z", "2026-11-13T00:00:00Z", "2026-11-20T00:00:00Z"}},
		{"0 12 * * 7", nil, "2026-12-03T00:00:00Z", []string{"2026-12-06T12:00:00Z"}}, // 7 is Sunday
		{"@daily", nil, "2026-12-03T11:00:00Z", []string{"2026-12-04T00:00:00Z"}},
		// Rates are counted from the epoch, so every replica agrees.
		{"rate(5 minutes)", nil, "2026-12-03T12:03:10Z", []string{"2026-12-03T12:05:00Z", "2026-12-03T12:10:00Z"}},
		{"rate(1 day)", nil, "2026-12-03T12:03:10Z", []string{"2026-12-04T00:00:00Z"}},
	} {
		s, err := Parse(tc.expr, tc.loc)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		at, _ := time.Parse(time.RFC3339, tc.after)
		for _, w := range tc.want {
			at = s.Next(at)
			want, _ := time.Parse(time.RFC3339, w)
			if !at.Equal(want) {
				t.Errorf("%s after %s: got %s, want %s", tc.expr, tc.after, at.Format(time.RFC3339), w)
				break
			}
		}
	}
}

// TestDaylightSaving: a firing time that does not exist on the day clocks
// go forward is skipped, not moved to another hour.
func TestDaylightSaving(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	s, err := Parse("30 2 * * *", ny)
	if err != nil {
		t.Fatal(err)
	}
	at := s.Next(time.Date(2026, 3, 7, 12, 0, 0, 0, ny))
	if want := time.Date(2026, 3, 9, 2, 30, 0, 0, ny); !at.Equal(want) {
		t.Errorf("got %s, want %s (2:30 does not exist on 8 March)", at, want)
	}
}

func TestErrors(t *testing.T) {
	for expr, want := range map[string]string{
		"cron(0 9 * * MON-FRI *)":   "one of day-of-month and day-of-week must be ?",
		"cron(0 9 ? * MON-FRII *)":  `day-of-week: "FRII" is neither a number (1-7) nor a name`,
		"cron(0 9 ? * MON-FRI)":     "want six fields",
		"cron(0 25 ? * MON *)":      "hours: 25 is out of range (0-23)",
		"cron(0 9 ? * 3#1,6#3 *)":   "with # the field holds one expression only",
		"cron(0 9 ? * MON *":        "missing the closing parenthesis",
		"rate(1 minutes)":           `with a value of 1 the unit is "minute"`,
		"rate(5 minute)":            `with a value of 5 the unit is "minutes"`,
		"rate(0 minutes)":           "positive whole number",
		"rate(5 weeks)":             "minute(s), hour(s) or day(s)",
		"0 9 * * FRII":              `day-of-week: "FRII" is neither a number (0-7) nor a name`,
		"0 9 * *":                   "want five fields",
		"@fortnightly":              "unknown descriptor",
		"":                          "empty schedule expression",
		"cron(0 9 ? * MON 1969)":    "1969 is out of range (1970-2199)",
		"cron(0 9 10-2 * ? *)":      "the range runs backwards",
		"cron(0 9 32W * ? *)":       "W follows one day of the month",
		"cron(0 9 ? * MON *) extra": "missing the closing parenthesis",
		"cron(*/0 9 ? * MON *)":     "the step after / must be a positive number",
		"cron(0 9 ? * SUN#6 *)":     "after # comes which one in the month, 1-5",
	} {
		_, err := Parse(expr, nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error containing %q", expr, err, want)
		}
	}
}
