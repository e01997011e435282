package explain

import (
	"regexp"
	"strings"

	"github.com/vigilhq/vigil/event"
)

// ctCall is one CloudTrail record as the call assessments read it: the
// record, its request parameters and response elements decoded once.
type ctCall struct {
	rec     *event.CloudTrailCall
	req     any
	resp    any
	account string // the account the call was made in
	// callerUser is the caller's IAM user name when the caller is an IAM
	// user, "" otherwise.
	callerUser string
	failed     bool
	f          *Facts
}

// riskKind names one reason for vigil's assessment of a call; the message
// catalogs say it in each language, with the values in risk.args.
type riskKind string

// The reasons a call is risky.
const (
	riskWorldOpen        riskKind = "world-open"         // args: cidrs, ports
	riskAdminPorts       riskKind = "admin-ports"        // args: ports
	riskAdminPolicy      riskKind = "admin-policy"       // args: policy
	riskManagedPolicy    riskKind = "managed-policy"     // args: policy
	riskCustomerPolicy   riskKind = "customer-policy"    // args: policy
	riskWildcardPolicy   riskKind = "wildcard-policy"    // args: actions
	riskInlinePolicy     riskKind = "inline-policy"      // args: actions
	riskOtherUser        riskKind = "other-user"         // args: caller, target
	riskSelf             riskKind = "self"               // args: user
	riskPublicPrincipal  riskKind = "public-principal"   // args: what
	riskPublicCondition  riskKind = "public-condition"   // args: what
	riskForeignAccounts  riskKind = "foreign-accounts"   // args: accounts
	riskLoggingOff       riskKind = "logging-off"        // args: what
	riskDetectionOff     riskKind = "detection-off"      // args: what
	riskFindingsHidden   riskKind = "findings-hidden"    // args: what
	riskMFARemoved       riskKind = "mfa-removed"        // args: user
	riskSharedAccounts   riskKind = "shared-accounts"    // args: resource type, name, accounts
	riskSharedPublic     riskKind = "shared-public"      // args: resource type, name
	riskKeyDeletion      riskKind = "key-deletion"       // args: key, days
	riskKeyDisabled      riskKind = "key-disabled"       // args: key
	riskRotationOff      riskKind = "rotation-off"       // args: key
	riskEncryptionOff    riskKind = "encryption-off"     // args: what
	riskPublicDB         riskKind = "public-db"          // args: db
	riskNoFinalSnapshot  riskKind = "no-final-snapshot"  // args: what
	riskNoRecovery       riskKind = "no-recovery"        // args: secret
	riskDeleted          riskKind = "deleted"            // args: what
	riskCommandExec      riskKind = "command-exec"       // args: document, targets
	riskSession          riskKind = "session"            // args: target
	riskSecretRead       riskKind = "secret-read"        // args: count
	riskOrgLeave         riskKind = "org-leave"          // args: -
	riskGuardrailRemoved riskKind = "guardrail-removed"  // args: what
	riskPublicURL        riskKind = "public-url"         // args: function
	riskTrustPrincipals  riskKind = "trust-principals"   // args: principals
	riskPasswordPolicy   riskKind = "password-policy"    // args: -
	riskFederation       riskKind = "federation"         // args: provider
	riskNewIdentity      riskKind = "new-identity"       // args: user
	riskPolicyVersion    riskKind = "policy-version"     // args: policy
	riskGroupMember      riskKind = "group-member"       // args: user, group
	riskConsoleAccess    riskKind = "console-access"     // args: user
	riskTemporaryCreds   riskKind = "temporary-creds"    // args: -
	riskCrossAccountRole riskKind = "cross-account-role" // args: role
	riskCodeChange       riskKind = "code-change"        // args: function
	riskSerialConsole    riskKind = "serial-console"     // args: -
	riskUserData         riskKind = "user-data"          // args: instance
	riskKeyPair          riskKind = "key-pair"           // args: key pair
	riskPeering          riskKind = "peering"            // args: accounts
	riskPasswordReset    riskKind = "password-reset"     // args: db
	riskVersioningOff    riskKind = "versioning-off"     // args: bucket
	riskNetworkACL       riskKind = "network-acl"        // args: cidrs, ports
	riskAccessLogsOff    riskKind = "access-logs-off"    // args: bucket
	riskTrailWeakened    riskKind = "trail-weakened"     // args: what changed
	riskMembersRemoved   riskKind = "members-removed"    // args: -
	riskPasswordData     riskKind = "password-data"      // args: instance
	riskUserDataRead     riskKind = "user-data-read"     // args: instance
	riskSSHKeyPushed     riskKind = "ssh-key-pushed"     // args: instance, OS user
)

