package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilhq/vigil/internal/config"
	"github.com/vigilhq/vigil/internal/pipeline"
	"github.com/vigilhq/vigil/internal/pipelinetest"
	"github.com/vigilhq/vigil/internal/store/storetest"
)

// deliveries records what the webhook target receives: each delivery id
// (to count duplicates) and each event id in the bodies.
type deliveries struct {
	mu     sync.Mutex
	byID   map[string]int
	events map[string]int
	srv    *httptest.Server
}

func newDeliveries(t *testing.T) *deliveries {
	d := &deliveries{byID: map[string]int{}, events: map[string]int{}}
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var ev struct {
			ID string `json:"id"`
		}
		json.Unmarshal(b, &ev)
		d.mu.Lock()
		d.byID[r.Header.Get("X-Vigil-Delivery")]++
		d.events[ev.ID]++
		d.mu.Unlock()
	}))
	t.Cleanup(d.srv.Close)
	return d
}

func (d *deliveries) count(eventID string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.events[eventID]
}

func (d *deliveries) duplicates() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.byID {
		n += c - 1
	}
	return n
}

// serveOn runs vigil serve on the database dsn ("" for SQLite) with one
// rule that sends every event to rcv, and returns its base URL.
func serveOn(t *testing.T, dsn string, rcv *deliveries) string {
	t.Helper()
	t.Setenv("VIGIL_TEST_KEY", pipelinetest.APIKey)
	text := fmt.Sprintf(`
database: %s
server: {listen: "127.0.0.1:0", api_keys: [env:VIGIL_TEST_KEY]}
jobs: {workers: 20, poll_interval: 10ms, timeout: 5s, rescue_after: 10s}
rules:
  - name: all
    event_pattern: {"source": [{"prefix": ""}]}
    targets: [{id: hook, type: webhook, url: %q}]
`, dsn, rcv.srv.URL)
	var cfg *config.Config
	if dsn == "" {
		cfg = pipelinetest.Config(t, strings.Replace(text, "database: \n", "database: DB\n", 1))
	} else {
		var err error
		if cfg, err = config.Parse("vigil.yaml", []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	return pipelinetest.ServeConfig(t, cfg, pipeline.Deps{})
}

// texts returns every string in the JSON document b, and in the JSON
// documents those strings hold (/invocations answers with a JSON body in a
// string), one a line: what a reader of the answer sees.
func texts(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	var out strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out.WriteString(x + "\n")
			if strings.HasPrefix(x, "{") {
				out.WriteString(texts([]byte(x)))
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out.String()
}

type badCase struct {
	name, path, body string
	status           int
	want             string // in the response
}

func ev(fields string) string {
	return `{"id":"x1","source":"my.app","detail-type":"t",` + fields + `}`
}

func entries(es ...string) string { return `{"Entries":[` + strings.Join(es, ",") + `]}` }

func entry(fields string) string {
	return `{"Source":"my.app","DetailType":"t","Detail":"{\"a\":1}"` + fields + `}`
}

func badInputCases() []badCase {
	sh := func(finding string) string {
		return `{"id":"sh1","source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":[` + finding + `]}}`
	}
	gd := func(detail string) string {
		return `{"id":"gd1","source":"aws.guardduty","detail-type":"GuardDuty Finding","detail":` + detail + `}`
	}
	typed := func(src, dt, detail string) string {
		return `{"id":"k1","source":"` + src + `","detail-type":"` + dt + `","detail":` + detail + `}`
	}
	big := strings.Repeat("a", 270000)
	deep := `{"id":"d","source":"s","detail-type":"t","detail":{"a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`
	many := func(n int, e string) string {
		es := make([]string, n)
		for i := range es {
			es[i] = e
		}
		return strings.Join(es, ",")
	}
	longDetail := `"` + strings.Repeat("x", 140000) + `"`
	cs := []badCase{
		// One event.
		{"empty body", "/events", ``, 400, "empty body"},
		{"blank body", "/events", "  \n ", 400, "empty body"},
		{"not JSON", "/events", `hello`, 400, "not JSON"},
		{"truncated object", "/events", `{"source":`, 400, "not JSON"},
		{"null", "/events", `null`, 400, "not JSON"},
		{"number", "/events", `123`, 400, "not JSON"},
		{"string", "/events", `"an event"`, 400, "not JSON"},
		{"empty object", "/events", `{}`, 400, `"detail-type": missing`},
		{"no source", "/events", `{"detail-type":"t","detail":{}}`, 400, `"source": missing`},
		{"no detail", "/events", `{"source":"s","detail-type":"t"}`, 400, `"detail": missing`},
		{"detail array", "/events", ev(`"detail":[]`), 400, `"detail": must be a JSON object, found array`},
		{"detail string", "/events", ev(`"detail":"{}"`), 400, `found string`},
		{"detail null", "/events", ev(`"detail":null`), 400, `found null`},
		{"source number", "/events", `{"source":1,"detail-type":"t","detail":{}}`, 400, `"source": must be a string, found number`},
		{"source empty", "/events", `{"source":"","detail-type":"t","detail":{}}`, 400, `"source": must not be empty`},
		{"detail-type empty", "/events", `{"source":"s","detail-type":"","detail":{}}`, 400, `"detail-type": must not be empty`},
		{"id number", "/events", `{"id":7,"source":"s","detail-type":"t","detail":{}}`, 400, `"id": must be a string, found number`},
		{"id null", "/events", `{"id":null,"source":"s","detail-type":"t","detail":{}}`, 400, `found null`},
		{"time words", "/events", ev(`"time":"yesterday","detail":{}`), 400, `not an RFC 3339 timestamp`},
		{"time number", "/events", ev(`"time":1704067200,"detail":{}`), 400, `"time": must be a string`},
		{"resources object", "/events", ev(`"resources":{},"detail":{}`), 400, `"resources": must be an array`},
		{"resources numbers", "/events", ev(`"resources":[1,2],"detail":{}`), 400, `"resources[0]": must be a string`},
		{"resources null item", "/events", ev(`"resources":[null],"detail":{}`), 400, `found null`},
		{"duplicate source", "/events", `{"id":"x","source":"aws.ec2","source":"evil.src","detail-type":"t","detail":{}}`, 400, `"source" is given more than once`},
		{"duplicate detail.sev", "/events", ev(`"detail":{"sev":1,"sev":9}`), 400, `"detail.sev" is given more than once`},
		{"duplicate in array", "/events", ev(`"detail":{"f":[{"a":1},{"a":1,"a":2}]}`), 400, `"detail.f[1].a"`},
		{"dotted duplicate", "/events", ev(`"detail":{"a":{"b":1},"a.b":2}`), 400, `"detail.a.b"`},
		{"escaped duplicate", "/events", `{"id":"x","\u0069d":"y","source":"s","detail-type":"t","detail":{}}`, 400, `"id" is given more than once`},
		{"duplicate empty ids", "/events", `{"id":"","id":"","source":"s","detail-type":"t","detail":{}}`, 400, `"id" is given more than once`},
		{"CR LF in id", "/events", `{"id":"a\r\nX-Evil: 1","source":"s","detail-type":"t","detail":{}}`, 400, `U+000D`},
		{"NUL in id", "/events", `{"id":"a\u0000","source":"s","detail-type":"t","detail":{}}`, 400, `U+0000`},
		{"NUL in source", "/events", `{"id":"a","source":"s\u0000","detail-type":"t","detail":{}}`, 400, `"source" contains the control character U+0000`},
		{"NUL in detail-type", "/events", `{"id":"a","source":"s","detail-type":"t\u0000","detail":{}}`, 400, `"detail-type" contains`},
		{"tab in detail-type", "/events", `{"id":"a","source":"s","detail-type":"t\tu","detail":{}}`, 400, `U+0009`},
		{"ESC in source", "/events", `{"id":"a","source":"s\u001b[31m","detail-type":"t","detail":{}}`, 400, `U+001B`},
		{"C1 control in id", "/events", `{"id":"a\u0085","source":"s","detail-type":"t","detail":{}}`, 400, `U+0085`},
		{"id 300 bytes", "/events", `{"id":"` + strings.Repeat("i", 300) + `","source":"s","detail-type":"t","detail":{}}`, 400, `the limit is 256`},
		{"source 300 characters", "/events", `{"source":"` + strings.Repeat("s", 300) + `","detail-type":"t","detail":{}}`, 400, `the limit is 256`},
		{"detail-type 129 characters", "/events", `{"source":"s","detail-type":"` + strings.Repeat("型", 129) + `","detail":{}}`, 400, `the limit is 128`},
		{"invalid UTF-8", "/events", "{\"id\":\"u\",\"source\":\"s\xff\",\"detail-type\":\"t\",\"detail\":{}}", 400, `not valid UTF-8`},
		{"nested too deep", "/events", deep, 400, `not JSON`},
		{"event over 256 KB", "/events", `{"source":"` + big + `"}`, 413, `256 KB`},
		{"Security Hub severity string", "/events", sh(`{"Id":"f","Severity":"HIGH"}`), 400, `findings.Severity`},
		{"Security Hub findings object", "/events", `{"id":"sh","source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":{}}}`, 400, `findings`},
		{"Security Hub finding a number", "/events", sh(`1`), 400, `findings`},
		{"Security Hub Resources string", "/events", sh(`{"Id":"f","Resources":"i-1"}`), 400, `Resources`},
		{"Security Hub Compliance string", "/events", sh(`{"Id":"f","Compliance":"FAILED"}`), 400, `Compliance`},
		{"Security Hub NUL in Id", "/events", sh(`{"Id":"f\u0000","UpdatedAt":"2024-01-01T00:00:00Z"}`), 400, `NUL`},
		{"Security Hub Id 2 KB", "/events", sh(`{"Id":"` + strings.Repeat("f", 2000) + `","UpdatedAt":"2024-01-01T00:00:00Z"}`), 400, `the limit is 1024`},
		{"GuardDuty severity string", "/events", gd(`{"severity":"high"}`), 400, `severity`},
		{"GuardDuty resource string", "/events", gd(`{"resource":"i-1"}`), 400, `resource`},
		{"GuardDuty service number", "/events", gd(`{"service":5}`), 400, `service`},
		{"Config result string", "/events", typed("aws.config", "Config Rules Compliance Change", `{"newEvaluationResult":"NON_COMPLIANT"}`), 400, `newEvaluationResult`},
		{"Config rule name number", "/events", typed("aws.config", "Config Rules Compliance Change", `{"configRuleName":5}`), 400, `configRuleName`},
		{"alarm state string", "/events", typed("aws.cloudwatch", "CloudWatch Alarm State Change", `{"state":"ALARM"}`), 400, `state`},
		{"alarm period string", "/events", typed("aws.cloudwatch", "CloudWatch Alarm State Change", `{"configuration":{"metrics":[{"metricStat":{"period":"60"}}]}}`), 400, `period`},
		{"health service number", "/events", typed("aws.health", "AWS Health Event", `{"service":1}`), 400, `service`},
		// Arrays of events.
		{"empty array", "/events", `[]`, 400, "empty array"},
		{"array of numbers", "/events", `[1,2]`, 400, "all 2 entries are invalid"},
		{"array of empty objects", "/events", `[{},{}]`, 400, "all 2 entries are invalid"},
		{"array of null", "/events", `[null]`, 400, "found null"},
		{"truncated array", "/events", `[{"source":"s"`, 400, "not a JSON array"},
		{"101 events", "/events", `[` + many(101, `{}`) + `]`, 400, "at most 100"},
		{"2000 events", "/events", `[` + many(2000, `{}`) + `]`, 400, "at most 100"},
		{"array over 256 KB", "/events", `[{"source":"` + big + `"}]`, 413, "256 KB"},
		{"array with duplicates", "/events", `[` + ev(`"detail":{"a":1,"a":2}`) + `]`, 400, `"detail.a"`},
		// PutEvents.
		{"Entries null", "/events", `{"Entries":null}`, 400, "Member must not be null"},
		{"Entries empty", "/events", `{"Entries":[]}`, 400, "greater than or equal to 1"},
		{"Entries object", "/events", `{"Entries":{}}`, 400, "must be an array"},
		{"Entries string", "/events", `{"Entries":"x"}`, 400, "must be an array"},
		{"11 entries", "/events", entries(many(11, entry(""))), 400, "less than or equal to 10"},
		{"5000 empty entries", "/events", entries(many(5000, `{}`)), 400, "ValidationException"},
		{"entries over 256 KB", "/events", entries(entry(`,"Resources":[`+longDetail+`]`), entry(`,"Resources":[`+longDetail+`]`)), 400, "Total size of the entries in the request is over the limit."},
		{"body over 1 MiB", "/events", `{"Entries":[` + strings.Repeat(" ", 1<<20) + `]}`, 413, "larger than"},
		{"entry a number", "/events", entries(`1`), 400, "an entry must be an object"},
		{"entry null", "/events", entries(`null`), 400, "an entry must be an object"},
		{"no Source", "/events", entries(`{"DetailType":"t","Detail":"{}"}`), 400, "Source is a required argument."},
		{"no DetailType", "/events", entries(`{"Source":"s","Detail":"{}"}`), 400, "DetailType is a required argument."},
		{"no Detail", "/events", entries(`{"Source":"s","DetailType":"t"}`), 400, "Detail is a required argument."},
		{"Detail an object", "/events", entries(`{"Source":"s","DetailType":"t","Detail":{"a":1}}`), 400, "Detail must be a string, found object"},
		{"Detail a number", "/events", entries(`{"Source":"s","DetailType":"t","Detail":5}`), 400, "Detail must be a string, found number"},
		{"Detail an array", "/events", entries(`{"Source":"s","DetailType":"t","Detail":"[1]"}`), 400, "it must be a JSON object, found array"},
		{"Detail not JSON", "/events", entries(`{"Source":"s","DetailType":"t","Detail":"nope"}`), 400, "Detail is malformed: not JSON"},
		{"Detail invalid UTF-8", "/events", entries("{\"Source\":\"s\",\"DetailType\":\"t\",\"Detail\":\"{\\\"a\\\":\\\"\xc3\\\"}\"}"), 400, "Detail is not valid UTF-8"},
		{"Detail with duplicates", "/events", entries(`{"Source":"s","DetailType":"t","Detail":"{\"a\":1,\"a\":2}"}`), 400, `"detail.a" is given more than once`},
		{"Time words", "/events", entries(entry(`,"Time":"yesterday"`)), 400, "Parameter Time is not valid"},
		{"Time 1e999", "/events", entries(entry(`,"Time":1e999`)), 400, "1e999 is not a valid time"},
		{"Time negative", "/events", entries(entry(`,"Time":-1`)), 400, "-1 is not a valid time"},
		{"Time year 99999", "/events", entries(entry(`,"Time":"99999-01-01T00:00:00Z"`)), 400, "Parameter Time is not valid"},
		{"Time true", "/events", entries(entry(`,"Time":true`)), 400, "found boolean"},
		{"Time object", "/events", entries(entry(`,"Time":{}`)), 400, "found object"},
		{"Resources numbers", "/events", entries(entry(`,"Resources":[1,2]`)), 400, "Resources[0] must be a string, found number"},
		{"Resources a string", "/events", entries(entry(`,"Resources":"arn:aws:s3:::b"`)), 400, "Resources must be an array of strings, found string"},
		{"Source a number", "/events", entries(`{"Source":1,"DetailType":"t","Detail":"{}"}`), 400, "Source must be a string, found number"},
		{"DetailType an object", "/events", entries(`{"Source":"s","DetailType":{},"Detail":"{}"}`), 400, "DetailType must be a string, found object"},
		{"EventBusName a number", "/events", entries(entry(`,"EventBusName":5`)), 400, "EventBusName must be a string"},
		{"Source invalid UTF-8", "/events", entries("{\"Source\":\"s\xfe\",\"DetailType\":\"t\",\"Detail\":\"{}\"}"), 400, "Source is not valid UTF-8"},
		{"NUL in Source", "/events", entries(`{"Source":"s\u0000","DetailType":"t","Detail":"{}"}`), 400, `"source" contains the control character U+0000`},
		{"CR LF in DetailType", "/events", entries(`{"Source":"s","DetailType":"t\r\n","Detail":"{}"}`), 400, "U+000D"},
		{"duplicate Source", "/events", entries(`{"Source":"a","Source":"b","DetailType":"t","Detail":"{}"}`), 400, `Entries[0].Source is given more than once`},
		{"duplicate Entries", "/events", `{"Entries":[],"Entries":[]}`, 400, `Entries is given more than once`},
		{"Source 300 characters", "/events", entries(`{"Source":"` + strings.Repeat("s", 300) + `","DetailType":"t","Detail":"{}"}`), 400, "the limit is 256"},
		{"Security Hub entry severity string", "/events", entries(`{"Source":"aws.securityhub","DetailType":"Security Hub Findings - Imported","Detail":"{\"findings\":[{\"Severity\":\"HIGH\"}]}"}`), 400, "findings.Severity"},
		{"every entry invalid", "/events", entries(`{}`, `{"Source":"s"}`), 400, "all 2 entries are invalid"},
		// /invocations.
		{"invocation empty", "/invocations", ``, 400, "empty input"},
		{"invocation not JSON", "/invocations", `nope`, 400, "not JSON"},
		{"invocation empty object", "/invocations", `{}`, 400, "missing"},
		{"invocation array", "/invocations", `[` + ev(`"detail":{}`) + `]`, 400, "not a JSON object"},
		{"invocation Security Hub severity string", "/invocations", sh(`{"Id":"f","Severity":"HIGH"}`), 400, "findings.Severity"},
		{"invocation GuardDuty severity string", "/invocations", gd(`{"severity":"high"}`), 400, "severity"},
		{"invocation CR LF in id", "/invocations", `{"id":"a\r\n","source":"s","detail-type":"t","detail":{}}`, 400, "U+000D"},
		{"invocation duplicates", "/invocations", ev(`"detail":{"a":1,"a":2}`), 400, `"detail.a"`},
		{"invocation NUL in source", "/invocations", `{"source":"s\u0000","detail-type":"t","detail":{}}`, 400, "U+0000"},
		{"invocation NUL in finding Id", "/invocations", sh(`{"Id":"f\u0000","UpdatedAt":"2024-01-01T00:00:00Z"}`), 400, "NUL"},
		{"invocation over 256 KB", "/invocations", `{"source":"` + big + `"}`, 413, "larger than"},
		{"invocation invalid UTF-8", "/invocations", "{\"source\":\"s\xff\",\"detail-type\":\"t\",\"detail\":{}}", 400, "not valid UTF-8"},
		{"invocation PutEvents body", "/invocations", entries(entry("")), 400, "missing"},
		{"invocation too deep", "/invocations", deep, 400, "not JSON"},
	}
	return cs
}

// Issue 13: every bad input gets a 4xx with a precise message, the server
// stays up, and good events sent between the bad ones are each stored and
// delivered exactly once, on SQLite and on PostgreSQL.
func TestBadInputTable(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			dsn := ""
			if db == "postgres" {
				dsn = storetest.PostgresURL(t)
			}
			rcv := newDeliveries(t)
			base := serveOn(t, dsn, rcv)
			cases := badInputCases()
			var c4xx, c5xx, wrong int
			var canaries []string
			for i, c := range cases {
				status, body := pipelinetest.Do(t, "POST", base+c.path, []byte(c.body))
				switch {
				case status >= 500:
					c5xx++
				case status >= 400:
					c4xx++
				}
				if status != c.status || !strings.Contains(texts(body), c.want) {
					wrong++
					t.Errorf("%s: status %d, want %d with %q: %.600s", c.name, status, c.status, c.want, body)
				}
				if !json.Valid(body) {
					t.Errorf("%s: the answer is not JSON: %.300s", c.name, body)
				}
				if len(body) > 16<<10 {
					t.Errorf("%s: %d-byte answer (error bodies are bounded)", c.name, len(body))
				}
				// A good event right after: the server is up and the bad
				// input affected nothing else.
				id := fmt.Sprintf("canary-%d", i)
				st, b := pipelinetest.Do(t, "POST", base+"/events", []byte(`{"id":"`+id+`","source":"my.app","detail-type":"canary","detail":{"n":`+fmt.Sprint(i)+`}}`))
				if st != 200 || !bytes.Contains(b, []byte(`"EventId":"`+id+`"`)) {
					t.Fatalf("after %s: a good event got %d %s", c.name, st, b)
				}
				canaries = append(canaries, id)
			}
			deadline := time.Now().Add(60 * time.Second)
			lost := 0
			for _, id := range canaries {
				for rcv.count(id) == 0 && time.Now().Before(deadline) {
					time.Sleep(20 * time.Millisecond)
				}
				if rcv.count(id) == 0 {
					lost++
				}
			}
			if lost > 0 {
				t.Errorf("%d good events never delivered", lost)
			}
			t.Logf("%s: %d bad inputs: %d answered 4xx, %d 5xx, %d not as expected; %d good events between them: %d lost, %d duplicate deliveries",
				db, len(cases), c4xx, c5xx, wrong, len(canaries), lost, rcv.duplicates())
			if len(cases) < 100 || c5xx > 0 || rcv.duplicates() > 0 {
				t.Errorf("want at least 100 cases, no 5xx and no duplicates")
			}
		})
	}
}

