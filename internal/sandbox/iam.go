package sandbox

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"
)

var iamOps = map[string]handler{
	"ListUsers":                   iamListUsers,
	"GetUser":                     iamGetUser,
	"ListAccessKeys":              iamListAccessKeys,
	"UpdateAccessKey":             iamUpdateAccessKey,
	"GetAccessKeyLastUsed":        iamGetAccessKeyLastUsed,
	"GetAccountPasswordPolicy":    iamGetAccountPasswordPolicy,
	"UpdateAccountPasswordPolicy": iamUpdateAccountPasswordPolicy,
	"DeleteAccountPasswordPolicy": iamDeleteAccountPasswordPolicy,
	"ListAccountAliases":          iamListAccountAliases,
}

var stsOps = map[string]handler{
	"GetCallerIdentity": stsGetCallerIdentity,
	"AssumeRole":        stsAssumeRole,
}

func (rq *request) lockAccount() *Account {
	rq.sb.mu.Lock()
	return rq.sb.st.account(rq.account)
}

func (a *Account) user(name string) *User {
	for _, u := range a.Users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

func noSuchUser(name string) error {
	return apiErr(404, "NoSuchEntity", "The user with name %s cannot be found.", name)
}

func writeUser(x *xmlw, acct string, u *User) {
	x.leaf("Path", u.Path)
	x.leaf("UserName", u.Name)
	x.leaf("UserId", u.ID)
	x.leaf("Arn", "arn:aws:iam::"+acct+":user"+u.Path+u.Name)
	x.time("CreateDate", u.Created)
}

func iamListUsers(rq *request) error {
	max, err := rq.form.int("MaxItems", 100)
	if err != nil {
		return err
	}
	if max < 1 || max > 1000 {
		return apiErr(400, "ValidationError", "1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", max)
	}
	prefix := rq.form["PathPrefix"]
	a := rq.lockAccount()
	defer rq.unlock()
	var users []*User
	for _, u := range a.Users {
		if strings.HasPrefix(u.Path, prefix) {
			users = append(users, u)
		}
	}
	start := 0
	if m := rq.form["Marker"]; m != "" {
		start, err = strconv.Atoi(m)
		if err != nil || start < 0 || start > len(users) {
			return apiErr(400, "ValidationError", "Invalid Marker %q", m)
		}
	}
	end := min(len(users), start+int(max))
	rq.writeQuery(iamNS, func(x *xmlw) {
		x.open("Users")
		for _, u := range users[start:end] {
			x.open("member")
			writeUser(x, a.ID, u)
			x.close("member")
		}
		x.close("Users")
		x.bool("IsTruncated", end < len(users))
		if end < len(users) {
			x.leaf("Marker", strconv.Itoa(end))
		}
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
		rq.writeQuery(iamNS, func(x *xmlw) {
			x.open("User")
			x.leaf("UserId", a.ID)
			x.leaf("Arn", "arn:aws:iam::"+a.ID+":root")
			x.close("User")
		})
		return nil
	}
	u := a.user(name)
	if u == nil {
		return noSuchUser(name)
	}
	rq.writeQuery(iamNS, func(x *xmlw) {
		x.open("User")
		writeUser(x, a.ID, u)
		x.close("User")
	})
	return nil
}

// keysOf returns the access keys ListAccessKeys and UpdateAccessKey act
// on: the named user's, or the caller's own (root's when called as root).
func (rq *request) keysOf(a *Account, name string) (string, []*AccessKey, error) {
	if name == "" {
		name = rq.ident.user
	}
	if name == "" {
		return "", a.RootAccessKeys, nil
	}
	u := a.user(name)
	if u == nil {
		return "", nil, noSuchUser(name)
	}
	return u.Name, u.AccessKeys, nil
}

func iamListAccessKeys(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	name, keys, err := rq.keysOf(a, rq.form["UserName"])
	if err != nil {
		return err
	}
	rq.writeQuery(iamNS, func(x *xmlw) {
		x.open("AccessKeyMetadata")
		for _, k := range keys {
			x.open("member")
			x.opt("UserName", name)
			x.leaf("AccessKeyId", k.ID)
			x.leaf("Status", k.Status)
			x.time("CreateDate", k.Created)
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
		return apiErr(400, "ValidationError", "1 validation error detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null")
	}
	if status != "Active" && status != "Inactive" {
		return apiErr(400, "ValidationError", "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", status)
	}
	a := rq.lockAccount()
	defer rq.unlock()
	_, keys, err := rq.keysOf(a, rq.form["UserName"])
	if err != nil {
		return err
	}
	i := slices.IndexFunc(keys, func(k *AccessKey) bool { return k.ID == id })
	if i < 0 {
		return apiErr(404, "NoSuchEntity", "The Access Key with id %s cannot be found.", id)
	}
	keys[i].Status = status
	rq.writeQuery(iamNS, nil)
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
	rq.writeQuery(iamNS, func(x *xmlw) {
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

func iamGetAccountPasswordPolicy(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	p := a.PasswordPolicy
	if p == nil {
		return apiErr(404, "NoSuchEntity", "The Password Policy with domain name %s cannot be found.", a.ID)
	}
	rq.writeQuery(iamNS, func(x *xmlw) {
		x.open("PasswordPolicy")
		x.int("MinimumPasswordLength", int64(max(p.MinimumPasswordLength, 6)))
		x.bool("RequireSymbols", p.RequireSymbols)
		x.bool("RequireNumbers", p.RequireNumbers)
		x.bool("RequireUppercaseCharacters", p.RequireUppercaseCharacters)
		x.bool("RequireLowercaseCharacters", p.RequireLowercaseCharacters)
		x.bool("AllowUsersToChangePassword", p.AllowUsersToChangePassword)
		x.bool("ExpirePasswords", p.MaxPasswordAge > 0)
		if p.MaxPasswordAge > 0 {
			x.int("MaxPasswordAge", int64(p.MaxPasswordAge))
		}
		if p.PasswordReusePrevention > 0 {
			x.int("PasswordReusePrevention", int64(p.PasswordReusePrevention))
		}
		x.bool("HardExpiry", p.HardExpiry)
		x.close("PasswordPolicy")
	})
	return nil
}

func iamUpdateAccountPasswordPolicy(rq *request) error {
	f := rq.form
	p := &PasswordPolicy{
		RequireSymbols:             f.bool("RequireSymbols"),
		RequireNumbers:             f.bool("RequireNumbers"),
		RequireUppercaseCharacters: f.bool("RequireUppercaseCharacters"),
		RequireLowercaseCharacters: f.bool("RequireLowercaseCharacters"),
		AllowUsersToChangePassword: f.bool("AllowUsersToChangePassword"),
		HardExpiry:                 f.bool("HardExpiry"),
	}
	for _, field := range []struct {
		name     string
		dst      *int
		def      int64
		min, max int64
	}{
		{"MinimumPasswordLength", &p.MinimumPasswordLength, 6, 6, 128},
		{"MaxPasswordAge", &p.MaxPasswordAge, 0, 1, 1095},
		{"PasswordReusePrevention", &p.PasswordReusePrevention, 0, 1, 24},
	} {
		v, err := f.int(field.name, field.def)
		if err != nil {
			return err
		}
		if _, set := f[field.name]; set && (v < field.min || v > field.max) {
			return apiErr(400, "ValidationError", "1 validation error detected: Value '%d' at '%s' failed to satisfy constraint: Member must have value between %d and %d",
				v, strings.ToLower(field.name[:1])+field.name[1:], field.min, field.max)
		}
		*field.dst = int(v)
	}
	a := rq.lockAccount()
	defer rq.unlock()
	a.PasswordPolicy = p
	rq.writeQuery(iamNS, nil)
	return nil
}

func iamDeleteAccountPasswordPolicy(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	if a.PasswordPolicy == nil {
		return apiErr(404, "NoSuchEntity", "The account policy with name PasswordPolicy cannot be found.")
	}
	a.PasswordPolicy = nil
	rq.writeQuery(iamNS, nil)
	return nil
}

func iamListAccountAliases(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	rq.writeQuery(iamNS, func(x *xmlw) {
		x.open("AccountAliases")
		if a.Alias != "" {
			x.leaf("member", a.Alias)
		}
		x.close("AccountAliases")
		x.bool("IsTruncated", false)
	})
	return nil
}

func stsGetCallerIdentity(rq *request) error {
	rq.writeQuery(stsNS, func(x *xmlw) {
		x.leaf("Arn", rq.ident.arn)
		x.leaf("UserId", rq.ident.userID)
		x.leaf("Account", rq.account)
	})
	return nil
}

func stsAssumeRole(rq *request) error {
	roleArn, name := rq.form["RoleArn"], rq.form["RoleSessionName"]
	if roleArn == "" {
		return apiErr(400, "ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	}
	if name == "" {
		return apiErr(400, "ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	dur, err := rq.form.int("DurationSeconds", 3600)
	if err != nil {
		return err
	}
	if dur < 900 || dur > 43200 {
		return apiErr(400, "ValidationError", "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", dur)
	}
	// arn:aws:iam::ACCOUNT:role/PATH/NAME
	parts := strings.SplitN(roleArn, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return apiErr(400, "ValidationError", "%s is invalid (want arn:aws:iam::ACCOUNT:role/NAME)", roleArn)
	}
	acct := parts[4]
	role := parts[5][strings.LastIndex(parts[5], "/")+1:]
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	w := rq.sb.st
	a := w.account(acct)
	denied := apiErr(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", rq.ident.arn, roleArn)
	if a == nil || len(a.Roles) > 0 && !slices.Contains(a.Roles, role) {
		return denied
	}
	s := &session{
		account: acct, role: role, name: name,
		secret:  w.randID(40, alnum),
		token:   "FwoGZXIvYXdzE" + w.randID(100, alnum),
		expires: time.Now().UTC().Add(time.Duration(dur) * time.Second).Truncate(time.Second),
	}
	akid := "ASIA" + w.randID(16, upperAlnum)
	w.sessions[akid] = s
	rq.writeQuery(stsNS, func(x *xmlw) {
		x.open("Credentials")
		x.leaf("AccessKeyId", akid)
		x.leaf("SecretAccessKey", s.secret)
		x.leaf("SessionToken", s.token)
		x.leaf("Expiration", s.expires.Format(time.RFC3339))
		x.close("Credentials")
		x.open("AssumedRoleUser")
		x.leaf("AssumedRoleId", "AROA"+strings.ToUpper(w.randID(16, upperAlnum))+":"+name)
		x.leaf("Arn", "arn:aws:sts::"+acct+":assumed-role/"+role+"/"+name)
		x.close("AssumedRoleUser")
	})
	return nil
}
