package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vigilhq/vigil/pattern"
)

// snsSenderID is the principal SNS delivers to SQS as (the SenderId of
// the messages it sends).
const snsSenderID = "AIDAIT2UOQQY3AUEKVGXU"

// queueByARN finds a queue of any account and region by ARN; the caller
// holds mu.
func (sb *Sandbox) queueByARN(arn string) *Queue {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "sqs" {
		return nil
	}
	a := sb.st.account(parts[4])
	if a == nil {
		return nil
	}
	r := a.findRegion(parts[3])
	if r == nil {
		return nil
	}
	for _, q := range r.Queues {
		if q.Name == parts[5] {
			return q
		}
	}
	return nil
}

// deliver hands a published message to every confirmed subscription
// whose filter policy it matches; the caller holds mu.
func (sb *Sandbox) deliver(t *Topic, p *Published) {
	for _, s := range t.Subscriptions {
		if s.Pending || !s.matches(p) {
			continue
		}
		body := p.Message
		if p.Structure == "json" {
			var per map[string]string
			json.Unmarshal([]byte(p.Message), &per)
			body = per["default"]
			if v, ok := per[s.Protocol]; ok {
				body = v
			}
		}
		raw := s.Attributes["RawMessageDelivery"] == "true"
		envelope := sb.envelope(t, s, p, body)
		switch s.Protocol {
		case "sqs":
			q := sb.queueByARN(s.Endpoint)
			if q == nil {
				s.Failed++
				continue
			}
			var attrs map[string]MessageAttribute
			msg := string(envelope)
			if raw {
				msg = body
				for k, v := range p.Attributes {
					if attrs == nil {
						attrs = map[string]MessageAttribute{}
					}
					typ := p.AttributeTypes[k]
					if typ == "String.Array" {
						typ = "String"
					}
					if strings.HasPrefix(typ, "Binary") {
						b, _ := base64.StdEncoding.DecodeString(v)
						attrs[k] = MessageAttribute{DataType: typ, BinaryValue: b}
					} else {
						attrs[k] = MessageAttribute{DataType: typ, StringValue: v}
					}
				}
			}
			now := time.Now().UTC()
			q.Messages = append(q.Messages, &Message{ID: sb.st.uuid(), Body: msg, Attributes: attrs, SenderID: snsSenderID, Sent: now, VisibleAt: now})
			sb.st.wakeQueue(q)
			s.Delivered++
		case "http", "https":
			payload := envelope
			if raw {
				payload = []byte(body)
			}
			sb.postSNS(s, "Notification", p.MessageID, t.ARN, payload)
		default: // email: the sandbox sends no mail; the delivery is counted
			s.Delivered++
		}
	}
}

// matches applies the subscription's filter policy to the message's
// attributes or, with FilterPolicyScope MessageBody, to its JSON body.
// The policy language is EventBridge's pattern language, which SNS filter
// policies share.
func (s *Subscription) matches(p *Published) bool {
	policy := s.Attributes["FilterPolicy"]
	if policy == "" {
		return true
	}
	m := pattern.NewMatcher()
	if m.AddPattern("policy", []byte(policy)) != nil {
		return false
	}
	var doc []byte
	if s.Attributes["FilterPolicyScope"] == "MessageBody" {
		doc = []byte(p.Message)
	} else {
		obj := map[string]any{}
		for k, v := range p.Attributes {
			switch p.AttributeTypes[k] {
			case "Number":
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					obj[k] = n
					continue
				}
			case "String.Array":
				var arr []any
				if json.Unmarshal([]byte(v), &arr) == nil {
					obj[k] = arr
					continue
				}
			}
			obj[k] = v
		}
		doc, _ = json.Marshal(obj)
	}
	got, err := m.Match(doc)
	return err == nil && len(got) > 0
}

