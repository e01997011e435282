package sandbox

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

func ec2CreateSnapshot(rq *request) error {
	id := rq.form["VolumeId"]
	if id == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter VolumeId")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	v := r.volume(id)
	if v == nil {
		return notFoundVolume(id)
	}
	s := newSnapshot(rq.sb.st, v, rq.form["Description"], tagSpecs(rq.form, "snapshot"))
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

// snapshots describes EBS snapshots for DescribeSnapshots.
var snapshots = &kind[*Snapshot]{
	idParam:  "SnapshotId",
	id:       func(s *Snapshot) string { return s.ID },
	tags:     func(s *Snapshot) map[string]string { return s.Tags },
	notFound: notFoundSnapshot,
	fields: map[string]func(sc scope, s *Snapshot) []string{
		"snapshot-id": func(_ scope, s *Snapshot) []string { return one(s.ID) },
		"volume-id":   func(_ scope, s *Snapshot) []string { return one(s.VolumeID) },
		"status":      func(_ scope, s *Snapshot) []string { return one(s.State) },
		"owner-id":    func(sc scope, _ *Snapshot) []string { return one(sc.acct) },
		"description": func(_ scope, s *Snapshot) []string { return one(s.Description) },
		"encrypted":   func(_ scope, s *Snapshot) []string { return one(strconv.FormatBool(s.Encrypted)) },
		"volume-size": func(_ scope, s *Snapshot) []string { return one(strconv.Itoa(int(s.VolumeSize))) },
	},
}

func ec2DescribeSnapshots(rq *request) error {
	owners := rq.form.list("Owner")
	users := rq.form.list("RestorableBy")
	r := rq.ec2Region()
	defer rq.unlock()
	all := r.Snapshots
	if len(owners) > 0 || len(users) > 0 {
		all = nil
		for _, s := range r.Snapshots {
			own := len(owners) == 0 || slices.Contains(owners, "self") || slices.Contains(owners, rq.account)
			can := len(users) == 0 || slices.ContainsFunc(users, func(u string) bool {
				return u == "all" && s.Public || slices.Contains(s.SharedWith, u) || u == rq.account
			})
			if own && can {
				all = append(all, s)
			}
		}
	}
	match, next, err := describe(rq, snapshots, rq.scope(r), all)
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("snapshotSet")
		for _, s := range match {
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

// newSnapshot is a snapshot of v. It is complete at once: the sandbox has
// no data to copy.
func newSnapshot(w *world, v *Volume, desc string, tags map[string]string) *Snapshot {
	return &Snapshot{
		ID: "snap-" + w.randID(17, hexDigits), VolumeID: v.ID, VolumeSize: v.Size,
		Description: desc, State: "completed", Encrypted: v.Encrypted,
		Started: time.Now().UTC().Truncate(time.Millisecond), Tags: tags,
	}
}

// ec2CreateSnapshots snapshots every EBS volume attached to an instance
// (InstanceSpecification), tagging each with TagSpecification and, with
// CopyTagsFromSource=volume, with its volume's tags.
func ec2CreateSnapshots(rq *request) error {
	id := rq.form["InstanceSpecification.InstanceId"]
	if id == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter InstanceSpecification.InstanceId")
	}
	if c := rq.form["CopyTagsFromSource"]; c != "" && c != "volume" {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter CopyTagsFromSource is invalid. Valid values: volume.", c)
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	in := r.instance(id)
	if in == nil {
		return notFoundInstance(id)
	}
	excludeBoot := rq.form.bool("InstanceSpecification.ExcludeBootVolume")
	excluded := rq.form.list("InstanceSpecification.ExcludeDataVolumeId")
	tags := tagSpecs(rq.form, "snapshot")
	var made []*Snapshot
	for _, v := range r.Volumes {
		if v.InstanceID != in.ID || excludeBoot && isBootDevice(v.Device) || !isBootDevice(v.Device) && slices.Contains(excluded, v.ID) {
			continue
		}
		t := maps.Clone(tags)
		if rq.form["CopyTagsFromSource"] == "volume" {
			for k, val := range v.Tags {
				if t == nil {
					t = map[string]string{}
				}
				if _, set := t[k]; !set && !strings.HasPrefix(k, "aws:") {
					t[k] = val
				}
			}
		}
		s := newSnapshot(rq.sb.st, v, rq.form["Description"], t)
		made = append(made, s)
	}
	r.Snapshots = append(r.Snapshots, made...)
	rq.writeEC2(func(x *xmlw) {
		x.open("snapshotSet")
		for _, s := range made {
			x.open("item")
			x.leaf("snapshotId", s.ID)
			x.leaf("volumeId", s.VolumeID)
			x.leaf("state", "pending")
			x.time("startTime", s.Started)
			x.leaf("progress", "")
			x.leaf("ownerId", rq.account)
			x.int("volumeSize", int64(s.VolumeSize))
			x.leaf("description", s.Description)
			x.bool("encrypted", s.Encrypted)
			x.tags("tagSet", s.Tags)
			x.close("item")
		}
		x.close("snapshotSet")
	})
	return nil
}

// isBootDevice reports whether a device name is an instance's root device.
func isBootDevice(dev string) bool { return dev == "/dev/xvda" || dev == "/dev/sda1" }

func ec2DeleteSnapshot(rq *request) error {
	id := rq.form["SnapshotId"]
	if id == "" {
		return apiErr(400, "MissingParameter", "The request must contain the parameter SnapshotId")
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	if r.snapshot(id) == nil {
		return notFoundSnapshot(id)
	}
	r.Snapshots = slices.DeleteFunc(r.Snapshots, func(s *Snapshot) bool { return s.ID == id })
	rq.writeOK()
	return nil
}

// ec2ModifySnapshotAttribute shares a snapshot with accounts, or with
// everyone (group all), or stops sharing it: createVolumePermission only.
func ec2ModifySnapshotAttribute(rq *request) error {
	f := rq.form
	if a := f["Attribute"]; a != "" && a != "createVolumePermission" {
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid. The sandbox changes createVolumePermission only.", a)
	}
	type change struct {
		add          bool
		users, group []string
	}
	var changes []change
	if op := f["OperationType"]; op != "" {
		if op != "add" && op != "remove" {
			return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter operationType is invalid.", op)
		}
		changes = append(changes, change{op == "add", f.list("UserId"), f.list("UserGroup")})
	}
	for _, side := range []string{"Add", "Remove"} {
		var c change
		c.add = side == "Add"
		for _, p := range f.structs("CreateVolumePermission." + side) {
			if p["UserId"] != "" {
				c.users = append(c.users, p["UserId"])
			}
			if p["Group"] != "" {
				c.group = append(c.group, p["Group"])
			}
		}
		if len(c.users)+len(c.group) > 0 {
			changes = append(changes, c)
		}
	}
	if len(changes) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter createVolumePermission or userId / userGroup")
	}
	for _, c := range changes {
		for _, g := range c.group {
			if g != "all" {
				return apiErr(400, "InvalidAMIAttributeItemValue", "Invalid attribute item value \"%s\" for group item type.", g)
			}
		}
		for _, u := range c.users {
			if !accountID.MatchString(u) {
				return apiErr(400, "InvalidAMIAttributeItemValue", "Invalid attribute item value \"%s\" for userId item type.", u)
			}
		}
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	s := r.snapshot(f["SnapshotId"])
	if s == nil {
		return notFoundSnapshot(f["SnapshotId"])
	}
	if s.Encrypted && slices.ContainsFunc(changes, func(c change) bool { return c.add && len(c.group) > 0 }) {
		return apiErr(400, "OperationNotPermitted", "Encrypted snapshots with EBS default key cannot be shared")
	}
	for _, c := range changes {
		if len(c.group) > 0 {
			s.Public = c.add
		}
		for _, u := range c.users {
			if c.add && !slices.Contains(s.SharedWith, u) {
				s.SharedWith = append(s.SharedWith, u)
			} else if !c.add {
				s.SharedWith = slices.DeleteFunc(s.SharedWith, func(x string) bool { return x == u })
			}
		}
	}
	if len(s.SharedWith) == 0 {
		s.SharedWith = nil
	}
	rq.writeOK()
	return nil
}

func ec2DescribeSnapshotAttribute(rq *request) error {
	attr := rq.form["Attribute"]
	r := rq.ec2Region()
	defer rq.unlock()
	s := r.snapshot(rq.form["SnapshotId"])
	if s == nil {
		return notFoundSnapshot(rq.form["SnapshotId"])
	}
	switch attr {
	case "createVolumePermission":
		rq.writeEC2(func(x *xmlw) {
			x.leaf("snapshotId", s.ID)
			x.open("createVolumePermission")
			if s.Public {
				x.open("item")
				x.leaf("group", "all")
				x.close("item")
			}
			for _, u := range s.SharedWith {
				x.open("item")
				x.leaf("userId", u)
				x.close("item")
			}
			x.close("createVolumePermission")
		})
	case "productCodes":
		rq.writeEC2(func(x *xmlw) {
			x.leaf("snapshotId", s.ID)
			x.leaf("productCodes", "")
		})
	default:
		return apiErr(400, "InvalidParameterValue", "Value (%s) for parameter attribute is invalid.", attr)
	}
	return nil
}

func ec2ResetSnapshotAttribute(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	s := r.snapshot(rq.form["SnapshotId"])
	if s == nil {
		return notFoundSnapshot(rq.form["SnapshotId"])
	}
	s.Public, s.SharedWith = false, nil
	rq.writeOK()
	return nil
}
