package ingest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/internal/ingest"
)

// envelope wraps a detail (and extra top-level members) into an event.
func envelope(extra, detail string) string {
	return `{"id":"e1","source":"my.app","detail-type":"t",` + extra + `"detail":` + detail + `}`
}

// Issue 13 items 2-4: what Parse refuses, with the code and the words the
// sender sees.
func TestParseRejects(t *testing.T) {
	sh := func(finding string) string {
		return `{"id":"s1","source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":[` + finding + `]}}`
	}
	for _, c := range []struct {
		name, raw, code string
		want            []string
	}{
		// Duplicate member names, at any depth; the path names the second.
		{"top-level duplicate", `{"id":"x","source":"aws.ec2","source":"evil.src","detail-type":"t","detail":{}}`, "MalformedDetail", []string{`"source" is given more than once`}},
		{"nested duplicate", envelope("", `{"sev":1,"sev":9}`), "MalformedDetail", []string{`"detail.sev"`}},
		{"duplicate in an array element", envelope("", `{"findings":[{"Id":"a"},{"Id":"b","Id":"c"}]}`), "MalformedDetail", []string{`"detail.findings[1].Id"`}},
		{"escaped duplicate", `{"id":"x","\u0069d":"y","source":"s","detail-type":"t","detail":{}}`, "MalformedDetail", []string{`"id" is given more than once`}},
		{"dotted name duplicates a nested one", envelope("", `{"a":{"b":1},"a.b":2}`), "MalformedDetail", []string{`"detail.a.b"`}},
		{"dotted name through an array", envelope("", `{"a":[{"b":1}],"a.b":2}`), "MalformedDetail", []string{`"detail.a.b"`}},
		{"dotted names on both sides", envelope("", `{"x":{"a":{"b.c":1},"a.b":{"c":2}}}`), "MalformedDetail", []string{`"detail.x.a.b.c"`}},
		{"duplicate id", `{"id":"","id":"","source":"s","detail-type":"t","detail":{}}`, "MalformedDetail", []string{`"id" is given more than once`}},
		// Control characters where they break headers or the database.
		{"CR LF in id", `{"id":"a\r\nX-Evil: 1","source":"s","detail-type":"t","detail":{}}`, "InvalidArgument", []string{`"id" contains the control character U+000D`}},
		{"NUL in id", `{"id":"a\u0000b","source":"s","detail-type":"t","detail":{}}`, "InvalidArgument", []string{`"id" contains the control character U+0000`}},
		{"NUL in source", `{"id":"a","source":"s\u0000","detail-type":"t","detail":{}}`, "InvalidArgument", []string{`"source" contains the control character U+0000`}},
		{"NUL in detail-type", `{"id":"a","source":"s","detail-type":"\u0000","detail":{}}`, "InvalidArgument", []string{`"detail-type" contains the control character U+0000`}},
		{"DEL in detail-type", `{"id":"a","source":"s","detail-type":"a\u007f","detail":{}}`, "InvalidArgument", []string{`U+007F`}},
		{"id too long", `{"id":"` + strings.Repeat("x", 300) + `","source":"s","detail-type":"t","detail":{}}`, "InvalidArgument", []string{`"id" is 300 bytes long; the limit is 256`}},
		{"detail-type too long", `{"id":"a","source":"s","detail-type":"` + strings.Repeat("あ", 129) + `","detail":{}}`, "InvalidArgument", []string{`129 characters long; the limit is 128`}},
		// Typed views: the detail must have its source's shape.
		{"Security Hub severity as a string", sh(`{"Id":"f","Severity":"HIGH"}`), "MalformedDetail", []string{`findings.Severity`, `found JSON string`}},
		{"Security Hub findings not an array", `{"id":"s1","source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":{}}}`, "MalformedDetail", []string{`findings`}},
		{"GuardDuty severity as a string", `{"id":"g","source":"aws.guardduty","detail-type":"GuardDuty Finding","detail":{"severity":"high"}}`, "MalformedDetail", []string{`severity`, `found JSON string`}},
		{"GuardDuty resource as a string", `{"id":"g","source":"aws.guardduty","detail-type":"GuardDuty Finding","detail":{"resource":"i-1"}}`, "MalformedDetail", []string{`resource`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ingest.Parse([]byte(c.raw))
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("want an *ingest.Error, got %v", err)
			}
			if ie.Code != c.code {
				t.Errorf("code %s, want %s (%v)", ie.Code, c.code, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// What Parse accepts that looks close to the above.
func TestParseAccepts(t *testing.T) {
	for _, c := range []struct{ name, raw string }{
		{"same names in sibling objects", envelope("", `{"a":{"x":1},"b":{"x":2}}`)},
		{"same names across array elements", envelope("", `{"findings":[{"Id":"a"},{"Id":"b"}]}`)},
		{"dotted tag names", envelope("", `{"tags":{"kubernetes.io/cluster/x":"owned","kubernetes.io/role":"a","owner":"b"}}`)},
		{"dotted name beside a different nested one", envelope("", `{"a":{"c":1},"a.b":2}`)},
		{"dotted name beside a scalar", envelope("", `{"a":1,"a.b":2}`)},
		{"many members", envelope("", `{`+manyMembers(100)+`}`)},
		{"tab in detail text", envelope("", `{"note":"a\tb\u0000c"}`)},
		{"Security Hub finding", `{"id":"s1","source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":[{"Id":"f","Severity":{"Label":"HIGH"}}]}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ingest.Parse([]byte(c.raw)); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
	// A duplicate among many members is still found (the map path).
	if _, err := ingest.Parse([]byte(envelope("", `{`+manyMembers(100)+`,"k7":0}`))); err == nil || !strings.Contains(err.Error(), `"detail.k7"`) {
		t.Errorf("duplicate among 100 members: %v", err)
	}
}

func manyMembers(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + itoa(i) + `":` + itoa(i))
	}
	return b.String()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

// Issue 13 item 2: an empty id gets a new one, in place (no second "id"
// member that a decoder could read instead), every time.
func TestParseEmptyIDGetsNewID(t *testing.T) {
	seen := map[string]bool{}
	for _, raw := range []string{
		`{"id":"","source":"s","detail-type":"t","detail":{"n":1}}`,
		`{"source":"s","id" : "" ,"detail-type":"t","detail":{"n":2}}`,
		`{"source":"s","detail-type":"t","detail":{"n":3},"id":""}`,
		`{"source":"s","detail-type":"t","detail":{"n":4}}`,
	} {
		ev, err := ingest.Parse([]byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if len(ev.ID) != 36 || seen[ev.ID] {
			t.Errorf("%s: id %q (want a new UUID)", raw, ev.ID)
		}
		seen[ev.ID] = true
		if strings.Count(string(ev.Raw), `"id"`) != 1 || !strings.Contains(string(ev.Raw), `"`+ev.ID+`"`) {
			t.Errorf("stored event should carry the id once: %s", ev.Raw)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		envelope("", `{"a":{"b":1},"a.b":2}`), `{"id":"","source":"s","detail-type":"t","detail":{}}`,
		`{"source":"s","detail-type":"t","detail":{"x":[{"y":1},{"y":2}],"x.y":3}}`, `{"a":"\u0061"}`, `[`, `{"a`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := ingest.Parse(raw)
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("not an *ingest.Error: %v", err)
			}
			return
		}
		if ev.ID == "" {
			t.Fatalf("accepted without an id: %s", raw)
		}
	})
}

// Issue 13 item 2: three different events sent with "id": "" are three
// events, each stored and delivered, never duplicates of one another.
func TestEmptyIDsAreDistinctEvents(t *testing.T) {
	rcv := newReceiver(t)
	p := startPipeline(t, "sqlite://"+t.TempDir()+"/v.db", webhookConfig(rcv.srv.URL, ""))
	var raws [][]byte
	for i := range 3 {
		raws = append(raws, []byte(`{"id":"","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","detail":{"eventName":"AuthorizeSecurityGroupIngress","n":`+itoa(i)+`}}`))
	}
	res := p.in.Accept(context.Background(), "test", raws)
	ids := map[string]bool{}
	for i, r := range res {
		if r.Err != nil || r.Duplicate || r.EventID == "" {
			t.Fatalf("event %d: %+v", i, r)
		}
		ids[r.EventID] = true
	}
	if len(ids) != 3 {
		t.Fatalf("ids %v", ids)
	}
	waitFor(t, "three deliveries", func() bool { return len(rcv.deliveries()) == 3 })
}
