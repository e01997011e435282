package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cron is a parsed cron expression, standard or EventBridge's.
type cron struct {
	loc    *time.Location
	minute uint64 // bit n: minute n
	hour   uint64
	month  uint64 // bit n: month n (1-12)
	// dom and dow are nil-like when unrestricted (any* true).
	dom      uint64 // bit n: day n of the month (1-31)
	domAny   bool
	domLast  bool   // L: the month's last day
	domWeek  int    // nW: the weekday nearest day n (0: none)
	domLastW bool   // LW: the month's last weekday
	dow      uint64 // bit n: weekday n (0 Sunday ... 6 Saturday)
	dowAny   bool
	dowNth   [2]int // d#n: the n-th weekday d of the month (n 0: none)
	dowLast  int    // dL: the month's last weekday d, +1 (0: none)
	// either: a day matches when day-of-month OR day-of-week matches
	// (standard cron with both restricted); otherwise both must.
	either bool
	years  []yearRange // nil: every year
}

type yearRange struct{ from, to, step int }

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	// EventBridge numbers days of the week 1-7 from Sunday.
	dayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
)

// parseEventBridgeCron reads EventBridge's six fields: minutes hours
// day-of-month month day-of-week year, with ? L W # as EventBridge
// documents them; one of day-of-month and day-of-week must be ?.
func parseEventBridgeCron(inner string, loc *time.Location) (Schedule, error) {
	f := strings.Fields(inner)
	if len(f) != 6 {
		return nil, fmt.Errorf("cron(%s): want six fields (minutes hours day-of-month month day-of-week year), got %d", inner, len(f))
	}
	c := &cron{loc: loc}
	bad := func(field string, err error) error { return fmt.Errorf("cron(%s): %s: %v", inner, field, err) }
	var err error
	if c.minute, err = bits(f[0], 0, 59, nil); err != nil {
		return nil, bad("minutes", err)
	}
	if c.hour, err = bits(f[1], 0, 23, nil); err != nil {
		return nil, bad("hours", err)
	}
	if c.month, err = bits(f[3], 1, 12, monthNames); err != nil {
		return nil, bad("month", err)
	}
	domQ, dowQ := f[2] == "?", f[4] == "?"
	if domQ == dowQ {
		return nil, fmt.Errorf("cron(%s): one of day-of-month and day-of-week must be ? (and only one), as in EventBridge", inner)
	}
	if domQ {
		c.domAny = true
	} else if err := c.parseDayOfMonth(f[2]); err != nil {
		return nil, bad("day-of-month", err)
	}
	if dowQ {
		c.dowAny = true
	} else if err := c.parseDayOfWeek(f[4], 1); err != nil {
		return nil, bad("day-of-week", err)
	}
	if c.years, err = parseYears(f[5]); err != nil {
		return nil, bad("year", err)
	}
	return c, nil
}

