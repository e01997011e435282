// Package event parses and validates the EventBridge event envelope and
// offers typed, read-only views of the detail of the AWS sources vigil knows
// (Security Hub ASFF findings, GuardDuty findings, Config compliance changes,
// CloudWatch alarm state changes, AWS Health, IAM Access Analyzer, CloudTrail
// API calls and EC2 instance state changes).
//
// Parse keeps the whole event as received in Event.Raw, because event
// patterns and input transformers work on the original JSON, not on the
// fields this package knows about.
package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// MaxSize is the largest event EventBridge accepts, in bytes (256 KB).
// Parse rejects anything larger so vigil never stores an event AWS itself
// could not have delivered.
const MaxSize = 262144

// ErrTooLarge is wrapped by the error Parse returns for input over MaxSize.
var ErrTooLarge = errors.New("event exceeds the EventBridge size limit")

// Event is one EventBridge event: the envelope fields, the detail and the
// bytes as received.
//
// The typed views of the detail (SecurityHub, GuardDuty, CloudTrail, ...)
// of an event from Parse are decoded once and shared by every caller:
// treat what they return as read-only.
type Event struct {
	ID         string // "id": unique per event, set by EventBridge
	Version    string // "version": envelope version, "0" today
	Source     string // "source", e.g. "aws.guardduty"
	DetailType string // "detail-type", e.g. "GuardDuty Finding"
	Account    string // "account": the 12-digit account the event came from
	Region     string // "region", e.g. "ap-northeast-1"
	// Time is "time", parsed as RFC 3339; zero when the event has none.
	Time time.Time
	// Resources lists the ARNs (or other ids) in "resources"; nil when absent.
	Resources []string
	// Detail is the "detail" object exactly as received.
	Detail json.RawMessage
	// Raw is the whole event as received; Parse keeps its own copy.
	Raw []byte

	// views caches the typed views of Detail (see view).
	views *viewCache
}

// Error is the error Parse returns for input that is not a valid event.
// Field names the envelope field at fault, empty when the problem is the
// document as a whole.
type Error struct {
	Field   string
	Problem string
	err     error
}

// Error reports the field and the problem, e.g.
// `event: "time": "yesterday" is not an RFC 3339 timestamp`.
func (e *Error) Error() string {
	if e.Field == "" {
		return "event: " + e.Problem
	}
	return "event: " + strconv.Quote(e.Field) + ": " + e.Problem
}

// Unwrap returns the underlying cause, such as ErrTooLarge or a
// *json.SyntaxError.
func (e *Error) Unwrap() error { return e.err }

func fieldErr(field, format string, args ...any) *Error {
	return &Error{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// Parse validates raw as an EventBridge event and returns it. It fails with
// an *Error that names the field and the problem when raw is larger than
// MaxSize, is not JSON, is not an object, lacks "source", "detail-type" or
// "detail", has a field of the wrong JSON type, or has a "time" that is not
// RFC 3339. Unknown top-level fields are allowed and kept in Raw.
func Parse(raw []byte) (*Event, error) {
	if len(raw) > MaxSize {
		return nil, &Error{Problem: fmt.Sprintf("%d bytes is over the EventBridge limit of %d bytes", len(raw), MaxSize), err: ErrTooLarge}
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, &Error{Problem: "empty input: expected a JSON object"}
	}
	if !utf8.Valid(raw) {
		return nil, &Error{Problem: "not JSON: input is not valid UTF-8"}
	}
	var top members
	var own []byte // the event's copy of raw, once it is known to be JSON
	if trimmed[0] == '{' && json.Valid(raw) {
		own = bytes.Clone(raw)
		top = scanMembers(own)
	} else {
		// Not an object, or not JSON: json.Unmarshal says why, in the
		// words these errors have always had.
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				return nil, &Error{Problem: fmt.Sprintf("not JSON: %v at byte %d", syn, syn.Offset), err: err}
			}
			if !json.Valid(raw) {
				return nil, &Error{Problem: "not JSON: " + err.Error(), err: err}
			}
			return nil, &Error{Problem: "not a JSON object: found " + jsonType(trimmed)}
		}
		if m == nil { // the literal null
			return nil, &Error{Problem: "not a JSON object: found null"}
		}
		top = membersOf(m)
	}

	e := &Event{views: &viewCache{}}
	strs := []struct {
		name     string
		v        []byte
		dst      *string
		required bool
	}{
		{"version", top.version, &e.Version, false},
		{"id", top.id, &e.ID, false},
		{"detail-type", top.detailType, &e.DetailType, true},
		{"source", top.source, &e.Source, true},
		{"account", top.account, &e.Account, false},
		{"region", top.region, &e.Region, false},
	}
	for _, f := range strs {
		v := f.v
		if v == nil {
			if f.required {
				return nil, fieldErr(f.name, "missing: every event needs %q", f.name)
			}
			continue
		}
		s, err := stringValue(v)
		if err != nil {
			return nil, fieldErr(f.name, "must be a string, found %s", jsonType(v))
		}
		if f.required && s == "" {
			return nil, fieldErr(f.name, "must not be empty")
		}
		*f.dst = s
	}

	if v := top.time; v != nil {
		s, err := stringValue(v)
		if err != nil {
			return nil, fieldErr("time", "must be a string, found %s", jsonType(v))
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fieldErr("time", "%q is not an RFC 3339 timestamp like \"2024-01-02T03:04:05Z\"", s)
		}
		e.Time = t
	}

	if v := top.resources; v != nil {
		if jsonType(v) != "array" {
			return nil, fieldErr("resources", "must be an array of strings, found %s", jsonType(v))
		}
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return nil, fieldErr("resources", "must be an array of strings: %v", err)
		}
		e.Resources = make([]string, len(items))
		for i, it := range items {
			s, err := stringValue(it)
			if err != nil {
				return nil, fieldErr(fmt.Sprintf("resources[%d]", i), "must be a string, found %s", jsonType(it))
			}
			e.Resources[i] = s
		}
	}

	d := json.RawMessage(top.detail)
	if d == nil {
		return nil, fieldErr("detail", "missing: every event needs a \"detail\" object")
	}
	if jsonType(d) != "object" {
		return nil, fieldErr("detail", "must be a JSON object, found %s", jsonType(d))
	}
	if own == nil {
		own = bytes.Clone(raw)
	}
	e.Raw = own
	e.Detail = d
	return e, nil
}

// stringValue decodes v as a JSON string.
func stringValue(v json.RawMessage) (string, error) {
	if jsonType(v) != "string" {
		return "", errors.New("not a string")
	}
	// v is valid JSON (it was decoded as part of the event): a string
	// without escapes whose bytes are valid UTF-8 decodes to exactly its
	// bytes, without a decoder (most envelope fields).
	if t := bytes.TrimSpace(v); len(t) >= 2 && bytes.IndexByte(t, '\\') < 0 && utf8.Valid(t[1:len(t)-1]) {
		return string(t[1 : len(t)-1]), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// jsonType names the JSON type of a valid JSON value from its first byte.
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

// Read reads one event from r and parses it. It reads at most MaxSize+1
// bytes, so an oversized or endless input fails with ErrTooLarge instead of
// filling memory.
func Read(r io.Reader) (*Event, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("event: reading input: %w", err)
	}
	if len(raw) > MaxSize {
		return nil, &Error{Problem: fmt.Sprintf("more than %d bytes is over the EventBridge limit", MaxSize), err: ErrTooLarge}
	}
	return Parse(raw)
}
