package sandbox

import (
	"slices"
	"strconv"
	"strings"
)

// securityGroups describes security groups for DescribeSecurityGroups.
var securityGroups = &kind[*SecurityGroup]{
	idParam:  "GroupId",
	id:       func(g *SecurityGroup) string { return g.ID },
	tags:     func(g *SecurityGroup) map[string]string { return g.Tags },
	notFound: notFoundGroup,
	fields:   groupFilters(),
}

// groupFilters are DescribeSecurityGroups' filters: the group's own
// fields, and ip-permission.* (ingress) and egress.ip-permission.* over
// its rules.
func groupFilters() map[string]func(sc scope, g *SecurityGroup) []string {
	fields := map[string]func(sc scope, g *SecurityGroup) []string{
		"group-id":    func(_ scope, g *SecurityGroup) []string { return one(g.ID) },
		"group-name":  func(_ scope, g *SecurityGroup) []string { return one(g.Name) },
		"vpc-id":      func(_ scope, g *SecurityGroup) []string { return one(g.VPCID) },
		"description": func(_ scope, g *SecurityGroup) []string { return one(g.Description) },
		"owner-id":    func(sc scope, _ *SecurityGroup) []string { return one(sc.acct) },
	}
	ruleFields := map[string]func(sc scope, r *Rule) []string{
		"cidr":      func(_ scope, r *Rule) []string { return r.CIDRs },
		"ipv6-cidr": func(_ scope, r *Rule) []string { return r.IPv6 },
		"from-port": func(_ scope, r *Rule) []string { return one(strconv.Itoa(int(r.FromPort))) },
		"to-port":   func(_ scope, r *Rule) []string { return one(strconv.Itoa(int(r.ToPort))) },
		"protocol":  func(_ scope, r *Rule) []string { return one(r.Protocol) },
		"group-id":  func(_ scope, r *Rule) []string { return r.Groups },
		"user-id": func(sc scope, r *Rule) []string {
			if len(r.Groups) > 0 {
				return one(sc.acct)
			}
			return nil
		},
	}
	for name, field := range ruleFields {
		fields["ip-permission."+name] = func(sc scope, g *SecurityGroup) []string {
			return ruleValues(g.Ingress, func(r *Rule) []string { return field(sc, r) })
		}
		fields["egress.ip-permission."+name] = func(sc scope, g *SecurityGroup) []string {
			return ruleValues(g.Egress, func(r *Rule) []string { return field(sc, r) })
		}
	}
	return fields
}

// ruleValues collects one field of every rule, for filters.
func ruleValues(rules []*Rule, field func(*Rule) []string) []string {
	var out []string
	for _, r := range rules {
		out = append(out, field(r)...)
	}
	return out
}

func ec2DescribeSecurityGroups(rq *request) error {
	names := rq.form.list("GroupName")
	r := rq.ec2Region()
	defer rq.unlock()
	groups := r.SecurityGroups
	if len(names) > 0 {
		groups = nil
		for _, n := range names {
			i := slices.IndexFunc(r.SecurityGroups, func(g *SecurityGroup) bool { return g.Name == n })
			if i < 0 {
				return apiErr(400, "InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC", n)
			}
			groups = append(groups, r.SecurityGroups[i])
		}
	}
	match, next, err := describe(rq, securityGroups, rq.scope(r), groups)
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("securityGroupInfo")
		for _, g := range match {
			x.open("item")
			x.leaf("ownerId", rq.account)
			x.leaf("groupId", g.ID)
			x.leaf("groupName", g.Name)
			x.leaf("groupDescription", g.Description)
			x.opt("vpcId", g.VPCID)
			writeRules(x, "ipPermissions", rq.account, g.Ingress)
			writeRules(x, "ipPermissionsEgress", rq.account, g.Egress)
			x.tags("tagSet", g.Tags)
			x.leaf("securityGroupArn", rq.arn("ec2", "security-group/"+g.ID))
			x.close("item")
		}
		x.close("securityGroupInfo")
		x.opt("nextToken", next)
	})
	return nil
}

