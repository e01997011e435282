package sandbox

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (rq *request) changeVisibility(q *Queue, handle string, timeout *int) error {
	if handle == "" {
		return sqsErr("MissingParameter", "MissingParameter", "The request must contain the parameter ReceiptHandle.")
	}
	if timeout == nil {
		return sqsErr("MissingParameter", "MissingParameter", "The request must contain the parameter VisibilityTimeout.")
	}
	if *timeout < 0 || *timeout > 43200 {
		return errParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.", *timeout)
	}
	m, ok := byReceipt(q, handle)
	if !ok {
		return errBadReceipt(handle)
	}
	if m == nil || m.receipt != handle {
		return errParam("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", handle)
	}
	now := time.Now().UTC()
	if !m.VisibleAt.After(now) {
		return sqsErr("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "The message referred to isn't in flight.")
	}
	m.VisibleAt = now.Add(time.Duration(*timeout) * time.Second)
	rq.sb.st.wakeQueue(q)
	return nil
}

func sqsChangeMessageVisibility(rq *request) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	q, _, err := rq.queueFromURL(in.QueueUrl)
	if err != nil {
		return err
	}
	if err := rq.changeVisibility(q, in.ReceiptHandle, in.VisibilityTimeout); err != nil {
		return err
	}
	rq.sqsReply(nil, nil)
	return nil
}

type receivedMessage struct {
	MessageId              string
	ReceiptHandle          string
	MD5OfBody              string
	Body                   string
	Attributes             map[string]string  `json:",omitempty"`
	MD5OfMessageAttributes string             `json:",omitempty"`
	MessageAttributes      map[string]sqsAttr `json:",omitempty"`
}

func wantsName(names []string, n string) bool {
	for _, w := range names {
		if w == "All" || w == ".*" || w == n || strings.HasSuffix(w, ".*") && strings.HasPrefix(n, strings.TrimSuffix(w, "*")) {
			return true
		}
	}
	return false
}

// systemAttrNames are the names ReceiveMessage's AttributeNames and
// MessageSystemAttributeNames take (the FIFO ones are never set here).
var systemAttrNames = []string{"All", "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
	"SequenceNumber", "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn"}

// take receives up to max visible messages, making them invisible for vis.
func (rq *request) take(q *Queue, max int, vis time.Duration, in *sqsInput) []receivedMessage {
	now := time.Now().UTC()
	var out []receivedMessage
	sysNames := append(slices.Clone(in.AttributeNames), in.MessageSystemAttributeNames...)
	for _, m := range q.Messages {
		if len(out) == max {
			break
		}
		if m.VisibleAt.After(now) {
			continue
		}
		m.ReceiveCount++
		if m.FirstReceive.IsZero() {
			m.FirstReceive = now
		}
		m.VisibleAt = now.Add(vis)
		m.receipt = base64.RawURLEncoding.EncodeToString([]byte(m.ID + "|" + rq.sb.st.randID(24, alnum)))
		rm := receivedMessage{MessageId: m.ID, ReceiptHandle: m.receipt, MD5OfBody: md5Hex([]byte(m.Body)), Body: m.Body}
		sys := map[string]string{
			"SenderId":                         m.SenderID,
			"SentTimestamp":                    strconv.FormatInt(m.Sent.UnixMilli(), 10),
			"ApproximateReceiveCount":          strconv.Itoa(m.ReceiveCount),
			"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.FirstReceive.UnixMilli(), 10),
		}
		if m.TraceHeader != "" {
			sys["AWSTraceHeader"] = m.TraceHeader
		}
		for k, v := range sys {
			if wantsName(sysNames, k) {
				if rm.Attributes == nil {
					rm.Attributes = map[string]string{}
				}
				rm.Attributes[k] = v
			}
		}
		picked := map[string]MessageAttribute{}
		for k, v := range m.Attributes {
			if wantsName(in.MessageAttributeNames, k) {
				picked[k] = v
				if rm.MessageAttributes == nil {
					rm.MessageAttributes = map[string]sqsAttr{}
				}
				rm.MessageAttributes[k] = sqsAttr(v)
			}
		}
		rm.MD5OfMessageAttributes = attributesMD5(picked)
		out = append(out, rm)
	}
	return out
}

