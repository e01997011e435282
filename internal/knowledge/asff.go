package knowledge

import (
	"sort"

	"github.com/vigilhq/vigil/internal/lang"
)

// Ident says which part of an ASFF resource's Id names the resource in an
// AWS CLI command.
type Ident string

// Idents.
const (
	// IdentARN is the Id as given (commands that take the ARN).
	IdentARN Ident = "arn"
	// IdentName is the last part of the ARN's resource: after the last
	// "/", else after the resource type and its ":".
	IdentName Ident = "name"
	// IdentPath is everything after the first "/" of the ARN's resource,
	// for names that may themselves hold a "/" (ECR repositories).
	IdentPath Ident = "path"
	// IdentQueueURL is an SQS queue URL built from the queue's ARN.
	IdentQueueURL Ident = "queue_url"
	// IdentAPIStage is an API Gateway stage ARN, read into {api} and
	// {stage}.
	IdentAPIStage Ident = "api_stage"
)

// ResourceKind says how vigil names one type of ASFF resource in commands.
type ResourceKind struct {
	// Var is the placeholder the resource's identifier fills, e.g.
	// "bucket" for {bucket}.
	Var   string
	Ident Ident
	// Check is a read-only AWS CLI command showing the resource's
	// configuration; its placeholders are Var, {account} and {region}.
	Check string
}

