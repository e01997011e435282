package sandbox

import (
	"slices"
	"time"
)

// keysOf returns the access keys ListAccessKeys and UpdateAccessKey act
// on: the named user's, or the caller's own (root's when called as root).
func (rq *request) keysOf(a *Account, name string) (*User, []*AccessKey, error) {
	if name == "" {
		name = rq.ident.user
	}
	if name == "" {
		return nil, a.RootAccessKeys, nil
	}
	u := a.user(name)
	if u == nil {
		return nil, nil, noSuchUser(name)
	}
	return u, u.AccessKeys, nil
}

func iamCreateAccessKey(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	u, keys, err := rq.keysOf(a, rq.form["UserName"])
	if err != nil {
		return err
	}
	if len(keys) >= 2 {
		return apiErr(409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	}
	w := rq.sb.st
	k := &AccessKey{ID: "AKIA" + w.randID(16, upperAlnum), Status: "Active", Created: time.Now().UTC().Truncate(time.Second)}
	secret := w.randID(40, alnum)
	// The new key works at once: signed requests act as its user.
	c := Credential{AccessKeyID: k.ID, SecretAccessKey: secret, Account: a.ID}
	name := ""
	if u != nil {
		u.AccessKeys = append(u.AccessKeys, k)
		c.User, name = u.Name, u.Name
	} else {
		a.RootAccessKeys = append(a.RootAccessKeys, k)
	}
	w.creds[k.ID] = c
	rq.writeQuery(func(x *xmlw) {
		x.open("AccessKey")
		x.opt("UserName", name)
		x.leaf("AccessKeyId", k.ID)
		x.leaf("Status", k.Status)
		x.leaf("SecretAccessKey", secret)
		x.time("CreateDate", k.Created)
		x.close("AccessKey")
	})
	return nil
}

func iamDeleteAccessKey(rq *request) error {
	id := rq.form["AccessKeyId"]
	a := rq.lockAccount()
	defer rq.unlock()
	u, keys, err := rq.keysOf(a, rq.form["UserName"])
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(keys, func(k *AccessKey) bool { return k.ID == id }) {
		return noSuchEntity("The Access Key with id %s cannot be found.", id)
	}
	drop := func(k *AccessKey) bool { return k.ID == id }
	if u != nil {
		u.AccessKeys = slices.DeleteFunc(u.AccessKeys, drop)
	} else {
		a.RootAccessKeys = slices.DeleteFunc(a.RootAccessKeys, drop)
	}
	delete(rq.sb.st.creds, id)
	rq.writeQuery(nil)
	return nil
}

func iamListAccessKeys(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	u, keys, err := rq.keysOf(a, rq.form["UserName"])
	if err != nil {
		return err
	}
	name := ""
	if u != nil {
		name = u.Name
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("AccessKeyMetadata")
		for _, k := range keys {
			x.open("member")
			x.opt("UserName", name)
			x.leaf("AccessKeyId", k.ID)
			x.leaf("Status", k.Status)
			iamTime(x, "CreateDate", k.Created)
			x.close("member")
		}
		x.close("AccessKeyMetadata")
		x.bool("IsTruncated", false)
	})
	return nil
}

func iamUpdateAccessKey(rq *request) error {
	id, status := rq.form["AccessKeyId"], rq.form["Status"]
	if id == "" {
		return iamValidation("accessKeyId", "Member must not be null", "null")
	}
	if status != "Active" && status != "Inactive" {
		return iamValidation("status", "Member must satisfy enum value set: [Active, Inactive]", status)
	}
	a := rq.lockAccount()
	defer rq.unlock()
	_, keys, err := rq.keysOf(a, rq.form["UserName"])
	if err != nil {
		return err
	}
	i := slices.IndexFunc(keys, func(k *AccessKey) bool { return k.ID == id })
	if i < 0 {
		return noSuchEntity("The Access Key with id %s cannot be found.", id)
	}
	keys[i].Status = status
	rq.writeQuery(nil)
	return nil
}

func iamGetAccessKeyLastUsed(rq *request) error {
	id := rq.form["AccessKeyId"]
	a := rq.lockAccount()
	defer rq.unlock()
	var key *AccessKey
	user := ""
	for _, k := range a.RootAccessKeys {
		if k.ID == id {
			key, user = k, "root"
		}
	}
	for _, u := range a.Users {
		for _, k := range u.AccessKeys {
			if k.ID == id {
				key, user = k, u.Name
			}
		}
	}
	if key == nil {
		return apiErr(403, "AccessDenied", "User: %s is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key %s", rq.ident.arn, id)
	}
	rq.writeQuery(func(x *xmlw) {
		x.leaf("UserName", user)
		x.open("AccessKeyLastUsed")
		if key.LastUsed.IsZero() {
			x.leaf("ServiceName", "N/A")
			x.leaf("Region", "N/A")
		} else {
			x.time("LastUsedDate", key.LastUsed)
			x.leaf("ServiceName", orNA(key.LastUsedService))
			x.leaf("Region", orNA(key.LastUsedRegion))
		}
		x.close("AccessKeyLastUsed")
	})
	return nil
}

func orNA(s string) string {
	if s == "" {
		return "N/A"
	}
	return s
}
