package route

import (
	"time"

	"github.com/vigilhq/vigil/pattern"
)

// Silence mutes matching events for a time (see store.Silence for the stored
// form).
type Silence struct {
	ID string
	// Rule limits the silence to one rule; "" means every rule.
	Rule     string
	Pattern  []byte
	StartsAt time.Time
	EndsAt   time.Time
}

// Silences is a compiled, immutable set of silences. A nil *Silences
// silences nothing.
type Silences struct {
	matcher *pattern.Matcher
	byID    map[string]*Silence
	order   []*Silence
}

// CompileSilences builds a set from ss; a silence with an invalid pattern
// returns the pattern's error (silences are checked when added, so this
// only happens to rows written by hand).
func CompileSilences(ss []*Silence) (*Silences, error) {
	s := &Silences{matcher: pattern.NewMatcher(pattern.WithMaxPatternSize(0)), byID: map[string]*Silence{}}
	for _, x := range ss {
		if err := s.matcher.AddPattern(x.ID, x.Pattern); err != nil {
			return nil, err
		}
		s.byID[x.ID] = x
		s.order = append(s.order, x)
	}
	return s, nil
}

// Len returns how many silences the set holds (active or not).
func (s *Silences) Len() int {
	if s == nil {
		return 0
	}
	return len(s.order)
}

// Match returns the id of a silence active at t that mutes rule for the
// event raw, or "".
func (s *Silences) Match(rule string, raw []byte, t time.Time) string {
	return forRule(s.Active(raw, t), rule)
}

// Active returns the silences active at t whose pattern matches raw.
func (s *Silences) Active(raw []byte, t time.Time) []*Silence {
	if s == nil || len(s.order) == 0 {
		return nil
	}
	ids, err := s.matcher.Match(raw)
	if err != nil {
		return nil
	}
	var out []*Silence
	for _, id := range ids {
		if x := s.byID[id]; x != nil && !t.Before(x.StartsAt) && t.Before(x.EndsAt) {
			out = append(out, x)
		}
	}
	return out
}

func forRule(active []*Silence, rule string) string {
	for _, x := range active {
		if x.Rule == "" || x.Rule == rule {
			return x.ID
		}
	}
	return ""
}
