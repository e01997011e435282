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
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

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

# newer runs a command for an operation older CLIs lack (AWS CLI 2.9 has
# no batch-get-secret-value): it prints the command's output, or SKIPPED
# and a "skip SERVICE:Operation" line when this CLI does not know the
# command; the test then does not require that operation of this CLI.
newer() {
  local op=$1 out
  shift
  if out=$("$@" 2>&1); then
    printf '%s' "$out"
  elif grep -q "Invalid choice" <<<"$out"; then
    echo "skip $op" >&2
    printf SKIPPED
  else
    printf '%s\n' "$out" >&2
    return 1
  fi
}

echo "== $("$AWS" --version 2>&1)"

# The calls run in five lanes at once, each touching its own resources
# (every AWS CLI call starts Python, and a loaded machine makes a long
# serial run slow). Counts are checked on names a lane owns, never on
# totals another lane could change.

lane_identity() {
  # --- STS
  check sts.get-caller-identity "$(txt sts get-caller-identity --query Account)" 111122223333
  read -r AKID SECRET TOKEN < <(txt sts assume-role --role-arn arn:aws:iam::123456789012:role/vigil-remediation \
    --role-session-name smoke --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
  check sts.assume-role "$(AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN txt sts get-caller-identity --query Arn)" \
    arn:aws:sts::123456789012:assumed-role/vigil-remediation/smoke

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

  # STS
  check sts.get-access-key-info "$(txt sts get-access-key-info --access-key-id AKIAH24JZLHVCY3F7F6L --query Account)" 111122223333

  # IAM: users, keys, login profiles, policies, roles, tags, aliases
  cli iam create-user --user-name smoke-user --tags Key=team,Value=secops >/dev/null
  check iam.get-user "$(txt iam get-user --user-name smoke-user --query User.UserName)" smoke-user
  cli iam update-user --user-name smoke-user --new-path /smoke/
  cli iam tag-user --user-name smoke-user --tags Key=case,Value=IR-1
  check iam.list-user-tags "$(txt iam list-user-tags --user-name smoke-user --query 'length(Tags)')" 2
  cli iam untag-user --user-name smoke-user --tag-keys case
  read -r SKEY SSECRET < <(txt iam create-access-key --user-name smoke-user --query 'AccessKey.[AccessKeyId,SecretAccessKey]')
  check iam.create-access-key "${SKEY:0:4}" AKIA
  cli iam create-login-profile --user-name smoke-user --password 'Smoke-Passw0rd!' --password-reset-required >/dev/null
  check iam.get-login-profile "$(txt iam get-login-profile --user-name smoke-user --query LoginProfile.PasswordResetRequired)" True
  cli iam update-login-profile --user-name smoke-user --no-password-reset-required
  cli iam delete-login-profile --user-name smoke-user
  DOC='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
  PARN=$(txt iam create-policy --policy-name smoke-read --policy-document "$DOC" --query Policy.Arn)
  check iam.get-policy "$(txt iam get-policy --policy-arn "$PARN" --query Policy.DefaultVersionId)" v1
  cli iam create-policy-version --policy-arn "$PARN" --policy-document "$DOC" --set-as-default >/dev/null
  check iam.list-policy-versions "$(txt iam list-policy-versions --policy-arn "$PARN" --query 'length(Versions)')" 2
  check iam.get-policy-version "$(txt iam get-policy-version --policy-arn "$PARN" --version-id v2 --query PolicyVersion.IsDefaultVersion)" True
  cli iam set-default-policy-version --policy-arn "$PARN" --version-id v1
  cli iam delete-policy-version --policy-arn "$PARN" --version-id v2
  check iam.list-policies "$(txt iam list-policies --scope Local --query 'length(Policies)')" 1
  cli iam attach-user-policy --user-name smoke-user --policy-arn "$PARN"
  cli iam attach-user-policy --user-name smoke-user --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
  check iam.list-attached-user-policies "$(txt iam list-attached-user-policies --user-name smoke-user --query 'length(AttachedPolicies)')" 2
  check iam.list-entities-for-policy "$(txt iam list-entities-for-policy --policy-arn "$PARN" --query 'PolicyUsers[0].UserName')" smoke-user
  cli iam put-user-policy --user-name smoke-user --policy-name inline --policy-document "$DOC"
  check iam.list-user-policies "$(txt iam list-user-policies --user-name smoke-user --query 'PolicyNames[0]')" inline
  check iam.get-user-policy "$(txt iam get-user-policy --user-name smoke-user --policy-name inline --query PolicyName)" inline
  cli iam delete-user-policy --user-name smoke-user --policy-name inline
  cli iam detach-user-policy --user-name smoke-user --policy-arn "$PARN"
  cli iam detach-user-policy --user-name smoke-user --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
  TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}'
  cli iam create-role --role-name smoke-role --assume-role-policy-document "$TRUST" >/dev/null
  check iam.get-role "$(txt iam get-role --role-name smoke-role --query Role.RoleName)" smoke-role
  check iam.list-roles "$(txt iam list-roles --query 'length(Roles)')" 1
  cli iam update-role --role-name smoke-role --description smoke
  cli iam update-assume-role-policy --role-name smoke-role --policy-document "$TRUST"
  cli iam tag-role --role-name smoke-role --tags Key=team,Value=secops
  check iam.list-role-tags "$(txt iam list-role-tags --role-name smoke-role --query 'Tags[0].Key')" team
  cli iam untag-role --role-name smoke-role --tag-keys team
  cli iam attach-role-policy --role-name smoke-role --policy-arn "$PARN"
  check iam.list-attached-role-policies "$(txt iam list-attached-role-policies --role-name smoke-role --query 'length(AttachedPolicies)')" 1
  cli iam put-role-policy --role-name smoke-role --policy-name inline --policy-document "$DOC"
  check iam.get-role-policy "$(txt iam get-role-policy --role-name smoke-role --policy-name inline --query PolicyName)" inline
  check iam.list-role-policies "$(txt iam list-role-policies --role-name smoke-role --query 'length(PolicyNames)')" 1
  check sts.assume-role.created "$(txt sts assume-role --role-arn arn:aws:iam::111122223333:role/smoke-role --role-session-name smoke --query AssumedRoleUser.Arn)" \
    arn:aws:sts::111122223333:assumed-role/smoke-role/smoke
  cli iam create-instance-profile --instance-profile-name smoke-profile --tags Key=team,Value=secops >/dev/null
  cli iam add-role-to-instance-profile --instance-profile-name smoke-profile --role-name smoke-role
  check iam.get-instance-profile "$(txt iam get-instance-profile --instance-profile-name smoke-profile --query 'InstanceProfile.Roles[0].RoleName')" smoke-role
  check iam.list-instance-profiles "$(txt iam list-instance-profiles --query "length(InstanceProfiles[?InstanceProfileName=='smoke-profile'])")" 1
  check iam.list-instance-profiles-for-role "$(txt iam list-instance-profiles-for-role --role-name smoke-role --query 'InstanceProfiles[0].InstanceProfileName')" smoke-profile
  cli iam tag-instance-profile --instance-profile-name smoke-profile --tags Key=case,Value=IR-1
  check iam.list-instance-profile-tags "$(txt iam list-instance-profile-tags --instance-profile-name smoke-profile --query 'length(Tags)')" 2
  cli iam untag-instance-profile --instance-profile-name smoke-profile --tag-keys case
  cli iam remove-role-from-instance-profile --instance-profile-name smoke-profile --role-name smoke-role
  cli iam delete-instance-profile --instance-profile-name smoke-profile
  cli iam delete-role-policy --role-name smoke-role --policy-name inline
  cli iam detach-role-policy --role-name smoke-role --policy-arn "$PARN"
  cli iam delete-role --role-name smoke-role
  cli iam tag-policy --policy-arn "$PARN" --tags Key=team,Value=secops
  check iam.list-policy-tags "$(txt iam list-policy-tags --policy-arn "$PARN" --query 'Tags[0].Value')" secops
  cli iam untag-policy --policy-arn "$PARN" --tag-keys team
  cli iam delete-policy --policy-arn "$PARN"
  cli iam delete-access-key --user-name smoke-user --access-key-id "$SKEY"
  cli iam delete-user --user-name smoke-user
  check iam.delete-user "$(txt iam list-users --query 'length(Users)')" 2
  cli iam create-account-alias --account-alias smoke-alias
  check iam.list-account-aliases "$(txt iam list-account-aliases --query 'AccountAliases[0]')" smoke-alias
  cli iam delete-account-alias --account-alias smoke-alias
  cli iam create-account-alias --account-alias example-production
  cli iam delete-account-password-policy
  cli iam update-account-password-policy --minimum-password-length 14 --require-symbols --require-numbers \
    --require-uppercase-characters --require-lowercase-characters --max-password-age 90 --password-reuse-prevention 24 --allow-users-to-change-password
}

