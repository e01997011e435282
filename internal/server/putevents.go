package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vigilhq/vigil/internal/ingest"
	"github.com/vigilhq/vigil/internal/notify"
)

// Limits of POST /events. A PutEvents request follows AWS: at most 10
// entries whose sizes (as AWS counts them, entrySize) total at most 256 KB,
// else the whole request is a ValidationException. The other body forms
// have limits of their own: one event, or an array of at most 100 events,
// in at most 256 KB.
const (
	maxEntries      = 10
	maxEntriesSize  = 262144
	maxArrayEvents  = 100
	maxEventsBody   = 262144
	maxRequestBody  = 1 << 20 // a PutEvents body: its JSON escaping makes it larger than its entries
	maxErrorMessage = 512     // bytes of one ErrorMessage
)

// RequestError is a POST /events request refused as a whole: Type is
// AWS's error type (ValidationException, SerializationException) when the
// request is PutEvents-shaped.
type RequestError struct {
	Type    string
	Message string
}

// Error returns the message.
func (e *RequestError) Error() string { return e.Message }

func validation(format string, args ...any) *RequestError {
	return &RequestError{Type: "ValidationException", Message: fmt.Sprintf(format, args...)}
}

// SplitEvents reads a POST /events body: one event object, a JSON array of
// events, or PutEvents' {"Entries": [...]}, whose entries are turned into
// events. entryErrs[i] is set for an entry that could not be turned into an
// event (the entry is then an empty placeholder in raws). A request refused
// as a whole is a *RequestError.
func SplitEvents(body []byte) (raws [][]byte, entryErrs []error, err error) {
	_, raws, entryErrs, err = splitBody(body)
	return raws, entryErrs, err
}

// splitBody is SplitEvents that also says whether body is a PutEvents
// request (whose size limit is on its entries, not the body).
func splitBody(body []byte) (entries bool, raws [][]byte, entryErrs []error, err error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return false, nil, nil, &RequestError{Message: `empty body: send an event, an array of events or {"Entries": [...]}`}
	}
	switch body[0] {
	case '[':
		var arr []json.RawMessage
		if err := json.Unmarshal(body, &arr); err != nil {
			return false, nil, nil, &RequestError{Message: fmt.Sprintf("body is not a JSON array of events: %v", err)}
		}
		switch {
		case len(arr) == 0:
			return false, nil, nil, &RequestError{Message: "empty array: no events"}
		case len(arr) > maxArrayEvents:
			return false, nil, nil, &RequestError{Message: fmt.Sprintf("the array holds %d events; send at most %d per request", len(arr), maxArrayEvents)}
		}
		raws = make([][]byte, len(arr))
		for i, a := range arr {
			raws[i] = a
		}
		return false, raws, make([]error, len(raws)), nil
	case '{':
		var top map[string]json.RawMessage
		if json.Unmarshal(body, &top) == nil {
			_, isEvent := top["source"]
			if list, ok := top["Entries"]; ok && !isEvent {
				raws, entryErrs, err = splitEntries(body, list)
				return true, raws, entryErrs, err
			}
		}
		return false, [][]byte{body}, make([]error, 1), nil
	}
	return false, nil, nil, &RequestError{Message: `body is not JSON: send an event object, an array of events or {"Entries": [...]}`}
}

