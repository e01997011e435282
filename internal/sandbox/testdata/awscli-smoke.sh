#!/usr/bin/env bash
# Drives every operation the sandbox simulates through the AWS CLI, an
# independent implementation of the AWS wire protocols, against a sandbox
# running the demo scenario. Each call must succeed, and what it returns is
# checked here; TestAWSCLISmoke then checks the sandbox's state.
#
#   SANDBOX_URL=http://127.0.0.1:4566 AWS=aws bash awscli-smoke.sh
#
# Credentials and region come from the environment (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION=ap-northeast-1).
set -euo pipefail
: "${SANDBOX_URL:?set SANDBOX_URL to the sandbox endpoint}"
AWS="${AWS:-aws}"

cli() { "$AWS" --endpoint-url "$SANDBOX_URL" "$@"; }
# txt runs a command and prints its --query result as text.
txt() { cli --output text "$@"; }
check() {
  if [ "$2" != "$3" ]; then
    echo "FAIL $1: got '$2', want '$3'" >&2
    exit 1
  fi
  echo "ok   $1"
}

echo "== $("$AWS" --version 2>&1)"

# --- STS
check sts.get-caller-identity "$(txt sts get-caller-identity --query Account)" 111122223333
read -r AKID SECRET TOKEN < <(txt sts assume-role --role-arn arn:aws:iam::123456789012:role/vigil-remediation \
  --role-session-name smoke --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
check sts.assume-role "$(AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN txt sts get-caller-identity --query Arn)" \
  arn:aws:sts::123456789012:assumed-role/vigil-remediation/smoke

# --- EC2
check ec2.describe-instances "$(txt ec2 describe-instances --instance-ids i-0a1b2c3d4e5f60718 --query 'Reservations[0].Instances[0].State.Name')" running
check ec2.describe-instances.filter "$(txt ec2 describe-instances --filters Name=tag:Owner,Values=devex --query 'length(Reservations[].Instances[])')" 2
check ec2.describe-security-groups "$(txt ec2 describe-security-groups --group-ids sg-0e7d3c2b1a0f98765 --query 'SecurityGroups[0].GroupName')" bastion-ssh
G=$(txt ec2 create-security-group --group-name smoke-quarantine --description "smoke quarantine" --vpc-id vpc-0c4e1a7b93d25f861 --query GroupId)
check ec2.create-security-group "${G:0:3}" sg-
cli ec2 authorize-security-group-ingress --group-id "$G" --protocol tcp --port 22 --cidr 10.20.0.0/16 >/dev/null
check ec2.authorize-security-group-ingress "$(txt ec2 describe-security-groups --group-ids "$G" --query 'SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp')" 10.20.0.0/16
cli ec2 revoke-security-group-ingress --group-id "$G" --protocol tcp --port 22 --cidr 10.20.0.0/16 >/dev/null
check ec2.revoke-security-group-ingress "$(txt ec2 describe-security-groups --group-ids "$G" --query 'length(SecurityGroups[0].IpPermissions)')" 0
cli ec2 revoke-security-group-egress --group-id "$G" --ip-permissions 'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
cli ec2 authorize-security-group-egress --group-id "$G" --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.0.0.0/8}]' >/dev/null
check ec2.security-group-egress "$(txt ec2 describe-security-groups --group-ids "$G" --query 'SecurityGroups[0].IpPermissionsEgress[0].[ToPort,IpRanges[0].CidrIp]')" "443	10.0.0.0/8"
cli ec2 modify-instance-attribute --instance-id i-0a1b2c3d4e5f60718 --groups "$G"
check ec2.modify-instance-attribute "$(txt ec2 describe-instances --instance-ids i-0a1b2c3d4e5f60718 --query 'Reservations[0].Instances[0].SecurityGroups[0].GroupId')" "$G"
check ec2.modify-instance-metadata-options "$(txt ec2 modify-instance-metadata-options --instance-id i-04f2e6a8c0b1d3957 --http-tokens required --http-endpoint enabled --query InstanceMetadataOptions.HttpTokens)" required
cli ec2 create-tags --resources i-04f2e6a8c0b1d3957 vol-04f2e6a8c0b1d0002 --tags Key=vigil:case,Value=IR-1 Key=temp,Value=x
check ec2.create-tags "$(txt ec2 describe-tags --filters Name=key,Values=vigil:case --query 'length(Tags)')" 2
cli ec2 delete-tags --resources i-04f2e6a8c0b1d3957 --tags Key=temp
check ec2.delete-tags "$(txt ec2 describe-tags --filters Name=resource-id,Values=i-04f2e6a8c0b1d3957 Name=key,Values=temp --query 'length(Tags)')" 0
check ec2.describe-volumes "$(txt ec2 describe-volumes --filters Name=attachment.instance-id,Values=i-04f2e6a8c0b1d3957 --query 'length(Volumes)')" 2
S=$(txt ec2 create-snapshot --volume-id vol-04f2e6a8c0b1d0003 --description "smoke IR-1" --query SnapshotId)
check ec2.create-snapshot "${S:0:5}" snap-
check ec2.describe-snapshots "$(txt ec2 describe-snapshots --owner-ids self --snapshot-ids "$S" --query 'Snapshots[0].[State,Description]')" "completed	smoke IR-1"
check ec2.get-ebs-encryption-by-default "$(txt ec2 get-ebs-encryption-by-default --query EbsEncryptionByDefault)" False
check ec2.enable-ebs-encryption-by-default "$(txt ec2 enable-ebs-encryption-by-default --query EbsEncryptionByDefault)" True
check ec2.disable-ebs-encryption-by-default "$(txt ec2 disable-ebs-encryption-by-default --query EbsEncryptionByDefault)" False
cli ec2 enable-ebs-encryption-by-default >/dev/null
check ec2.stop-instances "$(txt ec2 stop-instances --instance-ids i-0d3e5f7a9b1c2e468 --query 'StoppingInstances[0].[PreviousState.Name,CurrentState.Name]')" "running	stopping"
check ec2.terminate-instances "$(txt ec2 terminate-instances --instance-ids i-06b5a4c3d2e1f0987 --query 'TerminatingInstances[0].CurrentState.Name')" shutting-down
if out=$(cli ec2 describe-instances --instance-ids i-0000000000000dead 2>&1); then
  echo "FAIL ec2 error: describing a missing instance succeeded" >&2; exit 1
