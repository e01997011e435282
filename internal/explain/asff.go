package explain

import (
	"encoding/json"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// arnParts are the parts of an ARN: arn:partition:service:region:account:resource.
type arnParts struct {
	partition, service, region, account, resource string
}

func parseARN(s string) (arnParts, bool) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" {
		return arnParts{}, false
	}
	return arnParts{p[1], p[2], p[3], p[4], p[5]}, true
}

// resourceType is the type part of an ARN's resource ("instance" in
// "instance/i-1", "db" in "db:main"), "" when it has none (S3 buckets).
func (a arnParts) resourceType() string {
	if i := strings.IndexAny(a.resource, "/:"); i > 0 {
		return a.resource[:i]
	}
	return ""
}

// setResourceVars sets the placeholders that name a Security Hub
// finding's resource in commands (see knowledge.LookupResourceKind), and
// the read-only command that shows its configuration.
func (f *Facts) setResourceVars(r event.FindingResource) {
	arn, isARN := parseARN(r.ID)
	k, ok := knowledge.LookupResourceKind(r.Type)
	if !ok && isARN {
		k, ok = knowledge.LookupARNResourceKind(arn.service, arn.resourceType())
	}
	if !ok || r.ID == "" {
		return
	}
	var v string
	switch k.Ident {
	case knowledge.IdentARN:
		v = r.ID
	case knowledge.IdentName, knowledge.IdentPath:
		v = r.ID
		if isARN {
			v = arn.resource
			i := strings.LastIndexByte(v, '/')
			if k.Ident == knowledge.IdentPath {
				i = strings.IndexByte(v, '/')
			}
			if i >= 0 {
				v = v[i+1:]
			} else if j := strings.IndexByte(v, ':'); j >= 0 {
				v = v[j+1:]
			}
		}
	case knowledge.IdentQueueURL:
		if strings.HasPrefix(r.ID, "https://") {
			v = r.ID
		} else if isARN && (arn.partition == "aws" || arn.partition == "aws-us-gov") && arn.region != "" && arn.account != "" {
			v = "https://sqs." + arn.region + ".amazonaws.com/" + arn.account + "/" + arn.resource
		}
	case knowledge.IdentAPIStage:
		// arn:aws:apigateway:<region>::/restapis/<id>/stages/<name>, or
		// /apis/<id>/stages/<name> for HTTP and WebSocket APIs.
		p := strings.Split(strings.TrimPrefix(arn.resource, "/"), "/")
		if !isARN || len(p) != 4 || p[2] != "stages" || p[1] == "" || p[3] == "" {
			return
		}
		f.setVar("api", p[1])
		f.setVar("stage", p[3])
	}
	if k.Var != "" {
		if v == "" {
			return
		}
		f.setVar(k.Var, v)
	}
	f.resCheck = k.Check
	f.resName = firstNonEmpty(v, r.ID)
}

// listFailingCommand lists the resources that fail the same Security Hub
// check as the finding, in its Region: findings of the same generator that
// are active and failed.
func listFailingCommand(generatorID, region string) string {
	gen, _ := json.Marshal(generatorID)
	filters := `{"GeneratorId":[{"Value":` + string(gen) + `,"Comparison":"EQUALS"}],` +
		`"ComplianceStatus":[{"Value":"FAILED","Comparison":"EQUALS"}],` +
		`"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`
	cmd := "aws securityhub get-findings --filters " + shellArg(filters) +
		" --query 'Findings[].[AwsAccountId,Resources[0].Id]' --output text"
	if region != "" {
		cmd += " --region " + shellArg(region)
	}
	return cmd
}
