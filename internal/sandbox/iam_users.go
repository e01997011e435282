package sandbox

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

func (a *Account) user(name string) *User {
	for _, u := range a.Users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

func noSuchUser(name string) error {
	return noSuchEntity("The user with name %s cannot be found.", name)
}

func userARN(region, acct string, u *User) string {
	return globalARN(region, "iam", acct, "user"+u.Path+u.Name)
}

func writeUser(x *xmlw, region, acct string, u *User) {
	x.leaf("Path", u.Path)
	x.leaf("UserName", u.Name)
	x.leaf("UserId", u.ID)
	x.leaf("Arn", userARN(region, acct, u))
	iamTime(x, "CreateDate", u.Created)
}

func writeTags(x *xmlw, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	x.open("Tags")
	for _, k := range sortedKeys(tags) {
		x.open("member")
		x.leaf("Key", k)
		x.leaf("Value", tags[k])
		x.close("member")
	}
	x.close("Tags")
}

// iamTagKey is the characters IAM allows in tag keys.
var iamTagKey = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)

// formTags reads Tags.member.N.Key/Value, checked as IAM checks them:
// keys unique ignoring case, of allowed characters, 50 at most.
func formTags(f form) (map[string]string, error) {
	var tags map[string]string
	seen := map[string]bool{}
	for _, t := range f.structs("Tags.member") {
		if t["Key"] == "" || len(t["Key"]) > 128 || len(t["Value"]) > 256 {
			return nil, iamValidation("tags.member.key", "Member must have length between 1 and 128", t["Key"])
		}
		if !iamTagKey.MatchString(t["Key"]) {
			return nil, iamValidation("tags.member.key", "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", t["Key"])
		}
		if seen[strings.ToLower(t["Key"])] {
			return nil, apiErr(400, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t["Key"])] = true
		if tags == nil {
			tags = map[string]string{}
		}
		tags[t["Key"]] = t["Value"]
	}
	if len(tags) > 50 {
		return nil, apiErr(400, "LimitExceeded", "The number of tags has reached the maximum limit.")
	}
	return tags, nil
}

func iamCreateUser(rq *request) error {
	name := rq.form["UserName"]
	if err := checkName("userName", name, 64); err != nil {
		return err
	}
	path, err := checkPath(rq.form["Path"])
	if err != nil {
		return err
	}
	tags, err := formTags(rq.form)
	if err != nil {
		return err
	}
	a := rq.lockAccount()
	defer rq.unlock()
	if a.user(name) != nil {
		return entityExists("User with name %s already exists.", name)
	}
	u := &User{Name: name, ID: "AIDA" + rq.sb.st.randID(17, upperAlnum), Path: path, Created: time.Now().UTC().Truncate(time.Second), Tags: tags}
	a.Users = append(a.Users, u)
	rq.writeQuery(func(x *xmlw) {
		x.open("User")
		writeUser(x, rq.region, a.ID, u)
		writeTags(x, u.Tags)
		x.close("User")
	})
	return nil
}

func iamGetUser(rq *request) error {
	name := rq.form["UserName"]
	a := rq.lockAccount()
	defer rq.unlock()
	if name == "" {
		name = rq.ident.user
	}
	if name == "" {
		rq.writeQuery(func(x *xmlw) {
			x.open("User")
			x.leaf("UserId", a.ID)
			x.leaf("Arn", globalARN(rq.region, "iam", a.ID, "root"))
			x.close("User")
		})
		return nil
	}
	u := a.user(name)
	if u == nil {
		return noSuchUser(name)
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("User")
		writeUser(x, rq.region, a.ID, u)
		writeTags(x, u.Tags)
		x.close("User")
	})
	return nil
}

func iamListUsers(rq *request) error {
	prefix := rq.form["PathPrefix"]
	a := rq.lockAccount()
	defer rq.unlock()
	var users []*User
	for _, u := range a.Users {
		if strings.HasPrefix(u.Path, prefix) {
			users = append(users, u)
		}
	}
	start, end, next, err := iamPage(rq.form, len(users))
	if err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("Users")
		for _, u := range users[start:end] {
			x.open("member")
			writeUser(x, rq.region, a.ID, u)
			x.close("member")
		}
		x.close("Users")
		writeTruncation(x, next)
	})
	return nil
}

