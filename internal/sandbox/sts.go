package sandbox

import (
	"strings"
	"time"
)

func stsService() *service {
	return &service{name: "sts", title: "AWS STS", protocol: protoQuery, version: "2011-06-15", xmlNS: stsNS, ops: map[string]handler{
		"GetCallerIdentity": stsGetCallerIdentity,
		"AssumeRole":        stsAssumeRole,
		"GetAccessKeyInfo":  stsGetAccessKeyInfo,
	}}
}

func stsGetCallerIdentity(rq *request) error {
	rq.writeQuery(func(x *xmlw) {
		x.leaf("Arn", rq.ident.arn)
		x.leaf("UserId", rq.ident.userID)
		x.leaf("Account", rq.account)
	})
	return nil
}

// stsGetAccessKeyInfo names the account an access key belongs to.
func stsGetAccessKeyInfo(rq *request) error {
	id := rq.form["AccessKeyId"]
	if len(id) < 16 {
		return iamValidation("accessKeyId", "Member must have length greater than or equal to 16", id)
	}
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	w := rq.sb.st
	acct := w.defaultAccount
	if c, ok := w.creds[id]; ok {
		acct = c.Account
	} else if s := w.sessions[id]; s != nil {
		acct = s.account
	}
	for _, a := range w.accounts {
		for _, u := range a.Users {
			for _, k := range u.AccessKeys {
				if k.ID == id {
					acct = a.ID
				}
			}
		}
	}
	rq.writeQuery(func(x *xmlw) { x.leaf("Account", acct) })
	return nil
}

func stsAssumeRole(rq *request) error {
	roleArn, name := rq.form["RoleArn"], rq.form["RoleSessionName"]
	if roleArn == "" {
		return iamValidation("roleArn", "Member must not be null", "null")
	}
	if name == "" {
		return iamValidation("roleSessionName", "Member must not be null", "null")
	}
	if len(name) > 64 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@-_") != "" {
		return iamValidation("roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*", name)
	}
	dur, err := rq.form.int("DurationSeconds", 3600)
	if err != nil {
		return err
	}
	if dur < 900 || dur > 43200 {
		return iamValidation("durationSeconds", "Member must have value greater than or equal to 900", dur)
	}
	// arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
	parts := strings.SplitN(roleArn, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return iamValidation("roleArn", "Member must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", roleArn)
	}
	acct := parts[4]
	rolePath := parts[5][len("role") : strings.LastIndex(parts[5], "/")+1]
	role := parts[5][strings.LastIndex(parts[5], "/")+1:]
	rq.sb.mu.Lock()
	defer rq.sb.mu.Unlock()
	w := rq.sb.st
	a := w.account(acct)
	denied := apiErr(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", rq.ident.arn, roleArn)
	if a == nil {
		return denied
	}
	roleID := stableID("AROA", acct+"/"+role)
	if len(a.Roles) > 0 {
		r := a.role(role)
		if r == nil {
			return denied
		}
		if r.MaxSessionDuration > 0 && int(dur) > r.MaxSessionDuration || r.MaxSessionDuration == 0 && dur > 3600 {
			return iamValidation("durationSeconds", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", dur)
		}
		roleID, rolePath = r.id(acct), r.path()
	}
	now := time.Now().UTC().Truncate(time.Second)
	s := &session{
		account: acct, role: role, name: name, rolePath: rolePath, roleID: roleID, created: now,
		secret:  w.randID(40, alnum),
		token:   "FwoGZXIvYXdzE" + w.randID(343, alnum), // 356 characters, the length of STS session tokens
		expires: now.Add(time.Duration(dur) * time.Second),
	}
	akid := "ASIA" + w.randID(16, upperAlnum)
	w.sessions[akid] = s
	id := s.identity(rq.region)
	rq.writeQuery(func(x *xmlw) {
		x.open("Credentials")
		x.leaf("AccessKeyId", akid)
		x.leaf("SecretAccessKey", s.secret)
		x.leaf("SessionToken", s.token)
		x.leaf("Expiration", s.expires.Format(time.RFC3339))
		x.close("Credentials")
		x.open("AssumedRoleUser")
		x.leaf("AssumedRoleId", id.userID)
		x.leaf("Arn", id.arn)
		x.close("AssumedRoleUser")
		x.int("PackedPolicySize", 6)
	})
	return nil
}
