package sandbox

// changeState moves instances to a new state and answers with the
// transition, as StopInstances, StartInstances and TerminateInstances do.
//
// next checks the change and names the state it leads to; apply, when not
// nil, does what else the change does, once every instance has passed.
func changeState(rq *request, reported string, next func(r *Region, in *Instance) (string, error), apply func(r *Region, in *Instance)) error {
	ids := rq.form.list("InstanceId")
	if len(ids) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter InstanceId")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
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
		if apply != nil {
			apply(r, in)
		}
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
		if in.DisableAPIStop {
			return "", apiErr(400, "OperationNotPermitted", "The instance '%s' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.", in.ID)
		}
		switch in.State {
		case "running", "stopping", "stopped", "pending":
			return "stopped", nil
		}
		return "", apiErr(400, "IncorrectInstanceState", "This instance '%s' is not in a state from which it can be stopped.", in.ID)
	}, nil)
}
func ec2StartInstances(rq *request) error {
	return changeState(rq, "pending", func(r *Region, in *Instance) (string, error) {
		switch in.State {
		case "running", "pending", "stopped":
			return "running", nil
		}
		return "", apiErr(400, "IncorrectInstanceState", "The instance '%s' is not in a state from which it can be started.", in.ID)
	}, nil)
}
func ec2TerminateInstances(rq *request) error {
	return changeState(rq, "shutting-down", func(r *Region, in *Instance) (string, error) {
		if in.DisableAPITermination {
			return "", apiErr(400, "OperationNotPermitted", "The instance '%s' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.", in.ID)
		}
		return "terminated", nil
	}, func(r *Region, in *Instance) {
		if in.State != "terminated" {
			releaseVolumes(r, in)
		}
	})
}

// terminate ends an instance.
func terminate(r *Region, in *Instance) {
	if in.State != "terminated" {
		releaseVolumes(r, in)
		in.State = "terminated"
	}
}

// releaseVolumes deletes the instance's volumes marked delete-on-termination
// and detaches the others.
func releaseVolumes(r *Region, in *Instance) {
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
