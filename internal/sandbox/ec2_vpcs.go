package sandbox

import (
	"net/netip"
	"slices"
	"strconv"
)

// vpcs describes VPCs for DescribeVpcs.
var vpcs = &kind[*VPC]{
	idParam:  "VpcId",
	id:       func(v *VPC) string { return v.ID },
	tags:     func(v *VPC) map[string]string { return v.Tags },
	notFound: notFoundVPC,
	fields: map[string]func(sc scope, v *VPC) []string{
		"vpc-id":                            func(_ scope, v *VPC) []string { return one(v.ID) },
		"is-default":                        func(_ scope, v *VPC) []string { return one(strconv.FormatBool(v.Default)) },
		"isDefault":                         func(_ scope, v *VPC) []string { return one(strconv.FormatBool(v.Default)) },
		"cidr":                              func(_ scope, v *VPC) []string { return one(v.CIDR) },
		"cidr-block":                        func(_ scope, v *VPC) []string { return one(v.CIDR) },
		"cidr-block-association.cidr-block": func(_ scope, v *VPC) []string { return one(v.CIDR) },
		"owner-id":                          func(sc scope, _ *VPC) []string { return one(sc.acct) },
		"state":                             func(_ scope, _ *VPC) []string { return one("available") },
		"instance-tenancy":                  func(_ scope, _ *VPC) []string { return one("default") },
	},
}

// subnets describes subnets for DescribeSubnets.
var subnets = &kind[*Subnet]{
	idParam:  "SubnetId",
	id:       func(s *Subnet) string { return s.ID },
	tags:     func(s *Subnet) map[string]string { return s.Tags },
	notFound: notFoundSubnet,
	fields: map[string]func(sc scope, s *Subnet) []string{
		"subnet-id":               func(_ scope, s *Subnet) []string { return one(s.ID) },
		"vpc-id":                  func(_ scope, s *Subnet) []string { return one(s.VPCID) },
		"cidr":                    func(_ scope, s *Subnet) []string { return one(s.CIDR) },
		"cidr-block":              func(_ scope, s *Subnet) []string { return one(s.CIDR) },
		"cidrBlock":               func(_ scope, s *Subnet) []string { return one(s.CIDR) },
		"availability-zone":       func(_ scope, s *Subnet) []string { return one(s.AvailabilityZone) },
		"availabilityZone":        func(_ scope, s *Subnet) []string { return one(s.AvailabilityZone) },
		"default-for-az":          func(_ scope, s *Subnet) []string { return one(strconv.FormatBool(s.DefaultForAz)) },
		"defaultForAz":            func(_ scope, s *Subnet) []string { return one(strconv.FormatBool(s.DefaultForAz)) },
		"map-public-ip-on-launch": func(_ scope, s *Subnet) []string { return one(strconv.FormatBool(s.MapPublicIPOnLaunch)) },
		"owner-id":                func(sc scope, _ *Subnet) []string { return one(sc.acct) },
		"state":                   func(_ scope, _ *Subnet) []string { return one("available") },
	},
}

// ec2Region locks the sandbox and returns the caller's region for an EC2
// call: a region the scenario gave no VPC gets AWS's default VPC (with a
// default subnet per zone and its default security group) the first
// time EC2 touches it, as every AWS region has one.
func (rq *request) ec2Region() *Region {
	r := rq.lockRegion()
	if len(r.VPCs) == 0 {
		rq.sb.st.addDefaultVPC(r)
	}
	return r
}

// addDefaultVPC creates the region's default VPC; the caller holds mu.
func (w *world) addDefaultVPC(r *Region) {
	v := &VPC{ID: "vpc-" + w.randID(17, hexDigits), CIDR: "172.31.0.0/16", Default: true}
	r.VPCs = append(r.VPCs, v)
	for i, az := range []string{"a", "b", "c"} {
		r.Subnets = append(r.Subnets, &Subnet{ID: "subnet-" + w.randID(17, hexDigits), VPCID: v.ID,
			CIDR: "172.31." + strconv.Itoa(16*i) + ".0/20", AvailabilityZone: r.Name + az, DefaultForAz: true, MapPublicIPOnLaunch: true})
	}
	w.addDefaultGroup(r, v)
}

// addDefaultGroup gives a new VPC its default security group: traffic
// from itself in, everything out.
func (w *world) addDefaultGroup(r *Region, v *VPC) *SecurityGroup {
	id := "sg-" + w.randID(17, hexDigits)
	g := &SecurityGroup{ID: id, Name: "default", Description: "default VPC security group", VPCID: v.ID,
		Ingress: []*Rule{{Protocol: "-1", Groups: []string{id}}}, Egress: []*Rule{{Protocol: "-1", CIDRs: []string{"0.0.0.0/0"}}}}
	r.SecurityGroups = append(r.SecurityGroups, g)
	return g
}

