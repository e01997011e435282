package sandbox

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var queueName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// maxMessageSize is SQS's message size limit: 1 MiB since August 2025
// (256 KiB before), and the default of MaximumMessageSize.
const maxMessageSize = 1 << 20

// queueAttrs are the numeric queue attributes and their ranges.
var queueAttrs = map[string][2]int{"VisibilityTimeout": {0, 43200}, "ReceiveMessageWaitTimeSeconds": {0, 20}, "DelaySeconds": {0, 900},
	"MessageRetentionPeriod": {60, 1209600}, "MaximumMessageSize": {1024, maxMessageSize}, "KmsDataKeyReusePeriodSeconds": {60, 86400}}

// keptAttrs are the queue attributes the sandbox keeps as given without
// acting on them.
var keptAttrs = []string{"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"}

// fifoAttrs name FIFO queue features, which the sandbox does not simulate.
var fifoAttrs = []string{"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}

func setQueueAttributes(q *Queue, attrs map[string]string) error {
	for _, k := range sortedKeys(attrs) {
		v := attrs[k]
		if slices.Contains(fifoAttrs, k) {
			if k == "FifoQueue" && v == "false" {
				continue
			}
			return errFIFO()
		}
		lim, numeric := queueAttrs[k]
		if !numeric && !slices.Contains(keptAttrs, k) {
			return sqsErr("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute %s.", k)
		}
		if numeric {
			n, err := strconv.Atoi(v)
			if err != nil || n < lim[0] || n > lim[1] {
				return sqsErr("InvalidAttributeValue", "InvalidAttributeValue", "Invalid value for the parameter %s.", k)
			}
			switch k {
			case "VisibilityTimeout":
				q.VisibilityTimeout = n
				continue
			case "ReceiveMessageWaitTimeSeconds":
				q.ReceiveWaitTime = n
				continue
			case "DelaySeconds":
				q.DelaySeconds = n
				continue
			case "MaximumMessageSize":
				q.MaximumMessageSize = n
				continue
			case "MessageRetentionPeriod":
				q.MessageRetentionPeriod = n
				continue
			}
		}
		if k == "Policy" && v != "" && !json.Valid([]byte(v)) {
			return sqsErr("InvalidAttributeValue", "InvalidAttributeValue", "Invalid value for the parameter Policy.")
		}
		if q.Attributes == nil {
			q.Attributes = map[string]string{}
		}
		if v == "" {
			delete(q.Attributes, k)
		} else {
			q.Attributes[k] = v
		}
	}
	if len(q.Attributes) == 0 {
		q.Attributes = nil
	}
	q.LastModified = time.Now().UTC().Truncate(time.Second)
	return nil
}

func (q *Queue) maxMessage() int {
	if q.MaximumMessageSize == 0 {
		return maxMessageSize
	}
	return q.MaximumMessageSize
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
	// A FIFO queue is refused as such before the name check, which would
	// otherwise call the ".fifo" suffix a bad character.
	if strings.HasSuffix(in.QueueName, ".fifo") || in.Attributes["FifoQueue"] == "true" {
		return errFIFO()
	}
	if !queueName.MatchString(in.QueueName) {
		return errParam("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	q := &Queue{Name: in.QueueName}
	if err := setQueueAttributes(q, in.Attributes); err != nil {
		return err
	}
	if err := tagQueue(q, in.Tags); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	for _, old := range r.Queues {
		if old.Name == q.Name {
			same := old.VisibilityTimeout == q.VisibilityTimeout && old.DelaySeconds == q.DelaySeconds && old.ReceiveWaitTime == q.ReceiveWaitTime &&
				old.MaximumMessageSize == q.MaximumMessageSize && old.MessageRetentionPeriod == q.MessageRetentionPeriod
			for k, v := range q.Attributes {
				same = same && old.Attributes[k] == v
			}
			if !same {
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
	retention := q.MessageRetentionPeriod
	if retention == 0 {
		retention = 345600
	}
	all := map[string]string{
		"ApproximateNumberOfMessages":           strconv.Itoa(visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inflight),
		"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(delayed),
		"VisibilityTimeout":                     strconv.Itoa(q.visibility()),
		"ReceiveMessageWaitTimeSeconds":         strconv.Itoa(q.ReceiveWaitTime),
		"DelaySeconds":                          strconv.Itoa(q.DelaySeconds),
		"MaximumMessageSize":                    strconv.Itoa(q.maxMessage()),
		"MessageRetentionPeriod":                strconv.Itoa(retention),
		"QueueArn":                              regionalARN(rq.region, "sqs", a.ID, q.Name),
		"CreatedTimestamp":                      strconv.FormatInt(q.Created.Unix(), 10),
		"LastModifiedTimestamp":                 strconv.FormatInt(q.LastModified.Unix(), 10),
		"SqsManagedSseEnabled":                  "true",
	}
	for k, v := range q.Attributes {
		all[k] = v
	}
	if _, kms := q.Attributes["KmsMasterKeyId"]; kms {
		delete(all, "SqsManagedSseEnabled")
		if _, ok := all["KmsDataKeyReusePeriodSeconds"]; !ok {
			all["KmsDataKeyReusePeriodSeconds"] = "300"
		}
	}
	attrs := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == "All" {
			attrs = all
			break
		}
		if _, known := queueAttrs[n]; !known && !slices.Contains(keptAttrs, n) && all[n] == "" {
			return sqsErr("InvalidAttributeName", "InvalidAttributeName", "Unknown Attribute %s.", n)
		}
		if v, ok := all[n]; ok {
			attrs[n] = v
		}
	}
	out := map[string]any{}
	if len(attrs) > 0 {
		// AWS leaves Attributes out rather than sending an empty map.
		out["Attributes"] = attrs
	}
	rq.sqsReply(out, func(x *xmlw) {
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
