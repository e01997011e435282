package sandbox

import (
	"encoding/base64"
	"strconv"
	"strings"
)

const sqsNS = "http://queue.amazonaws.com/doc/2012-11-05/"

func sqsService() *service {
	return &service{name: "sqs", title: "Amazon SQS", protocol: protoJSON10, version: "2012-11-05", xmlNS: sqsNS,
		target: "AmazonSQS", targetProto: protoJSON10, errorNS: "com.amazonaws.sqs#",
		throttle: throttleError{400, "ThrottlingException", "RequestThrottled", "Rate exceeded"},
		ops: map[string]handler{
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
			"TagQueue":                     sqsTagQueue,
			"UntagQueue":                   sqsUntagQueue,
			"ListQueueTags":                sqsListQueueTags,
		}}
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

// errFIFO refuses FIFO queues, which the sandbox does not simulate, by
// saying so rather than with a validation error.
func errFIFO() error {
	return sqsErr("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", "The sandbox simulates standard queues only; FIFO queues (names ending in .fifo, FifoQueue, ContentBasedDeduplication, MessageGroupId) are not simulated.")
}

func errParam(format string, args ...any) error {
	return sqsErr("InvalidParameterValue", "InvalidParameterValue", format, args...)
}

type sqsAttr struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

// sqsEntry is one message to send (SendMessage, or a batch entry) or
// one received message to act on (a batch entry).
type sqsEntry struct {
	Id                      string
	MessageBody             string
	DelaySeconds            *int
	MessageAttributes       map[string]sqsAttr
	MessageSystemAttributes map[string]sqsAttr
	MessageGroupId          string
	MessageDeduplicationId  string
	ReceiptHandle           string
	VisibilityTimeout       *int
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
	MessageSystemAttributes     map[string]sqsAttr
	MessageGroupId              string
	MessageDeduplicationId      string
	Entries                     []sqsEntry
	MaxNumberOfMessages         *int
	VisibilityTimeout           *int
	WaitTimeSeconds             *int
	AttributeNames              []string
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
	ReceiptHandle               string
	// Tags are CreateQueue's tags and TagQueue's Tags (JSON field names
	// match either); TagKeys are UntagQueue's.
	Tags    map[string]string
	TagKeys []string
}

func (rq *request) sqsInput() (*sqsInput, error) {
	in := &sqsInput{}
	if rq.proto != protoQuery {
		return in, rq.decodeInput(in)
	}
	f := rq.form
	in.QueueName, in.QueueUrl, in.QueueNamePrefix = f["QueueName"], f["QueueUrl"], f["QueueNamePrefix"]
	in.MessageBody, in.ReceiptHandle = f["MessageBody"], f["ReceiptHandle"]
	in.MessageGroupId, in.MessageDeduplicationId = f["MessageGroupId"], f["MessageDeduplicationId"]
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
	if in.MessageAttributes, err = queryMessageAttributes(f, "MessageAttribute"); err != nil {
		return nil, err
	}
	if in.MessageSystemAttributes, err = queryMessageAttributes(f, "MessageSystemAttribute"); err != nil {
		return nil, err
	}
	for _, t := range f.structs("Tag") {
		if in.Tags == nil {
			in.Tags = map[string]string{}
		}
		in.Tags[t["Key"]] = t["Value"]
	}
	in.TagKeys = f.list("TagKey")
	in.AttributeNames = f.list("AttributeName")
	in.MessageAttributeNames = f.list("MessageAttributeName")
	in.MessageSystemAttributeNames = f.list("MessageSystemAttributeName")
	for _, prefix := range []string{"SendMessageBatchRequestEntry", "DeleteMessageBatchRequestEntry", "ChangeMessageVisibilityBatchRequestEntry"} {
		for _, e := range f.structs(prefix) {
			en := sqsEntry{Id: e["Id"], MessageBody: e["MessageBody"], ReceiptHandle: e["ReceiptHandle"],
				MessageGroupId: e["MessageGroupId"], MessageDeduplicationId: e["MessageDeduplicationId"]}
			if err := queryInt(e, "DelaySeconds", &en.DelaySeconds); err != nil {
				return nil, err
			}
			if err := queryInt(e, "VisibilityTimeout", &en.VisibilityTimeout); err != nil {
				return nil, err
			}
			if en.MessageAttributes, err = queryMessageAttributes(e, "MessageAttribute"); err != nil {
				return nil, err
			}
			if en.MessageSystemAttributes, err = queryMessageAttributes(e, "MessageSystemAttribute"); err != nil {
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

func queryMessageAttributes(f form, prefix string) (map[string]sqsAttr, error) {
	var out map[string]sqsAttr
	for _, a := range f.structs(prefix) {
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

// sqsReply writes a JSON output or, for the query protocol, the XML body.
func (rq *request) sqsReply(out any, xmlBody func(x *xmlw)) {
	if rq.proto == protoQuery {
		rq.writeQuery(xmlBody)
		return
	}
	if out == nil {
		out = struct{}{}
	}
	rq.writeOut(out)
}
