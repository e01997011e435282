package scan

import (
	"net/mail"
	"sort"
	"strings"
)

// Owners says who owns a resource: the value of a resource tag (Tag, e.g.
// "Owner"), mapped to the people to mention (Slack user or group ids, or
// email addresses). A tag value that is itself an email address or a Slack
// id needs no mapping.
type Owners struct {
	Tag string
	Map map[string][]string
}

// Enabled reports whether owners are looked up.
func (o Owners) Enabled() bool { return o.Tag != "" }

// Of returns the owner tag's value on f's resource and the people it maps
// to (none when the tag is missing or unmapped).
func (o Owners) Of(f *Finding) (value string, who []string) {
	if o.Tag == "" || len(f.Tags) == 0 {
		return "", nil
	}
	v, ok := f.Tags[o.Tag]
	if !ok {
		for k, tv := range f.Tags {
			if strings.EqualFold(k, o.Tag) {
				v, ok = tv, true
				break
			}
		}
	}
	v = strings.TrimSpace(v)
	if !ok || v == "" {
		return "", nil
	}
	if w, ok := o.Map[v]; ok {
		return v, w
	}
	if IsRecipient(v) {
		return v, []string{v}
	}
	return v, nil
}

// IsRecipient reports whether s names someone directly: an email address,
// or a Slack user (U…, W…) or user group (S…) id.
func IsRecipient(s string) bool {
	if strings.Contains(s, "@") {
		a, err := mail.ParseAddress(s)
		return err == nil && a.Address == s
	}
	if len(s) < 3 || !strings.ContainsRune("UWS", rune(s[0])) {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// OwnerSummary is what one person owns among the violations.
type OwnerSummary struct {
	Who   string
	Count int
	New   int
	// Examples are some of their violations, new ones first.
	Examples []Finding

	old []Finding
}

// maxOwners bounds the people tracked in one report; beyond that the
// report counts violations as unowned rather than grow without bound.
const maxOwners = 500

type ownerTally struct {
	byWho    map[string]*OwnerSummary
	unowned  int
	examples int
}

func (t *ownerTally) add(who []string, f *Finding, isNew bool) {
	if len(who) == 0 {
		t.unowned++
		return
	}
	for _, w := range who {
		s := t.byWho[w]
		if s == nil {
			if len(t.byWho) >= maxOwners {
				t.unowned++
				continue
			}
			s = &OwnerSummary{Who: w}
			t.byWho[w] = s
		}
		s.Count++
		if isNew {
			s.New++
		}
		// New violations come first in the examples.
		switch {
		case isNew && len(s.Examples) < t.examples:
			s.Examples = append(s.Examples, slim(f))
		case !isNew && len(s.old) < t.examples:
			s.old = append(s.old, slim(f))
		}
	}
}

func (t *ownerTally) summaries() []OwnerSummary {
	out := make([]OwnerSummary, 0, len(t.byWho))
	for _, s := range t.byWho {
		c := *s
		c.Examples = append(c.Examples, c.old...)
		c.Examples = c.Examples[:min(len(c.Examples), t.examples)]
		c.old = nil
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Who < out[j].Who
	})
	return out
}

// slim keeps what a message shows of a finding.
func slim(f *Finding) Finding {
	return Finding{ID: f.ID, Resource: f.Resource, Title: f.Title, ControlID: f.ControlID, Severity: f.Severity, Account: f.Account, Region: f.Region}
}
