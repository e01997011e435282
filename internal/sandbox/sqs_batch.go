package sandbox

import (
	"regexp"
)

var batchID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// checkBatch checks a batch's entries; kind names them in errors
// (SendMessageBatchRequestEntry, ...).
func checkBatch(entries []sqsEntry, kind string) error {
	if len(entries) == 0 {
		return sqsErr("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one %s in the request.", kind)
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
	if err := checkBatch(in.Entries, "SendMessageBatchRequestEntry"); err != nil {
		return err
	}
	total := 0
	for _, e := range in.Entries {
		total += len(e.MessageBody)
	}
	if total > maxMessageSize {
		return sqsErr("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than %d bytes. You have sent %d bytes.", maxMessageSize, total)
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
		m, err := rq.enqueue(q, e)
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

func sqsChangeMessageVisibilityBatch(rq *request) error {
	return sqsReceiptBatch(rq, "ChangeMessageVisibilityBatch", func(q *Queue, e sqsEntry) error {
		return rq.changeVisibility(q, e.ReceiptHandle, e.VisibilityTimeout)
	})
}

// sqsReceiptBatch runs op on each entry of a batch that acts on received
// messages (by receipt handle) and answers which entries succeeded; name
// is the operation (DeleteMessageBatch), which names its entry types.
func sqsReceiptBatch(rq *request, name string, op func(*Queue, sqsEntry) error) error {
	resultEntry := name + "ResultEntry"
	in, err := rq.sqsInput()
	if err != nil {
		return err
	}
	if err := checkBatch(in.Entries, name+"RequestEntry"); err != nil {
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

func sqsDeleteMessageBatch(rq *request) error {
	return sqsReceiptBatch(rq, "DeleteMessageBatch", func(q *Queue, e sqsEntry) error {
		return rq.deleteMessage(q, e.ReceiptHandle)
	})
}