// splitEntries turns a PutEvents request's entries into events.
func splitEntries(body, entries json.RawMessage) ([][]byte, []error, error) {
	if p := ingest.DuplicateMember(body); p != "" {
		return nil, nil, &RequestError{Type: "SerializationException", Message: fmt.Sprintf("%s is given more than once", p)}
	}
	var list []json.RawMessage
	switch jsonType(entries) {
	case "null":
		return nil, nil, validation("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null")
	case "array":
		if err := json.Unmarshal(entries, &list); err != nil {
			return nil, nil, &RequestError{Type: "SerializationException", Message: "Entries: " + err.Error()}
		}
	default:
		return nil, nil, &RequestError{Type: "SerializationException", Message: fmt.Sprintf("Entries must be an array of entries, found %s", jsonType(entries))}
	}
	switch {
	case len(list) == 0:
		return nil, nil, validation("1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case len(list) > maxEntries:
		return nil, nil, validation("1 validation error detected: Value at 'entries' (%d entries) failed to satisfy constraint: Member must have length less than or equal to %d", len(list), maxEntries)
	}
	raws := make([][]byte, len(list))
	errs := make([]error, len(list))
	total := 0
	for i, e := range list {
		var size int
		raws[i], size, errs[i] = entryEvent(e)
		if errs[i] != nil {
			raws[i] = []byte(`{}`)
		}
		total += size
	}
	if total > maxEntriesSize {
		return nil, nil, validation("Total size of the entries in the request is over the limit.")
	}
	return raws, errs, nil
}

// entryError is a PutEvents entry refused with AWS's wording:
// "Parameter X is not valid. Reason: ...".
func entryError(code, field, reason string, args ...any) error {
	return &ingest.Error{Code: code, Err: fmt.Errorf("Parameter %s is not valid. Reason: %s", field, fmt.Sprintf(reason, args...))}
}

// entryEvent builds the envelope EventBridge would deliver for one
// PutEventsRequestEntry, and returns the entry's size as AWS counts it
// (Time 14 bytes, then the UTF-8 bytes of Source, DetailType, Detail and
// each resource).
func entryEvent(raw json.RawMessage) ([]byte, int, error) {
	if jsonType(raw) != "object" {
		return nil, 0, &ingest.Error{Code: "InvalidArgument", Err: fmt.Errorf("an entry must be an object with Source, DetailType and Detail, found %s", jsonType(raw))}
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, 0, &ingest.Error{Code: "InvalidArgument", Err: err}
	}
	size := 0
	str := func(name string) (string, bool, error) {
		v, ok := f[name]
		if !ok || jsonType(v) == "null" {
			return "", false, nil
		}
		if jsonType(v) != "string" {
			return "", true, entryError("InvalidArgument", name, "%s must be a string, found %s.", name, jsonType(v))
		}
		if !utf8.Valid(v) {
			code := "InvalidArgument"
			if name == "Detail" {
				code = "MalformedDetail"
			}
			at := invalidUTF8At(v)
			return "", true, entryError(code, name, "%s is not valid UTF-8 (byte 0x%02x at offset %d of its text).", name, v[at], at-1)
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", true, entryError("InvalidArgument", name, "%v", err)
		}
		size += len(s)
		return s, true, nil
	}
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	source, _, err := str("Source")
	keep(err)
	detailType, _, err := str("DetailType")
	keep(err)
	detail, _, err := str("Detail")
	keep(err)
	account, _, err := str("Account")
	keep(err)
	region, _, err := str("Region")
	keep(err)
	_, _, err = str("EventBusName")
	keep(err)
	resources, err := entryResources(f["Resources"], &size)
	keep(err)
	t, hasTime, err := entryTime(f["Time"])
	keep(err)
	if hasTime {
		size += 14
	}
	if first != nil {
		return nil, size, first
	}
	switch {
	case source == "":
		return nil, size, entryError("InvalidArgument", "Source", "Source is a required argument.")
	case detailType == "":
		return nil, size, entryError("InvalidArgument", "DetailType", "DetailType is a required argument.")
	case detail == "":
		return nil, size, entryError("InvalidArgument", "Detail", "Detail is a required argument.")
	}
	var d json.RawMessage
	if err := json.Unmarshal([]byte(detail), &d); err != nil {
		return nil, size, &ingest.Error{Code: "MalformedDetail", Err: fmt.Errorf("Detail is malformed: not JSON: %v", err)}
	}
	if jsonType(d) != "object" {
		return nil, size, &ingest.Error{Code: "MalformedDetail", Err: fmt.Errorf("Detail is malformed: it must be a JSON object, found %s", jsonType(d))}
	}
	if !hasTime {
		t = time.Now()
	}
	if resources == nil {
		resources = []string{}
	}
	env := struct {
		Version    string          `json:"version"`
		ID         string          `json:"id"`
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Account    string          `json:"account"`
		Time       string          `json:"time"`
		Region     string          `json:"region"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}{"0", ingest.NewID(), detailType, source, account, t.UTC().Format(time.RFC3339), region, resources, d}
	b, err := json.Marshal(env)
	return b, size, err
}

// entryResources reads Resources: an array of strings (null or absent:
// none).
func entryResources(v json.RawMessage, size *int) ([]string, error) {
	if v == nil || jsonType(v) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if jsonType(v) != "array" || json.Unmarshal(v, &items) != nil {
		return nil, entryError("InvalidArgument", "Resources", "Resources must be an array of strings, found %s.", jsonType(v))
	}
	out := make([]string, len(items))
	for i, it := range items {
		if jsonType(it) != "string" {
			return nil, entryError("InvalidArgument", "Resources", "Resources[%d] must be a string, found %s.", i, jsonType(it))
		}
		if !utf8.Valid(it) {
			return nil, entryError("InvalidArgument", "Resources", "Resources[%d] is not valid UTF-8.", i)
		}
		if err := json.Unmarshal(it, &out[i]); err != nil {
			return nil, entryError("InvalidArgument", "Resources", "Resources[%d]: %v", i, err)
		}
		*size += len(out[i])
	}
	return out, nil
}

// Times a PutEvents entry may carry: EventBridge's event time is an RFC
// 3339 timestamp with a four-digit year.
var (
	minEntryTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxEntryTime = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// entryTime reads Time: epoch seconds, as the AWS SDKs and CLI send it, or
// an RFC 3339 timestamp, as people write it by hand.
func entryTime(v json.RawMessage) (time.Time, bool, error) {
	if v == nil || jsonType(v) == "null" {
		return time.Time{}, false, nil
	}
	bad := func(shown string) error {
		return entryError("InvalidArgument", "Time", "%s is not a valid time: give epoch seconds (e.g. 1704067200) or an RFC 3339 timestamp (e.g. 2024-01-01T00:00:00Z) between 1970 and 9999.", shown)
	}
	shown, _ := notify.Truncate(string(v), 64)
	var t time.Time
	switch jsonType(v) {
	case "number":
		sec, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
		if err != nil || math.IsInf(sec, 0) || math.IsNaN(sec) {
			return time.Time{}, true, bad(shown)
		}
		if sec < float64(minEntryTime.Unix()) || sec > float64(maxEntryTime.Unix()) {
			return time.Time{}, true, bad(shown)
		}
		whole, frac := math.Modf(sec)
		t = time.Unix(int64(whole), int64(frac*1e9))
	case "string":
		var s string
		if !utf8.Valid(v) || json.Unmarshal(v, &s) != nil {
			return time.Time{}, true, bad("Time")
		}
		p, err := time.Parse(time.RFC3339, s)
		if err != nil || p.Before(minEntryTime) || p.After(maxEntryTime) {
			return time.Time{}, true, bad(shown)
		}
		t = p
	default:
		return time.Time{}, true, entryError("InvalidArgument", "Time", "Time must be epoch seconds or an RFC 3339 timestamp, found %s.", jsonType(v))
	}
	return t, true, nil
}

// invalidUTF8At returns the offset of the first byte of b that is not
// valid UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// jsonType names the JSON type of a value from its first byte.
func jsonType(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// boundMessage keeps an error message to maxErrorMessage bytes: a reply
// to many bad entries stays small.
func boundMessage(s string) string {
	if t, cut := notify.Truncate(s, maxErrorMessage-len("…")); cut {
		return t + "…"
	}
	return s
}
