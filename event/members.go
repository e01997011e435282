package event

import (
	"bytes"
	"encoding/json"
)

// members holds the values of the top-level members Parse reads, as
// json.Unmarshal into a map[string]json.RawMessage would find them: the
// value's bytes without the whitespace around them, the last one when a
// name is repeated, names compared once unescaped. nil means absent (a
// JSON value is never empty).
type members struct {
	version, id, detailType, source, account, region, time, resources, detail []byte
}

// field returns where the value of the member name goes, nil for a
// member Parse does not read. (A switch on string(name) does not
// allocate.)
func (m *members) field(name []byte) *[]byte {
	switch string(name) {
	case "version":
		return &m.version
	case "id":
		return &m.id
	case "detail-type":
		return &m.detailType
	case "source":
		return &m.source
	case "account":
		return &m.account
	case "region":
		return &m.region
	case "time":
		return &m.time
	case "resources":
		return &m.resources
	case "detail":
		return &m.detail
	}
	return nil
}

// membersOf picks the members Parse reads out of a decoded object.
func membersOf(top map[string]json.RawMessage) members {
	var m members
	for name, v := range top {
		if p := m.field([]byte(name)); p != nil {
			*p = v
		}
	}
	return m
}

// scanMembers reads the top-level members of raw, which must be valid JSON
// (json.Valid) starting with '{' after any whitespace. It walks the object
// once without decoding it: decoding the whole event into a map to read
// nine of its members was a third of the allocations of accepting an
// event. The values returned are slices of raw, capped so that appending
// to one cannot overwrite what follows it.
func scanMembers(raw []byte) members {
	var m members
	i := skipSpace(raw, 0) + 1 // past '{'
	for {
		i = skipSpace(raw, i)
		if raw[i] == '}' {
			return m
		}
		ks := i
		i = skipString(raw, i)
		key := raw[ks:i]
		i = skipSpace(raw, i) + 1 // past ':'
		i = skipSpace(raw, i)
		vs := i
		i = skipValue(raw, i)
		if p := m.field(memberName(key)); p != nil {
			*p = raw[vs:i:i]
		}
		i = skipSpace(raw, i)
		if raw[i] == '}' {
			return m
		}
		i++ // past ','
	}
}

// memberName returns the name a quoted member name spells: its bytes when
// it has no escapes (the usual case), else as the JSON decoder unescapes
// it.
func memberName(quoted []byte) []byte {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	var s string
	if json.Unmarshal(quoted, &s) != nil {
		return nil
	}
	return []byte(s)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at b[i].
func skipString(b []byte, i int) int {
	for i++; ; i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// skipValue returns the index after the value that starts at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
	default: // a number, true, false or null
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}