func ec2DescribeVpcs(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	match, next, err := describe(rq, vpcs, rq.scope(r), r.VPCs)
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("vpcSet")
		for _, v := range match {
			writeVPC(x, rq.account, v, "available")
		}
		x.close("vpcSet")
		x.opt("nextToken", next)
	})
	return nil
}

func writeVPC(x *xmlw, acct string, v *VPC, state string) {
	x.open("item")
	x.leaf("vpcId", v.ID)
	x.leaf("ownerId", acct)
	x.leaf("state", state)
	x.opt("cidrBlock", v.CIDR)
	x.open("cidrBlockAssociationSet")
	x.open("item")
	x.leaf("cidrBlock", v.CIDR)
	x.leaf("associationId", "vpc-cidr-assoc-"+v.ID[4:])
	x.WriteString("<cidrBlockState><state>associated</state></cidrBlockState>")
	x.close("item")
	x.close("cidrBlockAssociationSet")
	x.leaf("dhcpOptionsId", "dopt-"+v.ID[4:])
	x.leaf("instanceTenancy", "default")
	x.bool("isDefault", v.Default)
	x.tags("tagSet", v.Tags)
	x.close("item")
}

// parseCIDR reads an IPv4 CIDR with a prefix of /16 to /28, as VPCs and
// subnets take.
func parseCIDR(c string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(c)
	if err != nil || !p.Addr().Is4() {
		return p, apiErr(400, "InvalidParameterValue", "Value (%s) for parameter cidrBlock is invalid. This is not a valid CIDR block.", c)
	}
	if p.Bits() < 16 || p.Bits() > 28 {
		return p, apiErr(400, "InvalidVpc.Range", "The CIDR '%s' is invalid.", c)
	}
	return p.Masked(), nil
}

func ec2CreateVpc(rq *request) error {
	c := rq.form["CidrBlock"]
	if c == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter CidrBlock (the sandbox does not allocate from IPAM pools)")
	}
	p, err := parseCIDR(c)
	if err != nil {
		return err
	}
	if t := rq.form["InstanceTenancy"]; t != "" && t != "default" && t != "dedicated" {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter instanceTenancy is invalid.", t)
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	w := rq.sb.st
	v := &VPC{ID: "vpc-" + w.randID(17, hexDigits), CIDR: p.String(), Tags: tagSpecs(rq.form, "vpc")}
	r.VPCs = append(r.VPCs, v)
	w.addDefaultGroup(r, v)
	rq.writeEC2(func(x *xmlw) {
		x.WriteString("<vpc>")
		x.leaf("vpcId", v.ID)
		x.leaf("ownerId", rq.account)
		x.leaf("state", "pending")
		x.leaf("cidrBlock", v.CIDR)
		x.leaf("dhcpOptionsId", "dopt-"+v.ID[4:])
		x.leaf("instanceTenancy", orDefault(rq.form["InstanceTenancy"], "default"))
		x.bool("isDefault", false)
		x.tags("tagSet", v.Tags)
		x.WriteString("</vpc>")
	})
	return nil
}

