package sandbox

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const sqsNS = "http://queue.amazonaws.com/doc/2012-11-05/"

var sqsOps = map[string]handler{
	"CreateQueue":                  sqsCreateQueue,
	"GetQueueUrl":                  sqsGetQueueUrl,
	"ListQueues":                   sqsListQueues,
	"DeleteQueue":                  sqsDeleteQueue,
	"PurgeQueue":                   sqsPurgeQueue,
	"GetQueueAttributes":           sqsGetQueueAttributes,
	"SetQueueAttributes":           sqsSetQueueAttributes,
	"SendMessage":                  sqsSendMessage,
	"SendMessageBatch":             sqsSendMessageBatch,
	"ReceiveMessage":               sqsReceiveMessage,
	"DeleteMessage":                sqsDeleteMessage,
	"DeleteMessageBatch":           sqsDeleteMessageBatch,
	"ChangeMessageVisibility":      sqsChangeMessageVisibility,
	"ChangeMessageVisibilityBatch": sqsChangeMessageVisibilityBatch,
}

// sqsErr builds an SQS error with its JSON type and its query-mode code.
func sqsErr(code, queryCode, format string, args ...any) *apiError {
	e := apiErr(400, code, format, args...)
	if queryCode != code {
		e.queryCode = queryCode
	}
	return e
}

