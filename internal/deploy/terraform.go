package deploy

import (
	"encoding/json"
	"strings"
)

// Terraform writes the plan as a Terraform configuration (one main.tf,
// for the hashicorp/aws provider 5.x).
func Terraform(p *Plan) ([]byte, error) {
	h := &hcl{}
	h.b.WriteString("# The EventBridge side of a vigil configuration: rules sending vigil the\n# events it routes (written by vigil export terraform).\n")
	tf := &body{}
	tf.nest("required_providers").set("aws", obj{{"source", "hashicorp/aws"}, {"version", ">= 5.0"}})
	h.top("terraform", nil, tf)

	needs := map[string]bool{}
	for _, s := range p.Policy {
		for _, r := range s.Resources {
			for _, d := range []string{"Partition", "Region", "AccountId"} {
				if strings.Contains(r, "${AWS::"+d+"}") {
					needs[d] = true
				}
			}
		}
	}
	if p.Via == ViaLambda {
		needs["Partition"] = true
	}
	if needs["Partition"] {
		h.top("data", []string{"aws_partition", "current"}, &body{})
	}
	if needs["Region"] {
		h.top("data", []string{"aws_region", "current"}, &body{})
	}
	if needs["AccountId"] {
		h.top("data", []string{"aws_caller_identity", "current"}, &body{})
	}

	bus := any(p.Bus)
	if p.CreateBus {
		h.top("resource", []string{"aws_cloudwatch_event_bus", "vigil"}, (&body{}).set("name", p.Bus))
		bus = expr("aws_cloudwatch_event_bus.vigil.name")
	}

	var arn, roleARN any
	var outputs []item
	output := func(name, desc string, v expr) {
		outputs = append(outputs, item{name: name, block: (&body{}).set("description", desc).set("value", v)})
	}
	switch p.Via {
	case ViaSQS:
		h.top("resource", []string{"aws_sqs_queue", "events"}, (&body{}).
			set("name_prefix", p.NamePrefix+"events-").
			set("sqs_managed_sse_enabled", true))
		var sources []any
		for _, r := range p.Rules {
			sources = append(sources, expr("aws_cloudwatch_event_rule."+tfName(r.ID)+".arn"))
		}
		h.top("resource", []string{"aws_sqs_queue_policy", "events"}, (&body{}).
			set("queue_url", expr("aws_sqs_queue.events.id")).
			set("policy", jsonencode(tfPolicy(obj{
				{"Sid", "EventBridgeRules"}, {"Effect", "Allow"},
				{"Principal", obj{{"Service", "events.amazonaws.com"}}},
				{"Action", "sqs:SendMessage"}, {"Resource", expr("aws_sqs_queue.events.arn")},
				{"Condition", obj{{"ArnEquals", obj{{"aws:SourceArn", sources}}}}},
			}))))
		arn = expr("aws_sqs_queue.events.arn")
		output("queue_url", "set sqs.queue_url in vigil.yaml to this", "aws_sqs_queue.events.url")
	case ViaAPIDestination:
		h.top("variable", []string{"vigil_url"}, (&body{}).
			set("type", expr("string")).
			set("description", "where vigil serve is reached, e.g. https://vigil.example.com (HTTPS, no trailing slash); events are posted to /events"))
		h.top("variable", []string{"vigil_api_key"}, (&body{}).
			set("type", expr("string")).
			set("description", "one of vigil's server.api_keys, sent in the "+p.APIKeyHeader+" header").
			set("sensitive", true))
		conn := &body{}
		conn.set("name", p.NamePrefix+"connection").
			set("description", "vigil's API key").
			set("authorization_type", "API_KEY")
		conn.nest("auth_parameters").nest("api_key").
			set("key", p.APIKeyHeader).
			set("value", expr("var.vigil_api_key"))
		h.top("resource", []string{"aws_cloudwatch_event_connection", "vigil"}, conn)
		h.top("resource", []string{"aws_cloudwatch_event_api_destination", "vigil"}, (&body{}).
			set("name", p.NamePrefix+"api-destination").
			set("description", "vigil serve's /events").
			set("connection_arn", expr("aws_cloudwatch_event_connection.vigil.arn")).
			set("http_method", "POST").
			set("invocation_endpoint", expr(`"${var.vigil_url}/events"`)))
		h.top("resource", []string{"aws_iam_role", "events_invoke"}, (&body{}).
			set("name_prefix", p.NamePrefix+"events-invoke-").
			set("assume_role_policy", jsonencode(tfAssumeBy("events.amazonaws.com"))))
		h.top("resource", []string{"aws_iam_role_policy", "events_invoke"}, (&body{}).
			set("name", "invoke-vigil").
			set("role", expr("aws_iam_role.events_invoke.id")).
			set("policy", jsonencode(tfPolicy(obj{
				{"Effect", "Allow"}, {"Action", "events:InvokeApiDestination"},
				{"Resource", expr("aws_cloudwatch_event_api_destination.vigil.arn")},
			}))))
		arn = expr("aws_cloudwatch_event_api_destination.vigil.arn")
		roleARN = expr("aws_iam_role.events_invoke.arn")
		output("api_destination_arn", "the API destination posting events to vigil", "aws_cloudwatch_event_api_destination.vigil.arn")
	case ViaLambda:
		h.top("variable", []string{"lambda_zip"}, (&body{}).
			set("type", expr("string")).
			set("description", "the zip vigil export lambda-zip wrote").
			set("default", "vigil-lambda.zip"))
		h.top("resource", []string{"aws_iam_role", "function"}, (&body{}).
			set("name_prefix", p.NamePrefix+"function-").
			set("assume_role_policy", jsonencode(tfAssumeBy("lambda.amazonaws.com"))))
		h.top("resource", []string{"aws_iam_role_policy_attachment", "function_logs"}, (&body{}).
			set("role", expr("aws_iam_role.function.name")).
			set("policy_arn", expr(`"arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"`)))
		if len(p.Policy) > 0 {
			h.top("resource", []string{"aws_iam_role_policy_attachment", "function_vigil"}, (&body{}).
				set("role", expr("aws_iam_role.function.name")).
				set("policy_arn", expr("aws_iam_policy.vigil.arn")))
		}
		h.top("resource", []string{"aws_lambda_function", "vigil"}, (&body{}).
			set("function_name", p.NamePrefix+"function").
			set("description", "vigil lambda: routes, explains and notifies EventBridge events").
			set("role", expr("aws_iam_role.function.arn")).
			set("runtime", "provided.al2023").
			set("handler", "bootstrap").
			set("architectures", []any{p.Arch}).
			set("filename", expr("var.lambda_zip")).
			set("source_code_hash", expr("filebase64sha256(var.lambda_zip)")).
			set("memory_size", 256).
			set("timeout", lambdaTimeout))
		for _, r := range p.Rules {
			h.top("resource", []string{"aws_lambda_permission", tfName(r.ID)}, (&body{}).
				set("statement_id", "eventbridge-"+r.ID).
				set("action", "lambda:InvokeFunction").
				set("function_name", expr("aws_lambda_function.vigil.function_name")).
				set("principal", "events.amazonaws.com").
				set("source_arn", expr("aws_cloudwatch_event_rule."+tfName(r.ID)+".arn")))
		}
		arn = expr("aws_lambda_function.vigil.arn")
		output("function_arn", "the function running vigil lambda", "aws_lambda_function.vigil.arn")
	}
	for _, r := range p.Rules {
		var pat any
		if err := json.Unmarshal(r.Pattern, &pat); err != nil {
			return nil, err
		}
		name := tfName(r.ID)
		h.top("resource", []string{"aws_cloudwatch_event_rule", name}, (&body{}).
			set("name", r.Name).
			set("description", r.Description).
			set("event_bus_name", bus).
			set("state", state(r.Enabled)).
			set("event_pattern", jsonencode(pat)))
		t := (&body{}).
			set("rule", expr("aws_cloudwatch_event_rule."+name+".name")).
			set("event_bus_name", expr("aws_cloudwatch_event_rule."+name+".event_bus_name")).
			set("target_id", "vigil").
			set("arn", arn)
		if roleARN != nil {
			t.set("role_arn", roleARN)
		}
		h.top("resource", []string{"aws_cloudwatch_event_target", name}, t)
	}
	if len(p.Policy) > 0 {
		var stmts []any
		for _, s := range p.Policy {
			var res []any
			for _, r := range s.Resources {
				res = append(res, tfString(r))
			}
			acts := make([]any, len(s.Actions))
			for i, a := range s.Actions {
				acts[i] = a
			}
			stmts = append(stmts, obj{{"Sid", s.Sid}, {"Effect", "Allow"}, {"Action", acts}, {"Resource", res}})
		}
		h.top("resource", []string{"aws_iam_policy", "vigil"}, (&body{}).
			set("name_prefix", p.NamePrefix+"policy-").
			set("description", "what vigil needs for its configuration; attach it to the role or user vigil runs as").
			set("policy", jsonencode(tfPolicy(stmts...))))
		output("policy_arn", "attach this managed policy to the role vigil runs as", "aws_iam_policy.vigil.arn")
	}
	if p.CreateBus {
		output("event_bus_name", "the event bus the rules are on: send events here", "aws_cloudwatch_event_bus.vigil.name")
	}
	for _, o := range outputs {
		h.top("output", []string{o.name}, o.block)
	}
	return []byte(h.b.String()), nil
}

// tfName makes a Terraform resource name of a logical id.
func tfName(id string) string {
	var b strings.Builder
	for i, r := range id {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func jsonencode(v any) expr {
	return expr("jsonencode(" + value(v, 1) + ")")
}

func tfPolicy(stmts ...any) obj {
	return obj{{"Version", "2012-10-17"}, {"Statement", stmts}}
}

func tfAssumeBy(service string) obj {
	return tfPolicy(obj{{"Effect", "Allow"}, {"Principal", obj{{"Service", service}}}, {"Action", "sts:AssumeRole"}})
}

// tfString writes a plan string: ${Queue} is the queue's ARN and pseudo
// parameters come from the provider's data sources.
func tfString(s string) any {
	if s == "${Queue}" {
		return expr("aws_sqs_queue.events.arn")
	}
	if !strings.Contains(s, "${AWS::") {
		return s
	}
	q := quote(s)
	for from, to := range map[string]string{
		"$${AWS::Partition}": "${data.aws_partition.current.partition}",
		"$${AWS::Region}":    "${data.aws_region.current.name}",
		"$${AWS::AccountId}": "${data.aws_caller_identity.current.account_id}",
	} {
		q = strings.ReplaceAll(q, from, to)
	}
	return expr(q)
}
