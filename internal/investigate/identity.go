package investigate

import (
	"strings"
)

// identify sets who made the call (Principal), whose baseline it counts in
// (Base) and with which access key.
//
// Baselines are kept per IAM user and per role, all its sessions
// together: a session or a temporary key is too short-lived to have
// habits, and an attacker with stolen credentials gets a fresh session.
func (c *ctRecord) identify(r *Record) {
	u := &c.UserIdentity
	r.AccessKey = u.AccessKeyID
	arn := u.Arn
	switch u.Type {
	case "Root":
		if arn == "" {
			arn = "arn:aws:iam::" + u.AccountID + ":root"
		}
		r.Principal = Entity{KindRoot, arn}
		r.Base = r.Principal
	case "IAMUser":
		if arn == "" && u.UserName != "" && u.AccountID != "" {
			arn = "arn:aws:iam::" + u.AccountID + ":user/" + u.UserName
		}
		if arn != "" {
			r.Principal = Entity{KindUser, arn}
			r.Base = r.Principal
		}
	case "AssumedRole":
		r.Principal = Entity{KindSession, arn}
		role := ""
		if u.SessionContext != nil {
			role = u.SessionContext.SessionIssuer.Arn
		}
		if role == "" {
			role, _, _ = roleOfSession(arn)
		}
		if role != "" {
			r.Base = Entity{KindRole, role}
		} else {
			r.Base = r.Principal
		}
		if isIdentityCenterRole(role) {
			// The session name of an Identity Center permission set is
			// the person: keep them apart from the role they share.
			if _, sess, ok := roleOfSession(arn); ok {
				r.Links = append(r.Links, Link{r.Principal, RelSessionOfUser, Entity{KindIdentityCenterUser, sess}})
			}
		}
	case "FederatedUser":
		// A federation token acts with its IAM user's permissions: it
		// counts in that user's baseline.
		r.Principal = Entity{KindFederatedUser, arn}
		r.Base = r.Principal
		if u.SessionContext != nil && u.SessionContext.SessionIssuer.Arn != "" {
			r.Base = arnEntity(u.SessionContext.SessionIssuer.Arn)
		}
	case "IdentityCenterUser":
		if u.OnBehalfOf != nil && u.OnBehalfOf.UserID != "" {
			r.Principal = Entity{KindIdentityCenterUser, u.OnBehalfOf.IdentityStoreArn + "/user/" + u.OnBehalfOf.UserID}
			r.Base = r.Principal
		}
	case "AWSAccount":
		acct := u.AccountID
		if acct == "" {
			acct = u.PrincipalID
		}
		r.Principal = Entity{KindAccount, acct}
		r.Base = r.Principal
	case "SAMLUser", "WebIdentityUser":
		r.Principal = Entity{KindFederatedUser, u.IdentityProvider + ":" + u.UserName}
		r.Base = r.Principal
	}
	if r.Principal.Name == "" {
		// AWS services acting on their own (AWSService, or service events
		// with no identity type): name them by the service.
		svc := u.InvokedBy
		if svc == "" && strings.HasSuffix(r.IP, ".amazonaws.com") {
			svc = r.IP
		}
		if svc == "" {
			svc = r.Source
		}
		if svc == "" {
			svc = "unknown"
		}
		r.Principal = Entity{KindService, svc}
		r.Base = r.Principal
	}
}

// isIdentityCenterRole reports whether role is a role IAM Identity Center
// made for a permission set.
func isIdentityCenterRole(role string) bool {
	return strings.Contains(role, ":role/aws-reserved/sso.amazonaws.com/") || strings.Contains(role, ":role/AWSReservedSSO_")
}

// flag sets what the record says about denial, root and MFA.
func (c *ctRecord) flag(r *Record) {
	if isDenied(r.ErrorCode) || (c.Response != nil && c.Response.ConsoleLogin == "Failure") {
		r.Flags |= FlagDenied
	}
	if c.UserIdentity.Type == "Root" {
		r.Flags |= FlagRoot
	}
	switch {
	case r.Name == "ConsoleLogin" && c.Additional != nil && c.Additional.MFAUsed == "No":
		r.Flags |= FlagNoMFA
	case c.UserIdentity.Type == "Root" && c.UserIdentity.SessionContext != nil && c.UserIdentity.SessionContext.Attributes.MFAAuthenticated == "false":
		r.Flags |= FlagNoMFA
	}
}

// isDenied reports whether an errorCode says the caller lacked
// permission (IAM, EC2's UnauthorizedOperation, S3's AccessDenied, ...).
func isDenied(code string) bool {
	if code == "" {
		return false
	}
	return strings.Contains(code, "AccessDenied") || strings.Contains(code, "UnauthorizedOperation") ||
		strings.Contains(code, "UnauthorizedAccess") || code == "AuthFailure" || code == "Forbidden" || code == "AuthorizationError"
}