func errNoQueue() error {
	return sqsErr("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

func errParam(format string, args ...any) error {
	return sqsErr("InvalidParameterValue", "InvalidParameterValue", format, args...)
}

type sqsAttr struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

type sqsEntry struct {
	Id                string
	MessageBody       string
	DelaySeconds      *int
	MessageAttributes map[string]sqsAttr
	ReceiptHandle     string
	VisibilityTimeout *int
}

// sqsInput is the union of the inputs of the SQS operations served, in
// their JSON shape; query-protocol requests are converted into it.
type sqsInput struct {
	QueueName                   string
	QueueUrl                    string
	QueueNamePrefix             string
	Attributes                  map[string]string
	MessageBody                 string
	DelaySeconds                *int
	MessageAttributes           map[string]sqsAttr
	Entries                     []sqsEntry
	MaxNumberOfMessages         *int
	VisibilityTimeout           *int
	WaitTimeSeconds             *int
	AttributeNames              []string
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
	ReceiptHandle               string
}

func (rq *request) sqsInput() (*sqsInput, error) {
	in := &sqsInput{}
	if rq.proto != protoQuery {
		return in, rq.decodeInput(in)
	}
	f := rq.form
	in.QueueName, in.QueueUrl, in.QueueNamePrefix = f["QueueName"], f["QueueUrl"], f["QueueNamePrefix"]
	in.MessageBody, in.ReceiptHandle = f["MessageBody"], f["ReceiptHandle"]
	ints := map[string]**int{"DelaySeconds": &in.DelaySeconds, "MaxNumberOfMessages": &in.MaxNumberOfMessages,
		"VisibilityTimeout": &in.VisibilityTimeout, "WaitTimeSeconds": &in.WaitTimeSeconds}
	for name, dst := range ints {
		if err := queryInt(f, name, dst); err != nil {
			return nil, err
		}
	}
	for _, a := range f.structs("Attribute") {
		if in.Attributes == nil {
			in.Attributes = map[string]string{}
		}
		in.Attributes[a["Name"]] = a["Value"]
	}
	var err error
	if in.MessageAttributes, err = queryMessageAttributes(f); err != nil {
		return nil, err
	}
	in.AttributeNames = f.list("AttributeName")
	in.MessageAttributeNames = f.list("MessageAttributeName")
	in.MessageSystemAttributeNames = f.list("MessageSystemAttributeName")
	for _, prefix := range []string{"SendMessageBatchRequestEntry", "DeleteMessageBatchRequestEntry", "ChangeMessageVisibilityBatchRequestEntry"} {
		for _, e := range f.structs(prefix) {
			en := sqsEntry{Id: e["Id"], MessageBody: e["MessageBody"], ReceiptHandle: e["ReceiptHandle"]}
			if err := queryInt(e, "DelaySeconds", &en.DelaySeconds); err != nil {
				return nil, err
			}
			if err := queryInt(e, "VisibilityTimeout", &en.VisibilityTimeout); err != nil {
				return nil, err
			}
			if en.MessageAttributes, err = queryMessageAttributes(e); err != nil {
				return nil, err
			}
			in.Entries = append(in.Entries, en)
		}
	}
	return in, nil
}

func queryInt(f form, name string, dst **int) error {
	s, ok := f[name]
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return errParam("Value %s for parameter %s is invalid. Reason: must be an integer.", s, name)
	}
	*dst = &n
	return nil
}

func queryMessageAttributes(f form) (map[string]sqsAttr, error) {
	var out map[string]sqsAttr
	for _, a := range f.structs("MessageAttribute") {
		if out == nil {
			out = map[string]sqsAttr{}
		}
		v := sqsAttr{DataType: a["Value.DataType"], StringValue: a["Value.StringValue"]}
		if b := a["Value.BinaryValue"]; b != "" {
			raw, err := base64.StdEncoding.DecodeString(b)
			if err != nil {
				return nil, errParam("The message attribute '%s' has an invalid binary value (not base64).", a["Name"])
			}
			v.BinaryValue = raw
		}
		out[a["Name"]] = v
	}
	return out, nil
}

// queueFromURL finds the queue a QueueUrl names: its last two path
// segments are the account and the queue name; the host is not checked.
func (rq *request) queueFromURL(u string) (*Queue, *Account, error) {
	if u == "" {
		return nil, nil, sqsErr("MissingParameter", "MissingParameter", "The request must contain the parameter QueueUrl.")
	}
	parts := strings.Split(strings.TrimRight(u, "/"), "/")
	if len(parts) < 2 {
		return nil, nil, sqsErr("InvalidAddress", "InvalidAddress", "The address %s is not valid for this endpoint.", u)
	}
	acct, name := parts[len(parts)-2], parts[len(parts)-1]
	a := rq.sb.st.account(acct)
	if a == nil {
		return nil, nil, errNoQueue()
	}
	r := a.findRegion(rq.region)
	if r == nil {
		return nil, nil, errNoQueue()
	}
	for _, q := range r.Queues {
		if q.Name == name {
			return q, a, nil
		}
	}
	return nil, nil, errNoQueue()
}

var queueName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

var queueAttrs = map[string][2]int{"VisibilityTimeout": {0, 43200}, "ReceiveMessageWaitTimeSeconds": {0, 20}, "DelaySeconds": {0, 900},
	"MessageRetentionPeriod": {60, 1209600}, "MaximumMessageSize": {1024, 262144}}

func setQueueAttributes(q *Queue, attrs map[string]string) error {
	for k, v := range attrs {
		lim, ok := queueAttrs[k]
		if !ok {
			if k == "Policy" || k == "RedrivePolicy" || k == "KmsMasterKeyId" || k == "SqsManagedSseEnabled" || k == "KmsDataKeyReusePeriodSeconds" {
				continue // accepted, not simulated
			}
			return sqsErr("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute %s.", k)
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lim[0] || n > lim[1] {
			return sqsErr("InvalidAttributeValue", "InvalidAttributeValue", "Invalid value for the parameter %s.", k)
		}
		switch k {
		case "VisibilityTimeout":
			q.VisibilityTimeout = n
		case "ReceiveMessageWaitTimeSeconds":
			q.ReceiveWaitTime = n
		case "DelaySeconds":
			q.DelaySeconds = n
		}
	}
	return nil
}

func (q *Queue) visibility() int {
	if q.VisibilityTimeout == 0 {
		return 30
	}
	return q.VisibilityTimeout
}

func sqsCreateQueue(rq *request) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	if !queueName.MatchString(in.QueueName) {
		return errParam("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if strings.HasSuffix(in.QueueName, ".fifo") || in.Attributes["FifoQueue"] == "true" {
		return errParam("The sandbox simulates standard queues only, not FIFO queues.")
	}
	q := &Queue{Name: in.QueueName}
	if err := setQueueAttributes(q, in.Attributes); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	for _, old := range r.Queues {
		if old.Name == q.Name {
			if old.VisibilityTimeout != q.VisibilityTimeout || old.DelaySeconds != q.DelaySeconds || old.ReceiveWaitTime != q.ReceiveWaitTime {
				return sqsErr("QueueNameExists", "QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute(s).")
			}
			q = old
		}
	}
	if !slices.Contains(r.Queues, q) {
		r.Queues = append(r.Queues, q)
		rq.sb.st.fillRegion(rq.sb.st.account(rq.account), r)
	}
	rq.sqsReply(map[string]string{"QueueUrl": q.URL}, func(x *xmlw) { x.leaf("QueueUrl", q.URL) })
	return nil
}

// sqsReply writes a JSON output or, for the query protocol, the XML body.
func (rq *request) sqsReply(out any, xmlBody func(x *xmlw)) {
	if rq.proto == protoQuery {
		rq.writeQuery(sqsNS, xmlBody)
		return
	}
	if out == nil {
		out = struct{}{}
	}
	rq.writeOut(out)
}

func sqsGetQueueUrl(rq *request) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	owner := rq.account
	if rq.proto == protoQuery {
		if o := rq.form["QueueOwnerAWSAccountId"]; o != "" {
			owner = o
		}
	} else {
		var o struct{ QueueOwnerAWSAccountId string }
		rq.decodeInput(&o)
		if o.QueueOwnerAWSAccountId != "" {
			owner = o.QueueOwnerAWSAccountId
		}
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	q, _, err := rq.queueFromURL(owner + "/" + in.QueueName)
	if err != nil {
		return err
	}
	rq.sqsReply(map[string]string{"QueueUrl": q.URL}, func(x *xmlw) { x.leaf("QueueUrl", q.URL) })
	return nil
}

func sqsListQueues(rq *request) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	var urls []string
	for _, q := range r.Queues {
		if strings.HasPrefix(q.Name, in.QueueNamePrefix) {
			urls = append(urls, q.URL)
		}
	}
	out := map[string]any{}
	if len(urls) > 0 {
		out["QueueUrls"] = urls
	}
	rq.sqsReply(out, func(x *xmlw) {
		for _, u := range urls {
			x.leaf("QueueUrl", u)
		}
	})
	return nil
}

func sqsDeleteQueue(rq *request) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	q, a, err := rq.queueFromURL(in.QueueUrl)
	if err != nil {
		return err
	}
	r := a.findRegion(rq.region)
	r.Queues = slices.DeleteFunc(r.Queues, func(x *Queue) bool { return x == q })
	rq.sb.st.wakeQueue(q)
	rq.sqsReply(nil, nil)
	return nil
}

