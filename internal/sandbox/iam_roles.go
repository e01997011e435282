package sandbox

import (
	"slices"
	"strings"
	"time"
)

func (a *Account) role(name string) *Role {
	for _, r := range a.Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

func noSuchRole(name string) error {
	return noSuchEntity("The role with name %s cannot be found.", name)
}

// id and path of a role, derived when a scenario names it only.
func (r *Role) id(acct string) string {
	if r.ID != "" {
		return r.ID
	}
	return stableID("AROA", acct+"/"+r.Name)
}

func (r *Role) path() string {
	if r.Path == "" {
		return "/"
	}
	return r.Path
}

func roleARN(region, acct string, r *Role) string {
	return globalARN(region, "iam", acct, "role"+r.path()+r.Name)
}

// trustDoc is the role's trust policy: the account's principals when the
// scenario gives none.
func (r *Role) trustDoc(acct string) string {
	if r.TrustPolicy != "" {
		return r.TrustPolicy
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
}

func writeRole(x *xmlw, region, acct string, r *Role, full bool) {
	x.leaf("Path", r.path())
	x.leaf("RoleName", r.Name)
	x.leaf("RoleId", r.id(acct))
	x.leaf("Arn", roleARN(region, acct, r))
	iamTime(x, "CreateDate", r.Created)
	x.leaf("AssumeRolePolicyDocument", policyText(r.trustDoc(acct)))
	x.opt("Description", r.Description)
	x.int("MaxSessionDuration", int64(max(r.MaxSessionDuration, 3600)))
	if full {
		writeTags(x, r.Tags)
		x.open("RoleLastUsed")
		x.close("RoleLastUsed")
	}
}

func iamCreateRole(rq *request) error {
	f := rq.form
	name := f["RoleName"]
	if err := checkName("roleName", name, 64); err != nil {
		return err
	}
	path, err := checkPath(f["Path"])
	if err != nil {
		return err
	}
	doc := f["AssumeRolePolicyDocument"]
	if doc == "" {
		return iamValidation("assumeRolePolicyDocument", "Member must not be null", "null")
	}
	if err := checkDocument(doc); err != nil {
		return err
	}
	dur, err := f.int("MaxSessionDuration", 3600)
	if err != nil {
		return err
	}
	if dur < 3600 || dur > 43200 {
		return iamValidation("maxSessionDuration", "Member must have value less than or equal to 43200", dur)
	}
	tags, err := formTags(f)
	if err != nil {
		return err
	}
	a := rq.lockAccount()
	defer rq.unlock()
	if a.role(name) != nil {
		return entityExists("Role with name %s already exists.", name)
	}
	r := &Role{Name: name, ID: "AROA" + rq.sb.st.randID(17, upperAlnum), Path: path, TrustPolicy: doc, Description: f["Description"],
		MaxSessionDuration: int(dur), Tags: tags, Created: time.Now().UTC().Truncate(time.Second)}
	a.Roles = append(a.Roles, r)
	rq.writeQuery(func(x *xmlw) {
		x.open("Role")
		writeRole(x, rq.region, a.ID, r, false)
		writeTags(x, r.Tags)
		x.close("Role")
	})
	return nil
}

func iamGetRole(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	r := a.role(rq.form["RoleName"])
	if r == nil {
		return noSuchRole(rq.form["RoleName"])
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("Role")
		writeRole(x, rq.region, a.ID, r, true)
		x.close("Role")
	})
	return nil
}

func iamListRoles(rq *request) error {
	prefix := rq.form["PathPrefix"]
	a := rq.lockAccount()
	defer rq.unlock()
	var roles []*Role
	for _, r := range a.Roles {
		if strings.HasPrefix(r.path(), prefix) {
			roles = append(roles, r)
		}
	}
	start, end, next, err := iamPage(rq.form, len(roles))
	if err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("Roles")
		for _, r := range roles[start:end] {
			x.open("member")
			writeRole(x, rq.region, a.ID, r, false)
			x.close("member")
		}
		x.close("Roles")
		writeTruncation(x, next)
	})
	return nil
}

func iamDeleteRole(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	r := a.role(rq.form["RoleName"])
	if r == nil {
		return noSuchRole(rq.form["RoleName"])
	}
	if slices.ContainsFunc(a.InstanceProfiles, func(ip *InstanceProfile) bool { return slices.Contains(ip.Roles, r.Name) }) {
		return apiErr(409, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
	}
	if len(r.AttachedPolicies) > 0 || len(r.InlinePolicies) > 0 {
		return apiErr(409, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	}
	a.Roles = slices.DeleteFunc(a.Roles, func(x *Role) bool { return x == r })
	rq.writeQuery(nil)
	return nil
}

func iamUpdateRole(rq *request) error {
	dur, err := rq.form.int("MaxSessionDuration", 0)
	if err != nil {
		return err
	}
	if dur != 0 && (dur < 3600 || dur > 43200) {
		return iamValidation("maxSessionDuration", "Member must have value less than or equal to 43200", dur)
	}
	a := rq.lockAccount()
	defer rq.unlock()
	r := a.role(rq.form["RoleName"])
	if r == nil {
		return noSuchRole(rq.form["RoleName"])
	}
	if d, set := rq.form["Description"]; set {
		r.Description = d
	}
	if dur != 0 {
		r.MaxSessionDuration = int(dur)
	}
	rq.writeQuery(emptyResult)
	return nil
}

func iamUpdateAssumeRolePolicy(rq *request) error {
	doc := rq.form["PolicyDocument"]
	if err := checkDocument(doc); err != nil {
		return err
	}
	a := rq.lockAccount()
	defer rq.unlock()
	r := a.role(rq.form["RoleName"])
	if r == nil {
		return noSuchRole(rq.form["RoleName"])
	}
	r.TrustPolicy = doc
	rq.writeQuery(nil)
	return nil
}
