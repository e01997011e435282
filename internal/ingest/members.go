package ingest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Duplicate member names are refused at ingest because the rest of vigil
// would read them two ways: the stored event, the logs and the typed views
// keep the last value (Go's decoder), while the pattern matcher sees every
// value (docs/patterns.md, "Duplicate member names in an event"). The
// matcher also reads a dotted name as the nested objects it names, so
// {"a": {"b": 1}, "a.b": 2} gives a.b two values: that is a duplicate too.

// members is what one scan of an event's JSON finds: the first duplicate
// member (its path, e.g. detail.sev) and where the top-level "id" value is.
type members struct {
	dup            string
	idStart, idEnd int // the top-level "id" value's bytes; idEnd 0 when absent
}

// scanMembers scans the JSON document raw, which must be valid JSON
// (event.Parse checked it). It never panics on other input: a truncated
// document ends the scan.
func scanMembers(raw []byte) members {
	// Sized for an EventBridge envelope and a detail a few levels deep, so
	// that most events need no growth of these lists.
	s := &memberScanner{b: raw, path: make([]pathElem, 0, 8), keys: make([][]memberRef, 0, 8)}
	s.value(0)
	return s.found
}

// memberScanner walks a JSON document once, keeping the current path only
// as a stack of references, so that a document without duplicates costs no
// allocation beyond the reused per-depth key lists.
type memberScanner struct {
	b     []byte
	i     int
	path  []pathElem
	keys  [][]memberRef // per depth, reused
	found members
}

type pathElem struct {
	name  []byte // nil for an array element
	index int
}

type memberRef struct {
	name       []byte // unescaped
	start, end int    // the value's bytes
}

func (s *memberScanner) done() bool { return s.found.dup != "" || s.i >= len(s.b) }

func (s *memberScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *memberScanner) value(depth int) {
	s.ws()
	if s.done() {
		return
	}
	switch s.b[s.i] {
	case '{':
		s.object(depth)
	case '[':
		s.array(depth)
	case '"':
		s.str()
	default:
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			s.i++
		}
	}
}

// str skips a string at s.i and returns its contents as written (without
// the quotes) and whether it has escapes.
func (s *memberScanner) str() (raw []byte, escaped bool) {
	s.i++ // opening quote
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			raw = s.b[start:s.i]
			s.i++
			return raw, escaped
		case '\\':
			escaped = true
			s.i += 2
			continue
		}
		s.i++
	}
	return s.b[start:min(s.i, len(s.b))], escaped
}

func (s *memberScanner) array(depth int) {
	s.i++ // [
	s.path = append(s.path, pathElem{})
	n := 0
	for {
		s.ws()
		if s.done() {
			break
		}
		if s.b[s.i] == ']' {
			s.i++
			break
		}
		if s.b[s.i] == ',' {
			s.i++
			continue
		}
		s.path[len(s.path)-1].index = n
		s.value(depth + 1)
		n++
	}
	if s.found.dup == "" {
		s.path = s.path[:len(s.path)-1]
	}
}

// manyKeys is the object size from which names are looked up in a map
// instead of compared one by one.
const manyKeys = 32

func (s *memberScanner) object(depth int) {
	s.i++ // {
	for len(s.keys) <= depth {
		s.keys = append(s.keys, make([]memberRef, 0, 16))
	}
	keys := s.keys[depth][:0]
	var index map[string]bool
	dotted := false
	for {
		s.ws()
		if s.done() {
			break
		}
		c := s.b[s.i]
		if c == '}' {
			s.i++
			break
		}
		if c == ',' {
			s.i++
			continue
		}
		if c != '"' {
			s.i = len(s.b) // not JSON: stop
			break
		}
		keyStart := s.i
		name, escaped := s.str()
		if escaped {
			var u string
			if json.Unmarshal(s.b[keyStart:s.i], &u) == nil {
				name = []byte(u)
			}
		}
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == ':' {
			s.i++
		}
		s.ws()
		dup := false
		if index != nil {
			dup = index[string(name)]
		} else {
			for _, k := range keys {
				if bytes.Equal(k.name, name) {
					dup = true
					break
				}
			}
		}
		s.path = append(s.path, pathElem{name: name})
		if dup {
			s.found.dup = s.pathString("")
			return
		}
		start := s.i
		s.value(depth + 1)
		if s.found.dup != "" {
			return
		}
		s.path = s.path[:len(s.path)-1]
		if depth == 0 && string(name) == "id" {
			s.found.idStart, s.found.idEnd = start, s.i
		}
		keys = append(keys, memberRef{name: name, start: start, end: s.i})
		if index != nil {
			index[string(name)] = true
		} else if len(keys) == manyKeys {
			index = make(map[string]bool, 2*manyKeys)
			for _, k := range keys {
				index[string(k.name)] = true
			}
		}
		if bytes.IndexByte(name, '.') >= 0 {
			dotted = true
		}
	}
	s.keys[depth] = keys
	if dotted {
		if p := s.dottedDuplicate(keys); p != "" {
			s.found.dup = s.pathString(p)
		}
	}
}

// pathString returns the current path, followed by rest when set, as
// detail.findings[0].Id.
func (s *memberScanner) pathString(rest string) string {
	var b strings.Builder
	for _, e := range s.path {
		if e.name == nil {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.Write(e.name)
	}
	if rest != "" {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(rest)
	}
	return b.String()
}

// dottedDuplicate compares the members of one object whose names share a
// first dotted segment ("a" and "a.b"): it returns the first leaf path,
// relative to the object, that two of them both give a value, as the
// matcher flattens it (nested names joined with dots, arrays transparent).
func (s *memberScanner) dottedDuplicate(keys []memberRef) string {
	groups := map[string][]int{}
	for i, k := range keys {
		first, _, _ := strings.Cut(string(k.name), ".")
		groups[first] = append(groups[first], i)
	}
	for _, idx := range groups {
		if len(idx) < 2 {
			continue
		}
		owner := map[string]int{}
		for _, i := range idx {
			k := keys[i]
			if p := leafPaths(s.b[k.start:k.end], string(k.name), i, owner); p != "" {
				return p
			}
		}
	}
	return ""
}

// leafPaths records, in owner, each leaf path of the JSON value b under
// prefix as given by member who; it returns a path another member already
// gave.
func leafPaths(b []byte, prefix string, who int, owner map[string]int) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return ""
	}
	var walk func(v any, p string) string
	walk = func(v any, p string) string {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if d := walk(e, p+"."+k); d != "" {
					return d
				}
			}
		case []any:
			for _, e := range x {
				if d := walk(e, p); d != "" {
					return d
				}
			}
		default:
			if o, ok := owner[p]; ok && o != who {
				return p
			}
			owner[p] = who
		}
		return ""
	}
	return walk(v, prefix)
}

// DuplicateMember returns the path of the first member name given twice in
// one object of the JSON document raw (e.g. Entries[0].Source), or "" when
// every name is unique; see Parse. raw must be valid JSON.
func DuplicateMember(raw []byte) string { return scanMembers(raw).dup }