fi
check ec2.error-code "$(grep -o 'InvalidInstanceID.NotFound' <<<"$out" | head -1)" InvalidInstanceID.NotFound

# --- IAM
check iam.list-users "$(txt iam list-users --query 'Users[].UserName' | tr '\t' ' ')" "etl-batch build-deployer"
check iam.list-access-keys "$(txt iam list-access-keys --user-name etl-batch --query 'AccessKeyMetadata[0].[AccessKeyId,Status]')" "AKIAH24JZLHVCY3F7F6L	Active"
cli iam update-access-key --user-name etl-batch --access-key-id AKIAH24JZLHVCY3F7F6L --status Inactive
check iam.update-access-key "$(txt iam list-access-keys --user-name etl-batch --query 'AccessKeyMetadata[0].Status')" Inactive
check iam.get-access-key-last-used "$(txt iam get-access-key-last-used --access-key-id AKIAH24JZLHVCY3F7F6L --query '[UserName,AccessKeyLastUsed.ServiceName]')" "etl-batch	s3"
check iam.get-account-password-policy "$(txt iam get-account-password-policy --query PasswordPolicy.MinimumPasswordLength)" 8
cli iam update-account-password-policy --minimum-password-length 14 --require-symbols --require-numbers \
  --require-uppercase-characters --require-lowercase-characters --max-password-age 90 --password-reuse-prevention 24 --allow-users-to-change-password
check iam.update-account-password-policy "$(txt iam get-account-password-policy --query 'PasswordPolicy.[MinimumPasswordLength,MaxPasswordAge]')" "14	90"

# --- S3 (path style: the endpoint is an IP address)
check s3api.list-buckets "$(txt s3api list-buckets --query 'length(Buckets)')" 3
cli s3api create-bucket --bucket smoke-evidence-111122223333 --create-bucket-configuration LocationConstraint=ap-northeast-1 >/dev/null
check s3api.create-bucket "$(txt s3api list-buckets --query 'length(Buckets)')" 4
check s3api.get-bucket-policy-status "$(txt s3api get-bucket-policy-status --bucket example-public-assets-111122223333 --query PolicyStatus.IsPublic)" True
cli s3api put-public-access-block --bucket example-public-assets-111122223333 \
  --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
check s3api.put-public-access-block "$(txt s3api get-public-access-block --bucket example-public-assets-111122223333 --query 'PublicAccessBlockConfiguration.RestrictPublicBuckets')" True
cli s3api delete-public-access-block --bucket smoke-evidence-111122223333
if out=$(cli s3api get-public-access-block --bucket smoke-evidence-111122223333 2>&1); then
  echo "FAIL s3api.delete-public-access-block: configuration still there" >&2; exit 1
fi
check s3api.delete-public-access-block "$(grep -o NoSuchPublicAccessBlockConfiguration <<<"$out" | head -1)" NoSuchPublicAccessBlockConfiguration

