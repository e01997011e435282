package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

var ec2Ops = map[string]handler{
	"DescribeInstances":                      ec2DescribeInstances,
	"DescribeSecurityGroups":                 ec2DescribeSecurityGroups,
	"CreateSecurityGroup":                    ec2CreateSecurityGroup,
	"AuthorizeSecurityGroupIngress":          ec2ChangeRules(true, false),
	"RevokeSecurityGroupIngress":             ec2ChangeRules(false, false),
	"AuthorizeSecurityGroupEgress":           ec2ChangeRules(true, true),
	"RevokeSecurityGroupEgress":              ec2ChangeRules(false, true),
	"ModifyInstanceAttribute":                ec2ModifyInstanceAttribute,
	"ModifyInstanceMetadataOptions":          ec2ModifyInstanceMetadataOptions,
	"CreateTags":                             ec2CreateTags,
	"DeleteTags":                             ec2DeleteTags,
	"DescribeTags":                           ec2DescribeTags,
	"DescribeVolumes":                        ec2DescribeVolumes,
	"CreateSnapshot":                         ec2CreateSnapshot,
	"DescribeSnapshots":                      ec2DescribeSnapshots,
	"EnableEbsEncryptionByDefault":           ec2EbsEncryption(true),
	"DisableEbsEncryptionByDefault":          ec2EbsEncryption(false),
	"GetEbsEncryptionByDefault":              ec2GetEbsEncryption,
	"StopInstances":                          ec2StopInstances,
	"TerminateInstances":                     ec2TerminateInstances,
	"DescribeVpcs":                           ec2DescribeVpcs,
	"DescribeRegions":                        ec2DescribeRegions,
	"DescribeAvailabilityZones":              ec2DescribeAvailabilityZones,
	"DescribeAccountAttributes":              ec2DescribeAccountAttributes,
	"DescribeInstanceAttribute":              ec2DescribeInstanceAttribute,
	"DescribeSecurityGroupRules":             ec2DescribeSecurityGroupRules,
	"StartInstances":                         ec2StartInstances,
	"DescribeInstanceStatus":                 ec2DescribeInstanceStatus,
	"DescribeNetworkInterfaces":              ec2DescribeNetworkInterfaces,
	"DescribeIamInstanceProfileAssociations": ec2DescribeIamInstanceProfileAssociations,
}

// lockRegion locks the sandbox and returns the caller's region state.
func (rq *request) lockRegion() *Region {
	rq.sb.mu.Lock()
	return rq.sb.st.account(rq.account).region(rq.region)
}

func (rq *request) unlock() { rq.sb.mu.Unlock() }

