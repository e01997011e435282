package sandbox

import (
	"slices"
	"strconv"
	"strings"
)

var instanceStateCodes = map[string]int64{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

// instances describes EC2 instances for DescribeInstances.
var instances = &kind[*Instance]{
	idParam:       "InstanceId",
	id:            func(in *Instance) string { return in.ID },
	tags:          func(in *Instance) map[string]string { return in.Tags },
	notFound:      notFoundInstance,
	idsExcludeMax: true,
	fields: map[string]func(sc scope, in *Instance) []string{
		"instance-id":         func(_ scope, in *Instance) []string { return one(in.ID) },
		"instance-state-name": func(_ scope, in *Instance) []string { return one(in.State) },
		"instance-state-code": func(_ scope, in *Instance) []string {
			return one(strconv.FormatInt(instanceStateCodes[in.State], 10))
		},
		"instance-type":      func(_ scope, in *Instance) []string { return one(in.Type) },
		"vpc-id":             func(_ scope, in *Instance) []string { return one(in.VPCID) },
		"subnet-id":          func(_ scope, in *Instance) []string { return one(in.SubnetID) },
		"availability-zone":  func(_ scope, in *Instance) []string { return one(in.AvailabilityZone) },
		"instance.group-id":  func(_ scope, in *Instance) []string { return in.SecurityGroups },
		"group-id":           func(_ scope, in *Instance) []string { return in.SecurityGroups },
		"private-ip-address": func(_ scope, in *Instance) []string { return one(in.PrivateIP) },
		"ip-address":         func(_ scope, in *Instance) []string { return one(in.PublicIP) },
		"image-id":           func(_ scope, in *Instance) []string { return one(in.ImageID) },
		"owner-id":           func(sc scope, _ *Instance) []string { return one(sc.acct) },
		"iam-instance-profile.arn": func(_ scope, in *Instance) []string {
			return one(in.InstanceProfileARN)
		},
		"network-interface.network-interface-id": func(_ scope, in *Instance) []string {
			return one(in.NetworkInterfaceID)
		},
		"instance.group-name": groupNames,
		"group-name":          groupNames,
		"block-device-mapping.volume-id": func(sc scope, in *Instance) []string {
			var ids []string
			for _, v := range sc.r.Volumes {
				if v.InstanceID == in.ID {
					ids = append(ids, v.ID)
				}
			}
			return ids
		},
	},
}

func groupNames(sc scope, in *Instance) []string {
	var names []string
	for _, id := range in.SecurityGroups {
		if g := sc.r.group(id); g != nil {
			names = append(names, g.Name)
		}
	}
	return names
}

func ec2DescribeInstances(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	match, next, err := describe(rq, instances, rq.scope(r), r.Instances)
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("reservationSet")
		// Instances launched together share a reservation.
		var order []string
		byRes := map[string][]*Instance{}
		for _, in := range match {
			id := in.reservation()
			if byRes[id] == nil {
				order = append(order, id)
			}
			byRes[id] = append(byRes[id], in)
		}
		for _, id := range order {
			writeReservation(x, rq.account, r, id, byRes[id])
		}
		x.close("reservationSet")
		x.opt("nextToken", next)
	})
	return nil
}

// reservation is the instance's reservation id (RunInstances launches
// each call's instances in one reservation).
func (in *Instance) reservation() string {
	if in.ReservationID != "" {
		return in.ReservationID
	}
	return "r-" + strings.TrimPrefix(in.ID, "i-")
}

func writeReservation(x *xmlw, acct string, r *Region, id string, ins []*Instance) {
	x.open("item")
	x.leaf("reservationId", id)
	x.leaf("ownerId", acct)
	x.leaf("groupSet", "")
	x.open("instancesSet")
	for _, in := range ins {
		writeInstance(x, r, in)
	}
	x.close("instancesSet")
	x.close("item")
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
	x.opt("keyName", in.KeyName)
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
	writeGroupSet(x, r, in.SecurityGroups, true)
	x.leaf("architecture", "x86_64")
	x.leaf("rootDeviceType", "ebs")
	x.leaf("rootDeviceName", "/dev/xvda")
	writeBlockDevices(x, r, in)
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
		writeGroupSet(x, r, in.SecurityGroups, true)
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

func ec2DescribeInstanceStatus(rq *request) error {
	ids := rq.form.list("InstanceId")
	all := rq.form.bool("IncludeAllInstances")
	r := rq.ec2Region()
	defer rq.unlock()
	for _, id := range ids {
		if r.instance(id) == nil {
			return notFoundInstance(id)
		}
	}
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

func writeBlockDevices(x *xmlw, r *Region, in *Instance) {
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
}
