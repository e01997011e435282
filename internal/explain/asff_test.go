package explain

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
	"github.com/vigilhq/vigil/internal/lang"
)

// asffSamples are example resources of the ASFF types the control steps
// use, with the value each names the resource by in commands.
var asffSamples = []struct {
	typ, id, want string
}{
	{"AwsS3Bucket", "arn:aws:s3:::example-bucket", "example-bucket"},
	{"AwsS3AccessPoint", "arn:aws:s3:us-east-1:111122223333:accesspoint/example-ap", "example-ap"},
	{"AwsEc2SecurityGroup", "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0123456789abcdef0", "sg-0123456789abcdef0"},
	{"AwsEc2Instance", "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0", "i-0123456789abcdef0"},
	{"AwsEc2Volume", "arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0", "vol-0123456789abcdef0"},
	{"AwsEc2Vpc", "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0123456789abcdef0", "vpc-0123456789abcdef0"},
	{"AwsEc2Subnet", "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0123456789abcdef0", "subnet-0123456789abcdef0"},
	{"AwsEc2NetworkAcl", "arn:aws:ec2:us-east-1:111122223333:network-acl/acl-0123456789abcdef0", "acl-0123456789abcdef0"},
	{"AwsEc2TransitGateway", "arn:aws:ec2:us-east-1:111122223333:transit-gateway/tgw-0123456789abcdef0", "tgw-0123456789abcdef0"},
	{"AwsIamPolicy", "arn:aws:iam::111122223333:policy/example-admin", "arn:aws:iam::111122223333:policy/example-admin"},
	{"AwsIamUser", "arn:aws:iam::111122223333:user/division/example-user", "example-user"},
	{"AwsCloudTrailTrail", "arn:aws:cloudtrail:us-east-1:111122223333:trail/example-trail", "arn:aws:cloudtrail:us-east-1:111122223333:trail/example-trail"},
	{"AwsKmsKey", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
	{"AwsLambdaFunction", "arn:aws:lambda:us-east-1:111122223333:function:example-function", "example-function"},
	{"AwsEcsTaskDefinition", "arn:aws:ecs:us-east-1:111122223333:task-definition/example-task:3", "arn:aws:ecs:us-east-1:111122223333:task-definition/example-task:3"},
	{"AwsEcrRepository", "arn:aws:ecr:us-east-1:111122223333:repository/team/example-repo", "team/example-repo"},
	{"AwsEksCluster", "arn:aws:eks:us-east-1:111122223333:cluster/example-cluster", "example-cluster"},
	{"AwsCodeBuildProject", "arn:aws:codebuild:us-east-1:111122223333:project/example-project", "example-project"},
	{"AwsSageMakerNotebookInstance", "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/example-notebook", "example-notebook"},
	{"AwsAutoScalingLaunchConfiguration", "arn:aws:autoscaling:us-east-1:111122223333:launchConfiguration:1a2b3c4d-1234-5678-9abc-123456789012:launchConfigurationName/example-lc", "example-lc"},
	{"AwsRdsDbSnapshot", "arn:aws:rds:us-east-1:111122223333:snapshot:rds:example-db-2025-03-01-00-05", "rds:example-db-2025-03-01-00-05"},
	{"AwsRdsDbClusterSnapshot", "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:example-cluster-snap", "example-cluster-snap"},
	{"AwsRdsDbInstance", "arn:aws:rds:us-east-1:111122223333:db:example-db", "example-db"},
	{"AwsRedshiftCluster", "arn:aws:redshift:us-east-1:111122223333:cluster:example-cluster", "example-cluster"},
	{"AwsDmsReplicationInstance", "arn:aws:dms:us-east-1:111122223333:rep:EXAMPLE1234567890", "arn:aws:dms:us-east-1:111122223333:rep:EXAMPLE1234567890"},
	{"AwsElasticsearchDomain", "arn:aws:es:us-east-1:111122223333:domain/example-domain", "example-domain"},
	{"AwsOpenSearchServiceDomain", "arn:aws:es:us-east-1:111122223333:domain/example-domain", "example-domain"},
	{"AwsSnsTopic", "arn:aws:sns:us-east-1:111122223333:example-topic", "arn:aws:sns:us-east-1:111122223333:example-topic"},
	{"AwsSqsQueue", "arn:aws:sqs:us-east-1:111122223333:example-queue", "https://sqs.us-east-1.amazonaws.com/111122223333/example-queue"},
	{"AwsCloudWatchAlarm", "arn:aws:cloudwatch:us-east-1:111122223333:alarm:example-alarm", "example-alarm"},
	{"AwsMskCluster", "arn:aws:kafka:us-east-1:111122223333:cluster/example-cluster/0123abcd-0123-4567-89ab-0123456789ab-1", "arn:aws:kafka:us-east-1:111122223333:cluster/example-cluster/0123abcd-0123-4567-89ab-0123456789ab-1"},
	{"AwsCertificateManagerCertificate", "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012", "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"},
	{"AwsAppSyncGraphQlApi", "arn:aws:appsync:us-east-1:111122223333:apis/abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"},
	{"AwsCloudFrontDistribution", "arn:aws:cloudfront::111122223333:distribution/E2EXAMPLE12345", "E2EXAMPLE12345"},
	{"AwsEc2LaunchTemplate", "arn:aws:ec2:us-east-1:111122223333:launch-template/lt-0123456789abcdef0", "lt-0123456789abcdef0"},
	{"Other", "arn:aws:ssm:us-east-1:111122223333:document/example-document", "example-document"},
	{"AwsApiGatewayStage", "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod", "prod"},
	{"AwsAccount", "AWS::::Account:111122223333", ""},
}

// controlFinding is a failed Security Hub control finding on one resource.
func controlFinding(t testing.TB, control, typ, id string) *event.Event {
	t.Helper()
	f := map[string]any{
		"SchemaVersion": "2018-10-08",
		"Id":            "arn:aws:securityhub:us-east-1:111122223333:security-control/" + control + "/finding/00000000-0000-0000-0000-000000000000",
		"ProductArn":    "arn:aws:securityhub:us-east-1::product/aws/securityhub",
		"GeneratorId":   "security-control/" + control,
		"AwsAccountId":  "111122223333",
		"Region":        "us-east-1",
		"Title":         "control " + control,
		"Severity":      map[string]any{"Label": "HIGH"},
		"Resources":     []any{map[string]any{"Type": typ, "Id": id, "Region": "us-east-1"}},
		"Compliance":    map[string]any{"Status": "FAILED", "SecurityControlId": control},
		"RecordState":   "ACTIVE",
	}
	raw, _ := json.Marshal(map[string]any{
		"version": "0", "id": "e", "detail-type": "Security Hub Findings - Imported", "source": "aws.securityhub",
		"account": "111122223333", "region": "us-east-1", "time": "2025-03-04T06:30:15Z",
		"detail": map[string]any{"findings": []any{f}},
	})
	ev, err := event.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// Every ASFF sample names its resource as commands need it.
func TestResourceVars(t *testing.T) {
	for _, s := range asffSamples {
		var f Facts
		f.setResourceVars(event.FindingResource{Type: s.typ, ID: s.id})
		if s.want == "" {
			if f.resCheck != "" {
				t.Errorf("%s: a check for an account", s.typ)
			}
			continue
		}
		found := false
		for _, v := range f.vars {
			found = found || v == s.want
		}
		if !found {
			t.Errorf("%s %s: vars %v, want a value %q", s.typ, s.id, f.vars, s.want)
		}
	}
}

// Every control vigil has steps for gets at least one of its commands for
// a finding on a resource of the type the steps name, in both languages;
// the other resource types and the listing of failing resources follow the
// same path.
func TestControlStepsShown(t *testing.T) {
	ph := regexp.MustCompile(`\{([a-z_]+)\}`)
	byVar := map[string]int{}
	for i, s := range asffSamples {
		k, ok := knowledge.LookupResourceKind(s.typ)
		if s.typ == "Other" {
			k, ok = knowledge.LookupARNResourceKind("ssm", "document")
		}
		if ok && k.Var != "" {
			byVar[k.Var] = i
		}
	}
	for _, id := range knowledge.ControlsWithSteps() {
		steps, _ := knowledge.ControlSteps(id, lang.EN)
		sample := asffSamples[len(asffSamples)-1] // the account
		sampleVar := ""
		for _, st := range steps {
			for _, m := range ph.FindAllStringSubmatch(st, -1) {
				if i, ok := byVar[m[1]]; ok {
					sample, sampleVar = asffSamples[i], m[1]
				}
			}
		}
		fillable := map[string]bool{"account": true, "region": true, sampleVar: true}
		// Every step the finding can fill is shown: its command's
		// service and operation appear among the steps.
		var want []string
	steps:
		for _, st := range steps {
			_, cmd, ok := strings.Cut(st, "\n$ ")
			if !ok {
				continue
			}
			for _, m := range ph.FindAllStringSubmatch(cmd, -1) {
				if !fillable[m[1]] {
					continue steps
				}
			}
			want = append(want, strings.Join(strings.Fields(cmd)[:3], " "))
		}
		for _, lg := range lang.All() {
			x := explainT(t, controlFinding(t, id, sample.typ, sample.id), lg)
			catalog := 0
			for _, sec := range x.Sections {
				for _, st := range sec.Steps {
					if st.Command == "" || strings.HasPrefix(st.Command, "aws securityhub get-findings") {
						continue
					}
					catalog++
					if sample.want != "" && ph.MatchString(st.Command) {
						t.Errorf("%s %s: unfilled command %s", id, lg, st.Command)
					}
				}
			}
			if catalog == 0 {
				t.Errorf("%s (%s, %s): no command of the control's steps shown", id, sample.typ, lg)
			}
			for _, w := range want {
				if !slices.ContainsFunc(x.Sections, func(sec Section) bool {
					return slices.ContainsFunc(sec.Steps, func(st Step) bool { return strings.HasPrefix(st.Command, w) })
				}) {
					t.Errorf("%s (%s, %s): the step with %q is left out", id, sample.typ, lg, w)
				}
			}
		}
	}
}
