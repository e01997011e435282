package sandbox

import "strings"

// partition is the AWS partition a region belongs to, the second field of
// every ARN: aws-cn in China, aws-us-gov in GovCloud, aws elsewhere.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// globalRegion is where a partition's global services (IAM) live.
func globalRegion(region string) string {
	switch partition(region) {
	case "aws-cn":
		return "cn-north-1"
	case "aws-us-gov":
		return "us-gov-west-1"
	}
	return "us-east-1"
}

// regionalARN builds arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
func regionalARN(region, service, acct, resource string) string {
	return "arn:" + partition(region) + ":" + service + ":" + region + ":" + acct + ":" + resource
}

// arn is an ARN of the caller's account and region.
func (rq *request) arn(service, resource string) string {
	return regionalARN(rq.region, service, rq.account, resource)
}

// globalARN is an ARN of a global service (IAM, STS) in the caller's
// account: no region, the partition of the region the caller used.
func (rq *request) globalARN(service, resource string) string {
	return globalARN(rq.region, service, rq.account, resource)
}

func globalARN(region, service, acct, resource string) string {
	return "arn:" + partition(region) + ":" + service + "::" + acct + ":" + resource
}
