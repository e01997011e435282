package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// every fires at every multiple of its period since the Unix epoch, so that
// every replica computes the same firing times (EventBridge counts from the
// rule's creation, which vigil has no record of).
type every time.Duration

// Next returns the next multiple of the period after t.
func (e every) Next(t time.Time) time.Time {
	p := time.Duration(e)
	n := t.UnixNano()/int64(p) + 1
	return time.Unix(0, n*int64(p)).In(t.Location())
}

// parseRate reads EventBridge's rate(value unit): a positive whole value and
// minute, hour or day, singular for 1 and plural otherwise, as EventBridge
// requires.
func parseRate(inner string) (Schedule, error) {
	f := strings.Fields(inner)
	if len(f) != 2 {
		return nil, fmt.Errorf("rate(%s): want rate(VALUE UNIT), e.g. rate(5 minutes) or rate(1 hour)", inner)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("rate(%s): the value must be a positive whole number, got %q", inner, f[0])
	}
	units := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}
	unit := f[1]
	base, ok := units[strings.TrimSuffix(unit, "s")]
	if !ok {
		return nil, fmt.Errorf("rate(%s): the unit must be minute(s), hour(s) or day(s), got %q", inner, unit)
	}
	if plural := strings.HasSuffix(unit, "s"); plural != (n != 1) {
		want := strings.TrimSuffix(unit, "s")
		if n != 1 {
			want += "s"
		}
		return nil, fmt.Errorf("rate(%s): with a value of %d the unit is %q, as EventBridge requires", inner, n, want)
	}
	return every(time.Duration(n) * base), nil
}