// ec2 checks DryRun: with DryRun=true AWS answers DryRunOperation once the
// request would have succeeded.
func dryRun(rq *request) error {
	if rq.form.bool("DryRun") {
		return apiErr(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	return nil
}

var instanceStateCodes = map[string]int64{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

// filter is one EC2 Filter.N.
type filter struct {
	name   string
	values []string
}

func ec2Filters(f form, allowed ...string) ([]filter, error) {
	var out []filter
	for _, s := range f.structs("Filter") {
		name := s["Name"]
		ok := strings.HasPrefix(name, "tag:") || slices.Contains(allowed, name)
		if !ok {
			return nil, apiErr(400, "InvalidParameterValue", "The filter '%s' is invalid (the sandbox supports %s and tag:<key>).", name, strings.Join(allowed, ", "))
		}
		out = append(out, filter{name: name, values: s.list("Value")})
	}
	return out, nil
}

// matchAll reports whether every filter matches one of the values fields
// returns for its name.
func matchAll(filters []filter, tags map[string]string, fields func(name string) []string) bool {
	for _, fl := range filters {
		var have []string
		switch {
		case strings.HasPrefix(fl.name, "tag:"):
			if v, ok := tags[fl.name[4:]]; ok {
				have = []string{v}
			}
		case fl.name == "tag-key":
			have = sortedKeys(tags)
		case fl.name == "tag-value":
			for _, k := range sortedKeys(tags) {
				have = append(have, tags[k])
			}
		default:
			have = fields(fl.name)
		}
		if !anyGlob(fl.values, have) {
			return false
		}
	}
	return true
}

func anyGlob(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if glob(p, v) {
				return true
			}
		}
	}
	return false
}

// glob matches EC2 filter wildcards: * any run, ? any one character. It
// backtracks only to the last star, so it runs in O(len(p)*len(s)).
func glob(p, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// page applies MaxResults/NextToken to n items: it returns the index range
// and the next token ("" at the end).
func page(f form, n int) (lo, hi int, next string, err error) {
	if tok := f["NextToken"]; tok != "" {
		lo, err = strconv.Atoi(tok)
		if err != nil || lo < 0 || lo > n {
			return 0, 0, "", apiErr(400, "InvalidParameterValue", "The token '%s' is invalid.", tok)
		}
	}
	hi = n
	if mr, e := f.int("MaxResults", 0); e != nil {
		return 0, 0, "", e
	} else if mr > 0 {
		if mr < 5 || mr > 1000 {
			return 0, 0, "", apiErr(400, "InvalidParameterValue", "Value (%d) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", mr)
		}
		if lo+int(mr) < n {
			hi = lo + int(mr)
			next = strconv.Itoa(hi)
		}
	}
	return lo, hi, next, nil
}

func (r *Region) instance(id string) *Instance {
	for _, i := range r.Instances {
		if i.ID == id {
			return i
		}
	}
	return nil
}

func (r *Region) group(id string) *SecurityGroup {
	for _, g := range r.SecurityGroups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (r *Region) volume(id string) *Volume {
	for _, v := range r.Volumes {
		if v.ID == id {
			return v
		}
	}
	return nil
}

func notFoundInstance(id string) error {
	if !strings.HasPrefix(id, "i-") {
		return apiErr(400, "InvalidInstanceID.Malformed", "Invalid id: \"%s\"", id)
	}
	return apiErr(400, "InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
}

func notFoundGroup(id string) error {
	if !strings.HasPrefix(id, "sg-") {
		return apiErr(400, "InvalidGroupId.Malformed", "Invalid id: \"%s\" (expecting \"sg-...\")", id)
	}
	return apiErr(400, "InvalidGroup.NotFound", "The security group '%s' does not exist", id)
}

func ec2DescribeInstances(rq *request) error {
	filters, err := ec2Filters(rq.form, "instance-id", "instance-state-name", "instance-state-code", "instance-type", "vpc-id", "subnet-id",
		"availability-zone", "instance.group-id", "instance.group-name", "group-id", "private-ip-address", "ip-address",
		"iam-instance-profile.arn", "image-id", "network-interface.network-interface-id", "block-device-mapping.volume-id")
	if err != nil {
		return err
	}
	ids := rq.form.list("InstanceId")
	r := rq.lockRegion()
	defer rq.unlock()
	for _, id := range ids {
		if r.instance(id) == nil {
			return notFoundInstance(id)
		}
	}
	var match []*Instance
	for _, in := range r.Instances {
		if len(ids) > 0 && !slices.Contains(ids, in.ID) {
			continue
		}
		if matchAll(filters, in.Tags, func(name string) []string { return instanceField(r, in, name) }) {
			match = append(match, in)
		}
	}
	lo, hi, next, err := page(rq.form, len(match))
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("reservationSet")
		for _, in := range match[lo:hi] {
			x.open("item")
			x.leaf("reservationId", "r-"+strings.TrimPrefix(in.ID, "i-"))
			x.leaf("ownerId", rq.account)
			x.leaf("groupSet", "")
			x.open("instancesSet")
			writeInstance(x, r, in)
			x.close("instancesSet")
			x.close("item")
		}
		x.close("reservationSet")
		x.opt("nextToken", next)
	})
	return nil
}

func instanceField(r *Region, in *Instance, name string) []string {
	switch name {
	case "instance-id":
		return []string{in.ID}
	case "instance-state-name":
		return []string{in.State}
	case "instance-state-code":
		return []string{strconv.FormatInt(instanceStateCodes[in.State], 10)}
	case "instance-type":
		return []string{in.Type}
	case "vpc-id":
		return []string{in.VPCID}
	case "subnet-id":
		return []string{in.SubnetID}
	case "availability-zone":
		return []string{in.AvailabilityZone}
	case "instance.group-id", "group-id":
		return in.SecurityGroups
	case "instance.group-name":
		var names []string
		for _, id := range in.SecurityGroups {
			if g := r.group(id); g != nil {
				names = append(names, g.Name)
			}
		}
		return names
	case "private-ip-address":
		return []string{in.PrivateIP}
	case "ip-address":
		return []string{in.PublicIP}
	case "iam-instance-profile.arn":
		return []string{in.InstanceProfileARN}
	case "image-id":
		return []string{in.ImageID}
	case "network-interface.network-interface-id":
		return []string{in.NetworkInterfaceID}
	case "block-device-mapping.volume-id":
		var ids []string
		for _, v := range r.Volumes {
			if v.InstanceID == in.ID {
				ids = append(ids, v.ID)
			}
		}
		return ids
	}
	return nil
}

func writeInstance(x *xmlw, r *Region, in *Instance) {
	x.open("item")
	x.leaf("instanceId", in.ID)
	x.opt("imageId", in.ImageID)
	x.open("instanceState")
	x.int("code", instanceStateCodes[in.State])
	x.leaf("name", in.State)
	x.close("instanceState")
	if in.PrivateIP != "" {
		x.leaf("privateDnsName", "ip-"+strings.ReplaceAll(in.PrivateIP, ".", "-")+"."+r.Name+".compute.internal")
	}
	x.leaf("instanceType", in.Type)
	if !in.LaunchTime.IsZero() {
		x.time("launchTime", in.LaunchTime)
	}
	x.open("placement")
	x.opt("availabilityZone", in.AvailabilityZone)
	x.leaf("tenancy", "default")
	x.close("placement")
	if in.State != "terminated" {
		x.opt("subnetId", in.SubnetID)
		x.opt("vpcId", in.VPCID)
		x.opt("privateIpAddress", in.PrivateIP)
	}
	if in.State == "running" {
		x.opt("ipAddress", in.PublicIP)
	}
	x.open("groupSet")
	for _, id := range in.SecurityGroups {
		x.open("item")
		x.leaf("groupId", id)
		if g := r.group(id); g != nil {
			x.leaf("groupName", g.Name)
		}
		x.close("item")
	}
	x.close("groupSet")
	x.leaf("architecture", "x86_64")
	x.leaf("rootDeviceType", "ebs")
	x.leaf("rootDeviceName", "/dev/xvda")
	x.open("blockDeviceMapping")
	for _, v := range r.Volumes {
		if v.InstanceID != in.ID {
			continue
		}
		x.open("item")
		x.leaf("deviceName", v.Device)
		x.open("ebs")
		x.leaf("volumeId", v.ID)
		x.leaf("status", "attached")
		x.time("attachTime", v.Created)
		x.bool("deleteOnTermination", v.DeleteOnTermination)
		x.close("ebs")
		x.close("item")
	}
	x.close("blockDeviceMapping")
	if in.InstanceProfileARN != "" {
		x.open("iamInstanceProfile")
		x.leaf("arn", in.InstanceProfileARN)
		x.leaf("id", "AIPA"+strings.ToUpper(strings.TrimPrefix(in.ID, "i-")))
		x.close("iamInstanceProfile")
	}
	if in.NetworkInterfaceID != "" && in.State != "terminated" {
		x.open("networkInterfaceSet")
		x.open("item")
		x.leaf("networkInterfaceId", in.NetworkInterfaceID)
		x.opt("subnetId", in.SubnetID)
		x.opt("vpcId", in.VPCID)
		x.leaf("status", "in-use")
		x.opt("privateIpAddress", in.PrivateIP)
		x.open("groupSet")
		for _, id := range in.SecurityGroups {
			x.open("item")
			x.leaf("groupId", id)
			if g := r.group(id); g != nil {
				x.leaf("groupName", g.Name)
			}
			x.close("item")
		}
		x.close("groupSet")
		if in.PublicIP != "" && in.State == "running" {
			x.open("association")
			x.leaf("publicIp", in.PublicIP)
			x.leaf("ipOwnerId", "amazon")
			x.close("association")
		}
		x.close("item")
		x.close("networkInterfaceSet")
	}
	x.tags("tagSet", in.Tags)
	m := in.Metadata
	x.open("metadataOptions")
	x.leaf("state", "applied")
	x.leaf("httpTokens", m.HttpTokens)
	x.int("httpPutResponseHopLimit", int64(m.HttpPutResponseHopLimit))
	x.leaf("httpEndpoint", m.HttpEndpoint)
	x.leaf("httpProtocolIpv6", "disabled")
	x.leaf("instanceMetadataTags", "disabled")
	x.close("metadataOptions")
	x.close("item")
}

func ec2DescribeSecurityGroups(rq *request) error {
	filters, err := ec2Filters(rq.form, "group-id", "group-name", "vpc-id", "description", "owner-id",
		"ip-permission.cidr", "ip-permission.from-port", "ip-permission.to-port", "ip-permission.protocol", "ip-permission.group-id",
		"egress.ip-permission.cidr", "egress.ip-permission.protocol")
	if err != nil {
		return err
	}
	ids := rq.form.list("GroupId")
	names := rq.form.list("GroupName")
	r := rq.lockRegion()
	defer rq.unlock()
	for _, id := range ids {
		if r.group(id) == nil {
			return notFoundGroup(id)
		}
	}
	for _, n := range names {
		if !slices.ContainsFunc(r.SecurityGroups, func(g *SecurityGroup) bool { return g.Name == n }) {
			return apiErr(400, "InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC", n)
		}
	}
	var match []*SecurityGroup
	for _, g := range r.SecurityGroups {
		if len(ids) > 0 && !slices.Contains(ids, g.ID) || len(names) > 0 && !slices.Contains(names, g.Name) {
			continue
		}
		if matchAll(filters, g.Tags, func(name string) []string { return groupField(rq.account, g, name) }) {
			match = append(match, g)
		}
	}
	lo, hi, next, err := page(rq.form, len(match))
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("securityGroupInfo")
		for _, g := range match[lo:hi] {
			x.open("item")
			x.leaf("ownerId", rq.account)
			x.leaf("groupId", g.ID)
			x.leaf("groupName", g.Name)
			x.leaf("groupDescription", g.Description)
			x.opt("vpcId", g.VPCID)
			writeRules(x, "ipPermissions", rq.account, g.Ingress)
			writeRules(x, "ipPermissionsEgress", rq.account, g.Egress)
			x.tags("tagSet", g.Tags)
			x.leaf("securityGroupArn", fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", r.Name, rq.account, g.ID))
			x.close("item")
		}
		x.close("securityGroupInfo")
		x.opt("nextToken", next)
	})
	return nil
}

func groupField(acct string, g *SecurityGroup, name string) []string {
	rules := g.Ingress
	if strings.HasPrefix(name, "egress.") {
		rules = g.Egress
		name = strings.TrimPrefix(name, "egress.")
	}
	var out []string
	switch name {
	case "group-id":
		return []string{g.ID}
	case "group-name":
		return []string{g.Name}
	case "vpc-id":
		return []string{g.VPCID}
	case "description":
		return []string{g.Description}
	case "owner-id":
		return []string{acct}
	}
	for _, r := range rules {
		switch name {
		case "ip-permission.cidr":
			out = append(out, r.CIDRs...)
		case "ip-permission.from-port":
			out = append(out, strconv.Itoa(int(r.FromPort)))
		case "ip-permission.to-port":
			out = append(out, strconv.Itoa(int(r.ToPort)))
		case "ip-permission.protocol":
			out = append(out, r.Protocol)
		case "ip-permission.group-id":
			out = append(out, r.Groups...)
		}
	}
	return out
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

// tagSpecs reads TagSpecification.N for a resource type.
func tagSpecs(f form, resourceType string) map[string]string {
	var tags map[string]string
	for _, s := range f.structs("TagSpecification") {
		if s["ResourceType"] != resourceType {
			continue
		}
		for _, t := range s.structs("Tag") {
			if tags == nil {
				tags = map[string]string{}
			}
			tags[t["Key"]] = t["Value"]
		}
	}
	return tags
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
	r := rq.lockRegion()
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
		x.leaf("securityGroupArn", fmt.Sprintf("arn:aws:ec2:%s:%s:security-group/%s", r.Name, rq.account, g.ID))
		if len(g.Tags) > 0 {
			x.tags("tagSet", g.Tags)
		}
	})
	return nil
}

