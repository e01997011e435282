package sandbox

import (
	"encoding/json"
)

// snsMessage is one message to publish, from Publish or a PublishBatch
// entry.
type snsMessage struct {
	id, subject, message, structure, groupID string
	attrs, types                             map[string]string
}

// readMessage reads and checks a message's parameters from a form
// (Publish's, or one PublishBatchRequestEntries member's).
func readMessage(f form) (snsMessage, error) {
	m := snsMessage{subject: f["Subject"], message: f["Message"], structure: f["MessageStructure"], groupID: f["MessageGroupId"], id: f["Id"]}
	if m.message == "" {
		return m, snsInvalid("Empty message")
	}
	if f["MessageDeduplicationId"] != "" {
		return m, snsInvalid("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
	}
	if len(m.subject) > 100 {
		return m, snsInvalid("Subject")
	}
	if m.structure != "" && m.structure != "json" {
		return m, snsInvalid("MessageStructure Reason: the only value is json")
	}
	if m.structure == "json" {
		var per map[string]string
		if json.Unmarshal([]byte(m.message), &per) != nil {
			return m, snsInvalid("Message Structure - JSON message body failed to parse")
		}
		if _, ok := per["default"]; !ok {
			return m, snsInvalid("Message Structure - No default entry in JSON message body")
		}
	}
	for _, e := range f.structs("MessageAttributes.entry") {
		if m.attrs == nil {
			m.attrs, m.types = map[string]string{}, map[string]string{}
		}
		typ := e["Value.DataType"]
		if typ == "" {
			return m, apiErr(400, "ParameterValueInvalid", "The message attribute '%s' must contain non-empty message attribute type.", e["Name"])
		}
		v := e["Value.StringValue"]
		if v == "" {
			v = e["Value.BinaryValue"]
		}
		if v == "" {
			return m, apiErr(400, "ParameterValueInvalid", "The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", e["Name"], typ)
		}
		if typ == "String.Array" && !json.Valid([]byte(v)) {
			return m, apiErr(400, "ParameterValueInvalid", "The message attribute '%s' with type 'String.Array' has an invalid value.", e["Name"])
		}
		m.attrs[e["Name"]], m.types[e["Name"]] = v, typ
	}
	if len(m.attrs) > 10 {
		return m, snsInvalid("MessageAttributes: a message has at most 10 attributes")
	}
	if len(m.message) > 256*1024 {
		return m, snsInvalid("Message too long")
	}
	return m, nil
}

func snsPublish(rq *request) error {
	f := rq.form
	arn := f["TopicArn"]
	if arn == "" {
		arn = f["TargetArn"]
	}
	if arn == "" {
		if f["PhoneNumber"] != "" {
			return snsInvalid("the sandbox does not send SMS (PhoneNumber)")
		}
		return snsInvalid("TopicArn or TargetArn Reason: no value for required parameter")
	}
	m, err := readMessage(f)
	if err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.callerTopic(arn)
	if err != nil {
		return err
	}
	p := rq.sb.publish(t, m)
	rq.writeQuery(func(x *xmlw) { x.leaf("MessageId", p.MessageID) })
	return nil
}

func snsPublishBatch(rq *request) error {
	entries := rq.form.structs("PublishBatchRequestEntries.member")
	if len(entries) == 0 {
		return apiErr(400, "EmptyBatchRequest", "The batch request doesn't contain any entries")
	}
	if len(entries) > 10 {
		return apiErr(400, "TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.")
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e["Id"]] {
			return apiErr(400, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.")
		}
		seen[e["Id"]] = true
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.callerTopic(rq.form["TopicArn"])
	if err != nil {
		return err
	}
	type ok struct{ id, msgID string }
	var oks []ok
	var fails []batchFailure
	for _, e := range entries {
		m, err := readMessage(e)
		if err != nil {
			fails = append(fails, failureOf(e["Id"], err))
			continue
		}
		oks = append(oks, ok{e["Id"], rq.sb.publish(t, m).MessageID})
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("Successful")
		for _, o := range oks {
			x.open("member")
			x.leaf("Id", o.id)
			x.leaf("MessageId", o.msgID)
			x.close("member")
		}
		x.close("Successful")
		x.open("Failed")
		for _, f := range fails {
			x.open("member")
			x.leaf("Id", f.Id)
			x.leaf("Code", f.Code)
			x.leaf("Message", f.Message)
			x.bool("SenderFault", f.SenderFault)
			x.close("member")
		}
		x.close("Failed")
	})
	return nil
}

// publish keeps the message on the topic and delivers it to the
// subscriptions; the caller holds mu.
func (sb *Sandbox) publish(t *Topic, m snsMessage) *Published {
	p := &Published{MessageID: sb.st.uuid(), Subject: m.subject, Message: m.message, Structure: m.structure,
		Attributes: m.attrs, AttributeTypes: m.types, GroupID: m.groupID, Time: snsNow()}
	t.Published = append(t.Published, p)
	sb.deliver(t, p)
	return p
}

// publishInternal publishes on behalf of a service (a CloudWatch alarm's
// action); it does nothing when the topic is not the account's. The
// caller holds mu.
func (sb *Sandbox) publishInternal(acct, topicARN, subject, message string) {
	t, _, a := sb.st.topicByARN(topicARN)
	if t == nil || a.ID != acct {
		return
	}
	if len(subject) > 100 {
		subject = subject[:100]
	}
	sb.publish(t, snsMessage{subject: subject, message: message})
}
