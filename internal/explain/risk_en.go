package explain

import "fmt"

// risk says one reason of vigil's assessment of a CloudTrail call in
// English, with the values from the record.
func (m en) risk(r risk) string {
	a := r.arg
	switch r.Kind {
	case riskWorldOpen:
		return fmt.Sprintf("It opens ports %s to the whole internet (%s).", orDash(a(1)), a(0))
	case riskAdminPorts:
		return fmt.Sprintf("Ports %s are remote administration or database ports, which attackers scan for constantly.", a(0))
	case riskAdminPolicy:
		return fmt.Sprintf("%s is an AWS managed policy that grants administrator access, or full control of IAM, which amounts to the same.", a(0))
	case riskManagedPolicy:
		return fmt.Sprintf("%s is an AWS managed policy; check that its permissions fit the principal's job.", a(0))
	case riskCustomerPolicy:
		return fmt.Sprintf("%s is a customer managed policy: what it grants depends on its current version, which the record does not show.", a(0))
	case riskWildcardPolicy:
		return fmt.Sprintf("The policy allows every action on every resource (%s): that is administrator access.", orDash(a(0)))
	case riskInlinePolicy:
		return fmt.Sprintf("The policy allows: %s.", orDash(a(0)))
	case riskOtherUser:
		return fmt.Sprintf("%s acted on the credentials of another user, %s: creating or changing someone else's credentials is how an attacker keeps access.", a(0), a(1))
	case riskSelf:
		return fmt.Sprintf("The caller %s changed its own permissions or credentials.", a(0))
	case riskPublicPrincipal:
		return fmt.Sprintf("%s now allows any principal (\"*\") without a condition: anyone, in any AWS account or none, may be able to use it.", a(0))
	case riskPublicCondition:
		return fmt.Sprintf("%s allows any principal (\"*\") under a condition: whether that is public depends on the condition.", a(0))
	case riskForeignAccounts:
		return fmt.Sprintf("It grants access to other AWS accounts: %s.", a(0))
	case riskLoggingOff:
		return fmt.Sprintf("It stops audit logging (%s): what happens next is no longer recorded. This is a defense evasion technique.", a(0))
	case riskDetectionOff:
		return fmt.Sprintf("It turns off threat detection or compliance checks (%s). This is a defense evasion technique.", a(0))
	case riskFindingsHidden:
		return fmt.Sprintf("It can keep findings from reaching you (%s).", a(0))
	case riskMFARemoved:
		return fmt.Sprintf("MFA was removed (%s): a stolen password alone is now enough to sign in.", a(0))
	case riskSharedAccounts:
		return fmt.Sprintf("The %s %s is now shared with other AWS accounts: %s. Sharing with an unknown account is a common way to take data out.", m.resourceType(a(0)), a(1), a(2))
	case riskSharedPublic:
		return fmt.Sprintf("The %s %s is now public: every AWS account can use it.", m.resourceType(a(0)), a(1))
	case riskKeyDeletion:
		if a(1) != "" {
			return fmt.Sprintf("When the waiting period of %s days ends, data encrypted under %s can never be decrypted again.", a(1), a(0))
		}
		return fmt.Sprintf("When the waiting period ends, data encrypted under %s can never be decrypted again.", a(0))
	case riskKeyDisabled:
		return fmt.Sprintf("Anything that depends on %s stops working until it is enabled again.", a(0))
	case riskRotationOff:
		return fmt.Sprintf("The key material of %s is no longer rotated automatically.", a(0))
	case riskEncryptionOff:
		return fmt.Sprintf("Encryption is turned off for %s.", a(0))
	case riskPublicDB:
		return fmt.Sprintf("Database %s can be reached from the internet if its security groups allow it.", a(0))
	case riskNoFinalSnapshot:
		return fmt.Sprintf("%s was deleted without a final snapshot: unless other backups exist, its data is gone.", a(0))
	case riskDeleted:
		return fmt.Sprintf("%s was deleted.", a(0))
	case riskNoRecovery:
		return fmt.Sprintf("%s was deleted without a recovery window: it cannot be restored.", a(0))
	case riskCommandExec:
		return fmt.Sprintf("It runs commands (%s) on %s with root or SYSTEM privileges.", a(0), orDash(a(1)))
	case riskSession:
		return fmt.Sprintf("It opens an interactive shell on %s.", a(0))
	case riskSecretRead:
		return fmt.Sprintf("It reads secret values (%s): if the caller should not have them, treat them as exposed.", a(0))
	case riskOrgLeave:
		return "The account is no longer restricted by the organization's service control policies, nor covered by its central security services."
	case riskGuardrailRemoved:
		return fmt.Sprintf("A guardrail was removed (%s): what it used to cap, permissions or public exposure, is no longer capped.", a(0))
	case riskPublicURL:
		return fmt.Sprintf("Function %s gets a URL that anyone on the internet can call without authentication.", a(0))
	case riskTrustPrincipals:
		return fmt.Sprintf("The role can be assumed by: %s.", a(0))
	case riskPasswordPolicy:
		return "Weaker password rules make IAM user passwords easier to guess."
	case riskFederation:
		return fmt.Sprintf("A new identity provider (%s) can be a way in that does not go through IAM users.", a(0))
	case riskNewIdentity:
		return fmt.Sprintf("A new IAM user (%s) is a common way to keep access to an account.", a(0))
	case riskPolicyVersion:
		return fmt.Sprintf("Changing the default version of %s changes the permissions of everything it is attached to.", a(0))
	case riskGroupMember:
		return fmt.Sprintf("%s gets every permission of group %s.", a(0), a(1))
	case riskConsoleAccess:
		return fmt.Sprintf("%s can now sign in to the console.", a(0))
	case riskTemporaryCreds:
		return "Temporary credentials keep working until they expire unless you revoke them explicitly."
	case riskCrossAccountRole:
		return fmt.Sprintf("Role %s belongs to another account: the caller crossed into it.", a(0))
	case riskCodeChange:
		return fmt.Sprintf("What function %s runs, or with which permissions, changed.", a(0))
	case riskSerialConsole:
		return "The serial console reaches instances without going through their network controls."
	case riskUserData:
		return fmt.Sprintf("The user data of %s was changed; it runs as root at the next start.", a(0))
	case riskKeyPair:
		return fmt.Sprintf("Whoever holds the private key of %s can log in to instances launched with it.", a(0))
	case riskPeering:
		return fmt.Sprintf("It connects a VPC with a network in account %s.", a(0))
	case riskPasswordReset:
		return fmt.Sprintf("The master password of %s was changed: whoever set it can log in to the database.", a(0))
	case riskVersioningOff:
		return fmt.Sprintf("Overwritten or deleted objects in %s can no longer be recovered from earlier versions.", a(0))
	case riskNetworkACL:
		return fmt.Sprintf("The network ACL allows inbound traffic from anywhere (%s) to ports %s.", a(0), orDash(a(1)))
	case riskAccessLogsOff:
		return fmt.Sprintf("Access to %s is no longer logged.", a(0))
	case riskTrailWeakened:
		return fmt.Sprintf("Trail %s now records less (%s).", a(0), a(1))
	case riskMembersRemoved:
		return "Findings of the removed member accounts no longer reach the administrator."
	case riskPasswordData:
		return fmt.Sprintf("Retrieving the Windows administrator password of %s is how an attacker who holds the key pair's private key signs in to it: a credential access technique.", a(0))
	case riskUserDataRead:
		return fmt.Sprintf("The user data of %s often holds passwords, tokens or keys written into bootstrap scripts: reading it is a common way to find credentials.", a(0))
	case riskSSHKeyPushed:
		if a(1) != "-" {
			return fmt.Sprintf("For 60 seconds, whoever holds the matching private key can log in to %s as %s: a way to move onto an instance without its own keys (lateral movement).", a(0), a(1))
		}
		return fmt.Sprintf("For 60 seconds, whoever holds the matching private key can connect to %s: a way to move onto an instance without its own keys (lateral movement).", a(0))
	}
	return ""
}