// envelope is the JSON document SNS delivers (unless raw delivery).
func (sb *Sandbox) envelope(t *Topic, s *Subscription, p *Published, body string) []byte {
	region := strings.SplitN(t.ARN, ":", 6)[3]
	env := map[string]any{
		"Type": "Notification", "MessageId": p.MessageID, "TopicArn": t.ARN, "Message": body,
		"Timestamp": p.Time.Format("2006-01-02T15:04:05.000Z"), "SignatureVersion": "1",
		// The sandbox holds no AWS signing key: the signature is a marker,
		// not verifiable.
		"Signature":      base64.StdEncoding.EncodeToString([]byte("vigil-sandbox-unsigned")),
		"SigningCertURL": "https://sns." + region + ".amazonaws.com/SimpleNotificationService-sandbox.pem",
		"UnsubscribeURL": sb.url + "/?Version=2010-03-31&Action=Unsubscribe&SubscriptionArn=" + url.QueryEscape(s.ARN),
	}
	if p.Subject != "" {
		env["Subject"] = p.Subject
	}
	if len(p.Attributes) > 0 {
		attrs := map[string]any{}
		for k, v := range p.Attributes {
			attrs[k] = map[string]string{"Type": p.AttributeTypes[k], "Value": v}
		}
		env["MessageAttributes"] = attrs
	}
	b, _ := json.Marshal(env)
	return b
}

// confirmByHTTP sends the subscription confirmation message to an HTTP
// endpoint; the caller holds mu.
func (sb *Sandbox) confirmByHTTP(t *Topic, s *Subscription) {
	subscribe := sb.url + "/?Version=2010-03-31&Action=ConfirmSubscription&TopicArn=" + url.QueryEscape(t.ARN) + "&Token=" + s.Token
	msg, _ := json.Marshal(map[string]string{
		"Type": "SubscriptionConfirmation", "MessageId": sb.st.uuid(), "Token": s.Token, "TopicArn": t.ARN,
		"Message":      "You have chosen to subscribe to the topic " + t.ARN + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		"SubscribeURL": subscribe, "Timestamp": snsNow().Format("2006-01-02T15:04:05.000Z"), "SignatureVersion": "1",
		"Signature": base64.StdEncoding.EncodeToString([]byte("vigil-sandbox-unsigned")),
	})
	sb.postSNS(s, "SubscriptionConfirmation", "", t.ARN, msg)
}

// postSNS POSTs an SNS message to an HTTP(S) subscription in the
// background, retrying three times. An endpoint that accepts the
// confirmation message (2xx) is confirmed, a simplification of SNS,
// where it must visit SubscribeURL (which the sandbox also serves).
func (sb *Sandbox) postSNS(s *Subscription, kind, msgID, topicARN string, body []byte) {
	sb.snsWG.Add(1)
	go func() {
		defer sb.snsWG.Done()
		ok := false
		for attempt := range 3 {
			if attempt > 0 {
				select {
				case <-time.After(time.Duration(attempt) * 300 * time.Millisecond):
				case <-sb.closing:
					return
				}
			}
			req, err := http.NewRequest(http.MethodPost, s.Endpoint, bytes.NewReader(body))
			if err != nil {
				break
			}
			req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
			req.Header.Set("X-Amz-Sns-Message-Type", kind)
			req.Header.Set("X-Amz-Sns-Topic-Arn", topicARN)
			if msgID != "" {
				req.Header.Set("X-Amz-Sns-Message-Id", msgID)
				req.Header.Set("X-Amz-Sns-Subscription-Arn", s.ARN)
			}
			resp, err := sb.snsClient.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode < 300 {
					ok = true
					break
				}
			}
		}
		sb.mu.Lock()
		defer sb.mu.Unlock()
		switch {
		case kind == "SubscriptionConfirmation" && ok:
			s.Pending = false
		case kind == "Notification" && ok:
			s.Delivered++
		case kind == "Notification":
			s.Failed++
		}
	}()
}
