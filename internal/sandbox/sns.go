package sandbox

import (
	"regexp"
	"strconv"
	"time"
)

const snsNS = "http://sns.amazonaws.com/doc/2010-03-31/"

var snsOps = map[string]handler{
	"CreateTopic": snsCreateTopic,
	"ListTopics":  snsListTopics,
	"Publish":     snsPublish,
	"DeleteTopic": snsDeleteTopic,
}

var topicName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func snsCreateTopic(rq *request) error {
	name := rq.form["Name"]
	if !topicName.MatchString(name) {
		return apiErr(400, "InvalidParameter", "Invalid parameter: Topic Name")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	var t *Topic
	for _, x := range r.Topics {
		if x.Name == name {
			t = x
		}
	}
	if t == nil {
		t = &Topic{Name: name}
		r.Topics = append(r.Topics, t)
		rq.sb.st.fillRegion(rq.sb.st.account(rq.account), r)
	}
	rq.writeQuery(snsNS, func(x *xmlw) { x.leaf("TopicArn", t.ARN) })
	return nil
}

func snsListTopics(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	start := 0
	if tok := rq.form["NextToken"]; tok != "" {
		var err error
		start, err = strconv.Atoi(tok)
		if err != nil || start < 0 || start > len(r.Topics) {
			return apiErr(400, "InvalidParameter", "Invalid parameter: NextToken")
		}
	}
	end := min(len(r.Topics), start+100)
	rq.writeQuery(snsNS, func(x *xmlw) {
		x.open("Topics")
		for _, t := range r.Topics[start:end] {
			x.open("member")
			x.leaf("TopicArn", t.ARN)
			x.close("member")
		}
		x.close("Topics")
		if end < len(r.Topics) {
			x.leaf("NextToken", strconv.Itoa(end))
		}
	})
	return nil
}

func (r *Region) topicByARN(arn string) *Topic {
	for _, t := range r.Topics {
		if t.ARN == arn {
			return t
		}
	}
	return nil
}

func snsPublish(rq *request) error {
	f := rq.form
	arn := f["TopicArn"]
	if arn == "" {
		arn = f["TargetArn"]
	}
	if arn == "" {
		if f["PhoneNumber"] != "" {
			return apiErr(400, "InvalidParameter", "Invalid parameter: the sandbox does not send SMS (PhoneNumber)")
		}
		return apiErr(400, "InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
	}
	msg := f["Message"]
	if msg == "" {
		return apiErr(400, "InvalidParameter", "Invalid parameter: Empty message")
	}
	if len(msg) > 256*1024 {
		return apiErr(400, "InvalidParameter", "Invalid parameter: Message too long")
	}
	if len(f["Subject"]) > 100 {
		return apiErr(400, "InvalidParameter", "Invalid parameter: Subject")
	}
	attrs := map[string]string{}
	for _, e := range f.structs("MessageAttributes.entry") {
		if e["Value.DataType"] == "" {
			return apiErr(400, "ParameterValueInvalid", "The message attribute '%s' must contain non-empty message attribute type.", e["Name"])
		}
		v := e["Value.StringValue"]
		if v == "" {
			v = e["Value.BinaryValue"]
		}
		attrs[e["Name"]] = v
	}
	if len(attrs) == 0 {
		attrs = nil
	}
	r := rq.lockRegion()
	defer rq.unlock()
	t := r.topicByARN(arn)
	if t == nil {
		return apiErr(404, "NotFound", "Topic does not exist")
	}
	p := &Published{MessageID: rq.sb.st.uuid(), Subject: f["Subject"], Message: msg, Structure: f["MessageStructure"], Attributes: attrs, Time: time.Now().UTC()}
	t.Published = append(t.Published, p)
	rq.writeQuery(snsNS, func(x *xmlw) { x.leaf("MessageId", p.MessageID) })
	return nil
}

func snsDeleteTopic(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	for i, t := range r.Topics {
		if t.ARN == rq.form["TopicArn"] {
			r.Topics = append(r.Topics[:i], r.Topics[i+1:]...)
			break
		}
	}
	rq.writeQuery(snsNS, nil)
	return nil
}