# --- Security Hub (the administrator sees 111111111111's findings)
# GeneratorId rather than ComplianceSecurityControlId: older CLIs (Debian's
# 2.9) do not know the newer filter.
EC27='{"GeneratorId":[{"Value":"aws-foundational-security-best-practices/v/1.0.0/EC2.7","Comparison":"EQUALS"}],"WorkflowStatus":[{"Value":"NEW","Comparison":"EQUALS"}]}'
F=$(txt securityhub get-findings --region us-east-1 --filters "$EC27" --query 'Findings[0].[Id,ProductArn]')
read -r FID FARN <<<"$F"
check securityhub.get-findings "$FID" arn:aws:securityhub:us-east-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0/EC2.7/finding/0003b335-cf3f-4f93-a025-6b1a7baced06
check securityhub.batch-update-findings "$(txt securityhub batch-update-findings --region us-east-1 --finding-identifiers "Id=$FID,ProductArn=$FARN" \
  --workflow Status=RESOLVED --note 'Text=EBS default encryption enabled,UpdatedBy=smoke' --query 'length(ProcessedFindings)')" 1
check securityhub.get-findings.after-update "$(txt securityhub get-findings --region us-east-1 --filters "$EC27" --query 'length(Findings)')" 0
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
FINDING=$(cat <<JSON
[{"SchemaVersion":"2018-10-08","Id":"smoke-finding-1","ProductArn":"arn:aws:securityhub:ap-northeast-1:111122223333:product/111122223333/default",
  "GeneratorId":"vigil-smoke","AwsAccountId":"111122223333","Types":["Software and Configuration Checks"],"CreatedAt":"$NOW","UpdatedAt":"$NOW",
  "Severity":{"Label":"HIGH"},"Title":"smoke","Description":"imported by the AWS CLI smoke test",
  "Resources":[{"Type":"AwsEc2Instance","Id":"arn:aws:ec2:ap-northeast-1:111122223333:instance/i-0a1b2c3d4e5f60718"}]}]
JSON
)
check securityhub.batch-import-findings "$(txt securityhub batch-import-findings --findings "$FINDING" --query '[SuccessCount,FailedCount]')" "1	0"

# --- SNS
T=$(txt sns create-topic --name smoke-alerts --query TopicArn)
check sns.create-topic "$T" arn:aws:sns:ap-northeast-1:111122223333:smoke-alerts
check sns.list-topics "$(txt sns list-topics --query 'length(Topics)')" 3
M=$(txt sns publish --topic-arn "$T" --subject "smoke" --message "GuardDuty: 203.0.113.45 brute-forcing i-0a1b2c3d4e5f60718" --query MessageId)
check sns.publish "$([ -n "$M" ] && echo yes)" yes

# --- SQS
Q=$(txt sqs create-queue --queue-name smoke-events --attributes VisibilityTimeout=30 --query QueueUrl)
check sqs.create-queue "$Q" "$SANDBOX_URL/111122223333/smoke-events"
check sqs.get-queue-url "$(txt sqs get-queue-url --queue-name smoke-events --query QueueUrl)" "$Q"
cli sqs send-message --queue-url "$Q" --message-body '{"n":1}' --message-attributes 'source={DataType=String,StringValue=smoke}' >/dev/null
check sqs.send-message-batch "$(txt sqs send-message-batch --queue-url "$Q" --entries Id=a,MessageBody=two Id=b,MessageBody=three --query 'length(Successful)')" 2
R=$(txt sqs receive-message --queue-url "$Q" --max-number-of-messages 10 --wait-time-seconds 1 --visibility-timeout 30 \
  --attribute-names All --message-attribute-names All --query 'Messages[].ReceiptHandle')
read -r -a HANDLES <<<"$R"
check sqs.receive-message "${#HANDLES[@]}" 3
check sqs.receive-message.in-flight "$(txt sqs receive-message --queue-url "$Q" --max-number-of-messages 10 --query 'length(Messages || `[]`)')" 0
cli sqs change-message-visibility --queue-url "$Q" --receipt-handle "${HANDLES[0]}" --visibility-timeout 60
cli sqs delete-message --queue-url "$Q" --receipt-handle "${HANDLES[0]}"
check sqs.delete-message-batch "$(txt sqs delete-message-batch --queue-url "$Q" \
  --entries "Id=x,ReceiptHandle=${HANDLES[1]}" "Id=y,ReceiptHandle=${HANDLES[2]}" --query 'length(Successful)')" 2

# --- Secrets Manager
cli secretsmanager create-secret --name smoke/token --secret-string v1 >/dev/null
check secretsmanager.get-secret-value "$(txt secretsmanager get-secret-value --secret-id smoke/token --query SecretString)" v1
cli secretsmanager put-secret-value --secret-id smoke/token --secret-string v2 >/dev/null
check secretsmanager.put-secret-value "$(txt secretsmanager get-secret-value --secret-id smoke/token --query SecretString)" v2
check secretsmanager.previous "$(txt secretsmanager get-secret-value --secret-id smoke/token --version-stage AWSPREVIOUS --query SecretString)" v1

# --- CloudWatch
cli cloudwatch put-metric-data --namespace Vigil/Smoke --metric-name Runs --value 1 --unit Count --dimensions Stage=smoke
echo "ok   cloudwatch.put-metric-data"

echo "== all AWS CLI calls succeeded"
