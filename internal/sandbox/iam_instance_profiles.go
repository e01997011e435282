package sandbox

import (
	"slices"
	"strings"
	"time"
)

// Instance profiles: the role EC2 instances act as. RunInstances takes one
// by name or ARN; an instance profile holds at most one role, as in IAM.

func (a *Account) instanceProfile(name string) *InstanceProfile {
	for _, ip := range a.InstanceProfiles {
		if ip.Name == name {
			return ip
		}
	}
	return nil
}

func noSuchInstanceProfile(name string) error {
	return noSuchEntity("Instance Profile %s cannot be found.", name)
}

func (ip *InstanceProfile) path() string {
	if ip.Path == "" {
		return "/"
	}
	return ip.Path
}

func (ip *InstanceProfile) id(acct string) string {
	if ip.ID != "" {
		return ip.ID
	}
	return stableID("AIPA", acct+"/"+ip.Name)
}

func instanceProfileARN(region, acct string, ip *InstanceProfile) string {
	return globalARN(region, "iam", acct, "instance-profile"+ip.path()+ip.Name)
}

func writeInstanceProfile(x *xmlw, region string, a *Account, ip *InstanceProfile) {
	x.leaf("Path", ip.path())
	x.leaf("InstanceProfileName", ip.Name)
	x.leaf("InstanceProfileId", ip.id(a.ID))
	x.leaf("Arn", instanceProfileARN(region, a.ID, ip))
	iamTime(x, "CreateDate", ip.Created)
	x.open("Roles")
	for _, name := range ip.Roles {
		if r := a.role(name); r != nil {
			x.open("member")
			writeRole(x, region, a.ID, r, false)
			x.close("member")
		}
	}
	x.close("Roles")
	writeTags(x, ip.Tags)
}

func iamCreateInstanceProfile(rq *request) error {
	f := rq.form
	name := f["InstanceProfileName"]
	if err := checkName("instanceProfileName", name, 128); err != nil {
		return err
	}
	path, err := checkPath(f["Path"])
	if err != nil {
		return err
	}
	tags, err := formTags(f)
	if err != nil {
		return err
	}
	a := rq.lockAccount()
	defer rq.unlock()
	if a.instanceProfile(name) != nil {
		return entityExists("Instance Profile %s already exists.", name)
	}
	ip := &InstanceProfile{Name: name, ID: "AIPA" + rq.sb.st.randID(17, upperAlnum), Path: path, Tags: tags, Created: time.Now().UTC().Truncate(time.Second)}
	a.InstanceProfiles = append(a.InstanceProfiles, ip)
	rq.writeQuery(func(x *xmlw) {
		x.open("InstanceProfile")
		writeInstanceProfile(x, rq.region, a, ip)
		x.close("InstanceProfile")
	})
	return nil
}

func iamGetInstanceProfile(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	ip := a.instanceProfile(rq.form["InstanceProfileName"])
	if ip == nil {
		return noSuchInstanceProfile(rq.form["InstanceProfileName"])
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("InstanceProfile")
		writeInstanceProfile(x, rq.region, a, ip)
		x.close("InstanceProfile")
	})
	return nil
}

func iamDeleteInstanceProfile(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	ip := a.instanceProfile(rq.form["InstanceProfileName"])
	if ip == nil {
		return noSuchInstanceProfile(rq.form["InstanceProfileName"])
	}
	if len(ip.Roles) > 0 {
		return apiErr(409, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
	}
	a.InstanceProfiles = slices.DeleteFunc(a.InstanceProfiles, func(x *InstanceProfile) bool { return x == ip })
	rq.writeQuery(nil)
	return nil
}

// writeInstanceProfiles answers a list of instance profiles, a page of it.
func (rq *request) writeInstanceProfiles(a *Account, list []*InstanceProfile) error {
	start, end, next, err := iamPage(rq.form, len(list))
	if err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("InstanceProfiles")
		for _, ip := range list[start:end] {
			x.open("member")
			writeInstanceProfile(x, rq.region, a, ip)
			x.close("member")
		}
		x.close("InstanceProfiles")
		writeTruncation(x, next)
	})
	return nil
}

func iamListInstanceProfiles(rq *request) error {
	prefix := rq.form["PathPrefix"]
	a := rq.lockAccount()
	defer rq.unlock()
	var list []*InstanceProfile
	for _, ip := range a.InstanceProfiles {
		if strings.HasPrefix(ip.path(), prefix) {
			list = append(list, ip)
		}
	}
	return rq.writeInstanceProfiles(a, list)
}

func iamListInstanceProfilesForRole(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	name := rq.form["RoleName"]
	if a.role(name) == nil {
		return noSuchRole(name)
	}
	var list []*InstanceProfile
	for _, ip := range a.InstanceProfiles {
		if slices.Contains(ip.Roles, name) {
			list = append(list, ip)
		}
	}
	return rq.writeInstanceProfiles(a, list)
}

// profileAndRole finds the instance profile and the role a call names.
func (rq *request) profileAndRole(a *Account) (*InstanceProfile, *Role, error) {
	ip := a.instanceProfile(rq.form["InstanceProfileName"])
	if ip == nil {
		return nil, nil, noSuchInstanceProfile(rq.form["InstanceProfileName"])
	}
	r := a.role(rq.form["RoleName"])
	if r == nil {
		return nil, nil, noSuchRole(rq.form["RoleName"])
	}
	return ip, r, nil
}

func iamAddRoleToInstanceProfile(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	ip, r, err := rq.profileAndRole(a)
	if err != nil {
		return err
	}
	if slices.Contains(ip.Roles, r.Name) {
		return entityExists("The role %s is already associated with the instance profile %s.", r.Name, ip.Name)
	}
	if len(ip.Roles) > 0 {
		return apiErr(409, "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
	}
	ip.Roles = append(ip.Roles, r.Name)
	rq.writeQuery(nil)
	return nil
}

func iamRemoveRoleFromInstanceProfile(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	ip, r, err := rq.profileAndRole(a)
	if err != nil {
		return err
	}
	if !slices.Contains(ip.Roles, r.Name) {
		return noSuchEntity("The role %s is not associated with the instance profile %s.", r.Name, ip.Name)
	}
	ip.Roles = slices.DeleteFunc(ip.Roles, func(n string) bool { return n == r.Name })
	if len(ip.Roles) == 0 {
		ip.Roles = nil
	}
	rq.writeQuery(nil)
	return nil
}