lane_compute() {
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
  RULE=$(txt ec2 describe-security-group-rules --filters Name=group-id,Values="$G" --query 'SecurityGroupRules[?IsEgress].SecurityGroupRuleId | [0]')
  check ec2.describe-security-group-rules "${RULE:0:4}" sgr-
  cli ec2 revoke-security-group-egress --group-id "$G" --security-group-rule-ids "$RULE" >/dev/null
  check ec2.revoke-security-group-egress.by-id "$(txt ec2 describe-security-groups --group-ids "$G" --query 'length(SecurityGroups[0].IpPermissionsEgress)')" 0
  SNAPS=$(txt ec2 create-snapshots --instance-specification InstanceId=i-04f2e6a8c0b1d3957 --copy-tags-from-source volume \
    --tag-specifications 'ResourceType=snapshot,Tags=[{Key=vigil:finding,Value=smoke}]' --query 'Snapshots[].SnapshotId')
  read -r -a SNAPIDS <<<"$SNAPS"
  check ec2.create-snapshots "${#SNAPIDS[@]}" 2
  check ec2.describe-snapshots.tag "$(txt ec2 describe-snapshots --filters Name=tag:vigil:finding,Values=smoke --query 'length(Snapshots)')" 2
  for s in "${SNAPIDS[@]}"; do cli ec2 delete-snapshot --snapshot-id "$s" >/dev/null; done
  check ec2.delete-snapshot "$(txt ec2 describe-snapshots --filters Name=tag:vigil:finding,Values=smoke --query 'length(Snapshots)')" 0
  G2=$(txt ec2 create-security-group --group-name smoke-delete-me --description "deleted by the smoke test" --vpc-id vpc-0c4e1a7b93d25f861 --query GroupId)
  cli ec2 delete-security-group --group-id "$G2" >/dev/null
  check ec2.delete-security-group "$(txt ec2 describe-security-groups --filters Name=group-name,Values=smoke-delete-me --query 'length(SecurityGroups)')" 0
  check ec2.stop-instances "$(txt ec2 stop-instances --instance-ids i-0d3e5f7a9b1c2e468 --query 'StoppingInstances[0].[PreviousState.Name,CurrentState.Name]')" "running	stopping"
  check ec2.terminate-instances "$(txt ec2 terminate-instances --instance-ids i-06b5a4c3d2e1f0987 --query 'TerminatingInstances[0].CurrentState.Name')" shutting-down
  if out=$(cli ec2 describe-instances --instance-ids i-0000000000000dead 2>&1); then
    echo "FAIL ec2 error: describing a missing instance succeeded" >&2; exit 1
  fi
  check ec2.error-code "$(grep -o 'InvalidInstanceID.NotFound' <<<"$out" | head -1)" InvalidInstanceID.NotFound

  # EC2: VPCs, subnets, instances, volumes, snapshot sharing, attributes
  V=$(txt ec2 create-vpc --cidr-block 10.77.0.0/16 --query Vpc.VpcId)
  SN=$(txt ec2 create-subnet --vpc-id "$V" --cidr-block 10.77.1.0/24 --availability-zone ap-northeast-1a --query Subnet.SubnetId)
  check ec2.describe-vpc-attribute "$(txt ec2 describe-vpc-attribute --vpc-id "$V" --attribute enableDnsHostnames --query EnableDnsHostnames.Value)" False
  cli ec2 modify-vpc-attribute --vpc-id "$V" --enable-dns-hostnames '{"Value":true}'
  check ec2.modify-vpc-attribute "$(txt ec2 describe-vpc-attribute --vpc-id "$V" --attribute enableDnsHostnames --query EnableDnsHostnames.Value)" True
  cli ec2 modify-subnet-attribute --subnet-id "$SN" --map-public-ip-on-launch
  check ec2.modify-subnet-attribute "$(txt ec2 describe-subnets --subnet-ids "$SN" --query 'Subnets[0].MapPublicIpOnLaunch')" True
  check ec2.describe-subnets "$(txt ec2 describe-subnets --subnet-ids "$SN" --query 'Subnets[0].CidrBlock')" 10.77.1.0/24
  check ec2.describe-network-interfaces "$(txt ec2 describe-network-interfaces --query 'length(NetworkInterfaces) > `0`')" True
  I=$(txt ec2 run-instances --image-id ami-0a3c9e7b5d1f24680 --instance-type t3.micro --count 1 --subnet-id "$SN" \
    --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=smoke}]' --query 'Instances[0].InstanceId')
  check ec2.run-instances "$(txt ec2 describe-instance-status --instance-ids "$I" --query 'InstanceStatuses[0].InstanceState.Name')" running
  cli ec2 stop-instances --instance-ids "$I" >/dev/null
  cli ec2 modify-instance-attribute --instance-id "$I" --instance-type Value=t3.small
  check ec2.describe-instance-attribute "$(txt ec2 describe-instance-attribute --instance-id "$I" --attribute instanceType --query InstanceType.Value)" t3.small
  cli ec2 start-instances --instance-ids "$I" >/dev/null
  cli ec2 associate-iam-instance-profile --instance-id "$I" --iam-instance-profile Name=batch-worker >/dev/null
  ASSOC=$(txt ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values="$I" --query 'IamInstanceProfileAssociations[0].AssociationId')
  check ec2.associate-iam-instance-profile "${ASSOC:0:10}" iip-assoc-
  cli ec2 replace-iam-instance-profile-association --association-id "$ASSOC" --iam-instance-profile Name=ci-runner >/dev/null
  check ec2.replace-iam-instance-profile-association "$(txt ec2 describe-instances --instance-ids "$I" --query 'Reservations[0].Instances[0].IamInstanceProfile.Arn')" \
    arn:aws:iam::111122223333:instance-profile/ci-runner
  cli ec2 disassociate-iam-instance-profile --association-id "$ASSOC" >/dev/null
  check ec2.disassociate-iam-instance-profile "$(txt ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values="$I" --query 'length(IamInstanceProfileAssociations)')" 0
  VOL=$(txt ec2 create-volume --availability-zone ap-northeast-1a --size 10 --query VolumeId)
  cli ec2 attach-volume --volume-id "$VOL" --instance-id "$I" --device /dev/sdf >/dev/null
  check ec2.attach-volume "$(txt ec2 describe-volumes --volume-ids "$VOL" --query 'Volumes[0].State')" in-use
  cli ec2 detach-volume --volume-id "$VOL" >/dev/null
  S2=$(txt ec2 create-snapshot --volume-id "$VOL" --query SnapshotId)
  cli ec2 modify-snapshot-attribute --snapshot-id "$S2" --attribute createVolumePermission --operation-type add --user-ids 999988887777
  check ec2.describe-snapshot-attribute "$(txt ec2 describe-snapshot-attribute --snapshot-id "$S2" --attribute createVolumePermission --query 'CreateVolumePermissions[0].UserId')" 999988887777
  cli ec2 reset-snapshot-attribute --snapshot-id "$S2" --attribute createVolumePermission
  cli ec2 delete-snapshot --snapshot-id "$S2"
  cli ec2 delete-volume --volume-id "$VOL"
  cli ec2 terminate-instances --instance-ids "$I" >/dev/null
  cli ec2 delete-subnet --subnet-id "$SN"
  SGV=$(txt ec2 describe-security-groups --filters Name=vpc-id,Values="$V" --query 'SecurityGroups[0].GroupName')
  check ec2.create-vpc.default-group "$SGV" default
  cli ec2 delete-vpc --vpc-id "$V"
  check ec2.delete-vpc "$(txt ec2 describe-vpcs --filters Name=cidr,Values=10.77.0.0/16 --query 'length(Vpcs)')" 0
  check ec2.describe-iam-instance-profile-associations "$(txt ec2 describe-iam-instance-profile-associations --query 'length(IamInstanceProfileAssociations) > `0`')" True
  check ec2.describe-regions "$(txt ec2 describe-regions --query 'length(Regions) > `10`')" True
  check ec2.describe-availability-zones "$(txt ec2 describe-availability-zones --query 'AvailabilityZones[0].RegionName')" ap-northeast-1
  check ec2.describe-account-attributes "$(txt ec2 describe-account-attributes --query 'AccountAttributes[0].AttributeName')" supported-platforms
}