func ec2DeleteVpc(rq *request) error {
	id := rq.form["VpcId"]
	r := rq.ec2Region()
	defer rq.unlock()
	v := r.vpc(id)
	if v == nil {
		return notFoundVPC(id)
	}
	dependent := slices.ContainsFunc(r.Subnets, func(s *Subnet) bool { return s.VPCID == id }) ||
		slices.ContainsFunc(r.Instances, func(in *Instance) bool { return in.VPCID == id && in.State != "terminated" }) ||
		slices.ContainsFunc(r.SecurityGroups, func(g *SecurityGroup) bool { return g.VPCID == id && g.Name != "default" })
	if dependent {
		return apiErr(400, "DependencyViolation", "The vpc '%s' has dependencies and cannot be deleted.", id)
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r.VPCs = slices.DeleteFunc(r.VPCs, func(x *VPC) bool { return x == v })
	r.SecurityGroups = slices.DeleteFunc(r.SecurityGroups, func(g *SecurityGroup) bool { return g.VPCID == id })
	rq.writeOK()
	return nil
}

func ec2CreateSubnet(rq *request) error {
	f := rq.form
	vpcID, c := f["VpcId"], f["CidrBlock"]
	if vpcID == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter VpcId")
	}
	if c == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter CidrBlock")
	}
	p, err := parseCIDR(c)
	if err != nil {
		return err
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	v := r.vpc(vpcID)
	if v == nil {
		return notFoundVPC(vpcID)
	}
	vp, err := netip.ParsePrefix(v.CIDR)
	if err != nil || !vp.Contains(p.Addr()) || p.Bits() < vp.Bits() {
		return apiErr(400, "InvalidSubnet.Range", "The CIDR '%s' is invalid.", c)
	}
	for _, s := range r.Subnets {
		if s.VPCID != vpcID {
			continue
		}
		if sp, err := netip.ParsePrefix(s.CIDR); err == nil && sp.Overlaps(p) {
			return apiErr(400, "InvalidSubnet.Conflict", "The CIDR '%s' conflicts with another subnet", c)
		}
	}
	az := f["AvailabilityZone"]
	if az == "" {
		az = r.Name + "a"
	}
	if len(az) != len(r.Name)+1 || az[:len(r.Name)] != r.Name {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %sa, %sb, %sc, %sd.", az, r.Name, r.Name, r.Name, r.Name)
	}
	s := &Subnet{ID: "subnet-" + rq.sb.st.randID(17, hexDigits), VPCID: vpcID, CIDR: p.String(), AvailabilityZone: az, Tags: tagSpecs(f, "subnet")}
	r.Subnets = append(r.Subnets, s)
	rq.writeEC2(func(x *xmlw) {
		x.WriteString("<subnet>")
		writeSubnetFields(x, rq.account, r, s, "pending")
		x.WriteString("</subnet>")
	})
	return nil
}

func writeSubnetFields(x *xmlw, acct string, r *Region, s *Subnet, state string) {
	x.leaf("subnetId", s.ID)
	x.leaf("state", state)
	x.leaf("vpcId", s.VPCID)
	x.leaf("cidrBlock", s.CIDR)
	x.int("availableIpAddressCount", int64(freeAddresses(r, s)))
	x.leaf("availabilityZone", s.AvailabilityZone)
	x.leaf("availabilityZoneId", shortAZ(s.AvailabilityZone))
	x.bool("defaultForAz", s.DefaultForAz)
	x.bool("mapPublicIpOnLaunch", s.MapPublicIPOnLaunch)
	x.leaf("ownerId", acct)
	x.leaf("subnetArn", regionalARN(r.Name, "ec2", acct, "subnet/"+s.ID))
	x.tags("tagSet", s.Tags)
}

// shortAZ is a zone id like apne1-az1 for ap-northeast-1a.
func shortAZ(az string) string {
	if az == "" {
		return ""
	}
	return "az" + strconv.Itoa(int(az[len(az)-1]-'a'+1))
}

// freeAddresses counts the subnet's addresses less AWS's five reserved and
// those its instances use.
func freeAddresses(r *Region, s *Subnet) int {
	p, err := netip.ParsePrefix(s.CIDR)
	if err != nil {
		return 0
	}
	n := 1<<(32-p.Bits()) - 5
	for _, in := range r.Instances {
		if in.SubnetID == s.ID && in.State != "terminated" {
			n--
		}
	}
	return n
}

func ec2DescribeSubnets(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	match, next, err := describe(rq, subnets, rq.scope(r), r.Subnets)
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("subnetSet")
		for _, s := range match {
			x.open("item")
			writeSubnetFields(x, rq.account, r, s, "available")
			x.close("item")
		}
		x.close("subnetSet")
		x.opt("nextToken", next)
	})
	return nil
}

func ec2DeleteSubnet(rq *request) error {
	id := rq.form["SubnetId"]
	r := rq.ec2Region()
	defer rq.unlock()
	s := r.subnet(id)
	if s == nil {
		return notFoundSubnet(id)
	}
	if slices.ContainsFunc(r.Instances, func(in *Instance) bool { return in.SubnetID == id && in.State != "terminated" }) {
		return apiErr(400, "DependencyViolation", "The subnet '%s' has dependencies and cannot be deleted.", id)
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r.Subnets = slices.DeleteFunc(r.Subnets, func(x *Subnet) bool { return x == s })
	rq.writeOK()
	return nil
}

// isDefaultVPC reports whether id is the region's default VPC.
func (r *Region) isDefaultVPC(id string) bool {
	v := r.vpc(id)
	return v != nil && v.Default
}

func (r *Region) subnet(id string) *Subnet {
	for _, s := range r.Subnets {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func notFoundSubnet(id string) error {
	return apiErr(400, "InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
}
