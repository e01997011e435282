package sandbox

import (
	"encoding/json"
	"strings"
	"time"
)

type stringFilter struct{ Value, Comparison string }

type dateFilter struct {
	Start, End string
	DateRange  *struct {
		Value int
		Unit  string
	}
}

// compiled filters: each field's conditions, ANDed across fields.
type findingFilter struct {
	strs  []fieldCond
	dates []dateCond
}

type fieldCond struct {
	get      func(*finding) []string
	pos, neg []stringFilter
}

type dateCond struct {
	get        func(*finding) time.Time
	start, end time.Time
}

var stringFields = map[string]func(*finding) []string{
	"Id":                          func(f *finding) []string { return one(f.id) },
	"ProductArn":                  func(f *finding) []string { return one(f.productArn) },
	"AwsAccountId":                func(f *finding) []string { return one(f.account) },
	"Region":                      func(f *finding) []string { return one(f.region) },
	"GeneratorId":                 func(f *finding) []string { return one(f.generator) },
	"Title":                       func(f *finding) []string { return one(f.title) },
	"ProductName":                 func(f *finding) []string { return one(f.product) },
	"CompanyName":                 func(f *finding) []string { return one(f.company) },
	"ComplianceStatus":            func(f *finding) []string { return one(f.compliance) },
	"ComplianceSecurityControlId": func(f *finding) []string { return one(f.control) },
	"WorkflowStatus":              func(f *finding) []string { return one(f.workflow) },
	"RecordState":                 func(f *finding) []string { return one(f.record) },
	"SeverityLabel":               func(f *finding) []string { return one(f.severity) },
	"Type":                        func(f *finding) []string { return f.types },
	"ResourceId":                  func(f *finding) []string { return f.resourceIDs },
	"ResourceType":                func(f *finding) []string { return f.resourceTypes },
}

var dateFields = map[string]func(*finding) time.Time{
	"CreatedAt": func(f *finding) time.Time { return f.createdAt },
	"UpdatedAt": func(f *finding) time.Time { return f.updatedAt },
}

func compileFilters(raw map[string]json.RawMessage, now time.Time) (*findingFilter, error) {
	ff := &findingFilter{}
	for _, name := range sortedKeys(raw) {
		if get, ok := stringFields[name]; ok {
			var list []stringFilter
			if err := json.Unmarshal(raw[name], &list); err != nil {
				return nil, shInvalid("Filters.%s must be a list of {Value, Comparison}: %v", name, err)
			}
			c := fieldCond{get: get}
			for i, sf := range list {
				switch sf.Comparison {
				case "EQUALS", "PREFIX", "CONTAINS":
					c.pos = append(c.pos, sf)
				case "NOT_EQUALS", "PREFIX_NOT_EQUALS", "NOT_CONTAINS":
					c.neg = append(c.neg, sf)
				default:
					return nil, shInvalid("Filters.%s[%d].Comparison: %q is not one of EQUALS, PREFIX, NOT_EQUALS, PREFIX_NOT_EQUALS, CONTAINS, NOT_CONTAINS", name, i, sf.Comparison)
				}
			}
			ff.strs = append(ff.strs, c)
			continue
		}
		if get, ok := dateFields[name]; ok {
			var list []dateFilter
			if err := json.Unmarshal(raw[name], &list); err != nil {
				return nil, shInvalid("Filters.%s must be a list of {Start, End} or {DateRange}: %v", name, err)
			}
			for i, df := range list {
				c := dateCond{get: get}
				if df.DateRange != nil {
					if df.DateRange.Unit != "DAYS" {
						return nil, shInvalid("Filters.%s[%d].DateRange.Unit: %q is not DAYS", name, i, df.DateRange.Unit)
					}
					c.start = now.AddDate(0, 0, -df.DateRange.Value)
				}
				for _, p := range []struct {
					s   string
					dst *time.Time
				}{{df.Start, &c.start}, {df.End, &c.end}} {
					if p.s == "" {
						continue
					}
					t, err := time.Parse(time.RFC3339Nano, p.s)
					if err != nil {
						return nil, shInvalid("Filters.%s[%d]: %q is not an ISO 8601 date-time", name, i, p.s)
					}
					*p.dst = t
				}
				ff.dates = append(ff.dates, c)
			}
			continue
		}
		return nil, shInvalid("Filters.%s is not supported by the sandbox (supported: %s, CreatedAt, UpdatedAt)", name, strings.Join(sortedKeys(stringFields), ", "))
	}
	return ff, nil
}

func matchString(sf stringFilter, v string) bool {
	switch sf.Comparison {
	case "EQUALS", "NOT_EQUALS":
		return v == sf.Value
	case "PREFIX", "PREFIX_NOT_EQUALS":
		return strings.HasPrefix(v, sf.Value)
	default:
		return strings.Contains(v, sf.Value)
	}
}

func (ff *findingFilter) match(f *finding) bool {
	for _, c := range ff.strs {
		vals := c.get(f)
		if len(c.pos) > 0 {
			ok := false
			for _, sf := range c.pos {
				for _, v := range vals {
					if matchString(sf, v) {
						ok = true
					}
				}
			}
			if !ok {
				return false
			}
		}
		for _, sf := range c.neg {
			for _, v := range vals {
				if matchString(sf, v) {
					return false
				}
			}
		}
	}
	for _, d := range ff.dates {
		t := d.get(f)
		if !d.start.IsZero() && t.Before(d.start) || !d.end.IsZero() && t.After(d.end) {
			return false
		}
	}
	return true
}

// visible reports whether the caller sees f: findings of its own account
// in the region, or of every account when it is the administrator.
func (rq *request) visible(f *finding) bool {
	return f.region == rq.region && (f.account == rq.account || rq.account == rq.sb.st.defaultAccount)
}

type sortCriterion struct{ Field, SortOrder string }

var severityRank = map[string]int{"INFORMATIONAL": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}

func sortKey(field string) (func(a, b *finding) int, bool) {
	switch field {
	case "UpdatedAt":
		return func(a, b *finding) int { return a.updatedAt.Compare(b.updatedAt) }, true
	case "CreatedAt":
		return func(a, b *finding) int { return a.createdAt.Compare(b.createdAt) }, true
	case "SeverityLabel":
		return func(a, b *finding) int { return severityRank[a.severity] - severityRank[b.severity] }, true
	case "SeverityNormalized", "Severity.Normalized":
		return func(a, b *finding) int {
			return int(a.severityNormalized) - int(b.severityNormalized)
		}, true
	}
	if get, ok := stringFields[field]; ok {
		return func(a, b *finding) int { return strings.Compare(strings.Join(get(a), ","), strings.Join(get(b), ",")) }, true
	}
	return nil, false
}
