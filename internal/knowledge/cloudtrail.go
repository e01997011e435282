package knowledge

import (
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
)

// CloudTrail call catalog. The keys are "<service>:<EventName>" (the
// eventSource's first label and the eventName without an API version
// suffix); a "#variant" suffix selects prose for a variant the caller
// recognises (e.g. "#self" when users act on their own credentials). The
// prose (cloudtrail_en.go, cloudtrail_ja.go) is ours; the placeholders are
// filled from the record's own request parameters and response elements,
// and each command is checked against the AWS CLI's model by the explain
// package's tests.
//
// Sources, 2026-12: the API operation names and the API reference links
// follow the services' API models (botocore data shipped with AWS CLI
// 1.45.11: metadata.uid per service); CloudTrail parameter names were
// checked against real records (shared/data/cloudtrail: invictus-ir
// aws_dataset, Stratus Red Team detonation logs, AWS CloudTrail User Guide
// examples) where those have the call.

// apiUIDs are the API models' uid per CloudTrail service label, for the
// https://docs.aws.amazon.com/goto/WebAPI/<uid>/<Operation> links AWS uses
// to reach an operation's API reference.
var apiUIDs = map[string]string{
	"iam": "iam-2010-05-08", "sts": "sts-2011-06-15", "ec2": "ec2-2016-11-15", "s3": "s3-2006-03-01",
	"kms": "kms-2014-11-01", "cloudtrail": "cloudtrail-2013-11-01", "config": "config-2014-11-12",
	"guardduty": "guardduty-2017-11-28", "securityhub": "securityhub-2018-10-26",
	"organizations": "organizations-2016-11-28", "lambda": "lambda-2015-03-31", "rds": "rds-2014-10-31",
	"secretsmanager": "secretsmanager-2017-10-17", "ssm": "ssm-2014-11-06",
	"ec2-instance-connect": "ec2-instance-connect-2018-04-02", "route53resolver": "route53resolver-2018-04-01",
	"logs": "logs-2014-03-28", "rolesanywhere": "rolesanywhere-2018-05-10",
}

// apiOperations maps the CloudTrail event names that differ from the API
// operation they record.
var apiOperations = map[string]string{
	"s3:PutBucketPublicAccessBlock":    "PutPublicAccessBlock",
	"s3:DeleteBucketPublicAccessBlock": "DeletePublicAccessBlock",
}

// CloudTrailCall is what the catalog knows of one CloudTrail call in one
// language.
type CloudTrailCall struct {
	// Guidance says what the call does (Meaning), what to do about it
	// (Response, may be empty) and how to check or reverse it (Steps).
	Guidance Guidance
	// APIURL is the API reference of the operation the call recorded.
	APIURL string
}

// LookupCloudTrailCall returns the catalog entry for a call key
// ("iam:AttachUserPolicy"), preferring key+"#"+variant when variant is
// not empty and the catalog has it.
func LookupCloudTrailCall(key, variant string, l lang.Lang) (CloudTrailCall, bool) {
	t := textFor(l)
	g, ok := Guidance{}, false
	if variant != "" {
		g, ok = t.cloudTrail[key+"#"+variant]
	}
	if !ok {
		g, ok = t.cloudTrail[key]
	}
	if !ok {
		return CloudTrailCall{}, false
	}
	return CloudTrailCall{Guidance: g, APIURL: APIReferenceURL(key)}, true
}

// APIReferenceURL returns the API reference link of the operation a call
// key names, or "" for a service not in the table.
func APIReferenceURL(key string) string {
	key, _, _ = strings.Cut(key, "#")
	svc, name, ok := strings.Cut(key, ":")
	uid := apiUIDs[svc]
	if !ok || uid == "" {
		return ""
	}
	if op, ok := apiOperations[key]; ok {
		name = op
	}
	return "https://docs.aws.amazon.com/goto/WebAPI/" + uid + "/" + name
}

// CloudTrailCalls lists the call keys of the catalog (variants excluded).
func CloudTrailCalls() []string {
	var out []string
	for k := range textEN.cloudTrail {
		if !strings.Contains(k, "#") {
			out = append(out, k)
		}
	}
	return out
}

// Commands returns every AWS CLI command template of the catalogs (the
// "$ " part of each step, placeholders unfilled), for checks against the
// AWS CLI's command model.
func Commands() []string {
	var out []string
	add := func(steps []string) {
		for _, s := range steps {
			if _, cmd, ok := strings.Cut(s, "\n$ "); ok {
				out = append(out, cmd)
			}
		}
	}
	for _, t := range []*text{&textEN, &textJA} {
		for _, m := range []map[string]Guidance{t.guardDuty, t.config, t.health, t.cloudTrail} {
			for _, g := range m {
				add(g.Steps)
			}
		}
		for _, g := range t.families {
			add(g.Steps)
		}
		for _, steps := range t.controls {
			add(steps)
		}
	}
	out = append(out, resourceCommands()...)
	return out
}