lane_storage() {
  # --- S3 (path style: the endpoint is an IP address)
  check s3api.list-buckets "$(txt s3api list-buckets --query "length(Buckets[?starts_with(Name, 'example-public-assets')])")" 1
  cli s3api create-bucket --bucket smoke-evidence-111122223333 --create-bucket-configuration LocationConstraint=ap-northeast-1 >/dev/null
  check s3api.create-bucket "$(txt s3api list-buckets --query "Buckets[?Name=='smoke-evidence-111122223333'].Name | [0]")" smoke-evidence-111122223333
  check s3api.get-bucket-policy-status "$(txt s3api get-bucket-policy-status --bucket example-public-assets-111122223333 --query PolicyStatus.IsPublic)" True
  cli s3api put-public-access-block --bucket example-public-assets-111122223333 \
    --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  check s3api.put-public-access-block "$(txt s3api get-public-access-block --bucket example-public-assets-111122223333 --query 'PublicAccessBlockConfiguration.RestrictPublicBuckets')" True
  cli s3api delete-public-access-block --bucket smoke-evidence-111122223333
  if out=$(cli s3api get-public-access-block --bucket smoke-evidence-111122223333 2>&1); then
    echo "FAIL s3api.delete-public-access-block: configuration still there" >&2; exit 1
  fi
  check s3api.delete-public-access-block "$(grep -o NoSuchPublicAccessBlockConfiguration <<<"$out" | head -1)" NoSuchPublicAccessBlockConfiguration

  cli s3api put-bucket-encryption --bucket smoke-evidence-111122223333 \
    --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/smoke"}}]}'
  check s3api.put-bucket-encryption "$(txt s3api get-bucket-encryption --bucket smoke-evidence-111122223333 --query 'ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm')" aws:kms
  cli s3api put-bucket-versioning --bucket smoke-evidence-111122223333 --versioning-configuration Status=Enabled
  check s3api.put-bucket-versioning "$(txt s3api get-bucket-versioning --bucket smoke-evidence-111122223333 --query Status)" Enabled

  # --- S3 Control: the CLI puts the account id in front of the endpoint's
  # host (111122223333.127.0.0.1:PORT); the sandbox answers as an HTTP proxy
  # for such names.
  s3c() { HTTP_PROXY="$SANDBOX_URL" http_proxy="$SANDBOX_URL" cli s3control "$@"; }
  s3c put-public-access-block --account-id 111122223333 \
    --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  check s3control.get-public-access-block "$(s3c get-public-access-block --account-id 111122223333 --output text --query 'PublicAccessBlockConfiguration.BlockPublicPolicy')" True
  s3c delete-public-access-block --account-id 111122223333
  if out=$(s3c get-public-access-block --account-id 111122223333 2>&1); then
    echo "FAIL s3control.delete-public-access-block: configuration still there" >&2; exit 1
  fi
  check s3control.delete-public-access-block "$(grep -o NoSuchPublicAccessBlockConfiguration <<<"$out" | head -1)" NoSuchPublicAccessBlockConfiguration
  s3c put-public-access-block --account-id 111122223333 \
    --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true

  # --- Secrets Manager
  cli secretsmanager create-secret --name smoke/token --secret-string v1 >/dev/null
  check secretsmanager.get-secret-value "$(txt secretsmanager get-secret-value --secret-id smoke/token --query SecretString)" v1
  cli secretsmanager put-secret-value --secret-id smoke/token --secret-string v2 >/dev/null
  check secretsmanager.put-secret-value "$(txt secretsmanager get-secret-value --secret-id smoke/token --query SecretString)" v2
  check secretsmanager.previous "$(txt secretsmanager get-secret-value --secret-id smoke/token --version-stage AWSPREVIOUS --query SecretString)" v1

  # S3 objects, bucket policy, location
  echo '{"k":"v"}' > "$WORK/obj.json"
  cli s3api put-object --bucket smoke-evidence-111122223333 --key docs/obj.json --body "$WORK/obj.json" --content-type application/json --storage-class STANDARD_IA >/dev/null
  check s3api.head-object "$(txt s3api head-object --bucket smoke-evidence-111122223333 --key docs/obj.json --query '[ContentType,StorageClass,ServerSideEncryption]')" "application/json	STANDARD_IA	aws:kms"
  cli s3api get-object --bucket smoke-evidence-111122223333 --key docs/obj.json "$WORK/got.json" >/dev/null
  check s3api.get-object "$(cat "$WORK/got.json")" '{"k":"v"}'
  cli s3api copy-object --bucket smoke-evidence-111122223333 --key docs/copy.json --copy-source smoke-evidence-111122223333/docs/obj.json >/dev/null
  check s3api.list-objects-v2 "$(txt s3api list-objects-v2 --bucket smoke-evidence-111122223333 --prefix docs/ --query 'length(Contents)')" 2
  check s3api.list-objects "$(txt s3api list-objects --bucket smoke-evidence-111122223333 --query 'length(Contents)')" 2
  cli s3api delete-object --bucket smoke-evidence-111122223333 --key docs/copy.json
  cli s3api delete-objects --bucket smoke-evidence-111122223333 --delete 'Objects=[{Key=docs/obj.json}]' >/dev/null
  cli s3api put-bucket-policy --bucket smoke-evidence-111122223333 --policy '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::smoke-evidence-111122223333/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}'
  check s3api.get-bucket-policy "$(txt s3api get-bucket-policy --bucket smoke-evidence-111122223333 --query Policy | grep -c SecureTransport)" 1
  cli s3api delete-bucket-policy --bucket smoke-evidence-111122223333
  check s3api.get-bucket-location "$(txt s3api get-bucket-location --bucket smoke-evidence-111122223333 --query LocationConstraint)" ap-northeast-1
  cli s3api head-bucket --bucket smoke-evidence-111122223333
  cli s3api delete-bucket-encryption --bucket smoke-evidence-111122223333
  cli s3api create-bucket --bucket smoke-empty-111122223333 --create-bucket-configuration LocationConstraint=ap-northeast-1 >/dev/null
  cli s3api delete-bucket --bucket smoke-empty-111122223333

  # Secrets Manager: the rest
  cli secretsmanager update-secret --secret-id smoke/token --description "smoke token" >/dev/null
  check secretsmanager.describe-secret "$(txt secretsmanager describe-secret --secret-id smoke/token --query Description)" "smoke token"
  cli secretsmanager tag-resource --secret-id smoke/token --tags Key=team,Value=secops
  check secretsmanager.list-secrets "$(txt secretsmanager list-secrets --filters Key=tag-key,Values=team --query 'SecretList[0].Name')" smoke/token
  cli secretsmanager untag-resource --secret-id smoke/token --tag-keys team
  check secretsmanager.list-secret-version-ids "$(txt secretsmanager list-secret-version-ids --secret-id smoke/token --query 'length(Versions)')" 2
  V2=$(txt secretsmanager list-secret-version-ids --secret-id smoke/token --query "Versions[?contains(VersionStages, 'AWSPREVIOUS')].VersionId | [0]")
  V3=$(txt secretsmanager list-secret-version-ids --secret-id smoke/token --query "Versions[?contains(VersionStages, 'AWSCURRENT')].VersionId | [0]")
  cli secretsmanager update-secret-version-stage --secret-id smoke/token --version-stage AWSCURRENT --move-to-version-id "$V2" --remove-from-version-id "$V3" >/dev/null
  check secretsmanager.update-secret-version-stage "$(txt secretsmanager get-secret-value --secret-id smoke/token --query SecretString)" v1
  V=$(newer secretsmanager:BatchGetSecretValue txt secretsmanager batch-get-secret-value --secret-id-list smoke/token --query 'length(SecretValues)')
  [ "$V" = SKIPPED ] || check secretsmanager.batch-get-secret-value "$V" 1
  check secretsmanager.get-random-password "$(txt secretsmanager get-random-password --password-length 24 --query 'length(RandomPassword)')" 24
  check secretsmanager.get-resource-policy "$(txt secretsmanager get-resource-policy --secret-id smoke/token --query Name)" smoke/token
  SPOL='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}'
  check secretsmanager.validate-resource-policy "$(txt secretsmanager validate-resource-policy --resource-policy "$SPOL" --query PolicyValidationPassed)" True
  cli secretsmanager put-resource-policy --secret-id smoke/token --resource-policy "$SPOL" --block-public-policy >/dev/null
  check secretsmanager.put-resource-policy "$(txt secretsmanager get-resource-policy --secret-id smoke/token --query ResourcePolicy | grep -c GetSecretValue)" 1
  cli secretsmanager delete-resource-policy --secret-id smoke/token >/dev/null
  cli secretsmanager replicate-secret-to-regions --secret-id smoke/token --add-replica-regions Region=us-east-1 >/dev/null
  cli secretsmanager remove-regions-from-replication --secret-id smoke/token --remove-replica-regions us-east-1 >/dev/null
  cli secretsmanager delete-secret --secret-id smoke/token --recovery-window-in-days 7 >/dev/null
  cli secretsmanager restore-secret --secret-id smoke/token >/dev/null
  check secretsmanager.restore-secret "$(txt secretsmanager get-secret-value --secret-id smoke/token --query Name)" smoke/token
}

