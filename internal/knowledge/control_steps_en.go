package knowledge

// controlStepsEN are vigil's English steps for Security Hub controls (see
// ControlSteps): what to check, then how to fix it. The checks are
// read-only; a fixing command is shown for a person to approve and run.
// What each control checks is AWS's (the Security Hub controls
// reference); the commands are checked against the AWS CLI's command table
// by the explain package's tests.
var controlStepsEN = map[string][]string{
	// ---- S3 ----
	"S3.1": {
		"Check the account's S3 Block Public Access settings.\n$ aws s3control get-public-access-block --account-id {account} --region {region}",
		"Unless a bucket of the account must be public, turn on all four settings for the whole account.\n$ aws s3control put-public-access-block --account-id {account} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true --region {region}",
	},
	"S3.2": s3PublicEN,
	"S3.3": s3PublicEN,
	"S3.8": s3PublicEN,
	"CloudTrail.6": {
		"Find the bucket each trail delivers its logs to.\n$ aws cloudtrail describe-trails --query 'trailList[].[Name,S3BucketName]' --region {region}",
		"Block public access on that bucket: nobody outside the account needs to read CloudTrail logs directly.\n$ aws s3api put-public-access-block --bucket <BUCKET_NAME> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
	},
	"S3.5": {
		"Read the bucket policy of {bucket}.\n$ aws s3api get-bucket-policy --bucket {bucket}",
		"Add a statement that denies every request to {bucket} and its objects when aws:SecureTransport is false, so that only HTTPS requests are served.",
	},
	"S3.6": {
		"Read the bucket policy of {bucket} and find the statements that allow other AWS accounts to change the bucket's policy, ACLs or encryption.\n$ aws s3api get-bucket-policy --bucket {bucket}",
		"Remove those actions from the statements, or limit them to principals of your own account.",
	},
	"S3.9": {
		"Check whether server access logging is on for {bucket}.\n$ aws s3api get-bucket-logging --bucket {bucket}",
		"Turn it on in the bucket's properties, with a different bucket of the same account and Region as the target.",
	},
	"S3.12": {
		"Check the object ownership setting of {bucket}.\n$ aws s3api get-bucket-ownership-controls --bucket {bucket}",
		"Once no application relies on ACLs, set object ownership to bucket owner enforced, which turns ACLs off; grant access with policies instead.\n$ aws s3api put-bucket-ownership-controls --bucket {bucket} --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
	},
	"S3.19": {
		"Check the Block Public Access settings of access point {access_point}.\n$ aws s3control get-access-point --account-id {account} --name {access_point} --region {region}",
		"An access point's Block Public Access settings cannot be changed after it is created: create a new access point with them on, move its users to it, then remove the old one.",
	},

	// ---- EC2 and VPC ----
	"EC2.1": {
		"List the snapshots of this account in {region} that anyone can restore.\n$ aws ec2 describe-snapshots --owner-ids self --restorable-by-user-ids all --region {region}",
		"Make each of them private, unless it must be public.\n$ aws ec2 modify-snapshot-attribute --snapshot-id <SNAPSHOT_ID> --attribute createVolumePermission --operation-type remove --group-names all --region {region}",
		"Turn on block public access for EBS snapshots in the Region, so that no snapshot can be shared publicly again.\n$ aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region {region}",
	},
	"EC2.182": {
		"Check block public access for EBS snapshots in {region}.\n$ aws ec2 get-snapshot-block-public-access-state --region {region}",
		"Turn it on to block all public sharing of snapshots in the Region.\n$ aws ec2 enable-snapshot-block-public-access --state block-all-sharing --region {region}",
	},
	"EC2.2": {
		"List the rules of the default security group {sg}.\n$ aws ec2 describe-security-group-rules --filters Name=group-id,Values={sg} --region {region}",
		"Find what still uses it, and move those resources to security groups made for them.\n$ aws ec2 describe-network-interfaces --filters Name=group-id,Values={sg} --region {region}",
		"Then remove every rule of the default security group by its id (sgr-...), inbound and outbound.\n$ aws ec2 revoke-security-group-ingress --group-id {sg} --security-group-rule-ids <RULE_ID> --region {region}",
		"Outbound rules are removed the same way.\n$ aws ec2 revoke-security-group-egress --group-id {sg} --security-group-rule-ids <RULE_ID> --region {region}",
	},
	"EC2.13": sgOpenEN,
	"EC2.14": sgOpenEN,
	"EC2.18": sgOpenEN,
	"EC2.19": sgOpenEN,
	"EC2.21": {
		"List the entries of network ACL {nacl}, and find those allowing 0.0.0.0/0 or ::/0 to port 22 or 3389.\n$ aws ec2 describe-network-acls --network-acl-ids {nacl} --region {region}",
		"Replace them with entries for the address ranges that need access, or reach the instances through Systems Manager Session Manager instead.",
	},
	"EC2.3": {
		"Check the volume's encryption.\n$ aws ec2 describe-volumes --volume-ids {volume} --query 'Volumes[].[Encrypted,Attachments[].InstanceId]' --region {region}",
		"A volume cannot be encrypted in place: create a snapshot, copy it with encryption, create a volume from the copy and swap it in during a maintenance window.",
	},
	"EC2.6": {
		"Check the flow logs of {vpc}.\n$ aws ec2 describe-flow-logs --filter Name=resource-id,Values={vpc} --region {region}",
		"Create a flow log for the VPC that records at least rejected traffic, to S3 or CloudWatch Logs.\n$ aws ec2 create-flow-logs --resource-type VPC --resource-ids {vpc} --traffic-type REJECT --log-destination-type s3 --log-destination <BUCKET_ARN> --region {region}",
	},
	"EC2.8": {
		"Check the instance metadata options of {instance}; HttpTokens \"optional\" means IMDSv1 is still allowed.\n$ aws ec2 describe-instances --instance-ids {instance} --query 'Reservations[].Instances[].MetadataOptions' --region {region}",
		"Make sure the software on the instance works with IMDSv2 (current AWS SDKs and the AWS CLI do; the instance's CloudWatch metric MetadataNoToken counts the calls still made without a token), then require it.\n$ aws ec2 modify-instance-metadata-options --instance-id {instance} --http-tokens required --http-endpoint enabled --region {region}",
	},
	"EC2.9": {
		"Check the public address and subnet of {instance}.\n$ aws ec2 describe-instances --instance-ids {instance} --query 'Reservations[].Instances[].[PublicIpAddress,SubnetId]' --region {region}",
		"If the instance need not be reached from the internet, run it in a private subnet, behind a load balancer if it serves users, and administer it through Systems Manager Session Manager.",
	},
	"EC2.15": {
		"Stop the subnet from giving a public IPv4 address to every instance launched in it.\n$ aws ec2 modify-subnet-attribute --subnet-id {subnet} --no-map-public-ip-on-launch --region {region}",
	},
	"EC2.23": {
		"Stop transit gateway {tgw} from accepting VPC attachments automatically; each attachment request then waits for your approval.\n$ aws ec2 modify-transit-gateway --transit-gateway-id {tgw} --options AutoAcceptSharedAttachments=disable --region {region}",
	},

	// ---- IAM ----
	"IAM.1": {
		"Read the policy and its default version, and find the statement that allows \"*\" actions on \"*\" resources.\n$ aws iam get-policy --policy-arn {policy_arn}",
		"The default version's document:\n$ aws iam get-policy-version --policy-arn {policy_arn} --version-id <VERSION_ID>",
		"List who has the policy attached.\n$ aws iam list-entities-for-policy --policy-arn {policy_arn}",
		"Replace the statement with the actions and resources those users and roles need; IAM Access Analyzer can generate a policy from their CloudTrail activity.",
	},
	"IAM.3": {
		"List the access keys of {user} and when each was created.\n$ aws iam list-access-keys --user-name {user}",
		"Rotate the old key: create a new key for the user in the IAM console, move the workload to it, then deactivate the old key; delete it once nothing has failed for a while.\n$ aws iam update-access-key --user-name {user} --access-key-id <ACCESS_KEY_ID> --status Inactive",
	},
	"IAM.4": {
		"Check whether the root user has access keys (1 means it does).\n$ aws iam get-account-summary --query SummaryMap.AccountAccessKeysPresent",
		"Check in CloudTrail what uses the key, then sign in as the root user, open Security credentials and delete it.",
	},
	"IAM.5":  iamUserMFAEN,
	"IAM.19": iamUserMFAEN,
	"IAM.6": {
		"Check whether the root user has MFA (1 means it does).\n$ aws iam get-account-summary --query SummaryMap.AccountMFAEnabled",
		"If the root user appears in this list, its MFA device is virtual, not hardware.\n$ aws iam list-virtual-mfa-devices --assignment-status Assigned",
		"Sign in as the root user and register a hardware MFA device under Security credentials.",
	},
	"IAM.9": {
		"Check whether the root user has MFA (1 means it does).\n$ aws iam get-account-summary --query SummaryMap.AccountMFAEnabled",
		"Sign in as the root user and register an MFA device under Security credentials.",
	},
	"IAM.7":  passwordPolicyEN,
	"IAM.10": passwordPolicyEN,
	"IAM.11": passwordPolicyEN,
	"IAM.12": passwordPolicyEN,
	"IAM.13": passwordPolicyEN,
	"IAM.14": passwordPolicyEN,
	"IAM.15": passwordPolicyEN,
	"IAM.8":  unusedCredentialsEN,
	"IAM.22": unusedCredentialsEN,

	// ---- Logging and detection ----
	"CloudTrail.1": trailEnabledEN,
	"CloudTrail.3": trailEnabledEN,
	"CloudTrail.2": {
		"Check which KMS key, if any, encrypts the trail's log files.\n$ aws cloudtrail describe-trails --trail-name-list {trail} --query 'trailList[].KmsKeyId' --region {region}",
		"Choose a KMS key for the trail whose key policy lets CloudTrail use it (the CloudTrail console can create one).\n$ aws cloudtrail update-trail --name {trail} --kms-key-id <KMS_KEY_ARN> --region {region}",
	},
	"CloudTrail.4": {
		"Turn on log file validation, so that changes to delivered log files can be detected.\n$ aws cloudtrail update-trail --name {trail} --enable-log-file-validation --region {region}",
	},
	"CloudTrail.5": {
		"Check whether the trail sends its events to CloudWatch Logs.\n$ aws cloudtrail describe-trails --trail-name-list {trail} --query 'trailList[].CloudWatchLogsLogGroupArn' --region {region}",
		"Set a log group and a role for CloudWatch Logs in the trail's settings, so that metric filters and alarms can watch the events.",
	},
	"Config.1": {
		"Check whether AWS Config is recording in {region}.\n$ aws configservice describe-configuration-recorder-status --region {region}",
		"Check what the recorder records and with which role.\n$ aws configservice describe-configuration-recorders --region {region}",
		"Set up AWS Config in the Region from its console, recording every resource type with the service-linked role AWSServiceRoleForConfig.",
	},
	"GuardDuty.1": {
		"Check whether GuardDuty has a detector in {region}.\n$ aws guardduty list-detectors --region {region}",
		"If not, enable it; in an organisation, enable it for every account from the GuardDuty delegated administrator instead.\n$ aws guardduty create-detector --enable --region {region}",
	},
	"GuardDuty.5":  guardDutyFeatureEN("EKS_AUDIT_LOGS"),
	"GuardDuty.6":  guardDutyFeatureEN("LAMBDA_NETWORK_LOGS"),
	"GuardDuty.7":  guardDutyFeatureEN("EKS_RUNTIME_MONITORING"),
	"GuardDuty.8":  guardDutyFeatureEN("EBS_MALWARE_PROTECTION"),
	"GuardDuty.9":  guardDutyFeatureEN("RDS_LOGIN_EVENTS"),
	"GuardDuty.10": guardDutyFeatureEN("S3_DATA_EVENTS"),
	"GuardDuty.11": guardDutyFeatureEN("RUNTIME_MONITORING"),
	"Inspector.1":  inspectorScanEN("EC2"),
	"Inspector.2":  inspectorScanEN("ECR"),
	"Inspector.3":  inspectorScanEN("LAMBDA LAMBDA_CODE"),
	"Inspector.4":  inspectorScanEN("LAMBDA"),
	"Macie.1": {
		"Check whether Macie is enabled in {region}.\n$ aws macie2 get-macie-session --region {region}",
		"Enable it; in an organisation, from the Macie delegated administrator.\n$ aws macie2 enable-macie --region {region}",
	},
	"Macie.2": {
		"Check the automated sensitive data discovery setting.\n$ aws macie2 get-automated-discovery-configuration --region {region}",
		"Turn it on in the Macie console (Settings, Automated sensitive data discovery).",
	},

	// ---- KMS ----
	"KMS.3": {
		"Check the key's state and scheduled deletion date.\n$ aws kms describe-key --key-id {kms_key} --query 'KeyMetadata.[KeyState,DeletionDate]' --region {region}",
		"If the key is still needed, cancel its deletion; data encrypted under a deleted key cannot be decrypted again.\n$ aws kms cancel-key-deletion --key-id {kms_key} --region {region}",
		"Cancelling leaves the key disabled: enable it again if it is in use.\n$ aws kms enable-key --key-id {kms_key} --region {region}",
	},
	"KMS.4": {
		"Check automatic rotation of the key.\n$ aws kms get-key-rotation-status --key-id {kms_key} --region {region}",
		"Turn it on; KMS keeps the previous key material, so existing data stays readable.\n$ aws kms enable-key-rotation --key-id {kms_key} --region {region}",
	},
	"KMS.5": {
		"Read the key policy and find statements whose principal is \"*\" without a condition narrowing it.\n$ aws kms get-key-policy --key-id {kms_key} --policy-name default --region {region}",
		"Limit those statements to the accounts and roles that need the key.",
	},

	// ---- Compute and containers ----
	"Lambda.1": {
		"Read the resource-based policy of {function} and find the statements whose principal is \"*\", or that name a service principal without a source account or ARN condition.\n$ aws lambda get-policy --function-name {function} --region {region}",
		"Remove each such statement by its Sid.\n$ aws lambda remove-permission --function-name {function} --statement-id <STATEMENT_ID> --region {region}",
	},
	"Lambda.2": {
		"Check the function's runtime.\n$ aws lambda get-function-configuration --function-name {function} --query Runtime --region {region}",
		"Move the function to a supported runtime version and test it before deploying.",
	},
	"ECS.3": ecsTaskDefEN("'taskDefinition.pidMode'", "Register a new revision without pidMode \"host\" and update the services that use the task definition."),
	"ECS.4": ecsTaskDefEN("'taskDefinition.containerDefinitions[].[name,privileged]'", "Register a new revision with privileged set to false (or absent) in every container, and update the services that use it."),
	"ECS.5": ecsTaskDefEN("'taskDefinition.containerDefinitions[].[name,readonlyRootFilesystem]'", "Register a new revision with readonlyRootFilesystem set to true in every container (give writable paths volumes of their own), and update the services that use it."),
	"ECS.8": ecsTaskDefEN("'taskDefinition.containerDefinitions[].[name,environment[].name]'", "Move the secrets to Secrets Manager or Systems Manager Parameter Store, reference them in the container's secrets instead of its environment, and register a new revision."),
	"ECR.1": {
		"Check the registry's scanning configuration.\n$ aws ecr get-registry-scanning-configuration --region {region}",
		"Turn on scan on push for the repository, or enhanced scanning for the registry with Amazon Inspector.\n$ aws ecr put-image-scanning-configuration --repository-name {repository} --image-scanning-configuration scanOnPush=true --region {region}",
	},
	"EKS.1": {
		"Check the cluster's endpoint access.\n$ aws eks describe-cluster --name {eks_cluster} --query cluster.resourcesVpcConfig --region {region}",
		"Once the people and systems that run kubectl can reach the private endpoint (VPN, Direct Connect or a host in the VPC), turn the public endpoint off.\n$ aws eks update-cluster-config --name {eks_cluster} --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true --region {region}",
	},
	"EKS.2": {
		"Check the cluster's Kubernetes version.\n$ aws eks describe-cluster --name {eks_cluster} --query cluster.version --region {region}",
		"Plan an upgrade to a version in standard support, one minor version at a time, after checking the upgrade insights of the cluster.",
	},
	"CodeBuild.2": {
		"Read the environment variables of project {project}.\n$ aws codebuild batch-get-projects --names {project} --query 'projects[].environment.environmentVariables' --region {region}",
		"Move the credentials to Secrets Manager or Parameter Store (variable types SECRETS_MANAGER or PARAMETER_STORE), then rotate them: they were readable by anyone who could read the project.",
	},
	"CodeBuild.5": {
		"Check privileged mode of project {project}.\n$ aws codebuild batch-get-projects --names {project} --query 'projects[].environment.privilegedMode' --region {region}",
		"Turn privileged mode off unless the project builds Docker images.",
	},
	"SageMaker.1": {
		"Check direct internet access of notebook instance {notebook}.\n$ aws sagemaker describe-notebook-instance --notebook-instance-name {notebook} --query DirectInternetAccess --region {region}",
		"Direct internet access can only be set when the notebook instance is created: create one in a VPC with direct internet access disabled and move the work to it.",
	},
	"AutoScaling.3": {
		"Check the metadata options of launch configuration {launch_configuration}.\n$ aws autoscaling describe-launch-configurations --launch-configuration-names {launch_configuration} --query 'LaunchConfigurations[].MetadataOptions' --region {region}",
		"Launch configurations cannot be changed: move the Auto Scaling group to a launch template that requires IMDSv2 (HttpTokens required).",
	},

	// ---- Data stores ----
	"RDS.1": {
		"Check who can restore the DB snapshot (\"all\" means anyone).\n$ aws rds describe-db-snapshot-attributes --db-snapshot-identifier {db_snapshot} --region {region}",
		"Make it private.\n$ aws rds modify-db-snapshot-attribute --db-snapshot-identifier {db_snapshot} --attribute-name restore --values-to-remove all --region {region}",
		"Check who can restore the DB cluster snapshot (\"all\" means anyone).\n$ aws rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier {db_cluster_snapshot} --region {region}",
		"Make it private.\n$ aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier {db_cluster_snapshot} --attribute-name restore --values-to-remove all --region {region}",
	},
	"RDS.2": {
		"Check whether {db} is publicly accessible.\n$ aws rds describe-db-instances --db-instance-identifier {db} --query 'DBInstances[].[PubliclyAccessible,Endpoint.Address]' --region {region}",
		"Unless clients outside the VPC must connect to it directly, turn public access off.\n$ aws rds modify-db-instance --db-instance-identifier {db} --no-publicly-accessible --apply-immediately --region {region}",
	},
	"RDS.13": {
		"Turn on automatic minor version upgrades for {db}; they are applied in its maintenance window.\n$ aws rds modify-db-instance --db-instance-identifier {db} --auto-minor-version-upgrade --region {region}",
	},
	"Redshift.1": {
		"Unless clients outside the VPC must connect to it directly, turn public access off for the cluster.\n$ aws redshift modify-cluster --cluster-identifier {redshift_cluster} --no-publicly-accessible --region {region}",
	},
	"DMS.1": {
		"Check whether the replication instance is public.\n$ aws dms describe-replication-instances --filters Name=replication-instance-arn,Values={replication_instance} --query 'ReplicationInstances[].PubliclyAccessible' --region {region}",
		"Follow the remediation guide to replace it with a private replication instance.",
	},
	"ES.2": {
		"Check whether the domain is in a VPC.\n$ aws es describe-elasticsearch-domain --domain-name {search_domain} --query DomainStatus.VPCOptions --region {region}",
		"A domain's network access cannot be changed after it is created: create a domain in a VPC, move the data (for example with a snapshot) and switch the clients to it.",
	},
	"Opensearch.2": {
		"Check whether the domain is in a VPC.\n$ aws opensearch describe-domain --domain-name {search_domain} --query DomainStatus.VPCOptions --region {region}",
		"A domain's network access cannot be changed after it is created: create a domain in a VPC, move the data (for example with a snapshot) and switch the clients to it.",
	},
	"SNS.4": {
		"Read the topic's access policy and find statements whose principal is \"*\" without a condition narrowing it.\n$ aws sns get-topic-attributes --topic-arn {topic} --query Attributes.Policy --region {region}",
		"Limit those statements to the accounts and services that publish to or subscribe to the topic.",
	},
	"SQS.3": {
		"Read the queue's access policy and find statements whose principal is \"*\" without a condition narrowing it.\n$ aws sqs get-queue-attributes --queue-url {queue_url} --attribute-names Policy --region {region}",
		"Limit those statements to the accounts and services that use the queue.",
	},

	// ---- Accounts and management ----
	"SSM.4": {
		"Check with whom document {document} is shared (\"all\" means public).\n$ aws ssm describe-document-permission --name {document} --permission-type Share --region {region}",
		"Stop sharing it publicly.\n$ aws ssm modify-document-permission --name {document} --permission-type Share --account-ids-to-remove all --region {region}",
	},
	"EMR.2": {
		"Check the account's EMR block public access configuration in {region}.\n$ aws emr get-block-public-access-configuration --region {region}",
		"Turn block public access on in the EMR console (Block public access), keeping only the ports that must be open to everyone.",
	},
	"Account.2": {
		"Check whether the account belongs to an organization.\n$ aws organizations describe-organization",
		"Invite the account into your organization from its management account, so that it gets the organization's policies and delegated security services.",
	},
	// ---- Added: snapshots of other engines, notebooks, alarms, launch configurations, patching ----
	"DocumentDB.3": clusterSnapshotEN("docdb"),
	"Neptune.3":    clusterSnapshotEN("neptune"),
	"SageMaker.3": {
		"Check root access of notebook instance {notebook}.\n$ aws sagemaker describe-notebook-instance --notebook-instance-name {notebook} --query RootAccess --region {region}",
		"Stop the notebook instance, then turn root access off.\n$ aws sagemaker update-notebook-instance --notebook-instance-name {notebook} --root-access Disabled --region {region}",
	},
	"CloudWatch.17": {
		"Turn the actions of alarm {alarm} back on.\n$ aws cloudwatch enable-alarm-actions --alarm-names {alarm} --region {region}",
	},
	"AutoScaling.4": launchConfigurationEN("a metadata response hop limit of 1"),
	"Autoscaling.5": launchConfigurationEN("no public IP address on its network interfaces"),
	"SSM.2": {
		"Check the patch state of the instance: missing and failed patches.\n$ aws ssm describe-instance-patch-states --instance-ids <INSTANCE_ID> --region {region}",
		"Install the missing patches with the AWS-RunPatchBaseline document (Operation Install) from Patch Manager, in a maintenance window if the instance needs a reboot.",
	},
	// ---- Added: the CRITICAL controls without steps, and alarms without actions ----
	"CodeBuild.1": {
		"Read the source of project {project}: a Bitbucket URL with a user name and password or token in it shows them to everyone who can read the project.\n$ aws codebuild batch-get-projects --names {project} --region {region}",
		"Revoke in Bitbucket the password or token the URL contained: treat it as exposed.",
		"Connect CodeBuild to Bitbucket with source credentials (an OAuth app or an access token) instead, and give the project a URL without credentials.\n$ aws codebuild update-project --name {project} --source type=BITBUCKET,location=<REPOSITORY_URL_WITHOUT_CREDENTIALS> --region {region}",
	},
	"MSK.4": {
		"Check whether cluster {msk_cluster} allows public access, and note its CurrentVersion.\n$ aws kafka describe-cluster-v2 --cluster-arn {msk_cluster} --region {region}",
		"Unless clients must reach it from the internet, turn public access off, giving the CurrentVersion shown above.\n$ aws kafka update-connectivity --cluster-arn {msk_cluster} --current-version <CURRENT_VERSION> --connectivity-info 'PublicAccess={Type=DISABLED}' --region {region}",
	},
	"SSM.7": {
		"Check whether the account may share SSM documents publicly in {region}.\n$ aws ssm get-service-setting --setting-id /ssm/documents/console/public-sharing-permission --region {region}",
		"Block public sharing of documents in {region}.\n$ aws ssm update-service-setting --setting-id /ssm/documents/console/public-sharing-permission --setting-value Disable --region {region}",
	},
	"CloudWatch.15": {
		"Check the actions of alarm {alarm}.\n$ aws cloudwatch describe-alarms --alarm-names {alarm} --region {region}",
		"Give the alarm an action for the ALARM state, for example an SNS topic that reaches the people on call (put-metric-alarm with --alarm-actions repeats the alarm's whole definition: start from the description above).",
	},
	// ---- Added: the HIGH controls without steps (session 3) ----
	"ACM.2": {
		"Check the key algorithm of the certificate, and where it is used.\n$ aws acm describe-certificate --certificate-arn {certificate} --query 'Certificate.[KeyAlgorithm,Type,InUseBy]' --region {region}",
		"The key of a certificate cannot be changed: request a new certificate with an RSA key of at least 2,048 bits (or an ECDSA key); for an imported certificate, issue and import a new one.\n$ aws acm request-certificate --domain-name <DOMAIN_NAME> --validation-method DNS --key-algorithm RSA_2048 --region {region}",
		"Once the new certificate is issued, replace the old one on each resource listed in InUseBy, then delete the old certificate.",
	},
	"AppSync.5": {
		"Check how the API authenticates its callers, including additional authorization modes.\n$ aws appsync get-graphql-api --api-id {graphql_api} --query 'graphqlApi.[name,authenticationType,additionalAuthenticationProviders[].authenticationType]' --region {region}",
		"Move the clients to IAM, Amazon Cognito user pools, OpenID Connect or Lambda authorization, then make that the API's authentication type (update-graphql-api needs the API's name) and remove API_KEY from the additional modes.\n$ aws appsync update-graphql-api --api-id {graphql_api} --name <API_NAME> --authentication-type AWS_IAM --region {region}",
		"List the API keys that remain, and delete them in the AppSync console once nothing uses them.\n$ aws appsync list-api-keys --api-id {graphql_api} --region {region}",
	},
	"CloudFront.1": {
		"Check the distribution's default root object.\n$ aws cloudfront get-distribution-config --id {distribution} --query DistributionConfig.DefaultRootObject",
		"Set one, for example index.html, so that a request for the root URL returns that object instead of a listing of the origin or an error.\n$ aws cloudfront update-distribution --id {distribution} --default-root-object index.html",
	},
	"CloudFront.12": {
		"List the distribution's origins.\n$ aws cloudfront get-distribution-config --id {distribution} --query 'DistributionConfig.Origins.Items[].[Id,DomainName]'",
		"Check that each S3 origin bucket exists and belongs to you.\n$ aws s3api head-bucket --bucket <BUCKET_NAME>",
		"A missing bucket can be created by anyone, who would then serve content under your distribution's domain: point the origin at a bucket of your own account, or create the bucket in your account with the same name, at once.",
	},
	"EC2.25": {
		"Check which versions of launch template {launch_template} give network interfaces a public IP address.\n$ aws ec2 describe-launch-template-versions --launch-template-id {launch_template} --query 'LaunchTemplateVersions[].[VersionNumber,DefaultVersion,LaunchTemplateData.NetworkInterfaces[].AssociatePublicIpAddress]' --region {region}",
		"Create a new version whose network interfaces have AssociatePublicIpAddress set to false (in the console: Modify template, Create new version), then make it the default.\n$ aws ec2 modify-launch-template --launch-template-id {launch_template} --default-version <VERSION_NUMBER> --region {region}",
	},
	"ECS.2": {
		"Check whether the service gives its tasks a public IP address.\n$ aws ecs describe-services --cluster <CLUSTER_NAME> --services <SERVICE_NAME> --query 'services[].networkConfiguration.awsvpcConfiguration' --region {region}",
		"Run the tasks in private subnets without public addresses; they reach ECR and other services through a NAT gateway or VPC endpoints. The new network configuration takes effect when the service deploys new tasks.\n$ aws ecs update-service --cluster <CLUSTER_NAME> --service <SERVICE_NAME> --network-configuration 'awsvpcConfiguration={subnets=[<PRIVATE_SUBNET_ID>],securityGroups=[<SECURITY_GROUP_ID>],assignPublicIp=DISABLED}' --region {region}",
	},
	"ECS.9": ecsTaskDefEN("'taskDefinition.containerDefinitions[].[name,logConfiguration.logDriver]'", "Register a new revision that gives every container a logConfiguration (for example the awslogs driver and a CloudWatch Logs group), and update the services that use it."),
	"ECS.16": {
		"Check whether the service's task sets give their tasks a public IP address.\n$ aws ecs describe-task-sets --cluster <CLUSTER_NAME> --service <SERVICE_NAME> --query 'taskSets[].[id,status,networkConfiguration.awsvpcConfiguration.assignPublicIp]' --region {region}",
		"A task set's network configuration cannot be changed: create a task set with assignPublicIp DISABLED in private subnets (through your external deployment controller, or with create-task-set), move the traffic to it, then remove the old task set.",
	},
	"ElastiCache.1": {
		"Check how many days of automatic backups the cluster keeps (0 means none), and whether it belongs to a replication group.\n$ aws elasticache describe-cache-clusters --cache-cluster-id <CACHE_CLUSTER_ID> --query 'CacheClusters[].[SnapshotRetentionLimit,ReplicationGroupId]' --region {region}",
		"Turn automatic backups on for the replication group (or, for a cluster alone, with modify-cache-cluster), keeping for example 7 days.\n$ aws elasticache modify-replication-group --replication-group-id <REPLICATION_GROUP_ID> --snapshot-retention-limit 7 --apply-immediately --region {region}",
	},
	"ElastiCache.2": {
		"Check automatic minor version upgrades of the cluster.\n$ aws elasticache describe-cache-clusters --cache-cluster-id <CACHE_CLUSTER_ID> --query 'CacheClusters[].[AutoMinorVersionUpgrade,ReplicationGroupId]' --region {region}",
		"Turn them on; they are applied in the maintenance window. For a member of a replication group, use modify-replication-group with the same option.\n$ aws elasticache modify-cache-cluster --cache-cluster-id <CACHE_CLUSTER_ID> --auto-minor-version-upgrade --apply-immediately --region {region}",
	},
	"ElastiCache.7": {
		"Check the cluster's subnet group.\n$ aws elasticache describe-cache-clusters --cache-cluster-id <CACHE_CLUSTER_ID> --query 'CacheClusters[].CacheSubnetGroupName' --region {region}",
		"Create a subnet group of private subnets of your own.\n$ aws elasticache create-cache-subnet-group --cache-subnet-group-name <SUBNET_GROUP_NAME> --cache-subnet-group-description <DESCRIPTION> --subnet-ids <SUBNET_ID> --region {region}",
		"A cluster's subnet group cannot be changed: create a new cluster in that subnet group (from a backup of this one), switch the clients to it, then delete the old cluster.",
	},
	"ElasticBeanstalk.2": {
		"Check the environment's managed actions settings.\n$ aws elasticbeanstalk describe-configuration-settings --application-name <APPLICATION_NAME> --environment-name <ENVIRONMENT_NAME> --query 'ConfigurationSettings[].OptionSettings[?starts_with(Namespace, `aws:elasticbeanstalk:managedactions`)]' --region {region}",
		"Turn managed platform updates on, with a weekly maintenance window (UTC) and the update level; enhanced health reporting must be on.\n$ aws elasticbeanstalk update-environment --environment-name <ENVIRONMENT_NAME> --option-settings Namespace=aws:elasticbeanstalk:managedactions,OptionName=ManagedActionsEnabled,Value=true Namespace=aws:elasticbeanstalk:managedactions,OptionName=PreferredStartTime,Value=Sun:02:00 Namespace=aws:elasticbeanstalk:managedactions:platformupdate,OptionName=UpdateLevel,Value=minor --region {region}",
	},
	"ElasticBeanstalk.3": {
		"Check whether the environment streams its instance logs to CloudWatch Logs.\n$ aws elasticbeanstalk describe-configuration-settings --application-name <APPLICATION_NAME> --environment-name <ENVIRONMENT_NAME> --query 'ConfigurationSettings[].OptionSettings[?Namespace==`aws:elasticbeanstalk:cloudwatch:logs`]' --region {region}",
		"Turn log streaming on; the instance profile needs permission to write to CloudWatch Logs.\n$ aws elasticbeanstalk update-environment --environment-name <ENVIRONMENT_NAME> --option-settings Namespace=aws:elasticbeanstalk:cloudwatch:logs,OptionName=StreamLogs,Value=true --region {region}",
	},
	"EMR.1": {
		"Check the cluster's subnet and the public DNS name of its primary node.\n$ aws emr describe-cluster --cluster-id <CLUSTER_ID> --query 'Cluster.[Ec2InstanceAttributes.Ec2SubnetId,MasterPublicDnsName]' --region {region}",
		"The network of a running cluster cannot be changed: launch a new cluster in a private subnet, move the jobs to it, then terminate the old one. Keep EMR block public access turned on for the account.",
	},
	"Opensearch.7": {
		"Check fine-grained access control and what it requires: encryption at rest, node-to-node encryption and HTTPS only.\n$ aws opensearch describe-domain --domain-name {search_domain} --query 'DomainStatus.[AdvancedSecurityOptions,EncryptionAtRestOptions.Enabled,NodeToNodeEncryptionOptions.Enabled,DomainEndpointOptions.EnforceHTTPS]' --region {region}",
		"Turn it on with an IAM role as master user. On an existing domain, AnonymousAuthEnabled keeps the current clients working while you map them to roles; turn it off afterwards.\n$ aws opensearch update-domain-config --domain-name {search_domain} --advanced-security-options 'Enabled=true,InternalUserDatabaseEnabled=false,MasterUserOptions={MasterUserARN=<IAM_ROLE_ARN>},AnonymousAuthEnabled=true' --region {region}",
	},
	"RDS.46": {
		"List the subnets of the instance's DB subnet group.\n$ aws rds describe-db-instances --db-instance-identifier {db} --query 'DBInstances[].DBSubnetGroup.[DBSubnetGroupName,Subnets[].SubnetIdentifier]' --region {region}",
		"Check each subnet's route table for a route to an internet gateway (igw-...).\n$ aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=<SUBNET_ID> --query 'RouteTables[].Routes[].[DestinationCidrBlock,GatewayId]' --region {region}",
		"Move the instance to a DB subnet group of private subnets, as the remediation guide describes, or remove the internet gateway route if nothing else in those subnets needs it. Turn public access off as well (RDS.2).",
	},
	"Redshift.15": {
		"Find the cluster's port and security groups.\n$ aws redshift describe-clusters --cluster-identifier {redshift_cluster} --query 'Clusters[].[Endpoint.Port,VpcSecurityGroups[].VpcSecurityGroupId]' --region {region}",
		"List the rules of each security group, and find those open to 0.0.0.0/0 or ::/0 on the cluster port.\n$ aws ec2 describe-security-group-rules --filters Name=group-id,Values=<SECURITY_GROUP_ID> --region {region}",
		"Add rules for the address ranges or security groups of the clients, then remove each open rule by its id.\n$ aws ec2 revoke-security-group-ingress --group-id <SECURITY_GROUP_ID> --security-group-rule-ids <RULE_ID> --region {region}",
	},
	"RedshiftServerless.1": {
		"Check enhanced VPC routing of the workgroup.\n$ aws redshift-serverless get-workgroup --workgroup-name <WORKGROUP_NAME> --query workgroup.enhancedVpcRouting --region {region}",
		"Turn it on, so that COPY and UNLOAD traffic goes through your VPC, its endpoints and its controls; S3 then needs a gateway endpoint or a NAT gateway.\n$ aws redshift-serverless update-workgroup --workgroup-name <WORKGROUP_NAME> --enhanced-vpc-routing --region {region}",
	},
	"RedshiftServerless.3": {
		"Check whether the workgroup is publicly accessible.\n$ aws redshift-serverless get-workgroup --workgroup-name <WORKGROUP_NAME> --query workgroup.publiclyAccessible --region {region}",
		"Unless clients outside the VPC must connect to it directly, turn public access off.\n$ aws redshift-serverless update-workgroup --workgroup-name <WORKGROUP_NAME> --no-publicly-accessible --region {region}",
	},
	"S3.24": {
		"Check the Block Public Access settings of the Multi-Region Access Point (its requests always go to us-west-2).\n$ aws s3control get-multi-region-access-point --account-id {account} --name <MULTI_REGION_ACCESS_POINT_NAME> --region us-west-2",
		"These settings cannot be changed after creation: create a new Multi-Region Access Point with all four settings on, move its users to it, then delete the old one.",
	},
	"SageMaker.2": {
		"Check the subnet and security groups of notebook instance {notebook}.\n$ aws sagemaker describe-notebook-instance --notebook-instance-name {notebook} --query '[SubnetId,SecurityGroups,DirectInternetAccess]' --region {region}",
		"The VPC can only be set when the notebook instance is created: create one in a subnet of your VPC with direct internet access disabled, and move the work to it.\n$ aws sagemaker create-notebook-instance --notebook-instance-name <NEW_NOTEBOOK_NAME> --instance-type <INSTANCE_TYPE> --role-arn <ROLE_ARN> --subnet-id <SUBNET_ID> --security-group-ids <SECURITY_GROUP_ID> --direct-internet-access Disabled --region {region}",
	},
	"EC2.29": {
		"Check whether the instance runs in a VPC (no VpcId means EC2-Classic).\n$ aws ec2 describe-instances --instance-ids {instance} --query 'Reservations[].Instances[].[VpcId,SubnetId]' --region {region}",
		"EC2-Classic is retired: create an AMI of the instance, launch a replacement from it in a VPC, move the traffic and addresses to it, then terminate the old instance.",
	},
	"ECS.1": ecsTaskDefEN("'taskDefinition.[networkMode,containerDefinitions[].[name,privileged,user]]'", "With networkMode \"host\", every container must run with privileged false and a non-root user: register a new revision that sets user to a non-root user (or uses the awsvpc network mode instead), and update the services that use it."),
	"RDS.18": {
		"Check whether the DB instance is in a VPC.\n$ aws rds describe-db-instances --db-instance-identifier {db} --query 'DBInstances[].DBSubnetGroup.VpcId' --region {region}",
		"EC2-Classic is retired: move the instance into a VPC by giving it a DB subnet group of that VPC, in a maintenance window, as the remediation guide describes.",
	},
}

