package operator

import (
	"encoding/json"
	"testing"
)

func TestWithReplayName(t *testing.T) {
	for in, want := range map[string]string{
		`{"id":"1","source":"a"}`: `{"replay-name":"r1","id":"1","source":"a"}`,
		` { "id" : "1" }`:         ` {"replay-name":"r1", "id" : "1" }`,
		`{}`:                      `{"replay-name":"r1"}`,
		`{"replay-name":"old","id":"1","detail":{"a":1}}`: `{"replay-name":"r1","detail":{"a":1},"id":"1"}`,
	} {
		got := string(withReplayName([]byte(in), "r1"))
		if got != want || !json.Valid([]byte(got)) {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}
