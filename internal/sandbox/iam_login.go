package sandbox

import "time"

// loginUser finds the user a login profile call names.
func (rq *request) loginUser(a *Account) (*User, error) {
	name := rq.form["UserName"]
	if name == "" {
		name = rq.ident.user
	}
	u := a.user(name)
	if u == nil {
		return nil, noSuchUser(name)
	}
	return u, nil
}

func noLoginProfile(name string) error {
	return noSuchEntity("Login Profile for User %s cannot be found.", name)
}

func iamCreateLoginProfile(rq *request) error {
	if len(rq.form["Password"]) < 1 {
		return iamValidation("password", "Member must have length greater than or equal to 1", "***")
	}
	a := rq.lockAccount()
	defer rq.unlock()
	u, err := rq.loginUser(a)
	if err != nil {
		return err
	}
	if u.LoginProfile != nil {
		return entityExists("Login Profile for user %s already exists.", u.Name)
	}
	if p := a.PasswordPolicy; p != nil && len(rq.form["Password"]) < p.MinimumPasswordLength {
		return apiErr(400, "PasswordPolicyViolation", "Password should have at least %d characters", p.MinimumPasswordLength)
	}
	u.LoginProfile = &LoginProfile{Created: time.Now().UTC().Truncate(time.Second), PasswordResetRequired: rq.form.bool("PasswordResetRequired")}
	rq.writeQuery(func(x *xmlw) { writeLoginProfile(x, u) })
	return nil
}

func writeLoginProfile(x *xmlw, u *User) {
	x.open("LoginProfile")
	x.leaf("UserName", u.Name)
	x.time("CreateDate", u.LoginProfile.Created)
	x.bool("PasswordResetRequired", u.LoginProfile.PasswordResetRequired)
	x.close("LoginProfile")
}

func iamGetLoginProfile(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	u, err := rq.loginUser(a)
	if err != nil {
		return err
	}
	if u.LoginProfile == nil {
		return noLoginProfile(u.Name)
	}
	rq.writeQuery(func(x *xmlw) { writeLoginProfile(x, u) })
	return nil
}

func iamUpdateLoginProfile(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	u, err := rq.loginUser(a)
	if err != nil {
		return err
	}
	if u.LoginProfile == nil {
		return noLoginProfile(u.Name)
	}
	if _, set := rq.form["PasswordResetRequired"]; set {
		u.LoginProfile.PasswordResetRequired = rq.form.bool("PasswordResetRequired")
	}
	rq.writeQuery(nil)
	return nil
}

func iamDeleteLoginProfile(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	u, err := rq.loginUser(a)
	if err != nil {
		return err
	}
	if u.LoginProfile == nil {
		return noLoginProfile(u.Name)
	}
	u.LoginProfile = nil
	rq.writeQuery(nil)
	return nil
}
