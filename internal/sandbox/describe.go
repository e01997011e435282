package sandbox

import (
	"slices"
	"strconv"
	"strings"
)

// kind describes one EC2 resource type for the Describe* skeleton every
// EC2 describe call shares: resources named by id (each must exist),
// Filter.N (field filters, tag:KEY, tag-key, tag-value, with wildcards),
// DryRun, and MaxResults/NextToken paging.
type kind[T any] struct {
	// idParam is the form list that names resources (InstanceId), or ""
	// when the call takes no ids.
	idParam string
	id      func(T) string
	// tags returns the resource's tags; nil when it has none.
	tags func(T) map[string]string
	// fields are the filters the call supports, each returning the
	// resource's values for that filter name.
	fields map[string]func(sc scope, v T) []string
	// notFound is the error for an id that names no resource.
	notFound func(id string) error
	// idsExcludeMax: AWS refuses ids together with MaxResults
	// (InvalidParameterCombination), as DescribeInstances does.
	idsExcludeMax bool
	// minResults is the smallest MaxResults accepted (5 when zero).
	minResults int
}

// scope is what filters may need besides the resource: its region and the
// caller's account.
type scope struct {
	r    *Region
	acct string
}

// filter is one EC2 Filter.N.
type filter struct {
	name   string
	values []string
}

// describe returns the page of items that the request's ids and filters
// select, and the next token ("" at the end). The caller holds the lock.
func describe[T any](rq *request, k *kind[T], sc scope, items []T) ([]T, string, error) {
	filters, err := k.filters(rq.form)
	if err != nil {
		return nil, "", err
	}
	var ids []string
	if k.idParam != "" {
		ids = rq.form.list(k.idParam)
	}
	if k.idsExcludeMax && len(ids) > 0 && rq.form["MaxResults"] != "" {
		return nil, "", apiErr(400, "InvalidParameterCombination", "The parameter %ssSet cannot be used with the parameter maxResults", lowerFirst(k.idParam))
	}
	if err := dryRun(rq); err != nil {
		return nil, "", err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(items, func(v T) bool { return k.id(v) == id }) {
			return nil, "", k.notFound(id)
		}
	}
	var match []T
	for _, v := range items {
		if len(ids) > 0 && !slices.Contains(ids, k.id(v)) {
			continue
		}
		var tags map[string]string
		if k.tags != nil {
			tags = k.tags(v)
		}
		if matchAll(filters, tags, func(name string) []string { return k.fields[name](sc, v) }) {
			match = append(match, v)
		}
	}
	lo, hi, next, err := page(rq.form, len(match), k.minResults)
	if err != nil {
		return nil, "", err
	}
	return match[lo:hi], next, nil
}

// filters reads Filter.N and refuses names the kind does not support, so
// a filter is never silently ignored.
func (k *kind[T]) filters(f form) ([]filter, error) {
	var out []filter
	for _, s := range f.structs("Filter") {
		name := s["Name"]
		_, known := k.fields[name]
		tagFilter := k.tags != nil && (strings.HasPrefix(name, "tag:") || name == "tag-key" || name == "tag-value")
		if !known && !tagFilter {
			supported := sortedKeys(k.fields)
			if k.tags != nil {
				supported = append(supported, "tag:<key>", "tag-key", "tag-value")
			}
			return nil, apiErr(400, "InvalidParameterValue", "The filter '%s' is invalid (the sandbox supports %s).", name, strings.Join(supported, ", "))
		}
		out = append(out, filter{name: name, values: s.list("Value")})
	}
	return out, nil
}

// matchAll reports whether every filter matches one of the values fields
// returns for its name.
func matchAll(filters []filter, tags map[string]string, fields func(name string) []string) bool {
	for _, fl := range filters {
		var have []string
		switch {
		case strings.HasPrefix(fl.name, "tag:"):
			if v, ok := tags[fl.name[4:]]; ok {
				have = []string{v}
			}
		case fl.name == "tag-key":
			have = sortedKeys(tags)
		case fl.name == "tag-value":
			for _, k := range sortedKeys(tags) {
				have = append(have, tags[k])
			}
		default:
			have = fields(fl.name)
		}
		if !anyGlob(fl.values, have) {
			return false
		}
	}
	return true
}

func anyGlob(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if glob(p, v) {
				return true
			}
		}
	}
	return false
}

// glob matches EC2 filter wildcards: * any run, ? any one character. It
// backtracks only to the last star, so it runs in O(len(p)*len(s)).
func glob(p, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// page applies MaxResults/NextToken to n items: it returns the index range
// and the next token ("" at the end). MaxResults below min (5 when zero)
// or above 1000 is refused, as EC2 does.
func page(f form, n, min int) (lo, hi int, next string, err error) {
	if min == 0 {
		min = 5
	}
	if tok := f["NextToken"]; tok != "" {
		lo, err = strconv.Atoi(tok)
		if err != nil || lo < 0 || lo > n {
			return 0, 0, "", apiErr(400, "InvalidParameterValue", "The token '%s' is invalid.", tok)
		}
	}
	hi = n
	if mr, e := f.int("MaxResults", 0); e != nil {
		return 0, 0, "", e
	} else if f["MaxResults"] != "" {
		if mr < int64(min) || mr > 1000 {
			return 0, 0, "", apiErr(400, "InvalidParameterValue", "Value (%d) for parameter maxResults is invalid. Expecting a value between %d and 1000.", mr, min)
		}
		if lo+int(mr) < n {
			hi = lo + int(mr)
			next = strconv.Itoa(hi)
		}
	}
	return lo, hi, next, nil
}

// one is a filter value list of one value.
func one(s string) []string { return []string{s} }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