lane_messaging() {
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

  # --- CloudWatch
  cli cloudwatch put-metric-data --namespace Vigil/Smoke --metric-name Runs --value 1 --unit Count --dimensions Stage=smoke
  echo "ok   cloudwatch.put-metric-data"

  # SNS: attributes, subscriptions, delivery to SQS, batches, tags
  SQ=$(txt sqs create-queue --queue-name smoke-fanout --query QueueUrl)
  SQA=$(txt sqs get-queue-attributes --queue-url "$SQ" --attribute-names QueueArn --query Attributes.QueueArn)
  cli sqs set-queue-attributes --queue-url "$SQ" --attributes VisibilityTimeout=45
  SUB=$(txt sns subscribe --topic-arn "$T" --protocol sqs --notification-endpoint "$SQA" --attributes RawMessageDelivery=true --query SubscriptionArn)
  check sns.list-subscriptions-by-topic "$(txt sns list-subscriptions-by-topic --topic-arn "$T" --query 'Subscriptions[0].Protocol')" sqs
  check sns.list-subscriptions "$(txt sns list-subscriptions --query 'length(Subscriptions)')" 1
  cli sns set-subscription-attributes --subscription-arn "$SUB" --attribute-name FilterPolicy --attribute-value '{"kind":["finding"]}'
  check sns.get-subscription-attributes "$(txt sns get-subscription-attributes --subscription-arn "$SUB" --query Attributes.FilterPolicyScope)" MessageAttributes
  cli sns publish --topic-arn "$T" --message filtered-out >/dev/null
  cli sns publish --topic-arn "$T" --message delivered --message-attributes 'kind={DataType=String,StringValue=finding}' >/dev/null
  check sns.publish-batch "$(txt sns publish-batch --topic-arn "$T" --publish-batch-request-entries Id=a,Message=batch1 Id=b,Message=batch2 --query 'length(Successful)')" 2
  check sns.delivery-to-sqs "$(txt sqs receive-message --queue-url "$SQ" --query 'Messages[0].Body')" delivered
  cli sns set-topic-attributes --topic-arn "$T" --attribute-name DisplayName --attribute-value Smoke
  check sns.get-topic-attributes "$(txt sns get-topic-attributes --topic-arn "$T" --query Attributes.DisplayName)" Smoke
  cli sns tag-resource --resource-arn "$T" --tags Key=team,Value=secops
  check sns.list-tags-for-resource "$(txt sns list-tags-for-resource --resource-arn "$T" --query 'Tags[0].Key')" team
  cli sns untag-resource --resource-arn "$T" --tag-keys team
  EMAIL=$(txt sns subscribe --topic-arn "$T" --protocol email --notification-endpoint oncall@example.com --return-subscription-arn --query SubscriptionArn)
  TOKEN=$(curl -s "$SANDBOX_URL/_sandbox/state" | python3 -c "import json,sys; s=json.load(sys.stdin); print([x['token'] for a in s['scenario']['accounts'] for r in a.get('regions',[]) for t in r.get('topics',[]) for x in t.get('subscriptions',[]) if x.get('token')][0])")
  check sns.confirm-subscription "$(txt sns confirm-subscription --topic-arn "$T" --token "$TOKEN" --query SubscriptionArn)" "$EMAIL"
  cli sns unsubscribe --subscription-arn "$SUB"
  cli sns unsubscribe --subscription-arn "$EMAIL"
  T2=$(txt sns create-topic --name smoke-deleted --query TopicArn)
  cli sns delete-topic --topic-arn "$T2"

  # SQS: the rest
  cli sqs send-message --queue-url "$SQ" --message-body again >/dev/null
  R2=$(txt sqs receive-message --queue-url "$SQ" --query 'Messages[0].ReceiptHandle')
  check sqs.change-message-visibility-batch "$(txt sqs change-message-visibility-batch --queue-url "$SQ" --entries "Id=a,ReceiptHandle=$R2,VisibilityTimeout=0" --query 'length(Successful)')" 1
  check sqs.list-queues "$(txt sqs list-queues --queue-name-prefix smoke- --query 'length(QueueUrls)')" 2
  cli sqs tag-queue --queue-url "$SQ" --tags team=secops,case=IR-1
  cli sqs untag-queue --queue-url "$SQ" --tag-keys case
  check sqs.list-queue-tags "$(txt sqs list-queue-tags --queue-url "$SQ" --query Tags.team)" secops
  cli sqs purge-queue --queue-url "$SQ"
  cli sqs delete-queue --queue-url "$SQ"

  # CloudWatch: alarms and reads
  cli cloudwatch put-metric-alarm --alarm-name smoke-alarm --namespace Vigil/Smoke --metric-name Runs --dimensions Name=Stage,Value=smoke \
    --statistic Sum --period 60 --evaluation-periods 1 --threshold 5 --comparison-operator GreaterThanThreshold --treat-missing-data notBreaching --alarm-actions "$T"
  check cloudwatch.describe-alarms "$(txt cloudwatch describe-alarms --alarm-names smoke-alarm --query 'MetricAlarms[0].StateValue')" OK
  cli cloudwatch put-metric-data --namespace Vigil/Smoke --metric-name Runs --value 9 --dimensions Stage=smoke
  check cloudwatch.alarm-state "$(txt cloudwatch describe-alarms --state-value ALARM --query 'MetricAlarms[0].AlarmName')" smoke-alarm
  NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ); HOUR=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
  check cloudwatch.get-metric-statistics "$(txt cloudwatch get-metric-statistics --namespace Vigil/Smoke --metric-name Runs --dimensions Name=Stage,Value=smoke \
    --start-time "$HOUR" --end-time "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)" --period 3600 --statistics Sum --query 'Datapoints[0].Sum' | sed 's/\.0$//')" 10
  check cloudwatch.get-metric-data "$(txt cloudwatch get-metric-data --start-time "$HOUR" --end-time "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)" \
    --metric-data-queries '[{"Id":"m","MetricStat":{"Metric":{"Namespace":"Vigil/Smoke","MetricName":"Runs","Dimensions":[{"Name":"Stage","Value":"smoke"}]},"Period":3600,"Stat":"Maximum"}}]' \
    --query 'MetricDataResults[0].Values[0]' | sed 's/\.0$//')" 9
  check cloudwatch.list-metrics "$(txt cloudwatch list-metrics --namespace Vigil/Smoke --query 'length(Metrics)')" 1
  cli cloudwatch disable-alarm-actions --alarm-names smoke-alarm
  cli cloudwatch enable-alarm-actions --alarm-names smoke-alarm
  cli cloudwatch set-alarm-state --alarm-name smoke-alarm --state-value OK --state-reason smoke
  cli cloudwatch delete-alarms --alarm-names smoke-alarm
}

