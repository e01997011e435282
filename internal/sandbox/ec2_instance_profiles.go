package sandbox

import (
	"slices"
	"strings"
)

// Instance profile associations: the IAM role an instance acts as.
// Removing it (DisassociateIamInstanceProfile) is how a responder cuts off
// credentials stolen from an instance's metadata service. An instance has
// at most one association, whose id derives from the instance's.

func associationID(in *Instance) string { return "iip-assoc-" + strings.TrimPrefix(in.ID, "i-") }

func writeAssociation(x *xmlw, in *Instance, profileARN, state string) {
	x.leaf("associationId", associationID(in))
	x.leaf("instanceId", in.ID)
	x.open("iamInstanceProfile")
	x.leaf("arn", profileARN)
	x.leaf("id", stableID("AIPA", profileARN))
	x.close("iamInstanceProfile")
	x.leaf("state", state)
}

// byAssociation finds the live instance whose association id is id; the
// caller holds mu.
func byAssociation(r *Region, id string) (*Instance, error) {
	for _, in := range r.Instances {
		if in.InstanceProfileARN != "" && in.State != "terminated" && associationID(in) == id {
			return in, nil
		}
	}
	return nil, apiErr(400, "InvalidAssociationID.NotFound", "An association ID '%s' does not exist.", id)
}

func ec2DescribeIamInstanceProfileAssociations(rq *request) error {
	ids := rq.form.list("AssociationId")
	var instances, states []string
	for _, f := range rq.form.structs("Filter") {
		switch f["Name"] {
		case "instance-id":
			instances = append(instances, f.list("Value")...)
		case "state":
			states = append(states, f.list("Value")...)
		default:
			return apiErr(400, "InvalidParameterValue", "The filter '%s' is invalid", f["Name"])
		}
	}
	r := rq.ec2Region()
	defer rq.unlock()
	for _, id := range ids {
		if _, err := byAssociation(r, id); err != nil {
			return err
		}
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("iamInstanceProfileAssociationSet")
		for _, in := range r.Instances {
			if in.InstanceProfileARN == "" || in.State == "terminated" ||
				len(ids) > 0 && !slices.Contains(ids, associationID(in)) ||
				len(instances) > 0 && !slices.Contains(instances, in.ID) ||
				len(states) > 0 && !slices.Contains(states, "associated") {
				continue
			}
			x.open("item")
			writeAssociation(x, in, in.InstanceProfileARN, "associated")
			x.close("item")
		}
		x.close("iamInstanceProfileAssociationSet")
	})
	return nil
}

func ec2AssociateIamInstanceProfile(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	in := r.instance(rq.form["InstanceId"])
	if in == nil {
		return notFoundInstance(rq.form["InstanceId"])
	}
	if in.State == "terminated" {
		return apiErr(400, "IncorrectInstanceState", "The instance '%s' is not in a valid state for this operation.", in.ID)
	}
	if in.InstanceProfileARN != "" {
		return apiErr(400, "IncorrectState", "There is an existing association for instance %s", in.ID)
	}
	profile, err := launchProfile(rq, r.Name)
	if err != nil {
		return err
	}
	if profile == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter IamInstanceProfile")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	in.InstanceProfileARN = profile
	rq.writeEC2(func(x *xmlw) {
		x.open("iamInstanceProfileAssociation")
		writeAssociation(x, in, profile, "associating")
		x.close("iamInstanceProfileAssociation")
	})
	return nil
}

func ec2DisassociateIamInstanceProfile(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	in, err := byAssociation(r, rq.form["AssociationId"])
	if err != nil {
		return err
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	old := in.InstanceProfileARN
	in.InstanceProfileARN = ""
	rq.writeEC2(func(x *xmlw) {
		x.open("iamInstanceProfileAssociation")
		writeAssociation(x, in, old, "disassociating")
		x.close("iamInstanceProfileAssociation")
	})
	return nil
}

func ec2ReplaceIamInstanceProfileAssociation(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	in, err := byAssociation(r, rq.form["AssociationId"])
	if err != nil {
		return err
	}
	profile, err := launchProfile(rq, r.Name)
	if err != nil {
		return err
	}
	if profile == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter IamInstanceProfile")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	in.InstanceProfileARN = profile
	rq.writeEC2(func(x *xmlw) {
		x.open("iamInstanceProfileAssociation")
		writeAssociation(x, in, profile, "associating")
		x.close("iamInstanceProfileAssociation")
	})
	return nil
}
