package explain

import "strings"

// identity names a CloudTrail identity type in English, as the middle of
// a sentence writes it ("the root user", "IAM user alice"); name is the IAM
// user, role or principal ("" for the root user).
func (en) identity(typ, name string) string {
	what := map[string]string{
		"Root": "the root user", "IAMUser": "IAM user", "AssumedRole": "role", "FederatedUser": "federated user",
		"AWSService": "AWS service", "AWSAccount": "AWS account", "IdentityCenterUser": "IAM Identity Center user",
		"SAMLUser": "SAML user", "WebIdentityUser": "web identity user", "Directory": "directory user", "Unknown": "an unknown identity",
	}[typ]
	switch {
	case typ == "Root":
		return "the root user"
	case what == "" && name == "":
		return "an unknown identity"
	case what == "":
		return typ + " " + name
	case name == "" && strings.ContainsRune("AEIOUaeiou", rune(what[0])):
		return "an " + what
	case name == "":
		return "a " + what
	}
	return what + " " + name
}

// resourceTypes are English names for the resource types vigil names
// itself (CloudTrail parameters); types as a source names them are shown
// verbatim.
var resourceTypesEN = map[string]string{
	"s3-bucket": "S3 bucket", "ec2-instance": "EC2 instance", "security-group": "security group", "iam-user": "IAM user",
	"iam-role": "IAM role", "iam-group": "IAM group", "lambda-function": "Lambda function", "kms-key": "KMS key",
	"secret": "secret", "ebs-snapshot": "EBS snapshot", "ami": "AMI", "db-instance": "DB instance",
	"db-snapshot": "DB snapshot", "db-cluster-snapshot": "DB cluster snapshot", "trail": "trail",
	"lambda-layer": "Lambda layer", "ssm-document": "Systems Manager document",
}

func (en) resourceType(t string) string {
	if s, ok := resourceTypesEN[t]; ok {
		return s
	}
	return t
}

// value shows an enumerated value of a detail in English: booleans as
// yes/no, everything else as the source sent it.
func (en) value(key, v string) string {
	if boolKeys[key] {
		switch v {
		case "true", "Yes", "YES", "yes":
			return "yes"
		case "false", "No", "NO", "no":
			return "no"
		}
	}
	if listKeys[key] {
		items := strings.Split(v, ", ")
		for i, it := range items {
			if t, ok := valuesEN[key][it]; ok {
				items[i] = t
			}
		}
		return strings.Join(items, ", ")
	}
	return v
}

// listKeys are details whose value is a list of vigil's own tokens, each
// said in the catalog's language.
var listKeys = map[string]bool{"public_via": true, "block_public_access_off": true}

var valuesEN = map[string]map[string]string{
	"public_via":              {"acl": "ACL", "bucket-policy": "bucket policy"},
	"block_public_access_off": {"bucket": "bucket level", "account": "account level"},
}

// timeValue shows a time as the source sent it.
func (en) timeValue(s string) string { return s }

// boolKeys are the details whose values are yes/no.
var boolKeys = map[string]bool{"blocked": true, "public": true, "mfa": true, "mfa_used": true, "privileged": true}
