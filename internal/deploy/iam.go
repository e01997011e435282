package deploy

import (
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/vigilhq/vigil/internal/config"
	nsns "github.com/vigilhq/vigil/internal/notify/sns"
	"github.com/vigilhq/vigil/internal/target/forward"
)

// policy is what vigil needs to do what cfg says, with the least
// privilege the configuration allows: each statement names the resources
// the configuration names.
func policy(cfg *config.Config, raw []byte, via string) []Statement {
	var out []Statement
	if via == ViaSQS {
		out = append(out, Statement{
			Sid:       "ConsumeEventQueue",
			Actions:   []string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"},
			Resources: []string{"${Queue}"},
		})
	}
	var queues, topics []string
	for _, r := range cfg.Rules {
		for _, t := range r.Targets {
			if t.Type != "forward" {
				continue
			}
			var c forward.Config
			if t.Spec.Decode(&c, "a forward target") != nil {
				continue // config check reports it
			}
			if q := queueARN(c.QueueURL); q != "" {
				queues = append(queues, q)
			}
			if c.TopicARN != "" {
				topics = append(topics, c.TopicARN)
			}
		}
	}
	for _, n := range cfg.Notifiers {
		if n.Channel != "sns" {
			continue
		}
		var c nsns.Config
		if n.Spec.Decode(&c, "an sns notifier") == nil && c.TopicARN != "" {
			topics = append(topics, c.TopicARN)
		}
	}
	if len(queues) > 0 {
		out = append(out, Statement{Sid: "ForwardToQueues", Actions: []string{"sqs:SendMessage"}, Resources: uniq(queues)})
	}
	if len(topics) > 0 {
		out = append(out, Statement{Sid: "PublishToTopics", Actions: []string{"sns:Publish"}, Resources: uniq(topics)})
	}
	if len(cfg.Reports) > 0 {
		// GetFindings has no resource-level permissions.
		actions := []string{"securityhub:GetFindings"}
		for _, r := range cfg.Reports {
			if r.MarkNotified {
				actions = append(actions, "securityhub:BatchUpdateFindings")
				break
			}
		}
		out = append(out, Statement{Sid: "ReadSecurityHub", Actions: actions, Resources: []string{"*"}})
	}
	if cfg.Explain.Engine == "bedrock" {
		out = append(out, Statement{
			Sid:     "InvokeBedrock",
			Actions: []string{"bedrock:InvokeModel"},
			// Inference profiles and foundation models, in any region the
			// profile routes to.
			Resources: []string{
				"arn:${AWS::Partition}:bedrock:*::foundation-model/*",
				"arn:${AWS::Partition}:bedrock:*:${AWS::AccountId}:inference-profile/*",
			},
		})
	}
	if role := cfg.Remediation.Role; role != "" {
		out = append(out, Statement{Sid: "AssumeRemediationRole", Actions: []string{"sts:AssumeRole"}, Resources: []string{role}})
	}
	if secrets := secretARNs(raw); len(secrets) > 0 {
		out = append(out, Statement{Sid: "ReadSecrets", Actions: []string{"secretsmanager:GetSecretValue"}, Resources: secrets})
	}
	return out
}

// queueARN turns https://sqs.REGION.amazonaws.com/ACCOUNT/NAME into the
// queue's ARN ("" when the URL is not of that shape).
func queueARN(url string) string {
	rest, ok := strings.CutPrefix(url, "https://sqs.")
	if !ok {
		return ""
	}
	host, path, ok := strings.Cut(rest, "/")
	region, _, ok2 := strings.Cut(host, ".")
	parts := strings.Split(path, "/")
	if !ok || !ok2 || len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return ""
	}
	return "arn:${AWS::Partition}:sqs:" + region + ":" + parts[0] + ":" + parts[1]
}

// secretARNs finds the Secrets Manager references anywhere in the file
// (secretsmanager:ID[#KEY] or a secret's ARN) and returns the ARNs the
// policy must allow. A secret named by name gets a trailing -?????? for
// the six characters Secrets Manager adds to every secret's ARN.
func secretARNs(raw []byte) []string {
	var v any
	if yaml.Unmarshal(raw, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			id, ok := strings.CutPrefix(x, "secretsmanager:")
			if !ok && strings.HasPrefix(x, "arn:") && strings.Contains(x, ":secretsmanager:") {
				id, ok = x, true
			}
			if !ok {
				return
			}
			id, _, _ = strings.Cut(id, "#")
			if strings.HasPrefix(id, "arn:") {
				out = append(out, id)
			} else if id != "" {
				out = append(out, "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"+id+"-??????")
			}
		}
	}
	walk(v)
	return uniq(out)
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return slices.Compact(s)
}
