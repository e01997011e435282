package ingest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/route"
)

// Limits of the envelope fields vigil keeps in indexed text columns and
// sends in delivery headers. EventBridge's own: a detail-type of at most
// 128 characters and a source of at most 256 (PutEventsRequestEntry); its
// ids are UUIDs, far below maxIDBytes.
const (
	maxIDBytes         = 256
	maxSourceChars     = 256
	maxDetailTypeChars = 128
	// maxKeyBytes bounds the deduplication key (a Security Hub finding's
	// Id and UpdatedAt): PostgreSQL refuses index entries over ~2.7 KB.
	maxKeyBytes = 1024
)

// Parse validates raw as an event and gives it an id when it has none or an
// empty one (EventBridge always sets one; a hand-made event may not), so
// that it can be deduplicated and referred to.
//
// Beyond event.Parse it refuses what vigil would otherwise read two ways or
// fail on later, every attempt: a member name that appears twice in one
// object, control characters (NUL, CR, LF, ...) in the id, source or
// detail-type, and a detail that does not have its source's documented
// shape (a Security Hub finding whose Severity is a string, ...).
func Parse(raw []byte) (*event.Event, error) {
	if len(raw) > event.MaxSize {
		return nil, &Error{Code: "EntrySizeTooLarge", Err: fmt.Errorf("event is %d bytes; the limit is %d (256 KB)", len(raw), event.MaxSize)}
	}
	ev, err := event.Parse(raw)
	if err != nil {
		code := "MalformedDetail"
		if errors.Is(err, event.ErrTooLarge) {
			code = "EntrySizeTooLarge"
		}
		return nil, &Error{Code: code, Err: err}
	}
	m := scanMembers(raw)
	if m.dup != "" {
		return nil, &Error{Code: "MalformedDetail", Err: fmt.Errorf("event: %q is given more than once: each member name may appear once in an object (a dotted name counts as the nested names it spells)", m.dup)}
	}
	if ev.ID == "" {
		if ev, err = withNewID(raw, m); err != nil {
			return nil, &Error{Code: "MalformedDetail", Err: err}
		}
	}
	if err := checkEnvelope(ev); err != nil {
		return nil, err
	}
	if err := explain.CheckShape(ev); err != nil {
		return nil, &Error{Code: "MalformedDetail", Err: fmt.Errorf("event: \"detail\" does not have the shape of a %s event: %s", ev.Kind(), strings.TrimPrefix(err.Error(), "event: "))}
	}
	return ev, nil
}

// withNewID returns the event raw with a new id: in place of the empty
// "id" value when there is one (Go's decoder would keep a later duplicate,
// so the id is never prepended to an event that has one), else first.
func withNewID(raw []byte, m members) (*event.Event, error) {
	id := NewID()
	var out []byte
	if m.idEnd > 0 {
		out = make([]byte, 0, len(raw)+len(id))
		out = append(out, raw[:m.idStart]...)
		out = append(out, '"')
		out = append(out, id...)
		out = append(out, '"')
		out = append(out, raw[m.idEnd:]...)
	} else {
		trimmed := bytes.TrimLeft(raw, " \t\r\n")
		out = make([]byte, 0, len(trimmed)+len(id)+10)
		out = append(out, `{"id":"`...)
		out = append(out, id...)
		out = append(out, '"')
		rest := bytes.TrimLeft(trimmed[1:], " \t\r\n")
		if len(rest) > 0 && rest[0] != '}' {
			out = append(out, ',')
		}
		out = append(out, rest...)
	}
	ev, err := event.Parse(out)
	if err == nil && ev.ID != id {
		err = errors.New("event: the id vigil assigned did not take") // cannot happen: the scan found every "id"
	}
	return ev, err
}

// checkEnvelope refuses envelope fields vigil cannot store or send: control
// characters (a CR or LF in an id breaks every delivery's headers; a NUL is
// refused by PostgreSQL) and lengths beyond EventBridge's.
func checkEnvelope(ev *event.Event) error {
	for _, f := range []struct {
		name, value string
		max         int
		chars       bool
	}{
		{"id", ev.ID, maxIDBytes, false},
		{"source", ev.Source, maxSourceChars, true},
		{"detail-type", ev.DetailType, maxDetailTypeChars, true},
	} {
		if i := strings.IndexFunc(f.value, unicode.IsControl); i >= 0 {
			r, _ := utf8.DecodeRuneInString(f.value[i:])
			return &Error{Code: "InvalidArgument", Err: fmt.Errorf("event: %q contains the control character U+%04X at byte %d: send it without control characters", f.name, r, i)}
		}
		n, unit := len(f.value), "bytes"
		if f.chars {
			n, unit = utf8.RuneCountInString(f.value), "characters"
		}
		if n > f.max {
			return &Error{Code: "InvalidArgument", Err: fmt.Errorf("event: %q is %d %s long; the limit is %d", f.name, n, unit, f.max)}
		}
	}
	return nil
}

// checkStorable refuses what routing derived from the event that the
// database cannot hold: the deduplication key (a Security Hub finding's Id
// and UpdatedAt) is an indexed text column and a job argument, where
// PostgreSQL refuses NUL characters and long index entries. (Group keys
// are JSON text, where a NUL is written \u0000.)
func checkStorable(dec *route.Decision) error {
	if strings.IndexByte(dec.Key, 0) >= 0 {
		return &Error{Code: "InvalidArgument", Err: errors.New("event: a Security Hub finding's Id or UpdatedAt contains a NUL character (\\u0000), which vigil cannot store")}
	}
	if len(dec.Key) > maxKeyBytes {
		return &Error{Code: "InvalidArgument", Err: fmt.Errorf("event: a Security Hub finding's Id and UpdatedAt are %d bytes together; the limit is %d (Security Hub's own Id limit is 512 characters)", len(dec.Key), maxKeyBytes)}
	}
	return nil
}

// NewID returns a random UUID (version 4), the form of EventBridge event ids.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