func sqsPurgeQueue(rq *request) error {
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
	q.Messages = nil
	rq.sqsReply(nil, nil)
	return nil
}

func sqsGetQueueAttributes(rq *request) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	q, a, err := rq.queueFromURL(in.QueueUrl)
	if err != nil {
		return err
	}
	now := time.Now()
	var visible, inflight, delayed int
	for _, m := range q.Messages {
		switch {
		case !m.VisibleAt.After(now):
			visible++
		case m.ReceiveCount == 0:
			delayed++
		default:
			inflight++
		}
	}
	all := map[string]string{
		"ApproximateNumberOfMessages":           strconv.Itoa(visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inflight),
		"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(delayed),
		"VisibilityTimeout":                     strconv.Itoa(q.visibility()),
		"ReceiveMessageWaitTimeSeconds":         strconv.Itoa(q.ReceiveWaitTime),
		"DelaySeconds":                          strconv.Itoa(q.DelaySeconds),
		"MaximumMessageSize":                    "262144",
		"MessageRetentionPeriod":                "345600",
		"QueueArn":                              "arn:aws:sqs:" + rq.region + ":" + a.ID + ":" + q.Name,
	}
	attrs := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == "All" {
			attrs = all
			break
		}
		v, ok := all[n]
		if !ok {
			return sqsErr("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute %s.", n)
		}
		attrs[n] = v
	}
	rq.sqsReply(map[string]any{"Attributes": attrs}, func(x *xmlw) {
		for _, k := range sortedKeys(attrs) {
			x.open("Attribute")
			x.leaf("Name", k)
			x.leaf("Value", attrs[k])
			x.close("Attribute")
		}
	})
	return nil
}

