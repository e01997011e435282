package sandbox

import (
	"crypto/sha256"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"
)

func iamService() *service {
	return &service{name: "iam", title: "AWS IAM", protocol: protoQuery, version: "2010-05-08", xmlNS: iamNS, global: true,
		throttle: throttleError{400, "Throttling", "", "Rate exceeded"}, ops: map[string]handler{
			"CreateUser": iamCreateUser, "GetUser": iamGetUser, "ListUsers": iamListUsers, "UpdateUser": iamUpdateUser, "DeleteUser": iamDeleteUser,
			"TagUser": iamTag("user"), "UntagUser": iamUntag("user"), "ListUserTags": iamListTags("user"),
			"CreateAccessKey": iamCreateAccessKey, "DeleteAccessKey": iamDeleteAccessKey, "UpdateAccessKey": iamUpdateAccessKey,
			"ListAccessKeys": iamListAccessKeys, "GetAccessKeyLastUsed": iamGetAccessKeyLastUsed,
			"CreateLoginProfile": iamCreateLoginProfile, "GetLoginProfile": iamGetLoginProfile,
			"UpdateLoginProfile": iamUpdateLoginProfile, "DeleteLoginProfile": iamDeleteLoginProfile,
			"CreateRole": iamCreateRole, "GetRole": iamGetRole, "ListRoles": iamListRoles, "DeleteRole": iamDeleteRole,
			"UpdateRole": iamUpdateRole, "UpdateAssumeRolePolicy": iamUpdateAssumeRolePolicy,
			"TagRole": iamTag("role"), "UntagRole": iamUntag("role"), "ListRoleTags": iamListTags("role"),
			"CreatePolicy": iamCreatePolicy, "GetPolicy": iamGetPolicy, "ListPolicies": iamListPolicies, "DeletePolicy": iamDeletePolicy,
			"CreatePolicyVersion": iamCreatePolicyVersion, "GetPolicyVersion": iamGetPolicyVersion, "ListPolicyVersions": iamListPolicyVersions,
			"DeletePolicyVersion": iamDeletePolicyVersion, "SetDefaultPolicyVersion": iamSetDefaultPolicyVersion,
			"AttachUserPolicy": iamAttach("user", true), "DetachUserPolicy": iamAttach("user", false),
			"AttachRolePolicy": iamAttach("role", true), "DetachRolePolicy": iamAttach("role", false),
			"ListAttachedUserPolicies": iamListAttached("user"), "ListAttachedRolePolicies": iamListAttached("role"),
			"ListEntitiesForPolicy": iamListEntitiesForPolicy,
			"PutUserPolicy":         iamPutInline("user"), "GetUserPolicy": iamGetInline("user"), "DeleteUserPolicy": iamDeleteInline("user"),
			"ListUserPolicies": iamListInline("user"),
			"PutRolePolicy":    iamPutInline("role"), "GetRolePolicy": iamGetInline("role"), "DeleteRolePolicy": iamDeleteInline("role"),
			"ListRolePolicies":         iamListInline("role"),
			"GetAccountPasswordPolicy": iamGetAccountPasswordPolicy, "UpdateAccountPasswordPolicy": iamUpdateAccountPasswordPolicy,
			"DeleteAccountPasswordPolicy": iamDeleteAccountPasswordPolicy,
			"ListAccountAliases":          iamListAccountAliases, "CreateAccountAlias": iamCreateAccountAlias, "DeleteAccountAlias": iamDeleteAccountAlias,
			"TagPolicy": iamTag("policy"), "UntagPolicy": iamUntag("policy"), "ListPolicyTags": iamListTags("policy"),
			"CreateInstanceProfile": iamCreateInstanceProfile, "GetInstanceProfile": iamGetInstanceProfile,
			"DeleteInstanceProfile": iamDeleteInstanceProfile, "ListInstanceProfiles": iamListInstanceProfiles,
			"AddRoleToInstanceProfile": iamAddRoleToInstanceProfile, "RemoveRoleFromInstanceProfile": iamRemoveRoleFromInstanceProfile,
			"ListInstanceProfilesForRole": iamListInstanceProfilesForRole,
			"TagInstanceProfile":          iamTag("instance-profile"), "UntagInstanceProfile": iamUntag("instance-profile"),
			"ListInstanceProfileTags": iamListTags("instance-profile"),
		}}
}

func (rq *request) lockAccount() *Account {
	rq.sb.mu.Lock()
	return rq.sb.st.account(rq.account)
}

func noSuchEntity(format string, args ...any) error {
	return apiErr(404, "NoSuchEntity", format, args...)
}

func iamValidation(field, constraint string, value any) error {
	return apiErr(400, "ValidationError", "1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

func entityExists(format string, args ...any) error {
	return apiErr(409, "EntityAlreadyExists", format, args...)
}

var iamName = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)

// checkName validates a user, role or policy name (64 characters for
// users and roles, 128 for policies).
func checkName(field, name string, max int) error {
	if name == "" {
		return iamValidation(field, "Member must not be null", "null")
	}
	if len(name) > max || !iamName.MatchString(name) {
		return iamValidation(field, "Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length less than or equal to "+strconv.Itoa(max), name)
	}
	return nil
}

// checkPath validates an IAM path, "/" when empty.
func checkPath(p string) (string, error) {
	if p == "" {
		return "/", nil
	}
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || len(p) > 512 {
		return "", iamValidation("path", "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)", p)
	}
	return p, nil
}

// checkDocument validates a policy document: JSON with a Statement.
func checkDocument(doc string) error {
	var d struct {
		Version   string
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return apiErr(400, "MalformedPolicyDocument", "Syntax errors in policy.")
	}
	if len(d.Statement) == 0 {
		return apiErr(400, "MalformedPolicyDocument", "Policy document must contain a Statement.")
	}
	return nil
}

// stableID derives an id (AIDA..., AROA..., ANPA...) from a name, for
// resources a scenario names without an id.
func stableID(prefix, seed string) string {
	h := sha256.Sum256([]byte(seed))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, 17)
	for i := range b {
		b[i] = alphabet[h[i]%32]
	}
	return prefix + string(b)
}

// marker paging for IAM lists: Marker is the index of the next item.
func iamPage(f form, n int) (start, end int, next string, err error) {
	max, err := f.int("MaxItems", 100)
	if err != nil {
		return 0, 0, "", err
	}
	if max < 1 || max > 1000 {
		return 0, 0, "", iamValidation("maxItems", "Member must have value between 1 and 1000", max)
	}
	if m := f["Marker"]; m != "" {
		start, err = strconv.Atoi(m)
		if err != nil || start < 0 || start > n {
			return 0, 0, "", apiErr(400, "ValidationError", "Invalid Marker %q", m)
		}
	}
	end = min(n, start+int(max))
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}

func writeTruncation(x *xmlw, next string) {
	x.bool("IsTruncated", next != "")
	x.opt("Marker", next)
}

// policyText is a policy document as IAM returns it: URL-encoded.
func policyText(doc string) string { return awsEscape(doc) }

func iamTime(x *xmlw, name string, t time.Time) {
	if t.IsZero() {
		t = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	x.time(name, t)
}