// parseStandardCron reads five-field cron (minute hour day-of-month month
// day-of-week, Sunday 0 or 7) with Vixie cron's rule: when both day fields
// are restricted, a day matching either fires.
func parseStandardCron(e string, loc *time.Location) (Schedule, error) {
	f := strings.Fields(e)
	if len(f) != 5 {
		return nil, fmt.Errorf("%q: want five fields (minute hour day-of-month month day-of-week), e.g. \"0 9 * * 1-5\", or EventBridge's cron(0 9 ? * MON-FRI *); got %d fields", e, len(f))
	}
	c := &cron{loc: loc}
	bad := func(field string, err error) error { return fmt.Errorf("%q: %s: %v", e, field, err) }
	var err error
	if c.minute, err = bits(f[0], 0, 59, nil); err != nil {
		return nil, bad("minute", err)
	}
	if c.hour, err = bits(f[1], 0, 23, nil); err != nil {
		return nil, bad("hour", err)
	}
	if c.month, err = bits(f[3], 1, 12, monthNames); err != nil {
		return nil, bad("month", err)
	}
	if f[2] == "*" || f[2] == "?" {
		c.domAny = true
	} else if c.dom, err = bits(f[2], 1, 31, nil); err != nil {
		return nil, bad("day-of-month", err)
	}
	if f[4] == "*" || f[4] == "?" {
		c.dowAny = true
	} else {
		std := map[string]int{"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}
		b, err := bits(f[4], 0, 7, std)
		if err != nil {
			return nil, bad("day-of-week", err)
		}
		if b&(1<<7) != 0 { // 7 is Sunday too
			b |= 1
		}
		c.dow = b &^ (1 << 7)
	}
	c.either = !c.domAny && !c.dowAny
	return c, nil
}

func (c *cron) parseDayOfMonth(s string) error {
	switch {
	case s == "L":
		c.domLast = true
		return nil
	case s == "LW":
		c.domLastW = true
		return nil
	case strings.HasSuffix(s, "W"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "W"))
		if err != nil || n < 1 || n > 31 {
			return fmt.Errorf("%q: W follows one day of the month, e.g. 15W (the weekday nearest the 15th)", s)
		}
		c.domWeek = n
		return nil
	case s == "*":
		c.domAny = true
		return nil
	}
	var err error
	c.dom, err = bits(s, 1, 31, nil)
	return err
}

// parseDayOfWeek reads day-of-week with first as Sunday's number (1 in
// EventBridge).
func (c *cron) parseDayOfWeek(s string, first int) error {
	day := func(v string) (int, error) {
		if n, ok := dayNames[strings.ToUpper(v)]; ok {
			return n - 1, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < first || n > first+6 {
			return 0, fmt.Errorf("%q is not a day of the week (%d-%d or SUN-SAT)", v, first, first+6)
		}
		return n - first, nil
	}
	switch {
	case s == "*":
		c.dowAny = true
		return nil
	case s == "L":
		c.dow = 1 << 6 // the week's last day: Saturday
		return nil
	case strings.Contains(s, "#"):
		if strings.Contains(s, ",") {
			return fmt.Errorf("%q: with # the field holds one expression only, as in EventBridge", s)
		}
		d, n, _ := strings.Cut(s, "#")
		wd, err := day(d)
		if err != nil {
			return err
		}
		k, err := strconv.Atoi(n)
		if err != nil || k < 1 || k > 5 {
			return fmt.Errorf("%q: after # comes which one in the month, 1-5", s)
		}
		c.dowNth = [2]int{wd, k}
		return nil
	case len(s) > 1 && strings.HasSuffix(s, "L"):
		wd, err := day(strings.TrimSuffix(s, "L"))
		if err != nil {
			return err
		}
		c.dowLast = wd + 1
		return nil
	}
	b, err := bits(s, first, first+6, dayNames)
	if err != nil {
		return err
	}
	c.dow = b >> uint(first)
	return nil
}

// bits reads a field of numbers, names, ranges, steps and lists into a
// bit set. names map upper-case names to values.
func bits(s string, lo, hi int, names map[string]int) (uint64, error) {
	var out uint64
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			return 0, fmt.Errorf("%q: an empty item in the list", s)
		}
		rng, stepS, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepS)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("%q: the step after / must be a positive number", part)
			}
			step = n
		}
		from, to := lo, hi
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if from, err = value(a, lo, hi, names); err != nil {
				return 0, err
			}
			if to, err = value(b, lo, hi, names); err != nil {
				return 0, err
			}
			if from > to {
				return 0, fmt.Errorf("%q: the range runs backwards", part)
			}
		default:
			v, err := value(rng, lo, hi, names)
			if err != nil {
				return 0, err
			}
			from, to = v, v
			if hasStep {
				to = hi // a/n: from a to the end, every n
			}
		}
		for v := from; v <= to; v += step {
			out |= 1 << uint(v)
		}
	}
	return out, nil
}