var s3PublicEN = []string{
	"Check whether the policy of {bucket} makes it public.\n$ aws s3api get-bucket-policy-status --bucket {bucket}",
	"Check the bucket's Block Public Access settings.\n$ aws s3api get-public-access-block --bucket {bucket}",
	"Unless {bucket} must be public (a public website is better served through CloudFront with origin access control), block public access on it.\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
}

var sgOpenEN = []string{
	"List the rules of {sg}, and find those open to 0.0.0.0/0 or ::/0 on the reported ports.\n$ aws ec2 describe-security-group-rules --filters Name=group-id,Values={sg} --region {region}",
	"Add rules for the address ranges that need access (or administer through Systems Manager Session Manager), then remove each open rule by its id.\n$ aws ec2 revoke-security-group-ingress --group-id {sg} --security-group-rule-ids <RULE_ID> --region {region}",
}

var iamUserMFAEN = []string{
	"List the MFA devices of {user}.\n$ aws iam list-mfa-devices --user-name {user}",
	"Have the user register an MFA device (ideally a FIDO security key) at their next sign-in, or remove their console password if they do not need the console. For people, IAM Identity Center is preferable to IAM users.",
}

var passwordPolicyEN = []string{
	"Read the account's password policy.\n$ aws iam get-account-password-policy",
	"Set the policy the control's parameters ask for (the remediation guide lists them). Every setting is given at once: one left out returns to its default. For example, at least 14 characters of every kind and none of the last 24 passwords, as CIS asks:\n$ aws iam update-account-password-policy --minimum-password-length 14 --require-uppercase-characters --require-lowercase-characters --require-numbers --require-symbols --password-reuse-prevention 24",
}

