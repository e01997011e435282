package sandbox

import (
	"slices"
	"strconv"
	"strings"
)

// liveInstance finds an instance that can still be changed.
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

// instanceAttrs are the attributes ModifyInstanceAttribute changes and
// DescribeInstanceAttribute reads, by the name Attribute= uses and the
// parameter (NAME.Value) that sets each.
var instanceAttrs = []struct{ attr, param string }{
	{"instanceType", "InstanceType"},
	{"userData", "UserData"},
	{"disableApiTermination", "DisableApiTermination"},
	{"disableApiStop", "DisableApiStop"},
	{"instanceInitiatedShutdownBehavior", "InstanceInitiatedShutdownBehavior"},
	{"sourceDestCheck", "SourceDestCheck"},
	{"ebsOptimized", "EbsOptimized"},
}

func ec2ModifyInstanceAttribute(rq *request) error {
	f := rq.form
	groups := f.list("GroupId")
	// The value comes as NAME.Value, or as Attribute plus Value.
	set := map[string]string{}
	for _, a := range instanceAttrs {
		if v, ok := f[a.param+".Value"]; ok {
			set[a.attr] = v
		}
	}
	if attr := f["Attribute"]; attr != "" {
		if attr == "groupSet" {
			return apiErr(400, "InvalidParameterCombination", "Use GroupId.N to change an instance's security groups.")
		}
		if !slices.ContainsFunc(instanceAttrs, func(a struct{ attr, param string }) bool { return a.attr == attr }) {
			return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
		}
		set[attr] = f["Value"]
	}
	if len(groups) == 0 && len(set) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter GroupId or an attribute to change")
	}
	if len(set)+min(len(groups), 1) > 1 {
		return apiErr(400, "InvalidParameterCombination", "Fields for multiple attribute types specified: %s", strings.Join(sortedKeys(set), ", "))
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	in, err := liveInstance(r, f["InstanceId"])
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
	if len(groups) > 0 {
		in.SecurityGroups = slices.Compact(slices.Clone(groups))
	}
	for attr, v := range set {
		switch attr {
		case "instanceType":
			if in.State != "stopped" {
				return apiErr(400, "IncorrectInstanceState", "The instance '%s' is not in the 'stopped' state.", in.ID)
			}
			in.Type = v
		case "userData":
			if in.State != "stopped" {
				return apiErr(400, "IncorrectInstanceState", "The instance '%s' is not in the 'stopped' state.", in.ID)
			}
			in.UserData = v
		case "disableApiTermination":
			in.DisableAPITermination = strings.EqualFold(v, "true")
		case "disableApiStop":
			in.DisableAPIStop = strings.EqualFold(v, "true")
		case "instanceInitiatedShutdownBehavior":
			if v != "stop" && v != "terminate" {
				return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter instanceInitiatedShutdownBehavior is invalid. Valid values: stop, terminate.", v)
			}
			in.ShutdownBehavior = v
		case "sourceDestCheck":
			off := !strings.EqualFold(v, "true")
			in.SourceDestCheckOff = off
		case "ebsOptimized":
			in.EbsOptimized = strings.EqualFold(v, "true")
		}
	}
	rq.writeOK()
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
	r := rq.ec2Region()
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
func ec2DescribeInstanceAttribute(rq *request) error {
	attr := rq.form["Attribute"]
	r := rq.ec2Region()
	defer rq.unlock()
	in := r.instance(rq.form["InstanceId"])
	if in == nil {
		return notFoundInstance(rq.form["InstanceId"])
	}
	value := map[string]string{
		"instanceType":                      in.Type,
		"userData":                          in.UserData,
		"disableApiTermination":             strconv.FormatBool(in.DisableAPITermination),
		"disableApiStop":                    strconv.FormatBool(in.DisableAPIStop),
		"instanceInitiatedShutdownBehavior": orDefault(in.ShutdownBehavior, "stop"),
		"sourceDestCheck":                   strconv.FormatBool(!in.SourceDestCheckOff),
		"ebsOptimized":                      strconv.FormatBool(in.EbsOptimized),
		"rootDeviceName":                    "/dev/xvda",
	}
	switch v, simple := value[attr]; {
	case attr == "groupSet":
		rq.writeEC2(func(x *xmlw) {
			x.leaf("instanceId", in.ID)
			writeGroupSet(x, r, in.SecurityGroups, false)
		})
	case attr == "blockDeviceMapping":
		rq.writeEC2(func(x *xmlw) {
			x.leaf("instanceId", in.ID)
			writeBlockDevices(x, r, in)
		})
	case simple:
		rq.writeEC2(func(x *xmlw) {
			x.leaf("instanceId", in.ID)
			x.open(attr)
			if attr != "userData" || v != "" {
				x.leaf("value", v)
			}
			x.close(attr)
		})
	default:
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", attr)
	}
	return nil
}