// nextVisible is when the earliest invisible message becomes visible.
func (q *Queue) nextVisible(now time.Time) (time.Time, bool) {
	var next time.Time
	for _, m := range q.Messages {
		if m.VisibleAt.After(now) && (next.IsZero() || m.VisibleAt.Before(next)) {
			next = m.VisibleAt
		}
	}
	return next, !next.IsZero()
}

func sqsReceiveMessage(rq *request) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	for _, n := range append(slices.Clone(in.AttributeNames), in.MessageSystemAttributeNames...) {
		if !slices.Contains(systemAttrNames, n) {
			return sqsErr("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute %s.", n)
		}
	}
	for _, n := range in.MessageAttributeNames {
		if n != "All" && n != ".*" && checkAttrName(strings.TrimSuffix(n, ".*")) != nil {
			return sqsErr("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute %s.", n)
		}
	}
	max := 1
	if in.MaxNumberOfMessages != nil {
		max = *in.MaxNumberOfMessages
		if max < 1 || max > 10 {
			return errParam("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", max)
		}
	}
	if in.WaitTimeSeconds != nil && (*in.WaitTimeSeconds < 0 || *in.WaitTimeSeconds > 20) {
		return errParam("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", *in.WaitTimeSeconds)
	}
	if in.VisibilityTimeout != nil && (*in.VisibilityTimeout < 0 || *in.VisibilityTimeout > 43200) {
		return errParam("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.", *in.VisibilityTimeout)
	}
	sb := rq.sb
	sb.mu.Lock()
	q, _, err := rq.queueFromURL(in.QueueUrl)
	if err != nil {
		sb.mu.Unlock()
		return err
	}
	wait := q.ReceiveWaitTime
	if in.WaitTimeSeconds != nil {
		wait = *in.WaitTimeSeconds
	}
	vis := q.visibility()
	if in.VisibilityTimeout != nil {
		vis = *in.VisibilityTimeout
	}
	deadline := time.Now().Add(time.Duration(wait) * time.Second)
	var msgs []receivedMessage
	for {
		msgs = rq.take(q, max, time.Duration(vis)*time.Second, in)
		now := time.Now()
		if len(msgs) > 0 || !now.Before(deadline) {
			break
		}
		wake := sb.st.queueWaker(q)
		until := deadline
		if next, ok := q.nextVisible(now); ok && next.Before(until) {
			until = next
		}
		sb.mu.Unlock()
		t := time.NewTimer(time.Until(until))
		select {
		case <-wake:
		case <-t.C:
		case <-rq.ctx.Done():
		case <-sb.closing:
		}
		t.Stop()
		sb.mu.Lock()
		if rq.ctx.Err() != nil || isClosed(sb.closing) {
			break
		}
	}
	sb.mu.Unlock()
	out := map[string]any{}
	if len(msgs) > 0 {
		out["Messages"] = msgs
	}
	rq.sqsReply(out, func(x *xmlw) {
		for _, m := range msgs {
			x.open("Message")
			x.leaf("MessageId", m.MessageId)
			x.leaf("ReceiptHandle", m.ReceiptHandle)
			x.leaf("MD5OfBody", m.MD5OfBody)
			x.leaf("Body", m.Body)
			for _, k := range sortedKeys(m.Attributes) {
				x.open("Attribute")
				x.leaf("Name", k)
				x.leaf("Value", m.Attributes[k])
				x.close("Attribute")
			}
			x.opt("MD5OfMessageAttributes", m.MD5OfMessageAttributes)
			for _, k := range sortedKeys(m.MessageAttributes) {
				a := m.MessageAttributes[k]
				x.open("MessageAttribute")
				x.leaf("Name", k)
				x.open("Value")
				if len(a.BinaryValue) > 0 {
					x.leaf("BinaryValue", base64.StdEncoding.EncodeToString(a.BinaryValue))
				} else {
					x.leaf("StringValue", a.StringValue)
				}
				x.leaf("DataType", a.DataType)
				x.close("Value")
				x.close("MessageAttribute")
			}
			x.close("Message")
		}
	})
	return nil
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
