package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/server"
)

// PutEvents entries become the events EventBridge would deliver, with
// per-entry answers; the limits are AWS's.
func TestPutEventsEntries(t *testing.T) {
	raws, errs, err := server.SplitEvents([]byte(`{"Entries":[
		{"Source":"a","DetailType":"t","Detail":"{\"x\":1}","Time":1704067200,"Resources":["arn:1"]},
		{"Source":"a","DetailType":"t","Detail":"{}","Time":"2024-02-03T04:05:06+09:00"},
		{"Source":"a","DetailType":"t","Detail":"{}","Time":1704067200.75},
		{"Source":"a","DetailType":"t","Detail":"{}","Time":"soon"},
		{"Source":"a","DetailType":"t","Detail":"{}","Resources":null,"Time":null,"EventBusName":"default","TraceHeader":"x"}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	wantTimes := []string{"2024-01-01T00:00:00Z", "2024-02-02T19:05:06Z", "2024-01-01T00:00:00Z", "", ""}
	for i, raw := range raws {
		if i == 3 {
			if errs[i] == nil || !strings.Contains(errs[i].Error(), `Parameter Time is not valid. Reason: "soon" is not a valid time`) {
				t.Errorf("entry 3: %v", errs[i])
			}
			continue
		}
		if errs[i] != nil {
			t.Fatalf("entry %d: %v", i, errs[i])
		}
		var ev struct {
			ID        string          `json:"id"`
			Time      string          `json:"time"`
			Resources []string        `json:"resources"`
			Detail    json.RawMessage `json:"detail"`
		}
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if len(ev.ID) != 36 || ev.Resources == nil || (wantTimes[i] != "" && ev.Time != wantTimes[i]) {
			t.Errorf("entry %d: %s", i, raw)
		}
	}
	// Ten entries of 26 KB each are within AWS's limits.
	var es []string
	for range 10 {
		es = append(es, `{"Source":"a","DetailType":"t","Detail":"{\"p\":\"`+strings.Repeat("x", 26000)+`\"}"}`)
	}
	if _, _, err := server.SplitEvents([]byte(`{"Entries":[` + strings.Join(es, ",") + `]}`)); err != nil {
		t.Errorf("10 entries, 260 KB of JSON, 260,100 bytes of entries: %v", err)
	}
	// One byte more than 256 KB of entries is not.
	es[9] = `{"Source":"a","DetailType":"t","Detail":"{\"p\":\"` + strings.Repeat("x", 26000+262144-260100+1) + `\"}"}`
	var re *server.RequestError
	if _, _, err := server.SplitEvents([]byte(`{"Entries":[` + strings.Join(es, ",") + `]}`)); err == nil || !asRequestError(err, &re) || re.Type != "ValidationException" {
		t.Errorf("entries over 256 KB: %v", err)
	}
}

func asRequestError(err error, re **server.RequestError) bool {
	e, ok := err.(*server.RequestError)
	*re = e
	return ok
}