func sqsSetQueueAttributes(rq *request) error {
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
	if err := setQueueAttributes(q, in.Attributes); err != nil {
		return err
	}
	rq.sb.st.wakeQueue(q)
	rq.sqsReply(nil, nil)
	return nil
}

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

func convertAttrs(in map[string]sqsAttr) (map[string]MessageAttribute, error) {
	if len(in) == 0 {
		return nil, nil
	}
	if len(in) > 10 {
		return nil, errParam("Number of message attributes [%d] exceeds the allowed maximum [10].", len(in))
	}
	out := map[string]MessageAttribute{}
	for k, v := range in {
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
		out[k] = MessageAttribute{DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue}
	}
	return out, nil
}

// enqueue validates and adds one message; it returns the message.
func (rq *request) enqueue(q *Queue, body string, delay *int, attrs map[string]sqsAttr) (*Message, error) {
	if body == "" {
		return nil, sqsErr("MissingParameter", "MissingParameter", "The request must contain the parameter MessageBody.")
	}
	if len(body) > 262144 {
		return nil, errParam("One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.")
	}
	d := q.DelaySeconds
	if delay != nil {
		d = *delay
	}
	if d < 0 || d > 900 {
		return nil, errParam("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", d)
	}
	ma, err := convertAttrs(attrs)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	m := &Message{ID: rq.sb.st.uuid(), Body: body, Attributes: ma, Sent: now, VisibleAt: now.Add(time.Duration(d) * time.Second)}
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
	m, err := rq.enqueue(q, in.MessageBody, in.DelaySeconds, in.MessageAttributes)
	if err != nil {
		return err
	}
	out := map[string]string{"MessageId": m.ID, "MD5OfMessageBody": md5Hex([]byte(m.Body))}
	if md := attributesMD5(m.Attributes); md != "" {
		out["MD5OfMessageAttributes"] = md
	}
	rq.sqsReply(out, func(x *xmlw) {
		x.leaf("MD5OfMessageBody", out["MD5OfMessageBody"])
		x.opt("MD5OfMessageAttributes", out["MD5OfMessageAttributes"])
		x.leaf("MessageId", m.ID)
	})
	return nil
}

var batchID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

