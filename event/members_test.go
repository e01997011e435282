package event

import (
	"bytes"
	"encoding/json"
	"testing"
)

// membersSeeds are objects whose top level is easy to misread: escaped and
// repeated names, strings holding braces, quotes and backslashes, nested
// values, every kind of whitespace.
var membersSeeds = []string{
	`{"source":"s","detail-type":"t","detail":{}}`,
	` {"\u0073ource" : "s" , "detail-type":"t","detail":{"a":"}]\"\\","b":[1,{"c":"{"}]}} `,
	`{"source":"a","source":"b","detail-type":"t","detail":{"x":1},"detail":{"y":2}}`,
	"{\n\t\"id\"\r\n:\t\"x\",\"time\":\"2024-01-01T00:00:00Z\",\"resources\":[\"a\",\"b\"],\"detail\":{}}",
	`{"version":0,"id":null,"account":true,"region":-1.5e3,"detail":[],"source":"s","detail-type":"t"}`,
	`{"Source":"s","sourcé":"x","detail-type":"t","detail":{},"det\"ail":1}`,
	`{}`,
	`{"\ud800":"lone surrogate","detail":{"k":"\ud83d\ude00"}}`,
}

// scanMembers finds exactly what json.Unmarshal into a map finds, for the
// members Parse reads.
func FuzzScanMembers(f *testing.F) {
	for _, s := range membersSeeds {
		f.Add([]byte(s))
	}
	for _, raw := range samples(f) {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		t0 := bytes.TrimLeft(raw, " \t\r\n")
		if len(t0) == 0 || t0[0] != '{' || !json.Valid(raw) {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("valid JSON object did not decode: %v", err)
		}
		want, got := membersOf(m), scanMembers(raw)
		for _, name := range []string{"version", "id", "detail-type", "source", "account", "region", "time", "resources", "detail"} {
			w, g := *want.field([]byte(name)), *got.field([]byte(name))
			if (w == nil) != (g == nil) || !bytes.Equal(w, g) {
				t.Fatalf("%s: scanned %q, decoded %q", name, g, w)
			}
		}
	})
}

// Parse's event owns its bytes: the detail is part of Raw, and appending to
// it cannot change Raw, nor can changing the caller's buffer change either.
func TestParseOwnsItsBytes(t *testing.T) {
	raw := []byte(`{"source":"s","detail-type":"t","detail":{"a":1},"z":"after"}`)
	e, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := string(raw)
	_ = append(e.Detail, "XXXXXXXXXX"...)
	copy(raw, "##########")
	if string(e.Raw) != want || string(e.Detail) != `{"a":1}` {
		t.Errorf("Raw %s, Detail %s", e.Raw, e.Detail)
	}
}