// asffResources are the ASFF resource types (the member names of the
// Security Hub API's ResourceDetails, botocore securityhub 2018-10-26, as
// shipped with AWS CLI 1.45.11) that vigil can name in a command.
// Commands are checked against the AWS CLI's command table by
// TestCommandsParseAgainstAWSCLI in the explain package.
var asffResources = map[string]ResourceKind{
	"AwsS3Bucket":                       {"bucket", IdentName, "aws configservice get-resource-config-history --resource-type AWS::S3::Bucket --resource-id {bucket} --limit 1 --region {region}"},
	"AwsS3AccessPoint":                  {"access_point", IdentName, "aws s3control get-access-point --account-id {account} --name {access_point} --region {region}"},
	"AwsS3AccountPublicAccessBlock":     {"", IdentName, "aws s3control get-public-access-block --account-id {account} --region {region}"},
	"AwsEc2Instance":                    {"instance", IdentName, "aws ec2 describe-instances --instance-ids {instance} --region {region}"},
	"AwsEc2SecurityGroup":               {"sg", IdentName, "aws ec2 describe-security-group-rules --filters Name=group-id,Values={sg} --region {region}"},
	"AwsEc2Volume":                      {"volume", IdentName, "aws ec2 describe-volumes --volume-ids {volume} --region {region}"},
	"AwsEc2Vpc":                         {"vpc", IdentName, "aws ec2 describe-vpcs --vpc-ids {vpc} --region {region}"},
	"AwsEc2Subnet":                      {"subnet", IdentName, "aws ec2 describe-subnets --subnet-ids {subnet} --region {region}"},
	"AwsEc2NetworkAcl":                  {"nacl", IdentName, "aws ec2 describe-network-acls --network-acl-ids {nacl} --region {region}"},
	"AwsEc2NetworkInterface":            {"eni", IdentName, "aws ec2 describe-network-interfaces --network-interface-ids {eni} --region {region}"},
	"AwsEc2LaunchTemplate":              {"launch_template", IdentName, "aws ec2 describe-launch-template-versions --launch-template-id {launch_template} --region {region}"},
	"AwsEc2TransitGateway":              {"tgw", IdentName, "aws ec2 describe-transit-gateways --transit-gateway-ids {tgw} --region {region}"},
	"AwsEc2VpnConnection":               {"vpn", IdentName, "aws ec2 describe-vpn-connections --vpn-connection-ids {vpn} --region {region}"},
	"AwsIamUser":                        {"user", IdentName, "aws iam get-user --user-name {user}"},
	"AwsIamRole":                        {"role", IdentName, "aws iam get-role --role-name {role}"},
	"AwsIamGroup":                       {"group", IdentName, "aws iam get-group --group-name {group}"},
	"AwsIamPolicy":                      {"policy_arn", IdentARN, "aws iam get-policy --policy-arn {policy_arn}"},
	"AwsKmsKey":                         {"kms_key", IdentARN, "aws kms describe-key --key-id {kms_key} --region {region}"},
	"AwsLambdaFunction":                 {"function", IdentName, "aws lambda get-function-configuration --function-name {function} --region {region}"},
	"AwsRdsDbInstance":                  {"db", IdentName, "aws rds describe-db-instances --db-instance-identifier {db} --region {region}"},
	"AwsRdsDbCluster":                   {"db_cluster", IdentName, "aws rds describe-db-clusters --db-cluster-identifier {db_cluster} --region {region}"},
	"AwsRdsDbSnapshot":                  {"db_snapshot", IdentName, "aws rds describe-db-snapshot-attributes --db-snapshot-identifier {db_snapshot} --region {region}"},
	"AwsRdsDbClusterSnapshot":           {"db_cluster_snapshot", IdentName, "aws rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier {db_cluster_snapshot} --region {region}"},
	"AwsCloudTrailTrail":                {"trail", IdentARN, "aws cloudtrail describe-trails --trail-name-list {trail} --region {region}"},
	"AwsEksCluster":                     {"eks_cluster", IdentName, "aws eks describe-cluster --name {eks_cluster} --region {region}"},
	"AwsEcsTaskDefinition":              {"task_definition", IdentARN, "aws ecs describe-task-definition --task-definition {task_definition} --region {region}"},
	"AwsEcsCluster":                     {"ecs_cluster", IdentARN, "aws ecs describe-clusters --clusters {ecs_cluster} --region {region}"},
	"AwsEcrRepository":                  {"repository", IdentPath, "aws ecr describe-repositories --repository-names {repository} --region {region}"},
	"AwsElbv2LoadBalancer":              {"load_balancer", IdentARN, "aws elbv2 describe-load-balancer-attributes --load-balancer-arn {load_balancer} --region {region}"},
	"AwsElbLoadBalancer":                {"elb", IdentName, "aws elb describe-load-balancer-attributes --load-balancer-name {elb} --region {region}"},
	"AwsCloudFrontDistribution":         {"distribution", IdentName, "aws cloudfront get-distribution-config --id {distribution}"},
	"AwsOpenSearchServiceDomain":        {"search_domain", IdentName, "aws opensearch describe-domain --domain-name {search_domain} --region {region}"},
	"AwsElasticsearchDomain":            {"search_domain", IdentName, "aws es describe-elasticsearch-domain --domain-name {search_domain} --region {region}"},
	"AwsRedshiftCluster":                {"redshift_cluster", IdentName, "aws redshift describe-clusters --cluster-identifier {redshift_cluster} --region {region}"},
	"AwsDynamoDbTable":                  {"table", IdentName, "aws dynamodb describe-table --table-name {table} --region {region}"},
	"AwsSecretsManagerSecret":           {"secret", IdentARN, "aws secretsmanager describe-secret --secret-id {secret} --region {region}"},
	"AwsSnsTopic":                       {"topic", IdentARN, "aws sns get-topic-attributes --topic-arn {topic} --region {region}"},
	"AwsSqsQueue":                       {"queue_url", IdentQueueURL, "aws sqs get-queue-attributes --queue-url {queue_url} --attribute-names All --region {region}"},
	"AwsApiGatewayStage":                {"", IdentAPIStage, "aws apigateway get-stage --rest-api-id {api} --stage-name {stage} --region {region}"},
	"AwsApiGatewayV2Stage":              {"", IdentAPIStage, "aws apigatewayv2 get-stage --api-id {api} --stage-name {stage} --region {region}"},
	"AwsCodeBuildProject":               {"project", IdentName, "aws codebuild batch-get-projects --names {project} --region {region}"},
	"AwsAutoScalingAutoScalingGroup":    {"asg", IdentName, "aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names {asg} --region {region}"},
	"AwsAutoScalingLaunchConfiguration": {"launch_configuration", IdentName, "aws autoscaling describe-launch-configurations --launch-configuration-names {launch_configuration} --region {region}"},
	"AwsEfsFileSystem":                  {"file_system", IdentName, "aws efs describe-file-systems --file-system-id {file_system} --region {region}"},
	"AwsEfsAccessPoint":                 {"efs_access_point", IdentName, "aws efs describe-access-points --access-point-id {efs_access_point} --region {region}"},
	"AwsSageMakerNotebookInstance":      {"notebook", IdentName, "aws sagemaker describe-notebook-instance --notebook-instance-name {notebook} --region {region}"},
	"AwsKinesisStream":                  {"stream", IdentName, "aws kinesis describe-stream-summary --stream-name {stream} --region {region}"},
	"AwsCloudWatchAlarm":                {"alarm", IdentName, "aws cloudwatch describe-alarms --alarm-names {alarm} --region {region}"},
	"AwsDmsReplicationInstance":         {"replication_instance", IdentARN, "aws dms describe-replication-instances --filters Name=replication-instance-arn,Values={replication_instance} --region {region}"},
	"AwsNetworkFirewallFirewall":        {"firewall", IdentARN, "aws network-firewall describe-firewall --firewall-arn {firewall} --region {region}"},
	"AwsNetworkFirewallFirewallPolicy":  {"firewall_policy", IdentARN, "aws network-firewall describe-firewall-policy --firewall-policy-arn {firewall_policy} --region {region}"},
	"AwsNetworkFirewallRuleGroup":       {"rule_group", IdentARN, "aws network-firewall describe-rule-group --rule-group-arn {rule_group} --region {region}"},
	"AwsMskCluster":                     {"msk_cluster", IdentARN, "aws kafka describe-cluster-v2 --cluster-arn {msk_cluster} --region {region}"},
	"AwsStepFunctionStateMachine":       {"state_machine", IdentARN, "aws stepfunctions describe-state-machine --state-machine-arn {state_machine} --region {region}"},
	"AwsAthenaWorkGroup":                {"workgroup", IdentName, "aws athena get-work-group --work-group {workgroup} --region {region}"},
	"AwsCertificateManagerCertificate":  {"certificate", IdentARN, "aws acm describe-certificate --certificate-arn {certificate} --region {region}"},
	"AwsGuardDutyDetector":              {"detector", IdentName, "aws guardduty get-detector --detector-id {detector} --region {region}"},
	"AwsAppSyncGraphQlApi":              {"graphql_api", IdentPath, "aws appsync get-graphql-api --api-id {graphql_api} --region {region}"},
	"AwsBackupBackupVault":              {"backup_vault", IdentName, "aws backup describe-backup-vault --backup-vault-name {backup_vault} --region {region}"},
}

