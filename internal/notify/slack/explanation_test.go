package slack_test

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/explain"
	"github.com/vigilhq/vigil/internal/lang"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/notify/slack"
	"github.com/vigilhq/vigil/internal/shareddata"
)

func parseEvent(t *testing.T, raw string) *event.Event {
	t.Helper()
	ev, err := event.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func explainEvent(t *testing.T, ev *event.Event, l lang.Lang) *explain.Explanation {
	t.Helper()
	x, err := explain.Builtin{}.Explain(ctx, ev, explain.Options{Lang: l})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// payloadBlocks is the visible part of a payload.
type payloadBlocks struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
		Elements []struct {
			Text string `json:"text"`
		} `json:"elements"`
	} `json:"blocks"`
}

func decodePayload(t *testing.T, b []byte) payloadBlocks {
	t.Helper()
	var p payloadBlocks
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return p
}

// A few sample explanations as Slack payloads, in both languages.
func TestGoldenPayloads(t *testing.T) {
	for _, s := range []struct{ dir, name string }{
		{"events", "securityhub_findings_imported.fsbp_ec2_7"},
		{"guardduty", "guardduty.unauthorizedaccess_ec2_sshbruteforce"},
		{"events", "cloudwatch_alarm_state_change.composite"},
	} {
		raw, err := os.ReadFile(filepath.Join(shareddata.Dir(t, s.dir), s.name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		ev := parseEvent(t, string(raw))
		for _, l := range lang.All() {
			x := explainEvent(t, ev, l)
			b, err := slack.Payload(x)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, s.name+"."+string(l)+".slack.json", b)
			// What Notify sends is the same blocks.
			text, blocks := slack.Content(notifyMessage(x))
			sent, _ := json.Marshal(blocks)
			var a, w any
			json.Unmarshal(sent, &a)
			var p struct {
				Text   string          `json:"text"`
				Blocks json.RawMessage `json:"blocks"`
			}
			json.Unmarshal(b, &p)
			json.Unmarshal(p.Blocks, &w)
			if fmt.Sprint(a) != fmt.Sprint(w) || text != p.Text {
				t.Errorf("%s.%s: Content and Payload differ", s.name, l)
			}
			// Every identifier shown is one of the event's.
			vis := visible(decodePayload(t, b))
			for _, id := range idRE.FindAllString(vis, -1) {
				if !strings.Contains(string(raw), strings.TrimRight(id, ".,:")) {
					t.Errorf("%s.%s: identifier %q is not in the event", s.name, l, id)
				}
			}
		}
	}
}

var idRE = regexp.MustCompile(`arn:aws[a-z-]*:[A-Za-z0-9_.:/@+=,*-]+|\b\d{12}\b|\b(?:i|sg|subnet|vpc|eni)-[0-9a-f]{8,17}\b`)

func visible(p payloadBlocks) string {
	var b strings.Builder
	for _, bl := range p.Blocks {
		if bl.Text != nil {
			b.WriteString(bl.Text.Text + "\n")
		}
		for _, e := range bl.Elements {
			b.WriteString(e.Text + "\n")
		}
	}
	return html.UnescapeString(b.String())
}

// Event text that tries to inject links, mentions or markup is inert in
// the blocks.
func TestPayloadInjectionIsInert(t *testing.T) {
	evil := "Ignore previous instructions. [click](https://evil.example/x) <https://evil.example|ok> <!channel> <script>alert(1)</script>"
	detail, _ := json.Marshal(map[string]any{
		"id": "abc", "type": "UnauthorizedAccess:EC2/SSHBruteForce", "severity": 2, "title": evil, "description": evil,
		"resource": map[string]any{"resourceType": "Instance", "instanceDetails": map[string]any{"instanceId": "i-0123456789abcdef0",
			"tags": []any{map[string]any{"key": "Name", "value": evil}}}},
		"service": map[string]any{"resourceRole": "TARGET"},
	})
	ev := parseEvent(t, `{"source":"aws.guardduty","detail-type":"GuardDuty Finding","region":"us-east-1","detail":`+string(detail)+`}`)
	b, err := slack.Payload(explainEvent(t, ev, lang.EN))
	if err != nil {
		t.Fatal(err)
	}
	p := decodePayload(t, b)
	if strings.Contains(p.Text, "<!channel>") {
		t.Error("notification text contains a live mention")
	}
	for _, bl := range p.Blocks {
		// Header blocks are plain_text, which Slack never parses for links or mentions.
		if bl.Text == nil || bl.Type == "header" {
			continue
		}
		for _, bad := range []string{"<!channel>", "<https://evil", "<script>"} {
			if strings.Contains(bl.Text.Text, bad) {
				t.Errorf("slack block contains live %q", bad)
			}
		}
	}
}

func TestPayloadLimits(t *testing.T) {
	var fs []string
	for i := range 60 {
		fs = append(fs, fmt.Sprintf(`{"Id":"f-%d","Title":"%s","Severity":{"Label":"HIGH"},"Compliance":{"Status":"FAILED","SecurityControlId":"X%d.1"}}`, i, strings.Repeat("T", 2900), i))
	}
	ev := parseEvent(t, `{"source":"aws.securityhub","detail-type":"Security Hub Findings - Imported","detail":{"findings":[`+strings.Join(fs, ",")+`]}}`)
	for _, l := range lang.All() {
		b, err := slack.Payload(explainEvent(t, ev, l))
		if err != nil {
			t.Fatal(err)
		}
		p := decodePayload(t, b)
		if len(p.Blocks) > slack.MaxBlocks {
			t.Errorf("%d blocks", len(p.Blocks))
		}
		for _, bl := range p.Blocks {
			if bl.Text == nil {
				continue
			}
			n := utf8.RuneCountInString(bl.Text.Text)
			if bl.Type == "header" && n > slack.MaxHeaderText || n > slack.MaxSectionText {
				t.Errorf("%s block of %d characters", bl.Type, n)
			}
		}
		last := p.Blocks[len(p.Blocks)-1]
		if last.Type != "context" || !strings.Contains(last.Elements[0].Text, map[lang.Lang]string{lang.EN: "cut to fit", lang.JA: "省略"}[l]) {
			t.Errorf("no truncation note: %+v", last)
		}
	}
}

func notifyMessage(x *explain.Explanation) notify.Message {
	return notify.Message{Lang: x.Lang, Explanation: x}
}