// risk is one reason, with its values from the event.
type risk struct {
	Kind riskKind `json:"kind"`
	Args []string `json:"args,omitempty"`
}

// arg is the i-th value of the reason, or "" when the record gave fewer.
func (r risk) arg(i int) string {
	if i < len(r.Args) {
		return r.Args[i]
	}
	return ""
}

// assessment is vigil's own judgement of a CloudTrail call: a severity,
// the reasons for it, and which catalog entry explains the call.
type assessment struct {
	Severity Severity `json:"severity"`
	Risks    []risk   `json:"risks,omitempty"`
	// Key names the call's catalog entry ("iam:AttachUserPolicy", with a
	// "#variant" when the event calls for other prose); "" when vigil has
	// no specific knowledge of the call.
	Key string `json:"key,omitempty"`
}

// add records a reason and raises the severity to at least s.
func (a *assessment) add(s Severity, k riskKind, args ...string) {
	a.Risks = append(a.Risks, risk{Kind: k, Args: args})
	if s.rank() > a.Severity.rank() {
		a.Severity = s
	}
}

// callSpec assesses one kind of call: it reads the risky parameters, sets
// the catalog placeholders and details on c.f, and judges.
type callSpec func(c *ctCall, a *assessment)

// apiVersionSuffix is the API version some services (Lambda) append to
// event names, e.g. AddPermission20150331v2.
var apiVersionSuffix = regexp.MustCompile(`\d{8}(v\d+)?$`)

// callKey is the registry key of a record: the service's short name and
// the event name without an API version suffix, e.g. "lambda:AddPermission".
func callKey(eventSource, eventName string) string {
	svc, _, _ := strings.Cut(eventSource, ".")
	return svc + ":" + apiVersionSuffix.ReplaceAllString(eventName, "")
}

// assess judges a call: by its registered spec when vigil knows it, with
// the root user and failures taken into account for every call.
func assess(c *ctCall) assessment {
	var a assessment
	key := callKey(c.rec.EventSource, c.rec.EventName)
	if spec, ok := callSpecs[key]; ok {
		a.Key = key
		spec(c, &a)
	}
	if c.rec.UserIdentity.Type == "Root" && c.rec.ReadOnly == nil || c.rec.UserIdentity.Type == "Root" && !*c.rec.ReadOnly {
		if SevMedium.rank() > a.Severity.rank() {
			a.Severity = SevMedium
		}
	}
	if c.failed && a.Severity.rank() > SevLow.rank() {
		// An attempt that AWS refused changed nothing: it still says
		// something about the caller, one level less.
		a.Severity = lower(a.Severity)
	}
	return a
}

func lower(s Severity) Severity {
	switch s {
	case SevCritical:
		return SevHigh
	case SevHigh:
		return SevMedium
	case SevMedium:
		return SevLow
	}
	return s
}

// target sets placeholder k (and a detail) to the first request value named
// param, and returns it.
func (c *ctCall) target(k, param string) string {
	v := str(c.req, param)
	c.f.setVar(k, v)
	return v
}

// otherUser judges a call that acts on an IAM user: acting on another
// user's credentials is how an attacker keeps access.
func (c *ctCall) otherUser(a *assessment, user string, other, self Severity) {
	if user == "" {
		return
	}
	c.f.detail("target_user", user)
	if c.callerUser != "" && c.callerUser == user {
		a.add(self, riskSelf, user)
		return
	}
	a.add(other, riskOtherUser, orDash(c.callerName()), user)
}

// callerName is the caller as a person would name it: the IAM user, the
// role session, or the principal's ARN.
func (c *ctCall) callerName() string {
	u := c.rec.UserIdentity
	if u.UserName != "" {
		return u.UserName
	}
	if sc := u.SessionContext; sc != nil && sc.SessionIssuer != nil && sc.SessionIssuer.UserName != "" {
		return sc.SessionIssuer.UserName
	}
	return u.Arn
}