// Issue 13: under 500 concurrent posts, with bad events among them, no good
// event is shed (no 429 or 503) and each is delivered once.
func TestConcurrentPostsNothingShed(t *testing.T) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			dsn := ""
			if db == "postgres" {
				dsn = storetest.PostgresURL(t)
			}
			rcv := newDeliveries(t)
			base := serveOn(t, dsn, rcv)
			const n = 500
			statuses := make([]int, n)
			bodies := make([][]byte, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					body := fmt.Sprintf(`{"id":"c-%d","source":"my.app","detail-type":"load","detail":{"n":%d}}`, i, i)
					if i%100 == 7 { // bad: PostgreSQL cannot store a NUL
						body = fmt.Sprintf(`{"id":"bad-%d","source":"my.app\u0000","detail-type":"load","detail":{}}`, i)
					}
					req, _ := http.NewRequest("POST", base+"/events", strings.NewReader(body))
					req.Header.Set("x-api-key", pipelinetest.APIKey)
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						statuses[i] = -1
						return
					}
					bodies[i], _ = io.ReadAll(resp.Body)
					resp.Body.Close()
					statuses[i] = resp.StatusCode
				}()
			}
			wg.Wait()
			shed, good := 0, 0
			for i, st := range statuses {
				if i%100 == 7 {
					if st != 400 {
						t.Errorf("bad event %d: %d %s", i, st, bodies[i])
					}
					continue
				}
				good++
				if st != 200 {
					shed++
					t.Errorf("good event %d: %d %s", i, st, bodies[i])
				}
			}
			deadline := time.Now().Add(60 * time.Second)
			lost := 0
			for i := range n {
				if i%100 == 7 {
					continue
				}
				id := fmt.Sprintf("c-%d", i)
				for rcv.count(id) == 0 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if rcv.count(id) == 0 {
					lost++
				}
			}
			t.Logf("%s: %d concurrent posts (%d good): %d shed, %d lost, %d duplicate deliveries", db, n, good, shed, lost, rcv.duplicates())
			if lost > 0 || rcv.duplicates() > 0 {
				t.Errorf("%d lost, %d duplicates", lost, rcv.duplicates())
			}
		})
	}
}