lane_detection() {
  # --- GuardDuty
  D=$(txt guardduty create-detector --enable --finding-publishing-frequency FIFTEEN_MINUTES --query DetectorId)
  check guardduty.list-detectors "$(txt guardduty list-detectors --query 'DetectorIds[0]')" "$D"
  cli guardduty update-detector --detector-id "$D" --no-enable
  check guardduty.get-detector "$(txt guardduty get-detector --detector-id "$D" --query '[Status,FindingPublishingFrequency]')" "DISABLED	FIFTEEN_MINUTES"
  cli guardduty delete-detector --detector-id "$D"
  check guardduty.delete-detector "$(txt guardduty list-detectors --query 'length(DetectorIds)')" 0
  cli guardduty create-detector --enable >/dev/null

  # --- SSM Automation
  X=$(txt ssm start-automation-execution --document-name AWSConfigRemediation-EnforceEC2InstanceIMDSv2 --parameters InstanceId=i-0f1e2d3c4b5a69788 --query AutomationExecutionId)
  check ssm.get-automation-execution "$(txt ssm get-automation-execution --automation-execution-id "$X" --query 'AutomationExecution.AutomationExecutionStatus')" Success
  check ssm.effect "$(txt ec2 describe-instances --instance-ids i-0f1e2d3c4b5a69788 --query 'Reservations[0].Instances[0].MetadataOptions.HttpTokens')" required
  check ssm.describe-automation-executions "$(txt ssm describe-automation-executions --query 'length(AutomationExecutionMetadataList)')" 1
  check ssm.describe-document "$(txt ssm describe-document --name AWS-StopEC2Instance --query 'Document.[DocumentType,Owner]')" "Automation	Amazon"

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

  # CloudTrail: trails over the sandbox's own records
  cli s3api create-bucket --bucket smoke-trail-111122223333 --create-bucket-configuration LocationConstraint=ap-northeast-1 >/dev/null
  cli cloudtrail create-trail --name smoke-trail --s3-bucket-name smoke-trail-111122223333 --is-multi-region-trail >/dev/null
  cli cloudtrail start-logging --name smoke-trail
  check cloudtrail.get-trail-status "$(txt cloudtrail get-trail-status --name smoke-trail --query IsLogging)" True
  cli cloudtrail update-trail --name smoke-trail --enable-log-file-validation >/dev/null
  check cloudtrail.get-trail "$(txt cloudtrail get-trail --name smoke-trail --query Trail.LogFileValidationEnabled)" True
  check cloudtrail.describe-trails "$(txt cloudtrail describe-trails --query 'trailList[0].Name')" smoke-trail
  cli cloudtrail stop-logging --name smoke-trail
  check cloudtrail.lookup-events "$(txt cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=StopLogging --query 'length(Events)')" 1
  cli cloudtrail delete-trail --name smoke-trail

  # GuardDuty findings
  D2=$(txt guardduty list-detectors --query 'DetectorIds[0]')
  cli guardduty create-sample-findings --detector-id "$D2" --finding-types 'UnauthorizedAccess:EC2/SSHBruteForce'
  FID=$(txt guardduty list-findings --detector-id "$D2" --query 'FindingIds[0]')
  check guardduty.get-findings "$(txt guardduty get-findings --detector-id "$D2" --finding-ids "$FID" --query 'Findings[0].Type')" UnauthorizedAccess:EC2/SSHBruteForce
  cli guardduty archive-findings --detector-id "$D2" --finding-ids "$FID"
  cli guardduty unarchive-findings --detector-id "$D2" --finding-ids "$FID"

  # Security Hub subscription
  cli securityhub enable-security-hub --region eu-west-3
  check securityhub.describe-hub "$(txt securityhub describe-hub --region eu-west-3 --query HubArn)" arn:aws:securityhub:eu-west-3:111122223333:hub/default
  cli securityhub disable-security-hub --region eu-west-3

  # SSM: stop a finished execution (nothing to stop)
  cli ssm stop-automation-execution --automation-execution-id "$X"
}

pids=()
for lane in identity compute storage messaging detection; do
  ( "lane_$lane" ) >"$WORK/$lane.log" 2>&1 &
  pids+=("$!:$lane")
done
failed=0
for p in "${pids[@]}"; do
  if ! wait "${p%%:*}"; then failed=1; echo "FAIL lane ${p#*:}" >&2; fi
  cat "$WORK/${p#*:}.log"
done
[ "$failed" = 0 ] || exit 1

echo "== all AWS CLI calls succeeded"
