package sandbox

import "strings"

const ec2NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

func ec2Service() *service {
	return &service{
		name: "ec2", title: "Amazon EC2", protocol: protoEC2, version: "2016-11-15", xmlNS: ec2NS,
		throttle: throttleError{503, "RequestLimitExceeded", "", "Request limit exceeded."},
		ops: map[string]handler{
			"DescribeInstances":                      ec2DescribeInstances,
			"DescribeInstanceStatus":                 ec2DescribeInstanceStatus,
			"DescribeInstanceAttribute":              ec2DescribeInstanceAttribute,
			"ModifyInstanceAttribute":                ec2ModifyInstanceAttribute,
			"ModifyInstanceMetadataOptions":          ec2ModifyInstanceMetadataOptions,
			"DescribeIamInstanceProfileAssociations": ec2DescribeIamInstanceProfileAssociations,
			"AssociateIamInstanceProfile":            ec2AssociateIamInstanceProfile,
			"DisassociateIamInstanceProfile":         ec2DisassociateIamInstanceProfile,
			"ReplaceIamInstanceProfileAssociation":   ec2ReplaceIamInstanceProfileAssociation,
			"DescribeVpcAttribute":                   ec2DescribeVpcAttribute,
			"ModifyVpcAttribute":                     ec2ModifyVpcAttribute,
			"ModifySubnetAttribute":                  ec2ModifySubnetAttribute,
			"StopInstances":                          ec2StopInstances,
			"StartInstances":                         ec2StartInstances,
			"TerminateInstances":                     ec2TerminateInstances,
			"DescribeSecurityGroups":                 ec2DescribeSecurityGroups,
			"CreateSecurityGroup":                    ec2CreateSecurityGroup,
			"DeleteSecurityGroup":                    ec2DeleteSecurityGroup,
			"AuthorizeSecurityGroupIngress":          ec2ChangeRules(true, false),
			"RevokeSecurityGroupIngress":             ec2ChangeRules(false, false),
			"AuthorizeSecurityGroupEgress":           ec2ChangeRules(true, true),
			"RevokeSecurityGroupEgress":              ec2ChangeRules(false, true),
			"DescribeSecurityGroupRules":             ec2DescribeSecurityGroupRules,
			"CreateTags":                             ec2CreateTags,
			"DeleteTags":                             ec2DeleteTags,
			"DescribeTags":                           ec2DescribeTags,
			"DescribeVolumes":                        ec2DescribeVolumes,
			"CreateSnapshot":                         ec2CreateSnapshot,
			"CreateSnapshots":                        ec2CreateSnapshots,
			"DeleteSnapshot":                         ec2DeleteSnapshot,
			"DescribeSnapshots":                      ec2DescribeSnapshots,
			"EnableEbsEncryptionByDefault":           ec2EbsEncryption(true),
			"DisableEbsEncryptionByDefault":          ec2EbsEncryption(false),
			"GetEbsEncryptionByDefault":              ec2GetEbsEncryption,
			"DescribeVpcs":                           ec2DescribeVpcs,
			"CreateVpc":                              ec2CreateVpc,
			"DeleteVpc":                              ec2DeleteVpc,
			"CreateSubnet":                           ec2CreateSubnet,
			"DescribeSubnets":                        ec2DescribeSubnets,
			"DeleteSubnet":                           ec2DeleteSubnet,
			"RunInstances":                           ec2RunInstances,
			"CreateVolume":                           ec2CreateVolume,
			"AttachVolume":                           ec2AttachVolume,
			"DetachVolume":                           ec2DetachVolume,
			"DeleteVolume":                           ec2DeleteVolume,
			"ModifySnapshotAttribute":                ec2ModifySnapshotAttribute,
			"DescribeSnapshotAttribute":              ec2DescribeSnapshotAttribute,
			"ResetSnapshotAttribute":                 ec2ResetSnapshotAttribute,
			"DescribeNetworkInterfaces":              ec2DescribeNetworkInterfaces,
			"DescribeRegions":                        ec2DescribeRegions,
			"DescribeAvailabilityZones":              ec2DescribeAvailabilityZones,
			"DescribeAccountAttributes":              ec2DescribeAccountAttributes,
		},
	}
}

// lockRegion locks the sandbox and returns the caller's region state.
func (rq *request) lockRegion() *Region {
	rq.sb.mu.Lock()
	return rq.sb.st.account(rq.account).region(rq.region)
}

func (rq *request) unlock() { rq.sb.mu.Unlock() }

// dryRun checks DryRun: with DryRun=true AWS answers DryRunOperation once
// the request would have succeeded.
func dryRun(rq *request) error {
	if rq.form.bool("DryRun") {
		return apiErr(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
	}
	return nil
}

// scope is the caller's view of a region, for filters.
func (rq *request) scope(r *Region) scope { return scope{r: r, acct: rq.account} }

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

func (r *Region) snapshot(id string) *Snapshot {
	for _, s := range r.Snapshots {
		if s.ID == id {
			return s
		}
	}
	return nil
}

func (r *Region) vpc(id string) *VPC {
	for _, v := range r.VPCs {
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

func notFoundVolume(id string) error {
	if !strings.HasPrefix(id, "vol-") {
		return apiErr(400, "InvalidParameterValue", "Invalid id: \"%s\" (expecting \"vol-...\")", id)
	}
	return apiErr(400, "InvalidVolume.NotFound", "The volume '%s' does not exist.", id)
}

func notFoundSnapshot(id string) error {
	if !strings.HasPrefix(id, "snap-") {
		return apiErr(400, "InvalidParameterValue", "Invalid id: \"%s\" (expecting \"snap-...\")", id)
	}
	return apiErr(400, "InvalidSnapshot.NotFound", "The snapshot '%s' does not exist.", id)
}

func notFoundVPC(id string) error {
	return apiErr(400, "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
}

// writeOK answers the EC2 calls whose result is <return>true</return>.
func (rq *request) writeOK() {
	rq.writeEC2(func(x *xmlw) { x.leaf("return", "true") })
}

// writeGroupSet writes an EC2 groupSet of security group ids (and names
// where the region knows them).
func writeGroupSet(x *xmlw, r *Region, ids []string, names bool) {
	x.open("groupSet")
	for _, id := range ids {
		x.open("item")
		x.leaf("groupId", id)
		if g := r.group(id); g != nil && names {
			x.leaf("groupName", g.Name)
		}
		x.close("item")
	}
	x.close("groupSet")
}