var unusedCredentialsEN = []string{
	"Check when {user} last signed in (PasswordLastUsed).\n$ aws iam get-user --user-name {user}",
	"List the user's access keys, then check when each was last used.\n$ aws iam list-access-keys --user-name {user}",
	"When an access key was last used:\n$ aws iam get-access-key-last-used --access-key-id <ACCESS_KEY_ID>",
	"Deactivate the credentials nobody uses (the key below, or the console password in the IAM console), and delete them later if nothing breaks.\n$ aws iam update-access-key --user-name {user} --access-key-id <ACCESS_KEY_ID> --status Inactive",
}

var trailEnabledEN = []string{
	"List the trails that apply to {region}, including multi-Region trails of other Regions.\n$ aws cloudtrail describe-trails --include-shadow-trails --region {region}",
	"Check that a trail is logging.\n$ aws cloudtrail get-trail-status --name <TRAIL_NAME> --region {region}",
	"If there is no multi-Region trail, create one that records read and write management events (an organization trail from the management account covers every account), then start it.\n$ aws cloudtrail create-trail --name <TRAIL_NAME> --s3-bucket-name <BUCKET_NAME> --is-multi-region-trail --region {region}",
	"Start logging:\n$ aws cloudtrail start-logging --name <TRAIL_NAME> --region {region}",
}

