package knowledge

// cloudTrailEN is the English prose of the CloudTrail call catalog (see
// cloudtrail.go). Meaning says what the call did, with the values of the
// record; the assessment (why it matters, how much) is vigil's and comes
// from the explain package. Steps check the change and, for a change that
// was not intended, reverse it with the record's own values.
var cloudTrailEN = map[string]Guidance{
	// ---- IAM ----
	"iam:AttachUserPolicy": {
		Meaning: "The managed policy {policy_arn} was attached to IAM user {user}: the user now has every permission the policy grants.",
		Steps: []string{
			"If the attachment was not intended, detach the policy.\n$ aws iam detach-user-policy --user-name {user} --policy-arn {policy_arn}",
			"Review what else the user can do.\n$ aws iam list-attached-user-policies --user-name {user}",
		},
	},
	"iam:AttachRolePolicy": {
		Meaning: "The managed policy {policy_arn} was attached to IAM role {role}: whoever can assume the role now has every permission the policy grants.",
		Steps: []string{
			"If the attachment was not intended, detach the policy.\n$ aws iam detach-role-policy --role-name {role} --policy-arn {policy_arn}",
			"Check who can assume the role (its trust policy).\n$ aws iam get-role --role-name {role}",
		},
	},
	"iam:AttachGroupPolicy": {
		Meaning: "The managed policy {policy_arn} was attached to IAM group {group}: every member of the group now has the permissions it grants.",
		Steps: []string{
			"If the attachment was not intended, detach the policy.\n$ aws iam detach-group-policy --group-name {group} --policy-arn {policy_arn}",
			"List the members of the group.\n$ aws iam get-group --group-name {group}",
		},
	},
	"iam:PutUserPolicy": {
		Meaning: "The inline policy {policy_name} was added to (or replaced on) IAM user {user}.",
		Steps: []string{
			"Read the policy as it is now.\n$ aws iam get-user-policy --user-name {user} --policy-name {policy_name}",
			"If it was not intended, remove the inline policy.\n$ aws iam delete-user-policy --user-name {user} --policy-name {policy_name}",
		},
	},
	"iam:PutRolePolicy": {
		Meaning: "The inline policy {policy_name} was added to (or replaced on) IAM role {role}.",
		Steps: []string{
			"Read the policy as it is now.\n$ aws iam get-role-policy --role-name {role} --policy-name {policy_name}",
			"If it was not intended, remove the inline policy.\n$ aws iam delete-role-policy --role-name {role} --policy-name {policy_name}",
		},
	},
	"iam:PutGroupPolicy": {
		Meaning: "The inline policy {policy_name} was added to (or replaced on) IAM group {group}.",
		Steps: []string{
			"Read the policy as it is now.\n$ aws iam get-group-policy --group-name {group} --policy-name {policy_name}",
			"If it was not intended, remove the inline policy.\n$ aws iam delete-group-policy --group-name {group} --policy-name {policy_name}",
		},
	},
	"iam:CreatePolicyVersion": {
		Meaning: "A new version of the managed policy {policy_arn} was created; if it was set as the default, everyone the policy is attached to has its permissions now.",
		Steps: []string{
			"List the versions and see which is the default.\n$ aws iam list-policy-versions --policy-arn {policy_arn}",
			"If the new version was not intended, make the previous version the default again.\n$ aws iam set-default-policy-version --policy-arn {policy_arn} --version-id <PREVIOUS_VERSION_ID>",
		},
	},
	"iam:SetDefaultPolicyVersion": {
		Meaning: "Another version of the managed policy {policy_arn} was made the default: everyone the policy is attached to now has that version's permissions.",
		Steps: []string{
			"List the versions and compare the new default with the previous one.\n$ aws iam list-policy-versions --policy-arn {policy_arn}",
		},
	},
	"iam:AddUserToGroup": {
		Meaning: "IAM user {user} was added to group {group} and now has the group's permissions.",
		Steps: []string{
			"Check the group's policies.\n$ aws iam list-attached-group-policies --group-name {group}",
			"If the membership was not intended, remove the user from the group.\n$ aws iam remove-user-from-group --user-name {user} --group-name {group}",
		},
	},
	"iam:CreateAccessKey": {
		Meaning: "A new access key {key} was created for IAM user {user}. Whoever holds it can call AWS as that user until the key is deactivated.",
		Steps: []string{
			"If the key was not created by the user for a known purpose, deactivate it.\n$ aws iam update-access-key --user-name {user} --access-key-id {key} --status Inactive",
			"List the user's keys and when each was last used.\n$ aws iam list-access-keys --user-name {user}",
		},
	},
	"iam:CreateAccessKey#self": {
		Meaning: "IAM user {user} created a new access key {key} for itself.",
		Steps: []string{
			"List the user's keys: a user normally has one active key, two only while rotating.\n$ aws iam list-access-keys --user-name {user}",
		},
	},
	"iam:CreateLoginProfile": {
		Meaning: "A console password was created for IAM user {user}: the user can now sign in to the AWS Management Console.",
		Steps: []string{
			"If console access was not intended, remove the password.\n$ aws iam delete-login-profile --user-name {user}",
			"Check the user's MFA devices: a console user should have one.\n$ aws iam list-mfa-devices --user-name {user}",
		},
	},
	"iam:UpdateLoginProfile": {
		Meaning: "The console password of IAM user {user} was changed.",
		Steps: []string{
			"Confirm with the user that they changed it. If not, treat the console password as known to someone else: set a new one with a reset required, or remove console access.\n$ aws iam update-login-profile --user-name {user} --password-reset-required",
		},
	},
	"iam:CreateUser": {
		Meaning: "A new IAM user {user} was created.",
		Steps: []string{
			"Check what the new user can do and which credentials it has.\n$ aws iam list-attached-user-policies --user-name {user}",
			"List its access keys.\n$ aws iam list-access-keys --user-name {user}",
		},
	},
	"iam:UpdateAssumeRolePolicy": {
		Meaning: "The trust policy of IAM role {role} was replaced: it decides who can assume the role and use its permissions.",
		Steps: []string{
			"Read the trust policy as it is now.\n$ aws iam get-role --role-name {role}",
			"If the new trust was not intended, put back a trust policy that names only the intended principals.\n$ aws iam update-assume-role-policy --role-name {role} --policy-document file://<TRUST_POLICY_FILE>",
		},
	},
	"iam:CreateRole": {
		Meaning: "A new IAM role {role} was created; its trust policy decides who can assume it.",
		Steps: []string{
			"Read the role and its trust policy.\n$ aws iam get-role --role-name {role}",
			"Check the permissions attached to it.\n$ aws iam list-attached-role-policies --role-name {role}",
		},
	},
	"iam:DeactivateMFADevice": {
		Meaning: "The MFA device {mfa_serial} of IAM user {user} was deactivated: the user can now sign in with the password alone.",
		Steps: []string{
			"Check the user's MFA devices.\n$ aws iam list-mfa-devices --user-name {user}",
			"Confirm with the user; if they did not do it, re-register an MFA device with them and reset their password.",
		},
	},
	"iam:DeleteVirtualMFADevice": {
		Meaning: "The virtual MFA device {mfa_serial} was deleted.",
		Steps: []string{
			"List the virtual MFA devices that remain and whom they are assigned to.\n$ aws iam list-virtual-mfa-devices",
		},
	},
	"iam:UpdateAccountPasswordPolicy": {
		Meaning: "The account's password policy for IAM users was changed.",
		Steps: []string{
			"Read the password policy as it is now.\n$ aws iam get-account-password-policy",
		},
	},
	"iam:DeleteAccountPasswordPolicy": {
		Meaning: "The account's password policy was deleted: IAM user passwords now only need to meet AWS's default rules.",
		Steps: []string{
			"Put back the password policy your organisation requires.\n$ aws iam update-account-password-policy --minimum-password-length <LENGTH> --require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters",
		},
	},
	"iam:DeleteUserPermissionsBoundary": {
		Meaning: "The permissions boundary of IAM user {user} was removed: the user's policies are no longer capped by it.",
		Steps: []string{
			"If the boundary was required, set it again.\n$ aws iam put-user-permissions-boundary --user-name {user} --permissions-boundary <BOUNDARY_POLICY_ARN>",
		},
	},
	"iam:DeleteRolePermissionsBoundary": {
		Meaning: "The permissions boundary of IAM role {role} was removed: the role's policies are no longer capped by it.",
		Steps: []string{
			"If the boundary was required, set it again.\n$ aws iam put-role-permissions-boundary --role-name {role} --permissions-boundary <BOUNDARY_POLICY_ARN>",
		},
	},
	"iam:CreateOpenIDConnectProvider": {
		Meaning: "A new OpenID Connect identity provider was added to the account: roles that trust it can be assumed with tokens it issues.",
		Steps: []string{
			"Read the provider's settings.\n$ aws iam get-open-id-connect-provider --open-id-connect-provider-arn {provider}",
		},
	},
	"iam:CreateSAMLProvider": {
		Meaning: "A new SAML identity provider was added to the account: roles that trust it can be assumed by whoever the provider vouches for.",
		Steps: []string{
			"Read the provider's settings.\n$ aws iam get-saml-provider --saml-provider-arn {provider}",
		},
	},

	// ---- STS ----
	"sts:AssumeRole": {
		Meaning: "Temporary credentials for role {role_arn} were issued to the caller.",
		Steps: []string{
			"Check what the session did with the role's permissions (search CloudTrail for the role session name in the account that owns the role).",
		},
	},
	"sts:GetFederationToken": {
		Meaning: "IAM user {user} obtained federation token credentials. They stay valid until they expire (up to 36 hours) even if the user's access key is deactivated.",
		Steps: []string{
			"If the credentials may be in the wrong hands, deny the user everything: credentials from GetFederationToken carry the user's permissions, so this also stops them.\n$ aws iam attach-user-policy --user-name {user} --policy-arn arn:aws:iam::aws:policy/AWSDenyAll",
		},
	},
	"sts:GetSessionToken": {
		Meaning: "IAM user {user} obtained temporary session credentials.",
	},

	// ---- EC2 and VPC ----
	"ec2:AuthorizeSecurityGroupIngress": {
		Meaning: "Inbound rules were added to security group {sg}: every instance and interface in the group accepts this traffic now.",
		Steps: []string{
			"If the rules were not intended, revoke exactly the rules this call added.\n$ aws ec2 revoke-security-group-ingress --group-id {sg} --security-group-rule-ids {rule_ids} --region {region}",
			"Review the group's rules as they are now.\n$ aws ec2 describe-security-group-rules --filters Name=group-id,Values={sg} --region {region}",
		},
	},
	"ec2:CreateNetworkAclEntry": {
		Meaning: "An inbound rule was added to network ACL {nacl}, at rule number {rule_number}: it applies to every subnet associated with the ACL.",
		Steps: []string{
			"If the rule was not intended, delete it.\n$ aws ec2 delete-network-acl-entry --network-acl-id {nacl} --rule-number {rule_number} --no-egress --region {region}",
		},
	},
	"ec2:ReplaceNetworkAclEntry": {
		Meaning: "Inbound rule {rule_number} of network ACL {nacl} was replaced: it applies to every subnet associated with the ACL.",
		Steps: []string{
			"Review the ACL's rules as they are now.\n$ aws ec2 describe-network-acls --network-acl-ids {nacl} --region {region}",
		},
	},
	"ec2:ModifySnapshotAttribute": {
		Meaning: "The create-volume permission of EBS snapshot {snapshot} was changed: the accounts it names can copy the snapshot's data into volumes of their own.",
		Steps: []string{
			"If the sharing was not intended, remove it.\n$ aws ec2 modify-snapshot-attribute --snapshot-id {snapshot} --attribute createVolumePermission --operation-type remove --user-ids {accounts} --region {region}",
			"Check who can use the snapshot now.\n$ aws ec2 describe-snapshot-attribute --snapshot-id {snapshot} --attribute createVolumePermission --region {region}",
		},
	},
	"ec2:ModifySnapshotAttribute#public": {
		Meaning: "EBS snapshot {snapshot} was made public: every AWS account can create a volume from it and read its data.",
		Steps: []string{
			"Make the snapshot private again.\n$ aws ec2 modify-snapshot-attribute --snapshot-id {snapshot} --attribute createVolumePermission --operation-type remove --group-names all --region {region}",
		},
	},
	"ec2:ModifyImageAttribute": {
		Meaning: "The launch permission of AMI {image} was changed: the accounts it names can launch instances from the image and read what is on it.",
		Steps: []string{
			"If the sharing was not intended, remove it.\n$ aws ec2 modify-image-attribute --image-id {image} --attribute launchPermission --operation-type remove --user-ids {accounts} --region {region}",
			"Check who can launch the image now.\n$ aws ec2 describe-image-attribute --image-id {image} --attribute launchPermission --region {region}",
		},
	},
	"ec2:ModifyImageAttribute#public": {
		Meaning: "AMI {image} was made public: every AWS account can launch it and read what is on it.",
		Steps: []string{
			"Make the image private again.\n$ aws ec2 modify-image-attribute --image-id {image} --attribute launchPermission --operation-type remove --user-groups all --region {region}",
		},
	},
	"ec2:DisableEbsEncryptionByDefault": {
		Meaning: "EBS encryption by default was turned off in {region}: new volumes there are created unencrypted unless each one asks for encryption.",
		Steps: []string{
			"Turn it back on.\n$ aws ec2 enable-ebs-encryption-by-default --region {region}",
		},
	},
	"ec2:DeleteFlowLogs": {
		Meaning: "VPC flow logs were deleted: network traffic of the VPCs, subnets or interfaces they covered is no longer recorded.",
		Steps: []string{
			"List the flow logs that remain.\n$ aws ec2 describe-flow-logs --region {region}",
			"Create the flow log again for the resource that lost it.\n$ aws ec2 create-flow-logs --resource-type VPC --resource-ids <VPC_ID> --traffic-type ALL --log-destination-type cloud-watch-logs --log-group-name <LOG_GROUP> --deliver-logs-permission-arn <ROLE_ARN> --region {region}",
		},
	},
	"ec2:EnableSerialConsoleAccess": {
		Meaning: "Access to the EC2 serial console was turned on for the account in {region}: with the right permissions, a user can reach an instance's console without network access.",
		Steps: []string{
			"If it is not needed, turn it off again.\n$ aws ec2 disable-serial-console-access --region {region}",
		},
	},
	"ec2:ModifyInstanceAttribute": {
		Meaning: "An attribute of instance {instance} was changed.",
		Steps: []string{
			"Read the instance's user data: it runs as root when the instance starts.\n$ aws ec2 describe-instance-attribute --instance-id {instance} --attribute userData --region {region}",
		},
	},
	"ec2:CreateKeyPair": {
		Meaning: "A new EC2 key pair {key_pair} was created; whoever has its private key can log in to instances launched with it.",
		Steps: []string{
			"Check the key pair.\n$ aws ec2 describe-key-pairs --key-names {key_pair} --region {region}",
		},
	},
	"ec2:ImportKeyPair": {
		Meaning: "A public key was imported as EC2 key pair {key_pair}; whoever has the matching private key can log in to instances launched with it.",
		Steps: []string{
			"Check the key pair.\n$ aws ec2 describe-key-pairs --key-names {key_pair} --region {region}",
		},
	},
	"ec2:CreateVpcPeeringConnection": {
		Meaning: "A VPC peering connection to a VPC in another account was requested.",
		Steps: []string{
			"Check the peering connection and its state.\n$ aws ec2 describe-vpc-peering-connections --vpc-peering-connection-ids {peering} --region {region}",
		},
	},

	// ---- S3 ----
	"s3:PutBucketPolicy": {
		Meaning: "The bucket policy of S3 bucket {bucket} was replaced.",
		Steps: []string{
			"Read the policy as it is now.\n$ aws s3api get-bucket-policy --bucket {bucket}",
			"Check whether S3 considers the bucket public.\n$ aws s3api get-bucket-policy-status --bucket {bucket}",
		},
	},
	"s3:PutBucketPolicy#public": {
		Meaning: "The bucket policy of S3 bucket {bucket} was replaced with one that allows any principal (\"*\") without a condition: anyone on the internet may be able to use the allowed actions.",
		Steps: []string{
			"Block public access to the bucket: this stops the public grant from taking effect while you fix the policy.\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
			"Read the policy and remove the statement for \"*\".\n$ aws s3api get-bucket-policy --bucket {bucket}",
		},
	},
	"s3:PutBucketAcl": {
		Meaning: "The access control list of S3 bucket {bucket} was replaced.",
		Steps: []string{
			"Read the ACL as it is now.\n$ aws s3api get-bucket-acl --bucket {bucket}",
		},
	},
	"s3:PutBucketAcl#public": {
		Meaning: "The access control list of S3 bucket {bucket} now grants access to everyone (AllUsers) or to every AWS user (AuthenticatedUsers).",
		Steps: []string{
			"Make the ACL private again.\n$ aws s3api put-bucket-acl --bucket {bucket} --acl private",
			"Block public access to the bucket.\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		},
	},
	"s3:PutBucketPublicAccessBlock": {
		Meaning: "The Block Public Access settings of S3 bucket {bucket} were changed.",
		Steps: []string{
			"If public access is not needed, turn every setting on again.\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		},
	},
	"s3:DeleteBucketPublicAccessBlock": {
		Meaning: "The Block Public Access settings of S3 bucket {bucket} were removed: a public bucket policy or ACL on it can now take effect (unless the account-level settings block it).",
		Steps: []string{
			"If public access is not needed, put the settings back.\n$ aws s3api put-public-access-block --bucket {bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		},
	},
	"s3:PutBucketLogging": {
		Meaning: "The server access logging of S3 bucket {bucket} was changed.",
		Steps: []string{
			"Check the logging settings as they are now.\n$ aws s3api get-bucket-logging --bucket {bucket}",
		},
	},
	"s3:PutBucketVersioning": {
		Meaning: "The versioning of S3 bucket {bucket} was changed.",
		Steps: []string{
			"If versioning should stay on, enable it again.\n$ aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled",
		},
	},

	// ---- KMS ----
	"kms:ScheduleKeyDeletion": {
		Meaning:  "KMS key {kms_key} was scheduled for deletion. When the waiting period ends the key is deleted, and everything encrypted under it can never be decrypted again.",
		Response: "Unless the deletion is planned and nothing still needs the key, cancel it now: it can be cancelled only during the waiting period.",
		Steps: []string{
			"Cancel the deletion (the key stays disabled afterwards).\n$ aws kms cancel-key-deletion --key-id {kms_key} --region {region}",
			"Enable the key again if it is in use.\n$ aws kms enable-key --key-id {kms_key} --region {region}",
		},
	},
	"kms:DisableKey": {
		Meaning: "KMS key {kms_key} was disabled: nothing can encrypt or decrypt with it until it is enabled again, so services that depend on it fail.",
		Steps: []string{
			"If the key is in use, enable it again.\n$ aws kms enable-key --key-id {kms_key} --region {region}",
		},
	},
	"kms:DisableKeyRotation": {
		Meaning: "Automatic rotation of KMS key {kms_key} was turned off.",
		Steps: []string{
			"Turn rotation back on.\n$ aws kms enable-key-rotation --key-id {kms_key} --region {region}",
		},
	},
	"kms:PutKeyPolicy": {
		Meaning: "The key policy of KMS key {kms_key} was replaced: it decides who can use and manage the key.",
		Steps: []string{
			"Read the key policy as it is now.\n$ aws kms get-key-policy --key-id {kms_key} --policy-name default --region {region}",
		},
	},
	"kms:CreateGrant": {
		Meaning: "A grant on KMS key {kms_key} was created: the grantee may use the key for the operations the grant allows.",
		Steps: []string{
			"List the key's grants.\n$ aws kms list-grants --key-id {kms_key} --region {region}",
			"If the grant was not intended, revoke it.\n$ aws kms revoke-grant --key-id {kms_key} --grant-id {grant} --region {region}",
		},
	},

	// ---- CloudTrail ----
	"cloudtrail:StopLogging": {
		Meaning:  "Logging of trail {trail} was stopped: API calls in the account are no longer recorded to it. Stopping audit logging is a classic way to hide what comes next.",
		Response: "Start logging again at once, then find out who stopped it and what they did around that time.",
		Steps: []string{
			"Start logging again.\n$ aws cloudtrail start-logging --name {trail} --region {region}",
			"Check the trail's status.\n$ aws cloudtrail get-trail-status --name {trail} --region {region}",
		},
	},
	"cloudtrail:DeleteTrail": {
		Meaning:  "Trail {trail} was deleted: API calls in the account are no longer recorded to it. Removing audit logging is a classic way to hide what comes next.",
		Response: "Recreate the trail, then find out who deleted it and what they did around that time (the 90-day event history still has it).",
		Steps: []string{
			"Recreate the trail and start logging.\n$ aws cloudtrail create-trail --name {trail} --s3-bucket-name <LOG_BUCKET> --is-multi-region-trail --enable-log-file-validation --region {region}",
			"Start logging.\n$ aws cloudtrail start-logging --name {trail} --region {region}",
		},
	},
	"cloudtrail:UpdateTrail": {
		Meaning: "The settings of trail {trail} were changed.",
		Steps: []string{
			"Read the trail's settings as they are now.\n$ aws cloudtrail get-trail --name {trail} --region {region}",
		},
	},
	"cloudtrail:PutEventSelectors": {
		Meaning: "The event selectors of trail {trail} were replaced: they decide which events the trail records.",
		Steps: []string{
			"Read the selectors as they are now.\n$ aws cloudtrail get-event-selectors --trail-name {trail} --region {region}",
		},
	},

	// ---- AWS Config ----
	"config:StopConfigurationRecorder": {
		Meaning: "AWS Config recorder {recorder} was stopped: configuration changes are no longer recorded, and Config rules and Security Hub controls stop seeing them.",
		Steps: []string{
			"Start the recorder again.\n$ aws configservice start-configuration-recorder --configuration-recorder-name {recorder} --region {region}",
		},
	},
	"config:DeleteConfigurationRecorder": {
		Meaning: "AWS Config recorder {recorder} was deleted: configuration changes are no longer recorded in {region}.",
		Steps: []string{
			"Check what remains of the Config setup.\n$ aws configservice describe-configuration-recorder-status --region {region}",
		},
	},
	"config:DeleteDeliveryChannel": {
		Meaning: "AWS Config delivery channel {channel} was deleted: configuration history and snapshots are no longer delivered.",
		Steps: []string{
			"Check the delivery channels that remain.\n$ aws configservice describe-delivery-channels --region {region}",
		},
	},
	"config:DeleteConfigRule": {
		Meaning: "AWS Config rule {rule} was deleted: the resources it checked are no longer evaluated by it.",
		Steps: []string{
			"List the Config rules that remain.\n$ aws configservice describe-config-rules --region {region}",
		},
	},

	// ---- GuardDuty ----
	"guardduty:DeleteDetector": {
		Meaning:  "GuardDuty detector {detector} was deleted: GuardDuty no longer monitors this account in {region}.",
		Response: "Enable GuardDuty again at once, then find out who deleted the detector and what they did around that time.",
		Steps: []string{
			"Enable GuardDuty again.\n$ aws guardduty create-detector --enable --region {region}",
		},
	},
	"guardduty:UpdateDetector": {
		Meaning: "The settings of GuardDuty detector {detector} were changed.",
		Steps: []string{
			"Read the detector's settings as they are now.\n$ aws guardduty get-detector --detector-id {detector} --region {region}",
		},
	},
	"guardduty:UpdateDetector#disabled": {
		Meaning: "GuardDuty detector {detector} was suspended: GuardDuty no longer monitors this account in {region}.",
		Steps: []string{
			"Resume the detector.\n$ aws guardduty update-detector --detector-id {detector} --enable --region {region}",
		},
	},
	"guardduty:CreateFilter": {
		Meaning: "GuardDuty filter {filter} was created on detector {detector}.",
		Steps: []string{
			"Read the filter: with the action ARCHIVE, new findings that match it are archived automatically and never reach a notification.\n$ aws guardduty get-filter --detector-id {detector} --filter-name {filter} --region {region}",
		},
	},
	"guardduty:CreateIPSet": {
		Meaning: "A trusted IP list was added to GuardDuty detector {detector}: GuardDuty does not generate findings for traffic from the addresses on it.",
		Steps: []string{
			"Read the list and where it is stored.\n$ aws guardduty get-ip-set --detector-id {detector} --ip-set-id {ipset} --region {region}",
		},
	},
	"guardduty:UpdateIPSet": {
		Meaning: "Trusted IP list {ipset} of GuardDuty detector {detector} was changed: GuardDuty does not generate findings for traffic from the addresses on it.",
		Steps: []string{
			"Read the list and where it is stored.\n$ aws guardduty get-ip-set --detector-id {detector} --ip-set-id {ipset} --region {region}",
		},
	},
	"guardduty:DisassociateFromMasterAccount": {
		Meaning: "This account left its GuardDuty administrator account: the security team's GuardDuty administrator no longer sees its findings.",
		Steps: []string{
			"Check the account's GuardDuty administrator.\n$ aws guardduty get-administrator-account --detector-id {detector} --region {region}",
		},
	},
	"guardduty:DisassociateFromAdministratorAccount": {
		Meaning: "This account left its GuardDuty administrator account: the security team's GuardDuty administrator no longer sees its findings.",
		Steps: []string{
			"Check the account's GuardDuty administrator.\n$ aws guardduty get-administrator-account --detector-id {detector} --region {region}",
		},
	},
	"guardduty:DeleteMembers": {
		Meaning: "Member accounts were removed from GuardDuty detector {detector}: their findings no longer reach this administrator account.",
		Steps: []string{
			"List the member accounts that remain.\n$ aws guardduty list-members --detector-id {detector} --region {region}",
		},
	},

	// ---- Security Hub ----
	"securityhub:DisableSecurityHub": {
		Meaning: "Security Hub was disabled in {region}: its standards are disabled, its controls stop running, the administrator and member associations are removed, and its findings there are deleted after 90 days.",
		Steps: []string{
			"Enable Security Hub again.\n$ aws securityhub enable-security-hub --region {region}",
		},
	},
	"securityhub:BatchDisableStandards": {
		Meaning: "Security standards were disabled in Security Hub: their controls no longer run in {region}.",
		Steps: []string{
			"List the standards that are still enabled.\n$ aws securityhub get-enabled-standards --region {region}",
		},
	},
	"securityhub:UpdateStandardsControl": {
		Meaning: "A Security Hub control was changed: {control_arn}.",
		Steps: []string{
			"If the control was disabled by mistake, enable it again.\n$ aws securityhub update-standards-control --standards-control-arn {control_arn} --control-status ENABLED --region {region}",
		},
	},
	"securityhub:DisableImportFindingsForProduct": {
		Meaning: "Security Hub stopped importing findings from an integrated product: {product}.",
		Steps: []string{
			"List the products whose findings are still imported.\n$ aws securityhub list-enabled-products-for-import --region {region}",
		},
	},

	// ---- Organizations ----
	"organizations:LeaveOrganization": {
		Meaning:  "The account left its AWS Organizations organization: service control policies no longer restrict it, and the organization's central security services may no longer cover it.",
		Response: "Confirm with the organization's management account owners that this was planned; if it was not, treat the account's credentials as compromised.",
	},
	"organizations:RemoveAccountFromOrganization": {
		Meaning: "An account was removed from the organization: service control policies no longer restrict it.",
		Steps: []string{
			"List the accounts that remain in the organization.\n$ aws organizations list-accounts",
		},
	},
	"organizations:DetachPolicy": {
		Meaning: "Organization policy {org_policy} was detached from {target}.",
		Steps: []string{
			"If the policy (for example a service control policy) is still required, attach it again.\n$ aws organizations attach-policy --policy-id {org_policy} --target-id {target}",
		},
	},
	"organizations:DisablePolicyType": {
		Meaning: "The policy type {policy_type} was disabled in root {root}: no policy of that type applies anywhere in the organization now.",
		Steps: []string{
			"Enable the policy type again, then check that its policies are still attached.\n$ aws organizations enable-policy-type --root-id {root} --policy-type {policy_type}",
		},
	},

	// ---- Lambda ----
	"lambda:AddPermission": {
		Meaning: "A statement {statement_id} was added to the resource policy of Lambda function {function}: it lets the named principal invoke or manage the function.",
		Steps: []string{
			"If the permission was not intended, remove the statement.\n$ aws lambda remove-permission --function-name {function} --statement-id {statement_id} --region {region}",
			"Read the function's resource policy as it is now.\n$ aws lambda get-policy --function-name {function} --region {region}",
		},
	},
	"lambda:AddLayerVersionPermission": {
		Meaning: "Version {layer_version} of Lambda layer {layer} was shared by a new statement {statement_id}.",
		Steps: []string{
			"If the sharing was not intended, remove the statement.\n$ aws lambda remove-layer-version-permission --layer-name {layer} --version-number {layer_version} --statement-id {statement_id} --region {region}",
		},
	},
	"lambda:CreateFunctionUrlConfig": {
		Meaning: "A function URL was created for Lambda function {function}.",
		Steps: []string{
			"If the URL must not be public, require IAM authentication.\n$ aws lambda update-function-url-config --function-name {function} --auth-type AWS_IAM --region {region}",
		},
	},
	"lambda:UpdateFunctionUrlConfig": {
		Meaning: "The function URL of Lambda function {function} was changed.",
		Steps: []string{
			"If the URL must not be public, require IAM authentication.\n$ aws lambda update-function-url-config --function-name {function} --auth-type AWS_IAM --region {region}",
		},
	},
	"lambda:UpdateFunctionConfiguration": {
		Meaning: "The configuration of Lambda function {function} was changed.",
		Steps: []string{
			"Read the function's configuration as it is now (layers, role, environment).\n$ aws lambda get-function-configuration --function-name {function} --region {region}",
		},
	},
	"lambda:UpdateFunctionCode": {
		Meaning: "The code of Lambda function {function} was replaced.",
		Steps: []string{
			"Check the function's code and who deployed it (CodeSha256 and LastModified).\n$ aws lambda get-function --function-name {function} --region {region}",
		},
	},

	// ---- RDS ----
	"rds:ModifyDBSnapshotAttribute": {
		Meaning: "The restore permission of DB snapshot {snapshot} was changed: the accounts it names can restore the snapshot and read the database's data.",
		Steps: []string{
			"If the sharing was not intended, remove it.\n$ aws rds modify-db-snapshot-attribute --db-snapshot-identifier {snapshot} --attribute-name restore --values-to-remove {accounts} --region {region}",
			"Check who can restore the snapshot now.\n$ aws rds describe-db-snapshot-attributes --db-snapshot-identifier {snapshot} --region {region}",
		},
	},
	"rds:ModifyDBSnapshotAttribute#public": {
		Meaning: "DB snapshot {snapshot} was made public: every AWS account can restore it and read the database's data.",
		Steps: []string{
			"Make the snapshot private again.\n$ aws rds modify-db-snapshot-attribute --db-snapshot-identifier {snapshot} --attribute-name restore --values-to-remove all --region {region}",
		},
	},
	"rds:ModifyDBClusterSnapshotAttribute": {
		Meaning: "The restore permission of DB cluster snapshot {snapshot} was changed: the accounts it names can restore the snapshot and read the cluster's data.",
		Steps: []string{
			"If the sharing was not intended, remove it.\n$ aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier {snapshot} --attribute-name restore --values-to-remove {accounts} --region {region}",
		},
	},
	"rds:ModifyDBClusterSnapshotAttribute#public": {
		Meaning: "DB cluster snapshot {snapshot} was made public: every AWS account can restore it and read the cluster's data.",
		Steps: []string{
			"Make the snapshot private again.\n$ aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier {snapshot} --attribute-name restore --values-to-remove all --region {region}",
		},
	},
	"rds:ModifyDBInstance": {
		Meaning: "The settings of DB instance {db} were changed.",
		Steps: []string{
			"Read the instance's settings as they are now (PubliclyAccessible, security groups).\n$ aws rds describe-db-instances --db-instance-identifier {db} --region {region}",
		},
	},
	"rds:ModifyDBInstance#public": {
		Meaning: "DB instance {db} was made publicly accessible: it gets a public address and, if its security groups allow, accepts connections from the internet.",
		Steps: []string{
			"Make the instance private again.\n$ aws rds modify-db-instance --db-instance-identifier {db} --no-publicly-accessible --apply-immediately --region {region}",
		},
	},
	"rds:CreateDBInstance": {
		Meaning: "A new DB instance {db} was created.",
		Steps: []string{
			"Read the instance's settings.\n$ aws rds describe-db-instances --db-instance-identifier {db} --region {region}",
		},
	},
	"rds:DeleteDBInstance": {
		Meaning: "DB instance {db} was deleted.",
		Steps: []string{
			"Check which snapshots of the instance remain to restore from.\n$ aws rds describe-db-snapshots --db-instance-identifier {db} --region {region}",
		},
	},
	"rds:DeleteDBCluster": {
		Meaning: "DB cluster {cluster} was deleted.",
		Steps: []string{
			"Check which snapshots of the cluster remain to restore from.\n$ aws rds describe-db-cluster-snapshots --db-cluster-identifier {cluster} --region {region}",
		},
	},

	// ---- Secrets Manager ----
	"secretsmanager:DeleteSecret": {
		Meaning: "Secret {secret} was deleted.",
		Steps: []string{
			"If it is still in its recovery window, restore it.\n$ aws secretsmanager restore-secret --secret-id {secret} --region {region}",
		},
	},
	"secretsmanager:PutResourcePolicy": {
		Meaning: "The resource policy of secret {secret} was replaced: it decides who else may read the secret.",
		Steps: []string{
			"Read the policy as it is now.\n$ aws secretsmanager get-resource-policy --secret-id {secret} --region {region}",
		},
	},
	"secretsmanager:GetSecretValue": {
		Meaning: "The value of secret {secret} was read.",
		Steps: []string{
			"If the reader should not have it, rotate the secret and find how the reader got access.\n$ aws secretsmanager rotate-secret --secret-id {secret} --region {region}",
		},
	},
	"secretsmanager:BatchGetSecretValue": {
		Meaning: "The values of several secrets were read in one call.",
	},

	// ---- Systems Manager ----
	"ssm:SendCommand": {
		Meaning: "Systems Manager Run Command sent document {document} to managed nodes: the commands run on them as root (Linux) or SYSTEM (Windows).",
		Steps: []string{
			"See what ran and what it printed.\n$ aws ssm list-command-invocations --command-id {command} --details --region {region}",
		},
	},
	"ssm:StartSession": {
		Meaning: "A Session Manager session was started on {session_target}: the caller got an interactive shell on it.",
		Steps: []string{
			"List the sessions on that target.\n$ aws ssm describe-sessions --state History --filters key=Target,value={session_target} --region {region}",
		},
	},
	"ssm:GetParameters": {
		Meaning: "Parameter Store parameters were read.",
	},
	"ssm:GetParameter": {
		Meaning: "A Parameter Store parameter was read.",
	},
	"ssm:ModifyDocumentPermission": {
		Meaning: "The sharing of Systems Manager document {document} was changed.",
		Steps: []string{
			"Check who can use the document now.\n$ aws ssm describe-document-permission --name {document} --permission-type Share --region {region}",
		},
	},
	"ssm:ModifyDocumentPermission#public": {
		Meaning: "Systems Manager document {document} was made public: every AWS account can read and run it, with whatever it contains.",
		Steps: []string{
			"Stop sharing the document publicly.\n$ aws ssm modify-document-permission --name {document} --permission-type Share --account-ids-to-remove All --region {region}",
		},
	},
	// ---- EC2 instance access ----
	"ec2:GetPasswordData": {
		Meaning: "The encrypted Windows administrator password of instance {instance} was retrieved: whoever holds the private key of the instance's key pair can decrypt it and sign in as Administrator.",
		Steps: []string{
			"See which key pair the instance was launched with, and find who holds its private key.\n$ aws ec2 describe-instances --instance-ids {instance} --region {region}",
			"If the caller should not have the password, change the Administrator password on the instance: the retrieved one stays valid until then.",
		},
	},
	"ec2:DescribeInstanceAttribute#userdata": {
		Meaning: "The user data of instance {instance} was read.",
		Steps: []string{
			"Read the user data yourself and look for credentials; rotate any you find and move them to Secrets Manager or Parameter Store.\n$ aws ec2 describe-instance-attribute --instance-id {instance} --attribute userData --region {region}",
		},
	},
	"ec2-instance-connect:SendSSHPublicKey": {
		Meaning: "An SSH public key was pushed to instance {instance} for OS user {os_user} through EC2 Instance Connect.",
		Steps: []string{
			"See how the instance can be reached (its addresses and security groups).\n$ aws ec2 describe-instances --instance-ids {instance} --region {region}",
			"On the instance, check the SSH logins of {os_user} around the time of the call in the system's authentication log.",
		},
	},
	"ec2-instance-connect:SendSerialConsoleSSHPublicKey": {
		Meaning: "An SSH public key was pushed to the serial console of instance {instance} through EC2 Instance Connect.",
		Steps: []string{
			"If nobody needs the serial console, turn off access to it for the account.\n$ aws ec2 disable-serial-console-access --region {region}",
		},
	},

	// ---- Logs ----
	"route53resolver:DeleteResolverQueryLogConfig": {
		Meaning: "The Route 53 Resolver query logging configuration {query_log_config} was deleted: DNS queries from the VPCs it covered are no longer logged.",
		Steps: []string{
			"List the query logging configurations that remain.\n$ aws route53resolver list-resolver-query-log-configs --region {region}",
			"If the deletion was not intended, create the configuration again, then associate it with the VPCs.\n$ aws route53resolver create-resolver-query-log-config --name <NAME> --destination-arn {log_destination} --region {region}",
		},
	},
	"logs:DeleteLogGroup": {
		Meaning: "The CloudWatch Logs log group {log_group} was deleted, with every log event it stored.",
		Steps: []string{
			"Check whether something still writes to that name (a trail, flow logs, a function): it may need the group again, and its earlier events are gone.\n$ aws logs describe-log-groups --log-group-name-prefix {log_group} --region {region}",
		},
	},

	// ---- IAM Roles Anywhere ----
	"rolesanywhere:CreateTrustAnchor": {
		Meaning: "IAM Roles Anywhere trust anchor {trust_anchor_name} was created: a workload with a certificate from its certificate authority can obtain temporary AWS credentials for the roles of a Roles Anywhere profile.",
		Steps: []string{
			"Review the trust anchor and its certificate authority.\n$ aws rolesanywhere get-trust-anchor --trust-anchor-id {trust_anchor} --region {region}",
			"If it was not intended, disable it.\n$ aws rolesanywhere disable-trust-anchor --trust-anchor-id {trust_anchor} --region {region}",
			"List the profiles: they say which roles a certificate can obtain.\n$ aws rolesanywhere list-profiles --region {region}",
		},
	},
}
