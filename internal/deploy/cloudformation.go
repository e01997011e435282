package deploy

import (
	"encoding/json"
	"strings"
)

// CloudFormation writes the plan as a CloudFormation template (JSON).
func CloudFormation(p *Plan) ([]byte, error) {
	t := &cfn{params: map[string]any{}, res: map[string]any{}, outputs: map[string]any{}}
	bus := any(p.Bus)
	if p.CreateBus {
		t.res["EventBus"] = resource("AWS::Events::EventBus", map[string]any{"Name": p.Bus})
		bus = ref("EventBus") // an event bus's Ref is its name
		t.output("EventBusName", "the event bus the rules are on: send events here", ref("EventBus"))
	}
	var target func(r Rule) map[string]any
	switch p.Via {
	case ViaSQS:
		t.res["Queue"] = resource("AWS::SQS::Queue", map[string]any{"SqsManagedSseEnabled": true})
		var sources []any
		for _, r := range p.Rules {
			sources = append(sources, getAtt(r.ID, "Arn"))
		}
		t.res["QueuePolicy"] = resource("AWS::SQS::QueuePolicy", map[string]any{
			"Queues": []any{ref("Queue")},
			"PolicyDocument": policyDoc(map[string]any{
				"Sid": "EventBridgeRules", "Effect": "Allow",
				"Principal": map[string]any{"Service": "events.amazonaws.com"},
				"Action":    "sqs:SendMessage", "Resource": getAtt("Queue", "Arn"),
				"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": sources}},
			}),
		})
		target = func(Rule) map[string]any {
			return map[string]any{"Id": "vigil", "Arn": getAtt("Queue", "Arn")}
		}
		t.output("QueueUrl", "set sqs.queue_url in vigil.yaml to this", ref("Queue"))
	case ViaAPIDestination:
		t.params["VigilURL"] = map[string]any{
			"Type": "String", "Description": "where vigil serve is reached, e.g. https://vigil.example.com (HTTPS, no trailing slash); events are posted to /events",
			"AllowedPattern": "^https://.*[^/]$", "ConstraintDescription": "an https:// URL without a trailing slash",
		}
		t.params["VigilAPIKey"] = map[string]any{
			"Type": "String", "NoEcho": true, "MinLength": 1,
			"Description": "one of vigil's server.api_keys, sent in the " + p.APIKeyHeader + " header",
		}
		t.res["Connection"] = resource("AWS::Events::Connection", map[string]any{
			"Description":       "vigil's API key",
			"AuthorizationType": "API_KEY",
			"AuthParameters": map[string]any{"ApiKeyAuthParameters": map[string]any{
				"ApiKeyName": p.APIKeyHeader, "ApiKeyValue": ref("VigilAPIKey"),
			}},
		})
		t.res["ApiDestination"] = resource("AWS::Events::ApiDestination", map[string]any{
			"Description":        "vigil serve's /events",
			"ConnectionArn":      getAtt("Connection", "Arn"),
			"HttpMethod":         "POST",
			"InvocationEndpoint": map[string]any{"Fn::Sub": "${VigilURL}/events"},
		})
		t.res["InvokeRole"] = resource("AWS::IAM::Role", map[string]any{
			"AssumeRolePolicyDocument": assumeBy("events.amazonaws.com"),
			"Policies": []any{map[string]any{
				"PolicyName": "invoke-vigil",
				"PolicyDocument": policyDoc(map[string]any{
					"Effect": "Allow", "Action": "events:InvokeApiDestination",
					"Resource": getAtt("ApiDestination", "Arn"),
				}),
			}},
		})
		target = func(Rule) map[string]any {
			return map[string]any{"Id": "vigil", "Arn": getAtt("ApiDestination", "Arn"), "RoleArn": getAtt("InvokeRole", "Arn")}
		}
		t.output("ApiDestinationArn", "the API destination posting events to vigil", getAtt("ApiDestination", "Arn"))
	case ViaLambda:
		t.params["CodeS3Bucket"] = map[string]any{"Type": "String", "MinLength": 3, "Description": "the S3 bucket holding the zip vigil export lambda-zip wrote"}
		t.params["CodeS3Key"] = map[string]any{"Type": "String", "MinLength": 1, "Default": "vigil-lambda.zip", "Description": "the zip's key in that bucket"}
		managed := []any{map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}}
		if len(p.Policy) > 0 {
			managed = append(managed, ref("VigilPolicy"))
		}
		t.res["FunctionRole"] = resource("AWS::IAM::Role", map[string]any{
			"AssumeRolePolicyDocument": assumeBy("lambda.amazonaws.com"),
			"ManagedPolicyArns":        managed,
		})
		t.res["Function"] = resource("AWS::Lambda::Function", map[string]any{
			"Description":   "vigil lambda: routes, explains and notifies EventBridge events",
			"Runtime":       "provided.al2023",
			"Handler":       "bootstrap",
			"Architectures": []any{p.Arch},
			"Code":          map[string]any{"S3Bucket": ref("CodeS3Bucket"), "S3Key": ref("CodeS3Key")},
			"Role":          getAtt("FunctionRole", "Arn"),
			"MemorySize":    256,
			"Timeout":       lambdaTimeout,
		})
		for _, r := range p.Rules {
			t.res[r.ID+"Permission"] = resource("AWS::Lambda::Permission", map[string]any{
				"Action": "lambda:InvokeFunction", "FunctionName": ref("Function"),
				"Principal": "events.amazonaws.com", "SourceArn": getAtt(r.ID, "Arn"),
			})
		}
		target = func(Rule) map[string]any {
			return map[string]any{"Id": "vigil", "Arn": getAtt("Function", "Arn")}
		}
		t.output("FunctionArn", "the function running vigil lambda", getAtt("Function", "Arn"))
	}
	for _, r := range p.Rules {
		var pat any
		if err := json.Unmarshal(r.Pattern, &pat); err != nil {
			return nil, err
		}
		props := map[string]any{
			"Name": r.Name, "Description": r.Description, "EventBusName": bus,
			"EventPattern": pat, "State": state(r.Enabled),
			"Targets": []any{target(r)},
		}
		t.res[r.ID] = resource("AWS::Events::Rule", props)
	}
	if len(p.Policy) > 0 {
		var stmts []any
		for _, s := range p.Policy {
			var res []any
			for _, r := range s.Resources {
				res = append(res, cfnString(r))
			}
			stmts = append(stmts, map[string]any{"Sid": s.Sid, "Effect": "Allow", "Action": s.Actions, "Resource": res})
		}
		t.res["VigilPolicy"] = resource("AWS::IAM::ManagedPolicy", map[string]any{
			"Description":    "what vigil needs for its configuration; attach it to the role or user vigil runs as",
			"PolicyDocument": policyDoc(stmts...),
		})
		t.output("PolicyArn", "attach this managed policy to the role vigil runs as", ref("VigilPolicy"))
	}
	doc := map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              "The EventBridge side of a vigil configuration: rules sending vigil the events it routes (written by vigil export cloudformation)",
		"Resources":                t.res,
		"Outputs":                  t.outputs,
	}
	if len(t.params) > 0 {
		doc["Parameters"] = t.params
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// lambdaTimeout is the function's timeout in seconds: explanations and
// notifications of one event, with their retries, fit in it.
const lambdaTimeout = 120

type cfn struct {
	params, res, outputs map[string]any
}

func (t *cfn) output(name, desc string, v any) {
	t.outputs[name] = map[string]any{"Description": desc, "Value": v}
}

func resource(typ string, props map[string]any) map[string]any {
	return map[string]any{"Type": typ, "Properties": props}
}

func ref(name string) map[string]any { return map[string]any{"Ref": name} }

func getAtt(name, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{name, attr}}
}

func state(enabled bool) string {
	if enabled {
		return "ENABLED"
	}
	return "DISABLED"
}

func policyDoc(stmts ...any) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": stmts}
}

func assumeBy(service string) map[string]any {
	return policyDoc(map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": service}, "Action": "sts:AssumeRole",
	})
}

// cfnString writes a plan string: ${Queue} is the queue's ARN, and a
// string with pseudo parameters (${AWS::Partition}) is an Fn::Sub.
func cfnString(s string) any {
	switch {
	case s == "${Queue}":
		return getAtt("Queue", "Arn")
	case strings.Contains(s, "${AWS::"):
		return map[string]any{"Fn::Sub": s}
	}
	return s
}