func iamUpdateUser(rq *request) error {
	name, newName := rq.form["UserName"], rq.form["NewUserName"]
	if newName != "" {
		if err := checkName("newUserName", newName, 64); err != nil {
			return err
		}
	}
	var newPath string
	if p, set := rq.form["NewPath"]; set {
		var err error
		if newPath, err = checkPath(p); err != nil {
			return err
		}
	}
	a := rq.lockAccount()
	defer rq.unlock()
	u := a.user(name)
	if u == nil {
		return noSuchUser(name)
	}
	if newName != "" && newName != name {
		if a.user(newName) != nil {
			return entityExists("User with name %s already exists.", newName)
		}
		u.Name = newName
	}
	if newPath != "" {
		u.Path = newPath
	}
	rq.writeQuery(nil)
	return nil
}

func iamDeleteUser(rq *request) error {
	name := rq.form["UserName"]
	a := rq.lockAccount()
	defer rq.unlock()
	u := a.user(name)
	if u == nil {
		return noSuchUser(name)
	}
	if len(u.AccessKeys) > 0 || len(u.AttachedPolicies) > 0 || len(u.InlinePolicies) > 0 || u.LoginProfile != nil {
		return apiErr(409, "DeleteConflict", "Cannot delete entity, must delete access keys, policies and login profile first.")
	}
	a.Users = slices.DeleteFunc(a.Users, func(x *User) bool { return x == u })
	rq.writeQuery(nil)
	return nil
}

// principalTags finds the tags of the user, role, managed policy or
// instance profile the request names.
func (rq *request) principalTags(a *Account, kind string) (*map[string]string, error) {
	switch kind {
	case "user":
		u := a.user(rq.form["UserName"])
		if u == nil {
			return nil, noSuchUser(rq.form["UserName"])
		}
		return &u.Tags, nil
	case "policy":
		p, err := rq.ownPolicy(a)
		if err != nil {
			return nil, err
		}
		return &p.Tags, nil
	case "instance-profile":
		ip := a.instanceProfile(rq.form["InstanceProfileName"])
		if ip == nil {
			return nil, noSuchInstanceProfile(rq.form["InstanceProfileName"])
		}
		return &ip.Tags, nil
	}
	r := a.role(rq.form["RoleName"])
	if r == nil {
		return nil, noSuchRole(rq.form["RoleName"])
	}
	return &r.Tags, nil
}

func iamTag(kind string) handler {
	return func(rq *request) error {
		tags, err := formTags(rq.form)
		if err != nil {
			return err
		}
		a := rq.lockAccount()
		defer rq.unlock()
		p, err := rq.principalTags(a, kind)
		if err != nil {
			return err
		}
		merged := map[string]string{}
		for k, v := range *p {
			merged[k] = v
		}
		for k, v := range tags {
			merged[k] = v
		}
		if len(merged) > 50 {
			return apiErr(400, "LimitExceeded", "The number of tags has reached the maximum limit.")
		}
		*p = merged
		rq.writeQuery(nil)
		return nil
	}
}

func iamUntag(kind string) handler {
	return func(rq *request) error {
		a := rq.lockAccount()
		defer rq.unlock()
		p, err := rq.principalTags(a, kind)
		if err != nil {
			return err
		}
		for _, k := range rq.form.list("TagKeys.member") {
			delete(*p, k)
		}
		if len(*p) == 0 {
			*p = nil
		}
		rq.writeQuery(nil)
		return nil
	}
}

func iamListTags(kind string) handler {
	return func(rq *request) error {
		a := rq.lockAccount()
		defer rq.unlock()
		p, err := rq.principalTags(a, kind)
		if err != nil {
			return err
		}
		rq.writeQuery(func(x *xmlw) {
			x.open("Tags")
			for _, k := range sortedKeys(*p) {
				x.open("member")
				x.leaf("Key", k)
				x.leaf("Value", (*p)[k])
				x.close("member")
			}
			x.close("Tags")
			x.bool("IsTruncated", false)
		})
		return nil
	}
}
