package event

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// Text is a scalar JSON value kept as text. It accepts a string, a number
// (kept verbatim, so 50.0 stays "50.0"), a boolean or null (""), because
// several AWS sources send the same field as a string in one event and a
// number in another (GuardDuty's launchTime, for one).
type Text string

// UnmarshalJSON accepts any JSON scalar; objects and arrays are an error.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		// The decoder has validated b; without escapes it is the text itself.
		if len(b) >= 2 && bytes.IndexByte(b, '\\') < 0 {
			*t = Text(b[1 : len(b)-1])
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case 'n':
		*t = ""
	case '{', '[':
		return &json.UnmarshalTypeError{Value: jsonType(b), Type: textType}
	default:
		*t = Text(b)
	}
	return nil
}

// String returns the text.
func (t Text) String() string { return string(t) }

var textType = reflect.TypeFor[Text]()
