package sandbox

import (
	"encoding/base64"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// seqPage pages in import order. The token holds the sequence number of
// the last finding returned, so updates while paging neither repeat nor
// skip findings; findings imported meanwhile show up at the end.
func (rq *request) seqPage(s *findingStore, ff *findingFilter, token string, max int) ([]*finding, string, error) {
	var after uint64
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		v, ok := strings.CutPrefix(string(b), "seq:")
		if err != nil || !ok {
			return nil, "", shInvalid("NextToken %q is not valid", token)
		}
		if after, err = strconv.ParseUint(v, 10, 64); err != nil {
			return nil, "", shInvalid("NextToken %q is not valid", token)
		}
	}
	i := sort.Search(len(s.list), func(i int) bool { return s.list[i].seq > after })
	var page []*finding
	for ; i < len(s.list); i++ {
		f := s.list[i]
		if !rq.visible(f) || !ff.match(f) {
			continue
		}
		if len(page) == max {
			last := page[len(page)-1].seq
			return page, base64.RawURLEncoding.EncodeToString([]byte("seq:" + strconv.FormatUint(last, 10))), nil
		}
		page = append(page, f)
	}
	return page, "", nil
}

// sortedPage sorts the matching findings once, on the first page, and
// pages through that result set: order and membership stay fixed.
func (rq *request) sortedPage(s *findingStore, ff *findingFilter, cmps []func(a, b *finding) int, token string, max int) ([]*finding, string, error) {
	var c *cursor
	var id string
	off := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		parts := strings.Split(string(b), ":")
		if err != nil || len(parts) != 3 || parts[0] != "cur" {
			return nil, "", shInvalid("NextToken %q is not valid", token)
		}
		id = parts[1]
		off, _ = strconv.Atoi(parts[2])
		c = s.cursors[id]
		if c == nil || off < 0 || off > len(c.items) {
			return nil, "", shInvalid("NextToken %q has expired", token)
		}
	} else {
		c = &cursor{}
		for _, f := range s.list {
			if rq.visible(f) && ff.match(f) {
				c.items = append(c.items, f)
			}
		}
		slices.SortStableFunc(c.items, func(a, b *finding) int {
			for _, cmp := range cmps {
				if r := cmp(a, b); r != 0 {
					return r
				}
			}
			return 0
		})
		s.curSeq++
		c.made = s.curSeq
		id = strconv.Itoa(s.curSeq)
		s.cursors[id] = c
		// Keep the 64 newest cursors.
		for k, old := range s.cursors {
			if old.made <= s.curSeq-64 {
				delete(s.cursors, k)
			}
		}
	}
	end := min(len(c.items), off+max)
	next := ""
	if end < len(c.items) {
		next = base64.RawURLEncoding.EncodeToString([]byte("cur:" + id + ":" + strconv.Itoa(end)))
	} else {
		delete(s.cursors, id)
	}
	return c.items[off:end], next, nil
}
