package sandbox

import "strconv"

// VPC and subnet attributes: DNS settings of a VPC, whether a subnet gives
// instances public addresses.

func (v *VPC) dnsSupport() bool { return v.DNSSupport == nil || *v.DNSSupport }

func (v *VPC) dnsHostnames() bool {
	if v.DNSHostnames == nil {
		return v.Default
	}
	return *v.DNSHostnames
}

func ec2DescribeVpcAttribute(rq *request) error {
	attr := rq.form["Attribute"]
	r := rq.ec2Region()
	defer rq.unlock()
	v := r.vpc(rq.form["VpcId"])
	if v == nil {
		return notFoundVPC(rq.form["VpcId"])
	}
	var val bool
	switch attr {
	case "enableDnsSupport":
		val = v.dnsSupport()
	case "enableDnsHostnames":
		val = v.dnsHostnames()
	case "enableNetworkAddressUsageMetrics":
	default:
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	rq.writeEC2(func(x *xmlw) {
		x.leaf("vpcId", v.ID)
		x.open(attr)
		x.leaf("value", strconv.FormatBool(val))
		x.close(attr)
	})
	return nil
}

func ec2ModifyVpcAttribute(rq *request) error {
	f := rq.form
	sup, hasSup := f["EnableDnsSupport.Value"]
	host, hasHost := f["EnableDnsHostnames.Value"]
	if hasSup == hasHost {
		return apiErr(400, "InvalidParameterCombination", "Exactly one of EnableDnsSupport or EnableDnsHostnames must be given.")
	}
	r := rq.ec2Region()
	defer rq.unlock()
	v := r.vpc(f["VpcId"])
	if v == nil {
		return notFoundVPC(f["VpcId"])
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	if hasSup {
		b := f.bool("EnableDnsSupport.Value") || sup == "1"
		v.DNSSupport = &b
	} else {
		b := f.bool("EnableDnsHostnames.Value") || host == "1"
		if b && !v.dnsSupport() {
			return apiErr(400, "InvalidParameterValue", "Cannot enable DNS hostnames: DNS support is not enabled for VPC %s.", v.ID)
		}
		v.DNSHostnames = &b
	}
	rq.writeEC2(func(x *xmlw) { x.bool("return", true) })
	return nil
}

func ec2ModifySubnetAttribute(rq *request) error {
	f := rq.form
	if _, ok := f["MapPublicIpOnLaunch.Value"]; !ok {
		return apiErr(400, "InvalidParameterValue", "The sandbox changes MapPublicIpOnLaunch only.")
	}
	r := rq.ec2Region()
	defer rq.unlock()
	s := r.subnet(f["SubnetId"])
	if s == nil {
		return notFoundSubnet(f["SubnetId"])
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	s.MapPublicIPOnLaunch = f.bool("MapPublicIpOnLaunch.Value")
	rq.writeEC2(func(x *xmlw) { x.bool("return", true) })
	return nil
}
