package sandbox

import (
	"strings"
)

func iamGetAccountPasswordPolicy(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	p := a.PasswordPolicy
	if p == nil {
		return apiErr(404, "NoSuchEntity", "The Password Policy with domain name %s cannot be found.", a.ID)
	}
	rq.writeQuery(func(x *xmlw) {
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
	rq.writeQuery(nil)
	return nil
}
func iamDeleteAccountPasswordPolicy(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	if a.PasswordPolicy == nil {
		return apiErr(404, "NoSuchEntity", "The account policy with name PasswordPolicy cannot be found.")
	}
	a.PasswordPolicy = nil
	rq.writeQuery(nil)
	return nil
}

func iamListAccountAliases(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	rq.writeQuery(func(x *xmlw) {
		x.open("AccountAliases")
		if a.Alias != "" {
			x.leaf("member", a.Alias)
		}
		x.close("AccountAliases")
		x.bool("IsTruncated", false)
	})
	return nil
}

func iamCreateAccountAlias(rq *request) error {
	alias := rq.form["AccountAlias"]
	if len(alias) < 3 || len(alias) > 63 || strings.Contains(alias, "--") || strings.Trim(alias, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || alias[0] == '-' || alias[len(alias)-1] == '-' {
		return iamValidation("accountAlias", "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$", alias)
	}
	a := rq.lockAccount()
	defer rq.unlock()
	a.Alias = alias
	rq.writeQuery(nil)
	return nil
}

func iamDeleteAccountAlias(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	if a.Alias != rq.form["AccountAlias"] {
		return noSuchEntity("The account alias %s cannot be found.", rq.form["AccountAlias"])
	}
	a.Alias = ""
	rq.writeQuery(nil)
	return nil
}
