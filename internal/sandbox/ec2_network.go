package sandbox

import (
	"slices"
)

var awsRegions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"eu-central-1", "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-south-1", "sa-east-1"}

func ec2DescribeRegions(rq *request) error {
	rq.writeEC2(func(x *xmlw) {
		x.open("regionInfo")
		for _, n := range awsRegions {
			x.open("item")
			x.leaf("regionName", n)
			x.leaf("regionEndpoint", "ec2."+n+".amazonaws.com")
			x.leaf("optInStatus", "opt-in-not-required")
			x.close("item")
		}
		x.close("regionInfo")
	})
	return nil
}
func ec2DescribeAvailabilityZones(rq *request) error {
	rq.writeEC2(func(x *xmlw) {
		x.open("availabilityZoneInfo")
		for _, s := range []string{"a", "b", "c", "d"} {
			x.open("item")
			x.leaf("zoneName", rq.region+s)
			x.leaf("zoneState", "available")
			x.leaf("regionName", rq.region)
			x.close("item")
		}
		x.close("availabilityZoneInfo")
	})
	return nil
}
func ec2DescribeAccountAttributes(rq *request) error {
	rq.writeEC2(func(x *xmlw) {
		x.open("accountAttributeSet")
		x.open("item")
		x.leaf("attributeName", "supported-platforms")
		x.WriteString("<attributeValueSet><item><attributeValue>VPC</attributeValue></item></attributeValueSet>")
		x.close("item")
		x.close("accountAttributeSet")
	})
	return nil
}
func ec2DescribeNetworkInterfaces(rq *request) error {
	ids := rq.form.list("NetworkInterfaceId")
	r := rq.ec2Region()
	defer rq.unlock()
	rq.writeEC2(func(x *xmlw) {
		x.open("networkInterfaceSet")
		for _, in := range r.Instances {
			if in.NetworkInterfaceID == "" || in.State == "terminated" || len(ids) > 0 && !slices.Contains(ids, in.NetworkInterfaceID) {
				continue
			}
			x.open("item")
			x.leaf("networkInterfaceId", in.NetworkInterfaceID)
			x.opt("subnetId", in.SubnetID)
			x.opt("vpcId", in.VPCID)
			x.opt("availabilityZone", in.AvailabilityZone)
			x.leaf("status", "in-use")
			x.opt("privateIpAddress", in.PrivateIP)
			x.open("attachment")
			x.leaf("instanceId", in.ID)
			x.close("attachment")
			x.open("groupSet")
			for _, id := range in.SecurityGroups {
				x.open("item")
				x.leaf("groupId", id)
				x.close("item")
			}
			x.close("groupSet")
			x.close("item")
		}
		x.close("networkInterfaceSet")
	})
	return nil
}
