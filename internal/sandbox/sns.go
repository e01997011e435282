package sandbox

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const snsNS = "http://sns.amazonaws.com/doc/2010-03-31/"

func snsService() *service {
	return &service{name: "sns", title: "Amazon SNS", protocol: protoQuery, version: "2010-03-31", xmlNS: snsNS, ops: map[string]handler{
		"CreateTopic":               snsCreateTopic,
		"ListTopics":                snsListTopics,
		"DeleteTopic":               snsDeleteTopic,
		"GetTopicAttributes":        snsGetTopicAttributes,
		"SetTopicAttributes":        snsSetTopicAttributes,
		"Publish":                   snsPublish,
		"PublishBatch":              snsPublishBatch,
		"Subscribe":                 snsSubscribe,
		"Unsubscribe":               snsUnsubscribe,
		"ConfirmSubscription":       snsConfirmSubscription,
		"ListSubscriptions":         snsListSubscriptions,
		"ListSubscriptionsByTopic":  snsListSubscriptions,
		"GetSubscriptionAttributes": snsGetSubscriptionAttributes,
		"SetSubscriptionAttributes": snsSetSubscriptionAttributes,
		"TagResource":               snsTagResource,
		"UntagResource":             snsUntagResource,
		"ListTagsForResource":       snsListTagsForResource,
	}}
}

var topicName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func snsInvalid(format string, args ...any) error {
	return apiErr(400, "InvalidParameter", "Invalid parameter: "+format, args...)
}

func errNoTopic() error { return apiErr(404, "NotFound", "Topic does not exist") }

// topicAttrs are the topic attributes the sandbox keeps; FifoTopic is
// refused (FIFO topics are not simulated).
var topicAttrs = []string{"DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig",
	"ArchivePolicy", "DataProtectionPolicy", "HTTPSuccessFeedbackRoleArn", "HTTPFailureFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate",
	"SQSSuccessFeedbackRoleArn", "SQSFailureFeedbackRoleArn", "SQSSuccessFeedbackSampleRate"}

func errFIFOTopic() error {
	return apiErr(400, "InvalidParameter", "Invalid parameter: the sandbox simulates standard topics only; FIFO topics (names ending in .fifo, FifoTopic) are not simulated.")
}

func setTopicAttr(t *Topic, name, value string) error {
	if name == "FifoTopic" || name == "ContentBasedDeduplication" || name == "FifoThroughputScope" {
		if name == "FifoTopic" && value == "false" {
			return nil
		}
		return errFIFOTopic()
	}
	if !slices.Contains(topicAttrs, name) {
		return snsInvalid("AttributeName")
	}
	if t.Attributes == nil {
		t.Attributes = map[string]string{}
	}
	t.Attributes[name] = value
	return nil
}

func snsCreateTopic(rq *request) error {
	name := rq.form["Name"]
	if strings.HasSuffix(name, ".fifo") {
		return errFIFOTopic()
	}
	if !topicName.MatchString(name) {
		return snsInvalid("Topic Name")
	}
	r := rq.lockRegion()
	defer rq.unlock()
	t := r.topic(name)
	isNew := t == nil
	if isNew {
		t = &Topic{Name: name}
	}
	for _, a := range rq.form.structs("Attributes.entry") {
		if err := setTopicAttr(t, a["key"], a["value"]); err != nil {
			return err
		}
	}
	for _, tag := range rq.form.structs("Tags.member") {
		if t.Tags == nil {
			t.Tags = map[string]string{}
		}
		t.Tags[tag["Key"]] = tag["Value"]
	}
	if isNew {
		r.Topics = append(r.Topics, t)
		rq.sb.st.fillRegion(rq.sb.st.account(rq.account), r)
	}
	rq.writeQuery(func(x *xmlw) { x.leaf("TopicArn", t.ARN) })
	return nil
}