// arnResources name resources by their ARN's service and resource type,
// for the ASFF types that the table above does not have (Security Hub
// reports some, such as SSM documents, with the type "Other").
var arnResources = map[string]ResourceKind{
	"ssm:document": {"document", IdentName, "aws ssm describe-document-permission --name {document} --permission-type Share --region {region}"},
}

// LookupResourceKind returns how to name an ASFF resource of the given
// type in a command.
func LookupResourceKind(asffType string) (ResourceKind, bool) {
	k, ok := asffResources[asffType]
	return k, ok
}

// LookupARNResourceKind returns how to name a resource by its ARN's
// service and resource type (e.g. "ssm", "document").
func LookupARNResourceKind(service, resourceType string) (ResourceKind, bool) {
	k, ok := arnResources[service+":"+resourceType]
	return k, ok
}

// ControlSteps returns vigil's steps for a Security Hub control, by
// control id: how to check the setting the control is about and how to
// fix it, each step "text" or "text\n$ command". Placeholders are the
// Var of the finding's resource (see LookupResourceKind), {account} and
// {region}; a step whose placeholders the finding cannot fill is dropped
// by the caller. ok is false when the catalog has no steps for the
// control.
func ControlSteps(id string, l lang.Lang) ([]string, bool) {
	s, ok := textFor(l).controls[id]
	return s, ok
}

// ControlsWithSteps lists the control ids that have steps.
func ControlsWithSteps() []string {
	out := make([]string, 0, len(controlStepsEN))
	for k := range controlStepsEN {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// resourceCommands lists the commands of the resource tables.
func resourceCommands() []string {
	var out []string
	for _, k := range asffResources {
		out = append(out, k.Check)
	}
	for _, k := range arnResources {
		out = append(out, k.Check)
	}
	return out
}
