package sandbox

import (
	"slices"
	"strconv"
	"time"
)

func ec2CreateVolume(rq *request) error {
	f := rq.form
	az := f["AvailabilityZone"]
	if az == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter AvailabilityZone")
	}
	size, err := f.int("Size", 0)
	if err != nil {
		return err
	}
	typ := orDefault(f["VolumeType"], "gp2")
	if !slices.Contains([]string{"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"}, typ) {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter volumeType is invalid.", typ)
	}
	if size == 0 && f["SnapshotId"] == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter size or snapshotId")
	}
	if size < 0 || size > 16384 {
		return apiErr(400, "InvalidParameterValue", "Volume of %d GiB is out of range (1 to 16384).", size)
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	if len(az) != len(r.Name)+1 || az[:len(r.Name)] != r.Name {
		return apiErr(400, "InvalidAvailabilityZone", "The availability zone '%s' does not exist in region %s.", az, r.Name)
	}
	encrypted := f.bool("Encrypted") || r.EbsEncryptionByDefault
	if sid := f["SnapshotId"]; sid != "" {
		s := r.snapshot(sid)
		if s == nil {
			return notFoundSnapshot(sid)
		}
		if size == 0 {
			size = int64(s.VolumeSize)
		}
		if size < int64(s.VolumeSize) {
			return apiErr(400, "InvalidParameterValue", "The volume size is invalid for the snapshot %s (at least %d GiB).", sid, s.VolumeSize)
		}
		encrypted = encrypted || s.Encrypted
	}
	v := &Volume{ID: "vol-" + rq.sb.st.randID(17, hexDigits), Size: int32(size), Type: typ, AvailabilityZone: az, State: "available",
		Encrypted: encrypted, KMSKeyID: f["KmsKeyId"], SnapshotID: f["SnapshotId"], Created: time.Now().UTC().Truncate(time.Millisecond),
		Tags: tagSpecs(f, "volume")}
	r.Volumes = append(r.Volumes, v)
	rq.writeEC2(func(x *xmlw) {
		x.leaf("volumeId", v.ID)
		x.int("size", int64(v.Size))
		x.leaf("snapshotId", v.SnapshotID)
		x.leaf("availabilityZone", v.AvailabilityZone)
		x.leaf("status", "creating")
		x.time("createTime", v.Created)
		x.leaf("volumeType", v.Type)
		x.bool("encrypted", v.Encrypted)
		x.opt("kmsKeyId", v.KMSKeyID)
		if len(v.Tags) > 0 {
			x.tags("tagSet", v.Tags)
		}
	})
	return nil
}

func writeAttachment(x *xmlw, v *Volume, instance, device, status string) {
	x.leaf("volumeId", v.ID)
	x.leaf("instanceId", instance)
	x.leaf("device", device)
	x.leaf("status", status)
	x.time("attachTime", time.Now().UTC())
	x.bool("deleteOnTermination", v.DeleteOnTermination)
}

func ec2AttachVolume(rq *request) error {
	f := rq.form
	vid, iid, dev := f["VolumeId"], f["InstanceId"], f["Device"]
	if vid == "" || iid == "" || dev == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameters VolumeId, InstanceId and Device")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	v := r.volume(vid)
	if v == nil {
		return notFoundVolume(vid)
	}
	in, err := liveInstance(r, iid)
	if err != nil {
		return err
	}
	if v.InstanceID != "" {
		return apiErr(400, "VolumeInUse", "%s is already attached to an instance", vid)
	}
	if v.AvailabilityZone != in.AvailabilityZone {
		return apiErr(400, "InvalidVolume.ZoneMismatch", "The volume '%s' is not in the same availability zone as instance '%s'", vid, iid)
	}
	for _, o := range r.Volumes {
		if o.InstanceID == iid && o.Device == dev {
			return apiErr(400, "InvalidParameterValue", "Invalid value '%s' for unixDevice. Attachment point %s is already in use", dev, dev)
		}
	}
	v.InstanceID, v.Device, v.State, v.DeleteOnTermination = iid, dev, "in-use", false
	rq.writeEC2(func(x *xmlw) { writeAttachment(x, v, iid, dev, "attaching") })
	return nil
}

func ec2DetachVolume(rq *request) error {
	vid := rq.form["VolumeId"]
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	v := r.volume(vid)
	if v == nil {
		return notFoundVolume(vid)
	}
	if v.InstanceID == "" || rq.form["InstanceId"] != "" && rq.form["InstanceId"] != v.InstanceID {
		return apiErr(400, "IncorrectState", "Volume '%s' is in the 'available' state.", vid)
	}
	if isBootDevice(v.Device) && !rq.form.bool("Force") {
		if in := r.instance(v.InstanceID); in != nil && in.State == "running" {
			return apiErr(400, "OperationNotPermitted", "Unable to detach root volume '%s' from instance '%s'", vid, in.ID)
		}
	}
	iid, dev := v.InstanceID, v.Device
	v.InstanceID, v.Device, v.State = "", "", "available"
	rq.writeEC2(func(x *xmlw) { writeAttachment(x, v, iid, dev, "detaching") })
	return nil
}

func ec2DeleteVolume(rq *request) error {
	vid := rq.form["VolumeId"]
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	v := r.volume(vid)
	if v == nil {
		return notFoundVolume(vid)
	}
	if v.InstanceID != "" {
		return apiErr(400, "VolumeInUse", "Volume %s is currently attached to %s", vid, v.InstanceID)
	}
	r.Volumes = slices.DeleteFunc(r.Volumes, func(x *Volume) bool { return x == v })
	rq.writeOK()
	return nil
}

// volumes describes EBS volumes for DescribeVolumes.
var volumes = &kind[*Volume]{
	idParam:       "VolumeId",
	id:            func(v *Volume) string { return v.ID },
	tags:          func(v *Volume) map[string]string { return v.Tags },
	notFound:      notFoundVolume,
	idsExcludeMax: true,
	fields: map[string]func(sc scope, v *Volume) []string{
		"volume-id":              func(_ scope, v *Volume) []string { return one(v.ID) },
		"status":                 func(_ scope, v *Volume) []string { return one(v.State) },
		"encrypted":              func(_ scope, v *Volume) []string { return one(strconv.FormatBool(v.Encrypted)) },
		"attachment.instance-id": func(_ scope, v *Volume) []string { return one(v.InstanceID) },
		"attachment.device":      func(_ scope, v *Volume) []string { return one(v.Device) },
		"attachment.delete-on-termination": func(_ scope, v *Volume) []string {
			return one(strconv.FormatBool(v.DeleteOnTermination))
		},
		"attachment.status": func(_ scope, v *Volume) []string {
			if v.InstanceID != "" {
				return one("attached")
			}
			return nil
		},
		"availability-zone": func(_ scope, v *Volume) []string { return one(v.AvailabilityZone) },
		"volume-type":       func(_ scope, v *Volume) []string { return one(v.Type) },
		"size":              func(_ scope, v *Volume) []string { return one(strconv.Itoa(int(v.Size))) },
		"snapshot-id":       func(_ scope, v *Volume) []string { return one(v.SnapshotID) },
		"create-time":       func(_ scope, v *Volume) []string { return one(v.Created.UTC().Format("2006-01-02T15:04:05.000Z")) },
	},
}

func ec2DescribeVolumes(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	match, next, err := describe(rq, volumes, rq.scope(r), r.Volumes)
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("volumeSet")
		for _, v := range match {
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
