package sandbox

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"
)

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// attributesMD5 is SQS's digest of message attributes: for each attribute
// in name order, length-prefixed name, type, a transport byte and value.
func attributesMD5(attrs map[string]MessageAttribute) string {
	if len(attrs) == 0 {
		return ""
	}
	var buf []byte
	put := func(b []byte) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
		buf = append(buf, b...)
	}
	names := sortedKeys(attrs)
	for _, n := range names {
		a := attrs[n]
		put([]byte(n))
		put([]byte(a.DataType))
		if strings.HasPrefix(a.DataType, "Binary") {
			buf = append(buf, 2)
			put(a.BinaryValue)
		} else {
			buf = append(buf, 1)
			put([]byte(a.StringValue))
		}
	}
	return md5Hex(buf)
}

// attrName is what a message attribute name may hold.
var attrName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,256}$`)

// checkAttrName applies SQS's rules for message attribute names.
func checkAttrName(k string) error {
	lower := strings.ToLower(k)
	if !attrName.MatchString(k) || strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") ||
		strings.HasPrefix(k, ".") || strings.HasSuffix(k, ".") || strings.Contains(k, "..") {
		return errParam("The message attribute name '%s' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters, must not start or end with a period, must not have consecutive periods, must not start with AWS. or Amazon. and can be up to 256 characters.", k)
	}
	return nil
}

func convertAttrs(in map[string]sqsAttr) (map[string]MessageAttribute, error) {
	if len(in) == 0 {
		return nil, nil
	}
	if len(in) > 10 {
		return nil, errParam("Number of message attributes [%d] exceeds the allowed maximum [10].", len(in))
	}
	out := map[string]MessageAttribute{}
	for _, k := range sortedKeys(in) {
		v := in[k]
		if err := checkAttrName(k); err != nil {
			return nil, err
		}
		typ, _, _ := strings.Cut(v.DataType, ".")
		switch typ {
		case "String", "Number":
			if v.StringValue == "" {
				return nil, errParam("Message (user) attribute '%s' must contain a non-empty value of message attribute type '%s'.", k, v.DataType)
			}
		case "Binary":
			if len(v.BinaryValue) == 0 {
				return nil, errParam("Message (user) attribute '%s' must contain a non-empty value of message attribute type '%s'.", k, v.DataType)
			}
		default:
			return nil, errParam("The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", k)
		}
		out[k] = MessageAttribute(v)
	}
	return out, nil
}

// enqueue validates and adds one message; it returns the message.
func (rq *request) enqueue(q *Queue, e sqsEntry) (*Message, error) {
	body := e.MessageBody
	if body == "" {
		return nil, sqsErr("MissingParameter", "MissingParameter", "The request must contain the parameter MessageBody.")
	}
	if e.MessageDeduplicationId != "" {
		return nil, errParam("The request include parameter that is not valid for this queue type. Reason: MessageDeduplicationId is for FIFO queues, which the sandbox does not simulate.")
	}
	ma, err := convertAttrs(e.MessageAttributes)
	if err != nil {
		return nil, err
	}
	trace := ""
	for k, v := range e.MessageSystemAttributes {
		if k != "AWSTraceHeader" {
			return nil, errParam("Message system attribute name '%s' is invalid.", k)
		}
		if v.DataType != "String" || v.StringValue == "" {
			return nil, errParam("The message system attribute 'AWSTraceHeader' must be a non-empty String.")
		}
		trace = v.StringValue
	}
	// The limit counts the body and the attributes' names, types and values.
	size := len(body)
	for k, v := range ma {
		size += len(k) + len(v.DataType) + len(v.StringValue) + len(v.BinaryValue)
	}
	if size > q.maxMessage() {
		return nil, errParam("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", q.maxMessage())
	}
	d := q.DelaySeconds
	if e.DelaySeconds != nil {
		d = *e.DelaySeconds
	}
	if d < 0 || d > 900 {
		return nil, errParam("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", d)
	}
	now := time.Now().UTC()
	m := &Message{ID: rq.sb.st.uuid(), Body: body, Attributes: ma, TraceHeader: trace, SenderID: rq.ident.userID,
		Sent: now, VisibleAt: now.Add(time.Duration(d) * time.Second)}
	q.Messages = append(q.Messages, m)
	rq.sb.st.wakeQueue(q)
	return m, nil
}

func sqsSendMessage(rq *request) error {
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
	m, err := rq.enqueue(q, sqsEntry{MessageBody: in.MessageBody, DelaySeconds: in.DelaySeconds, MessageAttributes: in.MessageAttributes,
		MessageSystemAttributes: in.MessageSystemAttributes, MessageGroupId: in.MessageGroupId, MessageDeduplicationId: in.MessageDeduplicationId})
	if err != nil {
		return err
	}
	out := map[string]string{"MessageId": m.ID, "MD5OfMessageBody": md5Hex([]byte(m.Body))}
	if md := attributesMD5(m.Attributes); md != "" {
		out["MD5OfMessageAttributes"] = md
	}
	if md := m.systemMD5(); md != "" {
		out["MD5OfMessageSystemAttributes"] = md
	}
	rq.sqsReply(out, func(x *xmlw) {
		x.leaf("MD5OfMessageBody", out["MD5OfMessageBody"])
		x.opt("MD5OfMessageAttributes", out["MD5OfMessageAttributes"])
		x.opt("MD5OfMessageSystemAttributes", out["MD5OfMessageSystemAttributes"])
		x.leaf("MessageId", m.ID)
	})
	return nil
}

// byReceipt finds the message a receipt handle names. ok is false when the
// handle is malformed; m is nil when the message is gone.
func byReceipt(q *Queue, handle string) (m *Message, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(handle)
	if err != nil {
		return nil, false
	}
	id, _, found := strings.Cut(string(raw), "|")
	if !found {
		return nil, false
	}
	for _, m := range q.Messages {
		if m.ID == id {
			return m, true
		}
	}
	return nil, true
}

func errBadReceipt(h string) error {
	return sqsErr("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", "The input receipt handle \"%s\" is not a valid receipt handle.", h)
}

// deleteMessage deletes the message when handle is its latest receipt. As
// SQS documents, an older handle of a message received again since
// succeeds without deleting it, and a deleted message's handle succeeds.
func (rq *request) deleteMessage(q *Queue, handle string) error {
	if handle == "" {
		return sqsErr("MissingParameter", "MissingParameter", "The request must contain the parameter ReceiptHandle.")
	}
	m, ok := byReceipt(q, handle)
	if !ok {
		return errBadReceipt(handle)
	}
	if m != nil && m.receipt == handle {
		q.Messages = slices.DeleteFunc(q.Messages, func(x *Message) bool { return x == m })
	}
	return nil
}

func sqsDeleteMessage(rq *request) error {
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
	if err := rq.deleteMessage(q, in.ReceiptHandle); err != nil {
		return err
	}
	rq.sqsReply(nil, nil)
	return nil
}

// systemMD5 is the digest of the message's system attributes, computed
// as for user attributes.
func (m *Message) systemMD5() string {
	if m.TraceHeader == "" {
		return ""
	}
	return attributesMD5(map[string]MessageAttribute{"AWSTraceHeader": {DataType: "String", StringValue: m.TraceHeader}})
}