func (r *Region) topic(name string) *Topic {
	for _, t := range r.Topics {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// topicByARN finds a topic of any account and region by ARN; the caller
// holds mu.
func (w *world) topicByARN(arn string) (*Topic, *Region, *Account) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "sns" {
		return nil, nil, nil
	}
	a := w.account(parts[4])
	if a == nil {
		return nil, nil, nil
	}
	r := a.findRegion(parts[3])
	if r == nil {
		return nil, nil, nil
	}
	for _, t := range r.Topics {
		if t.ARN == arn {
			return t, r, a
		}
	}
	return nil, nil, nil
}

// callerTopic finds a topic the request names, in the caller's account.
func (rq *request) callerTopic(arn string) (*Topic, error) {
	if arn == "" {
		return nil, snsInvalid("TopicArn")
	}
	t, _, a := rq.sb.st.topicByARN(arn)
	if t == nil || a.ID != rq.account {
		return nil, errNoTopic()
	}
	return t, nil
}

func snsListTopics(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	start := 0
	if tok := rq.form["NextToken"]; tok != "" {
		var err error
		start, err = strconv.Atoi(tok)
		if err != nil || start < 0 || start > len(r.Topics) {
			return snsInvalid("NextToken")
		}
	}
	end := min(len(r.Topics), start+100)
	rq.writeQuery(func(x *xmlw) {
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

func snsDeleteTopic(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	// Deleting a topic that does not exist succeeds, as in SNS.
	r.Topics = slices.DeleteFunc(r.Topics, func(t *Topic) bool { return t.ARN == rq.form["TopicArn"] })
	rq.writeQuery(nil)
	return nil
}

func snsGetTopicAttributes(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.callerTopic(rq.form["TopicArn"])
	if err != nil {
		return err
	}
	confirmed, pending := 0, 0
	for _, s := range t.Subscriptions {
		if s.Pending {
			pending++
		} else {
			confirmed++
		}
	}
	attrs := map[string]string{
		"TopicArn": t.ARN, "Owner": rq.account, "DisplayName": "", "SubscriptionsConfirmed": strconv.Itoa(confirmed),
		"SubscriptionsPending": strconv.Itoa(pending), "SubscriptionsDeleted": "0", "EffectiveDeliveryPolicy": defaultDeliveryPolicy,
		"Policy": defaultTopicPolicy(t.ARN, rq.account),
	}
	for k, v := range t.Attributes {
		attrs[k] = v
	}
	rq.writeQuery(func(x *xmlw) { writeEntries(x, "Attributes", attrs) })
	return nil
}

const defaultDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

func defaultTopicPolicy(arn, acct string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + acct + `"}}}]}`
}

// writeEntries writes a query-protocol map (<entry><key/><value/></entry>).
func writeEntries(x *xmlw, name string, m map[string]string) {
	x.open(name)
	for _, k := range sortedKeys(m) {
		x.open("entry")
		x.leaf("key", k)
		x.leaf("value", m[k])
		x.close("entry")
	}
	x.close(name)
}

func snsSetTopicAttributes(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.callerTopic(rq.form["TopicArn"])
	if err != nil {
		return err
	}
	if err := setTopicAttr(t, rq.form["AttributeName"], rq.form["AttributeValue"]); err != nil {
		return err
	}
	rq.writeQuery(nil)
	return nil
}

// resourceTags finds the tags of an SNS topic by ARN.
func (rq *request) resourceTags() (*Topic, error) {
	t, err := rq.callerTopic(rq.form["ResourceArn"])
	if err != nil {
		return nil, apiErr(404, "ResourceNotFound", "Resource does not exist")
	}
	return t, nil
}

func snsTagResource(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.resourceTags()
	if err != nil {
		return err
	}
	for _, tag := range rq.form.structs("Tags.member") {
		if t.Tags == nil {
			t.Tags = map[string]string{}
		}
		t.Tags[tag["Key"]] = tag["Value"]
	}
	if len(t.Tags) > 50 {
		return apiErr(400, "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded")
	}
	rq.writeQuery(emptyResult) // an empty TagResourceResult, as AWS answers
	return nil
}

func snsUntagResource(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.resourceTags()
	if err != nil {
		return err
	}
	for _, k := range rq.form.list("TagKeys.member") {
		delete(t.Tags, k)
	}
	rq.writeQuery(emptyResult) // an empty UntagResourceResult, as AWS answers
	return nil
}

func snsListTagsForResource(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.resourceTags()
	if err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("Tags")
		for _, k := range sortedKeys(t.Tags) {
			x.open("member")
			x.leaf("Key", k)
			x.leaf("Value", t.Tags[k])
			x.close("member")
		}
		x.close("Tags")
	})
	return nil
}

// now is the time stamp SNS puts on messages.
func snsNow() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
