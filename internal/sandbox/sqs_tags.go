package sandbox

import "strings"

// maxQueueTags is SQS's limit of tags on a queue.
const maxQueueTags = 50

// tagQueue adds tags to a queue, checking them as SQS does.
func tagQueue(q *Queue, tags map[string]string) error {
	for k, v := range tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return errParam("Tag keys must be between 1 and 128 characters and values at most 256 characters.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errParam("Tag keys starting with 'aws:' are reserved.")
		}
		if q.Tags == nil {
			q.Tags = map[string]string{}
		}
		q.Tags[k] = v
	}
	if len(q.Tags) > maxQueueTags {
		return errParam("Too many tags added for queue %s.", q.Name)
	}
	return nil
}

// taggedQueue decodes a tagging call and finds its queue; it returns with
// the lock held when err is nil.
func (rq *request) taggedQueue() (*sqsInput, *Queue, error) {
	in, err := rq.sqsInput()
	if err != nil {
		return nil, nil, err
	}
	rq.sb.mu.Lock()
	q, _, err := rq.queueFromURL(in.QueueUrl)
	if err != nil {
		rq.sb.mu.Unlock()
		return nil, nil, err
	}
	return in, q, nil
}

func sqsTagQueue(rq *request) error {
	in, q, err := rq.taggedQueue()
	if err != nil {
		return err
	}
	defer rq.unlock()
	if len(in.Tags) == 0 {
		return sqsErr("MissingParameter", "MissingParameter", "The request must contain the parameter Tags.")
	}
	// Check on a copy so that a refused call changes nothing.
	cp := &Queue{Name: q.Name, Tags: map[string]string{}}
	for k, v := range q.Tags {
		cp.Tags[k] = v
	}
	if err := tagQueue(cp, in.Tags); err != nil {
		return err
	}
	q.Tags = cp.Tags
	rq.sqsReply(nil, nil)
	return nil
}

func sqsUntagQueue(rq *request) error {
	in, q, err := rq.taggedQueue()
	if err != nil {
		return err
	}
	defer rq.unlock()
	if len(in.TagKeys) == 0 {
		return sqsErr("MissingParameter", "MissingParameter", "The request must contain the parameter TagKeys.")
	}
	for _, k := range in.TagKeys {
		delete(q.Tags, k)
	}
	if len(q.Tags) == 0 {
		q.Tags = nil
	}
	rq.sqsReply(nil, nil)
	return nil
}

func sqsListQueueTags(rq *request) error {
	_, q, err := rq.taggedQueue()
	if err != nil {
		return err
	}
	defer rq.unlock()
	out := map[string]any{}
	if len(q.Tags) > 0 {
		out["Tags"] = q.Tags
	}
	rq.sqsReply(out, func(x *xmlw) {
		for _, k := range sortedKeys(q.Tags) {
			x.open("Tag")
			x.leaf("Key", k)
			x.leaf("Value", q.Tags[k])
			x.close("Tag")
		}
	})
	return nil
}