func checkBatch(entries []sqsEntry) error {
	if len(entries) == 0 {
		return sqsErr("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.")
	}
	if len(entries) > 10 {
		return sqsErr("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent %d.", len(entries))
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !batchID.MatchString(e.Id) {
			return sqsErr("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
		}
		if seen[e.Id] {
			return sqsErr("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id %s repeated.", e.Id)
		}
		seen[e.Id] = true
	}
	return nil
}

type batchFailure struct {
	Id          string
	SenderFault bool
	Code        string
	Message     string
}

func failureOf(id string, err error) batchFailure {
	e, _ := err.(*apiError)
	if e == nil {
		return batchFailure{Id: id, Code: "InternalError", Message: err.Error()}
	}
	code := e.code
	if e.queryCode != "" {
		code = e.queryCode
	}
	return batchFailure{Id: id, SenderFault: e.status < 500, Code: code, Message: e.msg}
}

func writeFailures(x *xmlw, fails []batchFailure) {
	for _, f := range fails {
		x.open("BatchResultErrorEntry")
		x.leaf("Id", f.Id)
		x.bool("SenderFault", f.SenderFault)
		x.leaf("Code", f.Code)
		x.leaf("Message", f.Message)
		x.close("BatchResultErrorEntry")
	}
}

func sqsSendMessageBatch(rq *request) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	if err := checkBatch(in.Entries); err != nil {
		return err
	}
	total := 0
	for _, e := range in.Entries {
		total += len(e.MessageBody)
	}
	if total > 262144 {
		return sqsErr("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than 262144 bytes. You have sent %d bytes.", total)
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	q, _, err := rq.queueFromURL(in.QueueUrl)
	if err != nil {
		return err
	}
	type ok struct {
		Id                     string
		MessageId              string
		MD5OfMessageBody       string
		MD5OfMessageAttributes string `json:",omitempty"`
	}
	oks := []ok{}
	fails := []batchFailure{}
	for _, e := range in.Entries {
		m, err := rq.enqueue(q, e.MessageBody, e.DelaySeconds, e.MessageAttributes)
		if err != nil {
			fails = append(fails, failureOf(e.Id, err))
			continue
		}
		oks = append(oks, ok{e.Id, m.ID, md5Hex([]byte(m.Body)), attributesMD5(m.Attributes)})
	}
	rq.sqsReply(map[string]any{"Successful": oks, "Failed": fails}, func(x *xmlw) {
		for _, o := range oks {
			x.open("SendMessageBatchResultEntry")
			x.leaf("Id", o.Id)
			x.leaf("MessageId", o.MessageId)
			x.leaf("MD5OfMessageBody", o.MD5OfMessageBody)
			x.opt("MD5OfMessageAttributes", o.MD5OfMessageAttributes)
			x.close("SendMessageBatchResultEntry")
		}
		writeFailures(x, fails)
	})
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
			"SenderId":                         rq.ident.userID,
			"SentTimestamp":                    strconv.FormatInt(m.Sent.UnixMilli(), 10),
			"ApproximateReceiveCount":          strconv.Itoa(m.ReceiveCount),
			"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.FirstReceive.UnixMilli(), 10),
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
				rm.MessageAttributes[k] = sqsAttr{v.DataType, v.StringValue, v.BinaryValue}
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

func sqsDeleteMessageBatch(rq *request) error {
	return sqsReceiptBatch(rq, "DeleteMessageBatchResultEntry", func(q *Queue, e sqsEntry) error {
		return rq.deleteMessage(q, e.ReceiptHandle)
	})
}

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

func sqsChangeMessageVisibilityBatch(rq *request) error {
	return sqsReceiptBatch(rq, "ChangeMessageVisibilityBatchResultEntry", func(q *Queue, e sqsEntry) error {
		return rq.changeVisibility(q, e.ReceiptHandle, e.VisibilityTimeout)
	})
}

// sqsReceiptBatch runs op on each entry of a batch that acts on received
// messages (by receipt handle) and answers which entries succeeded.
func sqsReceiptBatch(rq *request, resultEntry string, op func(*Queue, sqsEntry) error) error {
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	if err := checkBatch(in.Entries); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	q, _, err := rq.queueFromURL(in.QueueUrl)
	if err != nil {
		return err
	}
	type okEntry struct{ Id string }
	oks := []okEntry{}
	fails := []batchFailure{}
	for _, e := range in.Entries {
		if err := op(q, e); err != nil {
			fails = append(fails, failureOf(e.Id, err))
			continue
		}
		oks = append(oks, okEntry{e.Id})
	}
	rq.sqsReply(map[string]any{"Successful": oks, "Failed": fails}, func(x *xmlw) {
		for _, o := range oks {
			x.open(resultEntry)
			x.leaf("Id", o.Id)
			x.close(resultEntry)
		}
		writeFailures(x, fails)
	})
	return nil
}
