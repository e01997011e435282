package sandbox

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/vigilhq/vigil/pattern"
)

// subscriptionAttrs are the subscription attributes callers may set.
var subscriptionAttrs = []string{"RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn"}

// checkSubscriptionAttr validates one attribute's value.
func checkSubscriptionAttr(name, value string) error {
	switch name {
	case "RawMessageDelivery":
		if value != "true" && value != "false" {
			return snsInvalid("Attributes Reason: RawMessageDelivery: Invalid value [%s]. Must be true or false.", value)
		}
	case "FilterPolicyScope":
		if value != "MessageAttributes" && value != "MessageBody" {
			return snsInvalid("Attributes Reason: FilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", value)
		}
	case "FilterPolicy":
		if value == "" {
			return nil
		}
		if err := pattern.NewMatcher().AddPattern("p", []byte(value)); err != nil {
			return snsInvalid("Filter policy: %v", err)
		}
	case "RedrivePolicy", "DeliveryPolicy":
		if value != "" && !json.Valid([]byte(value)) {
			return snsInvalid("Attributes Reason: %s: Invalid JSON", name)
		}
	default:
		if !slices.Contains(subscriptionAttrs, name) {
			return snsInvalid("AttributeName")
		}
	}
	return nil
}

func snsSubscribe(rq *request) error {
	f := rq.form
	proto, endpoint := f["Protocol"], f["Endpoint"]
	switch proto {
	case "sqs":
		parts := strings.SplitN(endpoint, ":", 6)
		if len(parts) != 6 || parts[2] != "sqs" {
			return snsInvalid("SQS endpoint ARN")
		}
	case "http", "https":
		u, err := url.Parse(endpoint)
		if err != nil || u.Scheme != proto || u.Host == "" {
			return snsInvalid("Endpoint must match the specified protocol")
		}
	case "email", "email-json":
		if !strings.Contains(endpoint, "@") {
			return snsInvalid("Email address")
		}
	case "":
		return snsInvalid("Protocol Reason: no value for required parameter")
	default:
		return snsInvalid("Protocol Reason: the sandbox delivers to sqs, http, https, email and email-json endpoints, not %s", proto)
	}
	attrs := map[string]string{}
	for _, a := range f.structs("Attributes.entry") {
		if err := checkSubscriptionAttr(a["key"], a["value"]); err != nil {
			return err
		}
		attrs[a["key"]] = a["value"]
	}
	if len(attrs) == 0 {
		attrs = nil
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.callerTopic(f["TopicArn"])
	if err != nil {
		return err
	}
	if proto == "sqs" {
		if rq.sb.queueByARN(endpoint) == nil {
			return snsInvalid("Invalid parameter: SQS endpoint ARN")
		}
	}
	// Subscribing again with the same endpoint returns the subscription.
	for _, s := range t.Subscriptions {
		if s.Protocol == proto && s.Endpoint == endpoint {
			if !maps2Equal(s.Attributes, attrs) && attrs != nil {
				return snsInvalid("Attributes Reason: Subscription already exists with different attributes")
			}
			rq.writeQuery(func(x *xmlw) { x.leaf("SubscriptionArn", s.publicARN(f.bool("ReturnSubscriptionArn"))) })
			return nil
		}
	}
	s := &Subscription{ARN: t.ARN + ":" + rq.sb.st.uuid(), Protocol: proto, Endpoint: endpoint, Owner: rq.account, Attributes: attrs}
	if proto != "sqs" {
		s.Pending = true
		s.Token = rq.sb.st.randID(64, hexDigits)
	}
	t.Subscriptions = append(t.Subscriptions, s)
	if proto == "http" || proto == "https" {
		rq.sb.confirmByHTTP(t, s)
	}
	rq.writeQuery(func(x *xmlw) { x.leaf("SubscriptionArn", s.publicARN(f.bool("ReturnSubscriptionArn"))) })
	return nil
}

// publicARN is the ARN SNS shows: "pending confirmation" until confirmed
// (unless asked for the ARN).
func (s *Subscription) publicARN(always bool) string {
	if s.Pending && !always {
		return "pending confirmation"
	}
	return s.ARN
}

func maps2Equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// subscription finds a subscription of the caller's account by ARN.
func (rq *request) subscription(arn string) (*Subscription, *Topic, error) {
	i := strings.LastIndex(arn, ":")
	if i < 0 {
		return nil, nil, snsInvalid("SubscriptionArn")
	}
	t, _, a := rq.sb.st.topicByARN(arn[:i])
	if t != nil && a.ID == rq.account {
		for _, s := range t.Subscriptions {
			if s.ARN == arn {
				return s, t, nil
			}
		}
	}
	return nil, nil, apiErr(404, "NotFound", "Subscription does not exist")
}

func snsUnsubscribe(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	s, t, err := rq.subscription(rq.form["SubscriptionArn"])
	if err != nil {
		if rq.form["SubscriptionArn"] != "" {
			rq.writeQuery(nil) // unsubscribing twice succeeds, as in SNS
			return nil
		}
		return err
	}
	t.Subscriptions = slices.DeleteFunc(t.Subscriptions, func(x *Subscription) bool { return x == s })
	rq.writeQuery(nil)
	return nil
}

func snsConfirmSubscription(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	t, err := rq.callerTopic(rq.form["TopicArn"])
	if err != nil {
		return err
	}
	tok := rq.form["Token"]
	for _, s := range t.Subscriptions {
		if s.Token != "" && s.Token == tok {
			s.Pending = false
			rq.writeQuery(func(x *xmlw) { x.leaf("SubscriptionArn", s.ARN) })
			return nil
		}
	}
	return snsInvalid("Token")
}

func snsListSubscriptions(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	var topics []*Topic
	if rq.op == "ListSubscriptionsByTopic" {
		t, err := rq.callerTopic(rq.form["TopicArn"])
		if err != nil {
			return err
		}
		topics = []*Topic{t}
	} else {
		topics = rq.sb.st.account(rq.account).region(rq.region).Topics
	}
	var subs []*Subscription
	arnOf := map[*Subscription]string{}
	for _, t := range topics {
		for _, s := range t.Subscriptions {
			subs = append(subs, s)
			arnOf[s] = t.ARN
		}
	}
	start := 0
	if tok := rq.form["NextToken"]; tok != "" {
		var err error
		if start, err = strconv.Atoi(tok); err != nil || start < 0 || start > len(subs) {
			return snsInvalid("NextToken")
		}
	}
	end := min(len(subs), start+100)
	rq.writeQuery(func(x *xmlw) {
		x.open("Subscriptions")
		for _, s := range subs[start:end] {
			x.open("member")
			x.leaf("TopicArn", arnOf[s])
			x.leaf("Protocol", s.Protocol)
			x.leaf("SubscriptionArn", s.publicARN(false))
			x.leaf("Owner", s.Owner)
			x.leaf("Endpoint", s.Endpoint)
			x.close("member")
		}
		x.close("Subscriptions")
		if end < len(subs) {
			x.leaf("NextToken", strconv.Itoa(end))
		}
	})
	return nil
}

func snsGetSubscriptionAttributes(rq *request) error {
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	s, t, err := rq.subscription(rq.form["SubscriptionArn"])
	if err != nil {
		return err
	}
	attrs := map[string]string{
		"SubscriptionArn": s.ARN, "TopicArn": t.ARN, "Protocol": s.Protocol, "Endpoint": s.Endpoint, "Owner": s.Owner,
		"PendingConfirmation": strconv.FormatBool(s.Pending), "ConfirmationWasAuthenticated": strconv.FormatBool(!s.Pending),
		"RawMessageDelivery": "false", "SubscriptionPrincipal": globalARN(rq.region, "iam", rq.account, "root"),
	}
	for k, v := range s.Attributes {
		attrs[k] = v
	}
	if _, ok := s.Attributes["FilterPolicy"]; ok && attrs["FilterPolicyScope"] == "" {
		attrs["FilterPolicyScope"] = "MessageAttributes"
	}
	rq.writeQuery(func(x *xmlw) { writeEntries(x, "Attributes", attrs) })
	return nil
}

func snsSetSubscriptionAttributes(rq *request) error {
	name, value := rq.form["AttributeName"], rq.form["AttributeValue"]
	if err := checkSubscriptionAttr(name, value); err != nil {
		return err
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	s, _, err := rq.subscription(rq.form["SubscriptionArn"])
	if err != nil {
		return err
	}
	if name == "RawMessageDelivery" && s.Protocol != "sqs" && s.Protocol != "http" && s.Protocol != "https" {
		return snsInvalid("Delivery protocol [%s] does not support raw message delivery.", s.Protocol)
	}
	if s.Attributes == nil {
		s.Attributes = map[string]string{}
	}
	if value == "" && name == "FilterPolicy" {
		delete(s.Attributes, name)
	} else {
		s.Attributes[name] = value
	}
	rq.writeQuery(nil)
	return nil
}