func writeRules(x *xmlw, name, acct string, rules []*Rule) {
	x.open(name)
	for _, r := range rules {
		x.open("item")
		x.leaf("ipProtocol", r.Protocol)
		if r.Protocol != "-1" {
			x.int("fromPort", int64(r.FromPort))
			x.int("toPort", int64(r.ToPort))
		}
		x.open("groups")
		for _, g := range r.Groups {
			x.open("item")
			x.leaf("userId", acct)
			x.leaf("groupId", g)
			x.close("item")
		}
		x.close("groups")
		x.open("ipRanges")
		for _, c := range r.CIDRs {
			x.open("item")
			x.leaf("cidrIp", c)
			x.close("item")
		}
		x.close("ipRanges")
		x.open("ipv6Ranges")
		for _, c := range r.IPv6 {
			x.open("item")
			x.leaf("cidrIpv6", c)
			x.close("item")
		}
		x.close("ipv6Ranges")
		x.leaf("prefixListIds", "")
		x.close("item")
	}
	x.close(name)
}
func ec2CreateSecurityGroup(rq *request) error {
	name, desc, vpcID := rq.form["GroupName"], rq.form["GroupDescription"], rq.form["VpcId"]
	if name == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter groupName")
	}
	if desc == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter groupDescription")
	}
	if strings.HasPrefix(name, "sg-") {
		return apiErr(400, "InvalidParameterValue", "Group names may not be in the format sg-*")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	if vpcID == "" {
		for _, v := range r.VPCs {
			if v.Default {
				vpcID = v.ID
			}
		}
		if vpcID == "" {
			return apiErr(400, "VPCIdNotSpecified", "No default VPC for this user")
		}
	} else if !slices.ContainsFunc(r.VPCs, func(v *VPC) bool { return v.ID == vpcID }) {
		return apiErr(400, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", vpcID)
	}
	for _, g := range r.SecurityGroups {
		if g.Name == name && g.VPCID == vpcID {
			return apiErr(400, "InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpcID)
		}
	}
	g := &SecurityGroup{
		ID: "sg-" + rq.sb.st.randID(17, hexDigits), Name: name, Description: desc, VPCID: vpcID,
		Egress: []*Rule{{Protocol: "-1", CIDRs: []string{"0.0.0.0/0"}}},
		Tags:   tagSpecs(rq.form, "security-group"),
	}
	r.SecurityGroups = append(r.SecurityGroups, g)
	rq.writeEC2(func(x *xmlw) {
		x.leaf("return", "true")
		x.leaf("groupId", g.ID)
		x.leaf("securityGroupArn", rq.arn("ec2", "security-group/"+g.ID))
		if len(g.Tags) > 0 {
			x.tags("tagSet", g.Tags)
		}
	})
	return nil
}

func ec2DeleteSecurityGroup(rq *request) error {
	id, name := rq.form["GroupId"], rq.form["GroupName"]
	if id == "" && name == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter groupId or groupName")
	}
	r := rq.ec2Region()
	defer rq.unlock()
	var g *SecurityGroup
	if id != "" {
		if g = r.group(id); g == nil {
			return notFoundGroup(id)
		}
	} else {
		for _, sg := range r.SecurityGroups {
			if sg.Name == name && (sg.VPCID == "" || r.isDefaultVPC(sg.VPCID)) {
				g = sg
			}
		}
		if g == nil {
			return apiErr(400, "InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC", name)
		}
	}
	if g.Name == "default" {
		return apiErr(400, "CannotDelete", "the specified group: \"%s\" name: \"default\" cannot be deleted by a user", g.ID)
	}
	for _, in := range r.Instances {
		if in.State != "terminated" && slices.Contains(in.SecurityGroups, g.ID) {
			return apiErr(400, "DependencyViolation", "resource %s has a dependent object", g.ID)
		}
	}
	for _, other := range r.SecurityGroups {
		if other == g {
			continue
		}
		for _, sr := range other.rules() {
			if sr.src.kind == "group" && sr.src.value == g.ID {
				return apiErr(400, "DependencyViolation", "resource %s has a dependent object", g.ID)
			}
		}
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r.SecurityGroups = slices.DeleteFunc(r.SecurityGroups, func(x *SecurityGroup) bool { return x == g })
	rq.writeOK()
	return nil
}
