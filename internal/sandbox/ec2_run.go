package sandbox

import (
	"encoding/base64"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxRunCount is the most instances one RunInstances call launches in the
// sandbox (AWS's own limit depends on the account's vCPU quota).
const maxRunCount = 100

// ec2RunInstances launches instances: each gets a private address in its
// subnet, an ENI, an 8 GiB root volume (encrypted when the region
// encrypts by default) and the VPC's default security group unless told
// otherwise. They answer "pending" and are running at once.
func ec2RunInstances(rq *request) error {
	f := rq.form
	image := f["ImageId"]
	if image == "" && f["LaunchTemplate.LaunchTemplateId"] == "" && f["LaunchTemplate.LaunchTemplateName"] == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter ImageId")
	}
	if image == "" {
		return apiErr(400, "UnsupportedOperation", "The sandbox does not simulate launch templates; give ImageId.")
	}
	if !strings.HasPrefix(image, "ami-") {
		return apiErr(400, "InvalidAMIID.Malformed", "Invalid id: \"%s\" (expecting \"ami-...\")", image)
	}
	minN, err := f.int("MinCount", 0)
	if err != nil {
		return err
	}
	maxN, err := f.int("MaxCount", 0)
	if err != nil {
		return err
	}
	switch {
	case minN < 1:
		return apiErr(400, "InvalidParameterValue", "Value (%d) for parameter minCount is invalid. Expected a positive integer.", minN)
	case maxN < minN:
		return apiErr(400, "InvalidParameterValue", "Value (%d) for parameter maxCount is invalid. Expected a value greater than or equal to minCount.", maxN)
	case minN > maxRunCount:
		return apiErr(400, "InstanceLimitExceeded", "Your quota allows for 0 more running instance(s). You requested at least %d (the sandbox launches at most %d at once).", minN, maxRunCount)
	}
	n := int(min(maxN, maxRunCount))
	if b := f["InstanceInitiatedShutdownBehavior"]; b != "" && b != "stop" && b != "terminate" {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter instanceInitiatedShutdownBehavior is invalid.", b)
	}
	if ud := f["UserData"]; ud != "" {
		if _, err := base64.StdEncoding.DecodeString(ud); err != nil {
			return apiErr(400, "InvalidParameterValue", "Invalid BASE64 encoding of user data.")
		}
	}
	if t := f["MetadataOptions.HttpTokens"]; t != "" && t != "optional" && t != "required" {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter HttpTokens is invalid.", t)
	}
	r := rq.ec2Region()
	defer rq.unlock()
	w := rq.sb.st
	if tok := f["ClientToken"]; tok != "" {
		// The same token returns the first call's reservation.
		var same []*Instance
		for _, in := range r.Instances {
			if in.clientToken == tok {
				same = append(same, in)
			}
		}
		if len(same) > 0 {
			rq.writeReservation(r, same[0].ReservationID, same)
			return nil
		}
	}
	// Where: the subnet given, or the default subnet of the zone asked for.
	var sub *Subnet
	if id := f["SubnetId"]; id != "" {
		if sub = r.subnet(id); sub == nil {
			return notFoundSubnet(id)
		}
	} else {
		az := f["Placement.AvailabilityZone"]
		for _, s := range r.Subnets {
			if s.DefaultForAz && (az == "" || s.AvailabilityZone == az) && r.isDefaultVPC(s.VPCID) {
				sub = s
				break
			}
		}
		if sub == nil {
			return apiErr(400, "VPCIdNotSpecified", "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
		}
	}
	groups, err := runGroups(r, f, sub.VPCID)
	if err != nil {
		return err
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	profile, err := launchProfile(rq, r.Name)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	resID := "r-" + w.randID(17, hexDigits)
	instTags, volTags := tagSpecs(f, "instance"), tagSpecs(f, "volume")
	var launched []*Instance
	for range n {
		ip, ok := nextAddress(r, sub)
		if !ok {
			return apiErr(400, "InsufficientFreeAddressesInSubnet", "There are not enough free addresses in subnet '%s' to satisfy the requested number of instances.", sub.ID)
		}
		in := &Instance{
			ID: "i-" + w.randID(17, hexDigits), Type: orDefault(f["InstanceType"], "m1.small"), ImageID: image, State: "running",
			AvailabilityZone: sub.AvailabilityZone, VPCID: sub.VPCID, SubnetID: sub.ID, PrivateIP: ip,
			NetworkInterfaceID: "eni-" + w.randID(17, hexDigits), SecurityGroups: groups, InstanceProfileARN: profile,
			KeyName: f["KeyName"], UserData: f["UserData"], DisableAPITermination: f.bool("DisableApiTermination"),
			DisableAPIStop: f.bool("DisableApiStop"), ShutdownBehavior: f["InstanceInitiatedShutdownBehavior"], EbsOptimized: f.bool("EbsOptimized"),
			ReservationID: resID, LaunchTime: now, Tags: copyTags(instTags), clientToken: f["ClientToken"],
			Metadata: &MetadataOptions{HttpTokens: orDefault(f["MetadataOptions.HttpTokens"], "optional"),
				HttpEndpoint: orDefault(f["MetadataOptions.HttpEndpoint"], "enabled"), HttpPutResponseHopLimit: 1},
		}
		if hop, err := f.int("MetadataOptions.HttpPutResponseHopLimit", 1); err == nil && hop > 0 {
			in.Metadata.HttpPutResponseHopLimit = int32(hop)
		}
		if sub.MapPublicIPOnLaunch || f["NetworkInterface.1.AssociatePublicIpAddress"] == "true" {
			in.PublicIP = w.nextPublicIP()
		}
		r.Instances = append(r.Instances, in)
		if err := w.attachLaunchVolumes(r, in, f, volTags); err != nil {
			return err
		}
		launched = append(launched, in)
	}
	rq.writeReservation(r, resID, launched)
	return nil
}

// copyTags gives each instance its own tag map.
func copyTags(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// runGroups resolves SecurityGroupId.N and SecurityGroup.N (names) in
// the VPC; none means the VPC's default group.
func runGroups(r *Region, f form, vpc string) ([]string, error) {
	var ids []string
	for _, id := range f.list("SecurityGroupId") {
		g := r.group(id)
		if g == nil {
			return nil, notFoundGroup(id)
		}
		if g.VPCID != vpc {
			return nil, apiErr(400, "InvalidParameter", "Security group %s and subnet belong to different networks.", id)
		}
		ids = append(ids, id)
	}
	for _, name := range f.list("SecurityGroup") {
		i := slices.IndexFunc(r.SecurityGroups, func(g *SecurityGroup) bool { return g.Name == name && g.VPCID == vpc })
		if i < 0 {
			return nil, apiErr(400, "InvalidGroup.NotFound", "The security group '%s' does not exist in VPC '%s'", name, vpc)
		}
		ids = append(ids, r.SecurityGroups[i].ID)
	}
	if len(ids) == 0 {
		for _, g := range r.SecurityGroups {
			if g.VPCID == vpc && g.Name == "default" {
				ids = []string{g.ID}
			}
		}
	}
	return slices.Compact(ids), nil
}

// nextAddress is the lowest free private address of the subnet (after
// AWS's four reserved at the start).
func nextAddress(r *Region, s *Subnet) (string, bool) {
	p, err := netip.ParsePrefix(s.CIDR)
	if err != nil {
		return "", false
	}
	used := map[string]bool{}
	for _, in := range r.Instances {
		if in.SubnetID == s.ID && in.State != "terminated" {
			used[in.PrivateIP] = true
		}
	}
	a := p.Masked().Addr()
	for range 4 {
		a = a.Next()
	}
	for ; p.Contains(a.Next()); a = a.Next() { // the last address is reserved
		if !used[a.String()] {
			return a.String(), true
		}
	}
	return "", false
}

// nextPublicIP hands out public addresses from a documentation range.
func (w *world) nextPublicIP() string {
	w.publicIPs++
	n := w.publicIPs
	return "198.51." + strconv.Itoa(100+n/250%100) + "." + strconv.Itoa(1+n%250)
}

// attachLaunchVolumes gives a launched instance its root volume and the
// BlockDeviceMapping.N volumes asked for.
func (w *world) attachLaunchVolumes(r *Region, in *Instance, f form, tags map[string]string) error {
	devs := f.structs("BlockDeviceMapping")
	hasRoot := slices.ContainsFunc(devs, func(d form) bool { return isBootDevice(d["DeviceName"]) })
	if !hasRoot {
		devs = append([]form{{"DeviceName": "/dev/xvda"}}, devs...)
	}
	for _, d := range devs {
		if d["DeviceName"] == "" {
			return apiErr(400, "MissingParameter", "The request must contain the parameter BlockDeviceMapping.N.DeviceName")
		}
		if d["NoDevice"] != "" || d["VirtualName"] != "" {
			continue
		}
		size, err := d.int("Ebs.VolumeSize", 8)
		if err != nil {
			return err
		}
		if size < 1 || size > 16384 {
			return apiErr(400, "InvalidParameterValue", "Volume of %d GiB is out of range (1 to 16384).", size)
		}
		v := &Volume{ID: "vol-" + w.randID(17, hexDigits), Size: int32(size), Type: orDefault(d["Ebs.VolumeType"], "gp2"),
			AvailabilityZone: in.AvailabilityZone, State: "in-use", Encrypted: d["Ebs.Encrypted"] == "true" || r.EbsEncryptionByDefault,
			KMSKeyID: d["Ebs.KmsKeyId"], InstanceID: in.ID, Device: d["DeviceName"], SnapshotID: d["Ebs.SnapshotId"],
			DeleteOnTermination: d["Ebs.DeleteOnTermination"] != "false", Created: in.LaunchTime, Tags: copyTags(tags)}
		r.Volumes = append(r.Volumes, v)
	}
	return nil
}

// writeReservation answers RunInstances; new instances are reported
// "pending", as AWS does.
func (rq *request) writeReservation(r *Region, resID string, ins []*Instance) {
	rq.writeEC2(func(x *xmlw) {
		x.leaf("reservationId", resID)
		x.leaf("ownerId", rq.account)
		x.leaf("groupSet", "")
		x.open("instancesSet")
		for _, in := range ins {
			state := in.State
			in.State = "pending"
			writeInstance(x, r, in)
			in.State = state
		}
		x.close("instancesSet")
	})
}

// launchProfile is the ARN of the instance profile RunInstances names by
// IamInstanceProfile.Arn or .Name, which must be one of the account's;
// "" for none. The caller holds mu.
func launchProfile(rq *request, region string) (string, error) {
	f := rq.form
	arn, name := f["IamInstanceProfile.Arn"], f["IamInstanceProfile.Name"]
	param := "iamInstanceProfile.name"
	if arn != "" {
		param = "iamInstanceProfile.arn"
		_, rest, ok := strings.Cut(arn, ":instance-profile/")
		if !ok || !strings.Contains(arn, ":"+rq.account+":") {
			return "", apiErr(400, "InvalidParameterValue", "Value (%s) for parameter %s is invalid. Invalid IAM Instance Profile ARN", arn, param)
		}
		name = rest[strings.LastIndex(rest, "/")+1:]
	}
	if name == "" {
		return "", nil
	}
	ip := rq.sb.st.account(rq.account).instanceProfile(name)
	if ip == nil {
		return "", apiErr(400, "InvalidParameterValue", "Value (%s) for parameter %s is invalid. Invalid IAM Instance Profile name", orDefault(arn, name), param)
	}
	return instanceProfileARN(region, rq.account, ip), nil
}