func guardDutyFeatureEN(feature string) []string {
	return []string{
		"Find the GuardDuty detector of {region}.\n$ aws guardduty list-detectors --region {region}",
		"Check its protection plans (Features).\n$ aws guardduty get-detector --detector-id <DETECTOR_ID> --region {region}",
		"Turn the plan on; in an organisation, turn it on for every account from the GuardDuty delegated administrator instead.\n$ aws guardduty update-detector --detector-id <DETECTOR_ID> --features Name=" + feature + ",Status=ENABLED --region {region}",
	}
}

func inspectorScanEN(types string) []string {
	return []string{
		"Check which Amazon Inspector scans are on for account {account}.\n$ aws inspector2 batch-get-account-status --account-ids {account} --region {region}",
		"Turn the scan on; in an organisation, from the Inspector delegated administrator.\n$ aws inspector2 enable --resource-types " + types + " --account-ids {account} --region {region}",
	}
}

func ecsTaskDefEN(query, fix string) []string {
	return []string{
		"Check the task definition's containers.\n$ aws ecs describe-task-definition --task-definition {task_definition} --query " + query + " --region {region}",
		fix,
	}
}

func clusterSnapshotEN(svc string) []string {
	return []string{
		"Check who can restore the cluster snapshot (\"all\" means anyone).\n$ aws " + svc + " describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier {db_cluster_snapshot} --region {region}",
		"Make it private.\n$ aws " + svc + " modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier {db_cluster_snapshot} --attribute-name restore --values-to-remove all --region {region}",
	}
}

func launchConfigurationEN(want string) []string {
	return []string{
		"Look at launch configuration {launch_configuration}.\n$ aws autoscaling describe-launch-configurations --launch-configuration-names {launch_configuration} --region {region}",
		"Launch configurations cannot be changed: move the Auto Scaling group to a launch template with " + want + ".",
	}
}