// permissions reads IpPermissions.N, or the legacy top-level
// IpProtocol/FromPort/ToPort/CidrIp parameters the CLI's shorthand sends.
func permissions(f form) ([]*Rule, error) {
	var out []*Rule
	perms := f.structs("IpPermissions")
	if len(perms) == 0 && (f["IpProtocol"] != "" || f["CidrIp"] != "") {
		perms = []form{{"IpProtocol": f["IpProtocol"], "FromPort": f["FromPort"], "ToPort": f["ToPort"], "IpRanges.1.CidrIp": f["CidrIp"]}}
		if f["SourceSecurityGroupName"] != "" || f["SourceSecurityGroupOwnerId"] != "" {
			return nil, apiErr(400, "InvalidParameterCombination", "the sandbox does not support SourceSecurityGroupName; use IpPermissions with Groups")
		}
	}
	for i, p := range perms {
		proto := strings.ToLower(p["IpProtocol"])
		switch proto {
		case "6":
			proto = "tcp"
		case "17":
			proto = "udp"
		case "1":
			proto = "icmp"
		case "all":
			proto = "-1"
		}
		if proto == "" {
			return nil, apiErr(400, "MissingParameter", "The request must contain the parameter ipPermissions.%d.ipProtocol", i+1)
		}
		if !slices.Contains([]string{"tcp", "udp", "icmp", "-1"}, proto) {
			return nil, apiErr(400, "InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.", p["IpProtocol"])
		}
		r := &Rule{Protocol: proto}
		if proto != "-1" {
			from, err := f2i(p, "FromPort")
			if err != nil {
				return nil, err
			}
			to, err := f2i(p, "ToPort")
			if err != nil {
				return nil, err
			}
			if proto != "icmp" && (from < 0 || to > 65535 || from > to) {
				return nil, apiErr(400, "InvalidParameterValue", "Invalid port range %d-%d.", from, to)
			}
			r.FromPort, r.ToPort = from, to
		}
		for _, rg := range p.structs("IpRanges") {
			if c := rg["CidrIp"]; c != "" {
				if !validCIDR(c) {
					return nil, apiErr(400, "InvalidParameterValue", "CIDR block %s is malformed", c)
				}
				r.CIDRs = append(r.CIDRs, c)
			}
		}
		for _, rg := range p.structs("Ipv6Ranges") {
			if c := rg["CidrIpv6"]; c != "" {
				r.IPv6 = append(r.IPv6, c)
			}
		}
		for _, g := range p.structs("Groups") {
			if id := g["GroupId"]; id != "" {
				r.Groups = append(r.Groups, id)
			}
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, apiErr(400, "MissingParameter", "The request must contain the parameter ipPermissions")
	}
	return out, nil
}

func f2i(f form, name string) (int32, error) {
	s := f[name]
	if s == "" {
		return 0, apiErr(400, "MissingParameter", "The request must contain the parameter %s", strings.ToLower(name[:1])+name[1:])
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, apiErr(400, "InvalidParameterValue", "Invalid value '%s' for %s", s, name)
	}
	return int32(n), nil
}

func validCIDR(c string) bool {
	ip, bits, ok := strings.Cut(c, "/")
	if !ok {
		return false
	}
	n, err := strconv.Atoi(bits)
	if err != nil || n < 0 || n > 32 {
		return false
	}
	parts := strings.Split(ip, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 255 {
			return false
		}
	}
	return true
}

// ec2ChangeRules authorizes or revokes ingress or egress permissions.
func ec2ChangeRules(authorize, egress bool) handler {
	return func(rq *request) error {
		perms, err := permissions(rq.form)
		if err != nil {
			return err
		}
		if err := dryRun(rq); err != nil {
			return err
		}
		r := rq.lockRegion()
		defer rq.unlock()
		g := r.group(rq.form["GroupId"])
		if g == nil && rq.form["GroupId"] == "" && rq.form["GroupName"] != "" && !egress {
			for _, sg := range r.SecurityGroups {
				if sg.Name == rq.form["GroupName"] {
					g = sg
				}
			}
			if g == nil {
				return apiErr(400, "InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC", rq.form["GroupName"])
			}
		}
		if g == nil {
			if rq.form["GroupId"] == "" {
				return apiErr(400, "MissingParameter", "The request must contain the parameter groupId")
			}
			return notFoundGroup(rq.form["GroupId"])
		}
		for _, p := range perms {
			for _, src := range p.Groups {
				if r.group(src) == nil {
					return notFoundGroup(src)
				}
			}
		}
		rules := &g.Ingress
		if egress {
			rules = &g.Egress
		}
		next, err := changeRules(*rules, perms, authorize)
		if err != nil {
			return err
		}
		*rules = next
		rq.writeEC2(func(x *xmlw) {
			x.leaf("return", "true")
			if authorize {
				x.open("securityGroupRuleSet")
				for _, p := range perms {
					for _, src := range ruleSources(p) {
						x.open("item")
						x.leaf("securityGroupRuleId", "sgr-"+rq.sb.st.randID(17, hexDigits))
						x.leaf("groupId", g.ID)
						x.leaf("groupOwnerId", rq.account)
						x.bool("isEgress", egress)
						x.leaf("ipProtocol", p.Protocol)
						x.int("fromPort", int64(portOr(p, p.FromPort)))
						x.int("toPort", int64(portOr(p, p.ToPort)))
						writeRuleSource(x, src)
						x.close("item")
					}
				}
				x.close("securityGroupRuleSet")
			}
		})
		return nil
	}
}

func portOr(p *Rule, v int32) int32 {
	if p.Protocol == "-1" {
		return -1
	}
	return v
}

// ruleSources lists a rule's sources as (xml element, value) pairs.
func ruleSources(p *Rule) [][2]string {
	var out [][2]string
	for _, c := range p.CIDRs {
		out = append(out, [2]string{"cidrIpv4", c})
	}
	for _, c := range p.IPv6 {
		out = append(out, [2]string{"cidrIpv6", c})
	}
	for _, g := range p.Groups {
		out = append(out, [2]string{"group", g})
	}
	return out
}

func writeRuleSource(x *xmlw, src [2]string) {
	if src[0] == "group" {
		x.open("referencedGroupInfo")
		x.leaf("groupId", src[1])
		x.close("referencedGroupInfo")
		return
	}
	x.leaf(src[0], src[1])
}

func sameRange(a, b *Rule) bool {
	return a.Protocol == b.Protocol && (a.Protocol == "-1" || a.FromPort == b.FromPort && a.ToPort == b.ToPort)
}

// changeRules adds or removes each source of perms, with AWS's errors for
// a duplicate grant and for revoking what is not there.
func changeRules(rules, perms []*Rule, add bool) ([]*Rule, error) {
	var out []*Rule
	for _, r := range rules {
		c := *r
		c.CIDRs, c.IPv6, c.Groups = slices.Clone(r.CIDRs), slices.Clone(r.IPv6), slices.Clone(r.Groups)
		out = append(out, &c)
	}
	for _, p := range perms {
		var cur *Rule
		for _, r := range out {
			if sameRange(r, p) {
				cur = r
			}
		}
		if add {
			if cur == nil {
				cur = &Rule{Protocol: p.Protocol, FromPort: p.FromPort, ToPort: p.ToPort}
				out = append(out, cur)
			}
			for _, pair := range []struct {
				have *[]string
				add  []string
			}{{&cur.CIDRs, p.CIDRs}, {&cur.IPv6, p.IPv6}, {&cur.Groups, p.Groups}} {
				for _, s := range pair.add {
					if slices.Contains(*pair.have, s) {
						return nil, apiErr(400, "InvalidPermission.Duplicate", "the specified rule \"peer: %s, %s, %s\" already exists", s, strings.ToUpper(p.Protocol), portText(p))
					}
					*pair.have = append(*pair.have, s)
				}
			}
			continue
		}
		for _, pair := range []struct {
			have *[]string
			del  []string
		}{{nilSafe(cur, 0), p.CIDRs}, {nilSafe(cur, 1), p.IPv6}, {nilSafe(cur, 2), p.Groups}} {
			for _, s := range pair.del {
				i := slices.Index(*pair.have, s)
				if i < 0 {
					return nil, apiErr(400, "InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
				}
				*pair.have = slices.Delete(*pair.have, i, i+1)
			}
		}
	}
	kept := out[:0]
	for _, r := range out {
		if len(r.CIDRs)+len(r.IPv6)+len(r.Groups) > 0 {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

func nilSafe(r *Rule, which int) *[]string {
	if r == nil {
		return new([]string)
	}
	return [...]*[]string{&r.CIDRs, &r.IPv6, &r.Groups}[which]
}

func portText(p *Rule) string {
	if p.Protocol == "-1" {
		return "ALL"
	}
	return fmt.Sprintf("%d-%d", p.FromPort, p.ToPort)
}

func liveInstance(r *Region, id string) (*Instance, error) {
	in := r.instance(id)
	if in == nil {
		if id == "" {
			return nil, apiErr(400, "MissingParameter", "The request must contain the parameter InstanceId")
		}
		return nil, notFoundInstance(id)
	}
	if in.State == "terminated" {
		return nil, apiErr(400, "IncorrectInstanceState", "The instance '%s' is not in a state from which it can be modified (terminated).", id)
	}
	return in, nil
}

func ec2ModifyInstanceAttribute(rq *request) error {
	groups := rq.form.list("GroupId")
	if len(groups) == 0 {
		for k := range rq.form {
			if k != "Action" && k != "Version" && k != "InstanceId" && k != "DryRun" {
				return apiErr(400, "UnsupportedOperation", "The sandbox's ModifyInstanceAttribute only changes security groups (GroupId.N); got %s.", k)
			}
		}
		return apiErr(400, "MissingParameter", "The request must contain the parameter GroupId")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	in, err := liveInstance(r, rq.form["InstanceId"])
	if err != nil {
		return err
	}
	for _, id := range groups {
		g := r.group(id)
		if g == nil {
			return notFoundGroup(id)
		}
		if g.VPCID != in.VPCID {
			return apiErr(400, "InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", id, in.VPCID)
		}
	}
	in.SecurityGroups = slices.Compact(slices.Clone(groups))
	rq.writeEC2(func(x *xmlw) { x.leaf("return", "true") })
	return nil
}

func ec2ModifyInstanceMetadataOptions(rq *request) error {
	f := rq.form
	if t := f["HttpTokens"]; t != "" && t != "optional" && t != "required" {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter HttpTokens is invalid. Valid values: optional, required.", t)
	}
	if e := f["HttpEndpoint"]; e != "" && e != "enabled" && e != "disabled" {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter HttpEndpoint is invalid. Valid values: enabled, disabled.", e)
	}
	hop, err := f.int("HttpPutResponseHopLimit", 0)
	if err != nil {
		return err
	}
	if hop < 0 || hop > 64 {
		return apiErr(400, "InvalidParameterValue", "Value (%d) for parameter HttpPutResponseHopLimit is invalid. Expecting a value between 1 and 64.", hop)
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	in, err := liveInstance(r, f["InstanceId"])
	if err != nil {
		return err
	}
	if t := f["HttpTokens"]; t != "" {
		in.Metadata.HttpTokens = t
	}
	if e := f["HttpEndpoint"]; e != "" {
		in.Metadata.HttpEndpoint = e
	}
	if hop > 0 {
		in.Metadata.HttpPutResponseHopLimit = int32(hop)
	}
	m := in.Metadata
	rq.writeEC2(func(x *xmlw) {
		x.leaf("instanceId", in.ID)
		x.open("instanceMetadataOptions")
		x.leaf("state", "pending")
		x.leaf("httpTokens", m.HttpTokens)
		x.int("httpPutResponseHopLimit", int64(m.HttpPutResponseHopLimit))
		x.leaf("httpEndpoint", m.HttpEndpoint)
		x.leaf("httpProtocolIpv6", "disabled")
		x.leaf("instanceMetadataTags", "disabled")
		x.close("instanceMetadataOptions")
	})
	return nil
}

// taggable finds the tags map of any EC2 resource by id.
func taggable(r *Region, id string) (*map[string]string, string, error) {
	switch {
	case strings.HasPrefix(id, "i-"):
		if in := r.instance(id); in != nil {
			return &in.Tags, "instance", nil
		}
		return nil, "", notFoundInstance(id)
	case strings.HasPrefix(id, "sg-"):
		if g := r.group(id); g != nil {
			return &g.Tags, "security-group", nil
		}
		return nil, "", notFoundGroup(id)
	case strings.HasPrefix(id, "vol-"):
		if v := r.volume(id); v != nil {
			return &v.Tags, "volume", nil
		}
		return nil, "", apiErr(400, "InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
	case strings.HasPrefix(id, "snap-"):
		for _, s := range r.Snapshots {
			if s.ID == id {
				return &s.Tags, "snapshot", nil
			}
		}
		return nil, "", apiErr(400, "InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", id)
	case strings.HasPrefix(id, "vpc-"):
		for _, v := range r.VPCs {
			if v.ID == id {
				return &v.Tags, "vpc", nil
			}
		}
		return nil, "", apiErr(400, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
	}
	return nil, "", apiErr(400, "InvalidID", "The ID '%s' is not valid (the sandbox tags instances, security groups, volumes, snapshots and VPCs)", id)
}

func ec2CreateTags(rq *request) error {
	ids := rq.form.list("ResourceId")
	tags := rq.form.structs("Tag")
	if len(ids) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	if len(tags) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter tagSet")
	}
	for _, t := range tags {
		if t["Key"] == "" {
			return apiErr(400, "InvalidParameterValue", "Tag keys must not be empty")
		}
		if strings.HasPrefix(strings.ToLower(t["Key"]), "aws:") {
			return apiErr(400, "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
		}
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	var maps []*map[string]string
	for _, id := range ids {
		m, _, err := taggable(r, id)
		if err != nil {
			return err
		}
		maps = append(maps, m)
	}
	for _, m := range maps {
		if *m == nil {
			*m = map[string]string{}
		}
		for _, t := range tags {
			(*m)[t["Key"]] = t["Value"]
		}
	}
	rq.writeEC2(func(x *xmlw) { x.leaf("return", "true") })
	return nil
}

func ec2DeleteTags(rq *request) error {
	ids := rq.form.list("ResourceId")
	if len(ids) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	tags := rq.form.structs("Tag")
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	var maps []*map[string]string
	for _, id := range ids {
		m, _, err := taggable(r, id)
		if err != nil {
			return err
		}
		maps = append(maps, m)
	}
	for _, m := range maps {
		if len(tags) == 0 {
			*m = nil
			continue
		}
		for _, t := range tags {
			v, ok := (*m)[t["Key"]]
			// A value in the request deletes the tag only when it matches.
			if _, hasValue := t["Value"]; ok && (!hasValue || v == t["Value"]) {
				delete(*m, t["Key"])
			}
		}
		if len(*m) == 0 {
			*m = nil
		}
	}
	rq.writeEC2(func(x *xmlw) { x.leaf("return", "true") })
	return nil
}

func ec2DescribeTags(rq *request) error {
	filters, err := ec2Filters(rq.form, "resource-id", "resource-type", "key", "value")
	if err != nil {
		return err
	}
	type tagRow struct{ id, typ, key, value string }
	r := rq.lockRegion()
	defer rq.unlock()
	var rows []tagRow
	add := func(id, typ string, tags map[string]string) {
		for _, k := range sortedKeys(tags) {
			row := tagRow{id, typ, k, tags[k]}
			if matchAll(filters, nil, func(name string) []string {
				return []string{map[string]string{"resource-id": row.id, "resource-type": row.typ, "key": row.key, "value": row.value}[name]}
			}) {
				rows = append(rows, row)
			}
		}
	}
	for _, in := range r.Instances {
		add(in.ID, "instance", in.Tags)
	}
	for _, g := range r.SecurityGroups {
		add(g.ID, "security-group", g.Tags)
	}
	for _, v := range r.Volumes {
		add(v.ID, "volume", v.Tags)
	}
	for _, s := range r.Snapshots {
		add(s.ID, "snapshot", s.Tags)
	}
	for _, v := range r.VPCs {
		add(v.ID, "vpc", v.Tags)
	}
	lo, hi, next, err := page(rq.form, len(rows))
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("tagSet")
		for _, row := range rows[lo:hi] {
			x.open("item")
			x.leaf("resourceId", row.id)
			x.leaf("resourceType", row.typ)
			x.leaf("key", row.key)
			x.leaf("value", row.value)
			x.close("item")
		}
		x.close("tagSet")
		x.opt("nextToken", next)
	})
	return nil
}

func ec2DescribeVolumes(rq *request) error {
	filters, err := ec2Filters(rq.form, "volume-id", "status", "encrypted", "attachment.instance-id", "attachment.status", "availability-zone", "volume-type", "size")
	if err != nil {
		return err
	}
	ids := rq.form.list("VolumeId")
	r := rq.lockRegion()
	defer rq.unlock()
	for _, id := range ids {
		if r.volume(id) == nil {
			return apiErr(400, "InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
		}
	}
	var match []*Volume
	for _, v := range r.Volumes {
		if len(ids) > 0 && !slices.Contains(ids, v.ID) {
			continue
		}
		ok := matchAll(filters, v.Tags, func(name string) []string {
			switch name {
			case "volume-id":
				return []string{v.ID}
			case "status":
				return []string{v.State}
			case "encrypted":
				return []string{strconv.FormatBool(v.Encrypted)}
			case "attachment.instance-id":
				return []string{v.InstanceID}
			case "attachment.status":
				if v.InstanceID != "" {
					return []string{"attached"}
				}
			case "availability-zone":
				return []string{v.AvailabilityZone}
			case "volume-type":
				return []string{v.Type}
			case "size":
				return []string{strconv.Itoa(int(v.Size))}
			}
			return nil
		})
		if ok {
			match = append(match, v)
		}
	}
	lo, hi, next, err := page(rq.form, len(match))
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("volumeSet")
		for _, v := range match[lo:hi] {
			x.open("item")
			x.leaf("volumeId", v.ID)
			x.int("size", int64(v.Size))
			x.leaf("snapshotId", "")
			x.opt("availabilityZone", v.AvailabilityZone)
			x.leaf("status", v.State)
			x.time("createTime", v.Created)
			x.open("attachmentSet")
			if v.InstanceID != "" {
				x.open("item")
				x.leaf("volumeId", v.ID)
				x.leaf("instanceId", v.InstanceID)
				x.leaf("device", v.Device)
				x.leaf("status", "attached")
				x.time("attachTime", v.Created)
				x.bool("deleteOnTermination", v.DeleteOnTermination)
				x.close("item")
			}
			x.close("attachmentSet")
			x.leaf("volumeType", v.Type)
			x.bool("encrypted", v.Encrypted)
			x.opt("kmsKeyId", v.KMSKeyID)
			x.tags("tagSet", v.Tags)
			x.close("item")
		}
		x.close("volumeSet")
		x.opt("nextToken", next)
	})
	return nil
}

func ec2CreateSnapshot(rq *request) error {
	id := rq.form["VolumeId"]
	if id == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter VolumeId")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	v := r.volume(id)
	if v == nil {
		return apiErr(400, "InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
	}
	s := &Snapshot{
		ID: "snap-" + rq.sb.st.randID(17, hexDigits), VolumeID: v.ID, VolumeSize: v.Size,
		Description: rq.form["Description"], State: "completed", Encrypted: v.Encrypted,
		Started: time.Now().UTC(), Tags: tagSpecs(rq.form, "snapshot"),
	}
	r.Snapshots = append(r.Snapshots, s)
	rq.writeEC2(func(x *xmlw) {
		x.leaf("snapshotId", s.ID)
		x.leaf("volumeId", s.VolumeID)
		x.leaf("status", "pending")
		x.time("startTime", s.Started)
		x.leaf("progress", "")
		x.leaf("ownerId", rq.account)
		x.int("volumeSize", int64(s.VolumeSize))
		x.leaf("description", s.Description)
		x.bool("encrypted", s.Encrypted)
		if len(s.Tags) > 0 {
			x.tags("tagSet", s.Tags)
		}
	})
	return nil
}

func ec2DescribeSnapshots(rq *request) error {
	filters, err := ec2Filters(rq.form, "snapshot-id", "volume-id", "status", "owner-id", "description", "encrypted")
	if err != nil {
		return err
	}
	ids := rq.form.list("SnapshotId")
	owners := rq.form.list("Owner")
	r := rq.lockRegion()
	defer rq.unlock()
	for _, id := range ids {
		if !slices.ContainsFunc(r.Snapshots, func(s *Snapshot) bool { return s.ID == id }) {
			return apiErr(400, "InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", id)
		}
	}
	var match []*Snapshot
	for _, s := range r.Snapshots {
		if len(ids) > 0 && !slices.Contains(ids, s.ID) {
			continue
		}
		if len(owners) > 0 && !slices.Contains(owners, "self") && !slices.Contains(owners, rq.account) {
			continue
		}
		ok := matchAll(filters, s.Tags, func(name string) []string {
			return []string{map[string]string{"snapshot-id": s.ID, "volume-id": s.VolumeID, "status": s.State, "owner-id": rq.account,
				"description": s.Description, "encrypted": strconv.FormatBool(s.Encrypted)}[name]}
		})
		if ok {
			match = append(match, s)
		}
	}
	lo, hi, next, err := page(rq.form, len(match))
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("snapshotSet")
		for _, s := range match[lo:hi] {
			x.open("item")
			x.leaf("snapshotId", s.ID)
			x.leaf("volumeId", s.VolumeID)
			x.leaf("status", s.State)
			x.time("startTime", s.Started)
			x.leaf("progress", "100%")
			x.leaf("ownerId", rq.account)
			x.int("volumeSize", int64(s.VolumeSize))
			x.leaf("description", s.Description)
			x.bool("encrypted", s.Encrypted)
			x.tags("tagSet", s.Tags)
			x.close("item")
		}
		x.close("snapshotSet")
		x.opt("nextToken", next)
	})
	return nil
}

func ec2EbsEncryption(on bool) handler {
	return func(rq *request) error {
		if err := dryRun(rq); err != nil {
			return err
		}
		r := rq.lockRegion()
		defer rq.unlock()
		r.EbsEncryptionByDefault = on
		rq.writeEC2(func(x *xmlw) { x.bool("ebsEncryptionByDefault", on) })
		return nil
	}
}

func ec2GetEbsEncryption(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	on := r.EbsEncryptionByDefault
	rq.writeEC2(func(x *xmlw) {
		x.bool("ebsEncryptionByDefault", on)
		x.leaf("sseType", "sse-ebs")
	})
	return nil
}

// changeState moves instances to a new state and answers with the
// transition, as StopInstances, StartInstances and TerminateInstances do.
func changeState(rq *request, reported string, next func(r *Region, in *Instance) (string, error)) error {
	ids := rq.form.list("InstanceId")
	if len(ids) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter InstanceId")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	var ins []*Instance
	for _, id := range ids {
		in := r.instance(id)
		if in == nil {
			return notFoundInstance(id)
		}
		ins = append(ins, in)
	}
	type change struct{ id, prev, cur string }
	var changes []change
	var states []string
	for _, in := range ins {
		st, err := next(r, in)
		if err != nil {
			return err
		}
		states = append(states, st)
	}
	for i, in := range ins {
		cur := reported
		if in.State == states[i] {
			cur = in.State
		}
		changes = append(changes, change{in.ID, in.State, cur})
		in.State = states[i]
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("instancesSet")
		for _, c := range changes {
			x.open("item")
			x.leaf("instanceId", c.id)
			x.open("currentState")
			x.int("code", instanceStateCodes[c.cur])
			x.leaf("name", c.cur)
			x.close("currentState")
			x.open("previousState")
			x.int("code", instanceStateCodes[c.prev])
			x.leaf("name", c.prev)
			x.close("previousState")
			x.close("item")
		}
		x.close("instancesSet")
	})
	return nil
}

func ec2StopInstances(rq *request) error {
	return changeState(rq, "stopping", func(r *Region, in *Instance) (string, error) {
		switch in.State {
		case "running", "stopping", "stopped", "pending":
			return "stopped", nil
		}
		return "", apiErr(400, "IncorrectInstanceState", "This instance '%s' is not in a state from which it can be stopped.", in.ID)
	})
}

func ec2StartInstances(rq *request) error {
	return changeState(rq, "pending", func(r *Region, in *Instance) (string, error) {
		switch in.State {
		case "running", "pending", "stopped":
			return "running", nil
		}
		return "", apiErr(400, "IncorrectInstanceState", "The instance '%s' is not in a state from which it can be started.", in.ID)
	})
}

func ec2TerminateInstances(rq *request) error {
	return changeState(rq, "shutting-down", func(r *Region, in *Instance) (string, error) {
		if in.State != "terminated" {
			kept := r.Volumes[:0]
			for _, v := range r.Volumes {
				if v.InstanceID == in.ID {
					if v.DeleteOnTermination {
						continue
					}
					v.InstanceID, v.Device, v.State = "", "", "available"
				}
				kept = append(kept, v)
			}
			r.Volumes = kept
		}
		return "terminated", nil
	})
}

func ec2DescribeVpcs(rq *request) error {
	filters, err := ec2Filters(rq.form, "vpc-id", "is-default", "cidr")
	if err != nil {
		return err
	}
	ids := rq.form.list("VpcId")
	r := rq.lockRegion()
	defer rq.unlock()
	rq.writeEC2(func(x *xmlw) {
		x.open("vpcSet")
		for _, v := range r.VPCs {
			if len(ids) > 0 && !slices.Contains(ids, v.ID) {
				continue
			}
			if !matchAll(filters, v.Tags, func(name string) []string {
				return []string{map[string]string{"vpc-id": v.ID, "is-default": strconv.FormatBool(v.Default), "cidr": v.CIDR}[name]}
			}) {
				continue
			}
			x.open("item")
			x.leaf("vpcId", v.ID)
			x.leaf("ownerId", rq.account)
			x.leaf("state", "available")
			x.opt("cidrBlock", v.CIDR)
			x.bool("isDefault", v.Default)
			x.tags("tagSet", v.Tags)
			x.close("item")
		}
		x.close("vpcSet")
	})
	return nil
}

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

func ec2DescribeInstanceAttribute(rq *request) error {
	attr := rq.form["Attribute"]
	r := rq.lockRegion()
	defer rq.unlock()
	in := r.instance(rq.form["InstanceId"])
	if in == nil {
		return notFoundInstance(rq.form["InstanceId"])
	}
	switch attr {
	case "groupSet":
		rq.writeEC2(func(x *xmlw) {
			x.leaf("instanceId", in.ID)
			x.open("groupSet")
			for _, id := range in.SecurityGroups {
				x.open("item")
				x.leaf("groupId", id)
				x.close("item")
			}
			x.close("groupSet")
		})
		return nil
	case "instanceType":
		rq.writeEC2(func(x *xmlw) {
			x.leaf("instanceId", in.ID)
			x.WriteString("<instanceType><value>" + in.Type + "</value></instanceType>")
		})
		return nil
	}
	return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid (the sandbox answers groupSet and instanceType).", attr)
}

func ec2DescribeSecurityGroupRules(rq *request) error {
	filters, err := ec2Filters(rq.form, "group-id")
	if err != nil {
		return err
	}
	r := rq.lockRegion()
	defer rq.unlock()
	rq.writeEC2(func(x *xmlw) {
		x.open("securityGroupRuleSet")
		for _, g := range r.SecurityGroups {
			if !matchAll(filters, nil, func(string) []string { return []string{g.ID} }) {
				continue
			}
			for _, egress := range []bool{false, true} {
				rules := g.Ingress
				if egress {
					rules = g.Egress
				}
				for _, p := range rules {
					for _, src := range ruleSources(p) {
						x.open("item")
						x.leaf("securityGroupRuleId", "sgr-"+strings.TrimPrefix(g.ID, "sg-"))
						x.leaf("groupId", g.ID)
						x.leaf("groupOwnerId", rq.account)
						x.bool("isEgress", egress)
						x.leaf("ipProtocol", p.Protocol)
						x.int("fromPort", int64(portOr(p, p.FromPort)))
						x.int("toPort", int64(portOr(p, p.ToPort)))
						writeRuleSource(x, src)
						x.close("item")
					}
				}
			}
		}
		x.close("securityGroupRuleSet")
	})
	return nil
}

func ec2DescribeInstanceStatus(rq *request) error {
	ids := rq.form.list("InstanceId")
	all := rq.form.bool("IncludeAllInstances")
	r := rq.lockRegion()
	defer rq.unlock()
	rq.writeEC2(func(x *xmlw) {
		x.open("instanceStatusSet")
		for _, in := range r.Instances {
			if len(ids) > 0 && !slices.Contains(ids, in.ID) || !all && in.State != "running" {
				continue
			}
			x.open("item")
			x.leaf("instanceId", in.ID)
			x.opt("availabilityZone", in.AvailabilityZone)
			x.open("instanceState")
			x.int("code", instanceStateCodes[in.State])
			x.leaf("name", in.State)
			x.close("instanceState")
			x.close("item")
		}
		x.close("instanceStatusSet")
	})
	return nil
}

func ec2DescribeNetworkInterfaces(rq *request) error {
	ids := rq.form.list("NetworkInterfaceId")
	r := rq.lockRegion()
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

func ec2DescribeIamInstanceProfileAssociations(rq *request) error {
	r := rq.lockRegion()
	defer rq.unlock()
	rq.writeEC2(func(x *xmlw) {
		x.open("iamInstanceProfileAssociationSet")
		for _, in := range r.Instances {
			if in.InstanceProfileARN == "" || in.State == "terminated" {
				continue
			}
			x.open("item")
			x.leaf("associationId", "iip-assoc-"+strings.TrimPrefix(in.ID, "i-"))
			x.leaf("instanceId", in.ID)
			x.open("iamInstanceProfile")
			x.leaf("arn", in.InstanceProfileARN)
			x.close("iamInstanceProfile")
			x.leaf("state", "associated")
			x.close("item")
		}
		x.close("iamInstanceProfileAssociationSet")
	})
	return nil
}