func value(s string, lo, hi int, names map[string]int) (int, error) {
	if n, ok := names[strings.ToUpper(s)]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		if names != nil {
			return 0, fmt.Errorf("%q is neither a number (%d-%d) nor a name", s, lo, hi)
		}
		return 0, fmt.Errorf("%q is not a number (%d-%d)", s, lo, hi)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d is out of range (%d-%d)", n, lo, hi)
	}
	return n, nil
}

func parseYears(s string) ([]yearRange, error) {
	if s == "*" {
		return nil, nil
	}
	var out []yearRange
	for _, part := range strings.Split(s, ",") {
		rng, stepS, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepS)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("%q: the step after / must be a positive number", part)
			}
			step = n
		}
		r := yearRange{1970, 2199, step}
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if r.from, err = value(a, 1970, 2199, nil); err != nil {
				return nil, err
			}
			r.to = r.from
			if hasStep {
				r.to = 2199
			}
			if isRange {
				if r.to, err = value(b, 1970, 2199, nil); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func (c *cron) yearOK(y int) bool {
	if c.years == nil {
		return true
	}
	for _, r := range c.years {
		if y >= r.from && y <= r.to && (y-r.from)%r.step == 0 {
			return true
		}
	}
	return false
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// nearestWeekday is the Monday-Friday day nearest day d of the month,
// staying inside the month (Quartz's W, which EventBridge follows).
func nearestWeekday(y int, m time.Month, d int) int {
	last := daysIn(y, m)
	if d > last {
		d = last
	}
	switch time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday() {
	case time.Saturday:
		if d == 1 {
			return 3 // Monday the 3rd
		}
		return d - 1
	case time.Sunday:
		if d == last {
			return d - 2
		}
		return d + 1
	}
	return d
}

func (c *cron) dayOK(y int, m time.Month, d int) bool {
	if c.month&(1<<uint(m)) == 0 || !c.yearOK(y) {
		return false
	}
	wd := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday()
	last := daysIn(y, m)
	domOK := c.domAny
	switch {
	case c.domLast:
		domOK = d == last
	case c.domLastW:
		domOK = d == nearestWeekday(y, m, last)
	case c.domWeek > 0:
		domOK = d == nearestWeekday(y, m, c.domWeek)
	case !c.domAny:
		domOK = c.dom&(1<<uint(d)) != 0
	}
	dowOK := c.dowAny
	switch {
	case c.dowNth[1] > 0:
		dowOK = int(wd) == c.dowNth[0] && (d-1)/7+1 == c.dowNth[1]
	case c.dowLast > 0:
		dowOK = int(wd) == c.dowLast-1 && d+7 > last
	case !c.dowAny:
		dowOK = c.dow&(1<<uint(wd)) != 0
	}
	if c.either {
		return domOK || dowOK
	}
	return domOK && dowOK
}

// Next returns the first firing after t, searching at most to 2199.
func (c *cron) Next(t time.Time) time.Time {
	t = t.In(c.loc).Truncate(time.Minute).Add(time.Minute)
	y, m, d := t.Date()
	for day := time.Date(y, m, d, 0, 0, 0, 0, c.loc); day.Year() <= 2199; day = day.AddDate(0, 0, 1) {
		dy, dm, dd := day.Date()
		if !c.dayOK(dy, dm, dd) {
			continue
		}
		for h := 0; h < 24; h++ {
			if c.hour&(1<<uint(h)) == 0 {
				continue
			}
			for mi := 0; mi < 60; mi++ {
				if c.minute&(1<<uint(mi)) == 0 {
					continue
				}
				at := time.Date(dy, dm, dd, h, mi, 0, 0, c.loc)
				// A wall-clock time skipped by a daylight saving change
				// does not exist that day: it is skipped, not moved.
				if at.Hour() != h || at.Minute() != mi || at.Before(t) {
					continue
				}
				return at
			}
		}
	}
	return time.Time{}
}
