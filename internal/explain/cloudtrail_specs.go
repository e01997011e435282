package explain

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// callSpecs are the CloudTrail calls vigil knows specifically, by service
// and event name (callKey). Parameter names are CloudTrail's: the API's
// request members in lowerCamelCase, checked against real records
// (../shared/data/cloudtrail) where they have the call, else against the
// service's API model (botocore). The prose of each entry is in
// internal/knowledge (cloudtrail_en.go, cloudtrail_ja.go).
var callSpecs = map[string]callSpec{
	// ---- IAM ----
	"iam:AttachUserPolicy":  attachPolicy("user", "userName"),
	"iam:AttachRolePolicy":  attachPolicy("role", "roleName"),
	"iam:AttachGroupPolicy": attachPolicy("group", "groupName"),
	"iam:PutUserPolicy":     putInlinePolicy("user", "userName"),
	"iam:PutRolePolicy":     putInlinePolicy("role", "roleName"),
	"iam:PutGroupPolicy":    putInlinePolicy("group", "groupName"),
	"iam:CreatePolicyVersion": func(c *ctCall, a *assessment) {
		c.target("policy_arn", "policyArn")
		p := parsePolicy(child(c.req, "policyDocument"))
		def, _ := boolean(c.req, "setAsDefault")
		switch {
		case p.admin() && def:
			a.add(SevHigh, riskWildcardPolicy, strings.Join(p.actionList(), ", "))
		case def:
			a.add(SevMedium, riskPolicyVersion, str(c.req, "policyArn"))
		default:
			a.add(SevLow, riskPolicyVersion, str(c.req, "policyArn"))
		}
	},
	"iam:SetDefaultPolicyVersion": func(c *ctCall, a *assessment) {
		c.target("policy_arn", "policyArn")
		c.f.detail("version", str(c.req, "versionId"))
		a.add(SevMedium, riskPolicyVersion, str(c.req, "policyArn"))
	},
	"iam:AddUserToGroup": func(c *ctCall, a *assessment) {
		u, g := c.target("user", "userName"), c.target("group", "groupName")
		c.f.detail("target_user", u)
		c.f.detail("group", g)
		a.add(SevMedium, riskGroupMember, u, g)
	},
	"iam:CreateAccessKey": func(c *ctCall, a *assessment) {
		user := c.target("user", "userName")
		if user == "" {
			user = str(c.resp, "userName")
			c.f.setVar("user", user)
		}
		if k := str(c.resp, "accessKeyId"); k != "" {
			c.f.setVar("key", k)
			c.f.detail("created_key", k)
		}
		if user == "" { // no userName: the caller's own key
			user = c.callerUser
		}
		c.otherUser(a, user, SevHigh, SevLow)
	},
	"iam:CreateLoginProfile": func(c *ctCall, a *assessment) {
		user := c.target("user", "userName")
		c.otherUser(a, user, SevHigh, SevLow)
		a.add(SevLow, riskConsoleAccess, user)
	},
	"iam:UpdateLoginProfile": func(c *ctCall, a *assessment) {
		user := c.target("user", "userName")
		c.otherUser(a, user, SevHigh, SevInformational)
	},
	"iam:CreateUser": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskNewIdentity, c.target("user", "userName"))
	},
	"iam:UpdateAssumeRolePolicy": trustPolicy("policyDocument"),
	"iam:CreateRole":             trustPolicy("assumeRolePolicyDocument"),
	"iam:DeactivateMFADevice": func(c *ctCall, a *assessment) {
		user := c.target("user", "userName")
		c.f.detail("mfa_device", c.target("mfa_serial", "serialNumber"))
		a.add(SevHigh, riskMFARemoved, orDash(user))
	},
	"iam:DeleteVirtualMFADevice": func(c *ctCall, a *assessment) {
		serial := c.target("mfa_serial", "serialNumber")
		c.f.detail("mfa_device", serial)
		a.add(SevHigh, riskMFARemoved, serial)
	},
	"iam:UpdateAccountPasswordPolicy": func(c *ctCall, a *assessment) {
		if n, err := strconv.Atoi(str(c.req, "minimumPasswordLength")); err == nil && n < 14 {
			c.f.detail("min_password_length", strconv.Itoa(n))
			a.add(SevMedium, riskPasswordPolicy)
			return
		}
		a.add(SevLow, riskPasswordPolicy)
	},
	"iam:DeleteAccountPasswordPolicy": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskPasswordPolicy)
	},
	"iam:DeleteUserPermissionsBoundary": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskGuardrailRemoved, c.target("user", "userName"))
	},
	"iam:DeleteRolePermissionsBoundary": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskGuardrailRemoved, c.target("role", "roleName"))
	},
	"iam:CreateOpenIDConnectProvider": func(c *ctCall, a *assessment) {
		arn := str(c.resp, "openIDConnectProviderArn")
		c.f.setVar("provider", arn)
		a.add(SevMedium, riskFederation, firstNonEmpty(arn, str(c.req, "url")))
	},
	"iam:CreateSAMLProvider": func(c *ctCall, a *assessment) {
		arn := str(c.resp, "sAMLProviderArn")
		c.f.setVar("provider", arn)
		a.add(SevMedium, riskFederation, firstNonEmpty(arn, str(c.req, "name")))
	},

	// ---- STS ----
	"sts:AssumeRole": func(c *ctCall, a *assessment) {
		role := c.target("role_arn", "roleArn")
		c.f.detail("role", role)
		if acct := accountOf(role); acct != "" && c.rec.UserIdentity.AccountID != "" && acct != c.rec.UserIdentity.AccountID {
			a.add(SevLow, riskCrossAccountRole, role)
			return
		}
		a.add(SevInformational, riskTemporaryCreds)
	},
	"sts:GetFederationToken": func(c *ctCall, a *assessment) {
		c.f.setVar("user", c.callerUser)
		p := parsePolicy(child(c.req, "policy"))
		if p.admin() {
			a.add(SevMedium, riskWildcardPolicy, strings.Join(p.actionList(), ", "))
		}
		a.add(SevMedium, riskTemporaryCreds)
	},
	"sts:GetSessionToken": func(c *ctCall, a *assessment) {
		c.f.setVar("user", c.callerUser)
		a.add(SevLow, riskTemporaryCreds)
	},

	// ---- EC2 and VPC ----
	"ec2:AuthorizeSecurityGroupIngress": func(c *ctCall, a *assessment) {
		c.target("sg", "groupId")
		if ids := strs(c.resp, "securityGroupRuleId"); len(ids) > 0 {
			c.f.setVar("rule_ids", strings.Join(ids, " "))
			c.f.detail("rule_ids", strings.Join(ids, ", "))
		}
		cidrs := append(strs(c.req, "cidrIp"), strs(c.req, "cidrIpv6")...)
		ports := portRanges(c.req)
		c.f.detail("cidrs", strings.Join(cidrs, ", "))
		c.f.detail("ports", strings.Join(ports, ", "))
		var world []string
		for _, r := range cidrs {
			if worldCIDR(r) {
				world = append(world, r)
			}
		}
		switch {
		case len(world) > 0 && (adminPorts(ports) != nil || slices.Contains(ports, "all")):
			a.add(SevHigh, riskWorldOpen, strings.Join(world, ", "), strings.Join(ports, ", "))
			if ap := adminPorts(ports); ap != nil {
				a.add(SevHigh, riskAdminPorts, strings.Join(ap, ", "))
			}
		case len(world) > 0 && webOnly(ports):
			a.add(SevLow, riskWorldOpen, strings.Join(world, ", "), strings.Join(ports, ", "))
		case len(world) > 0:
			a.add(SevMedium, riskWorldOpen, strings.Join(world, ", "), strings.Join(ports, ", "))
		}
	},
	"ec2:CreateNetworkAclEntry":  networkACLEntry,
	"ec2:ReplaceNetworkAclEntry": networkACLEntry,
	"ec2:ModifySnapshotAttribute": func(c *ctCall, a *assessment) {
		c.target("snapshot", "snapshotId")
		shareAdded(c, a, child(c.req, "createVolumePermission"), "ebs-snapshot", str(c.req, "snapshotId"))
	},
	"ec2:ModifyImageAttribute": func(c *ctCall, a *assessment) {
		c.target("image", "imageId")
		shareAdded(c, a, child(c.req, "launchPermission"), "ami", str(c.req, "imageId"))
	},
	"ec2:DisableEbsEncryptionByDefault": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskEncryptionOff, "EBS")
	},
	"ec2:DeleteFlowLogs": func(c *ctCall, a *assessment) {
		ids := strs(c.req, "flowLogId")
		if len(ids) == 0 { // the query form: {"FlowLogId": {"content": "fl-..."}}
			ids = strs(child(c.req, "DeleteFlowLogsRequest"), "content")
		}
		c.f.detail("flow_logs", strings.Join(ids, ", "))
		a.add(SevHigh, riskLoggingOff, "VPC Flow Logs")
	},
	"ec2:EnableSerialConsoleAccess": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskSerialConsole)
	},
	"ec2:ModifyInstanceAttribute": func(c *ctCall, a *assessment) {
		inst := c.target("instance", "instanceId")
		if child(c.req, "userData") != nil {
			a.add(SevMedium, riskUserData, inst)
		}
	},
	"ec2:CreateKeyPair": func(c *ctCall, a *assessment) {
		a.add(SevLow, riskKeyPair, c.target("key_pair", "keyName"))
	},
	"ec2:ImportKeyPair": func(c *ctCall, a *assessment) {
		a.add(SevLow, riskKeyPair, c.target("key_pair", "keyName"))
	},
	"ec2:CreateVpcPeeringConnection": func(c *ctCall, a *assessment) {
		owner := str(c.req, "peerOwnerId")
		c.f.setVar("peering", str(c.resp, "vpcPeeringConnectionId"))
		if owner != "" && owner != c.account {
			c.f.detail("accounts", owner)
			a.add(SevMedium, riskPeering, owner)
		}
	},

	// ---- S3 ----
	"s3:PutBucketPolicy": func(c *ctCall, a *assessment) {
		bucket := c.target("bucket", "bucketName")
		p := parsePolicy(child(c.req, "bucketPolicy"))
		switch {
		case p.public():
			a.add(SevHigh, riskPublicPrincipal, bucket)
		case p.publicWithCondition():
			a.add(SevMedium, riskPublicCondition, bucket)
		}
		if acc := p.accounts(c.account); len(acc) > 0 {
			c.f.detail("accounts", strings.Join(acc, ", "))
			a.add(SevMedium, riskForeignAccounts, strings.Join(acc, ", "))
		}
	},
	"s3:PutBucketAcl": func(c *ctCall, a *assessment) {
		bucket := c.target("bucket", "bucketName")
		var public []string
		for _, u := range append(strs(c.req, "URI"), strs(c.req, "x-amz-acl")...) {
			if strings.HasSuffix(u, "/global/AllUsers") || strings.HasSuffix(u, "/global/AuthenticatedUsers") ||
				u == "public-read" || u == "public-read-write" || u == "authenticated-read" {
				public = append(public, u)
			}
		}
		if len(public) > 0 {
			c.f.detail("grantees", strings.Join(public, ", "))
			a.add(SevHigh, riskPublicPrincipal, bucket)
		}
	},
	"s3:PutBucketPublicAccessBlock": func(c *ctCall, a *assessment) {
		bucket := c.target("bucket", "bucketName")
		if off := blockPublicOff(c.req); len(off) > 0 {
			c.f.detail("disabled", strings.Join(off, ", "))
			a.add(SevMedium, riskGuardrailRemoved, bucket)
		}
	},
	"s3:DeleteBucketPublicAccessBlock": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskGuardrailRemoved, c.target("bucket", "bucketName"))
	},
	"s3:PutBucketLogging": func(c *ctCall, a *assessment) {
		bucket := c.target("bucket", "bucketName")
		if str(c.req, "TargetBucket") == "" {
			a.add(SevMedium, riskAccessLogsOff, bucket)
		}
	},
	"s3:PutBucketVersioning": func(c *ctCall, a *assessment) {
		bucket := c.target("bucket", "bucketName")
		if strings.EqualFold(str(c.req, "Status"), "Suspended") {
			a.add(SevLow, riskVersioningOff, bucket)
		}
	},

	// ---- KMS ----
	"kms:ScheduleKeyDeletion": func(c *ctCall, a *assessment) {
		key := c.target("kms_key", "keyId")
		days := str(c.req, "pendingWindowInDays")
		c.f.detail("pending_days", days)
		a.add(SevHigh, riskKeyDeletion, key, days)
	},
	"kms:DisableKey": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskKeyDisabled, c.target("kms_key", "keyId"))
	},
	"kms:DisableKeyRotation": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskRotationOff, c.target("kms_key", "keyId"))
	},
	"kms:PutKeyPolicy": func(c *ctCall, a *assessment) {
		key := c.target("kms_key", "keyId")
		resourcePolicy(c, a, child(c.req, "policy"), key)
	},
	"kms:CreateGrant": func(c *ctCall, a *assessment) {
		key := c.target("kms_key", "keyId")
		c.f.setVar("grant", str(c.resp, "grantId"))
		grantee := str(c.req, "granteePrincipal")
		c.f.detail("grantee", grantee)
		if acct := accountOf(grantee); acct != "" && acct != c.account {
			c.f.detail("accounts", acct)
			a.add(SevMedium, riskForeignAccounts, acct)
			return
		}
		_ = key
	},

	// ---- CloudTrail ----
	"cloudtrail:StopLogging": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskLoggingOff, c.target("trail", "name"))
	},
	"cloudtrail:DeleteTrail": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskLoggingOff, c.target("trail", "name"))
	},
	"cloudtrail:UpdateTrail": func(c *ctCall, a *assessment) {
		trail := c.target("trail", "name")
		var weak []string
		for _, k := range []string{"isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation"} {
			if v, ok := boolean(c.req, k); ok && !v {
				weak = append(weak, k+"=false")
			}
		}
		if b := str(c.req, "s3BucketName"); b != "" {
			weak = append(weak, "s3BucketName="+b)
		}
		c.f.detail("changed", strings.Join(weak, ", "))
		if len(weak) > 0 {
			a.add(SevMedium, riskTrailWeakened, trail, strings.Join(weak, ", "))
		}
	},
	"cloudtrail:PutEventSelectors": func(c *ctCall, a *assessment) {
		trail := c.target("trail", "trailName")
		var weak []string
		if v, ok := boolean(c.req, "includeManagementEvents"); ok && !v {
			weak = append(weak, "includeManagementEvents=false")
		}
		for _, rw := range strs(c.req, "readWriteType") {
			if rw != "All" {
				weak = append(weak, "readWriteType="+rw)
			}
		}
		if len(strs(c.req, "excludeManagementEventSources")) > 0 {
			weak = append(weak, "excludeManagementEventSources="+strings.Join(strs(c.req, "excludeManagementEventSources"), ","))
		}
		c.f.detail("changed", strings.Join(weak, ", "))
		if len(weak) > 0 {
			a.add(SevHigh, riskTrailWeakened, trail, strings.Join(weak, ", "))
		}
	},

	// ---- AWS Config ----
	"config:StopConfigurationRecorder": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskLoggingOff, c.target("recorder", "configurationRecorderName"))
	},
	"config:DeleteConfigurationRecorder": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskLoggingOff, c.target("recorder", "configurationRecorderName"))
	},
	"config:DeleteDeliveryChannel": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskLoggingOff, c.target("channel", "deliveryChannelName"))
	},
	"config:DeleteConfigRule": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskDetectionOff, c.target("rule", "configRuleName"))
	},

	// ---- GuardDuty ----
	"guardduty:DeleteDetector": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskDetectionOff, c.target("detector", "detectorId"))
	},
	"guardduty:UpdateDetector": func(c *ctCall, a *assessment) {
		det := c.target("detector", "detectorId")
		if v, ok := boolean(c.req, "enable"); ok && !v {
			a.add(SevHigh, riskDetectionOff, det)
		}
	},
	"guardduty:CreateFilter": func(c *ctCall, a *assessment) {
		c.target("detector", "detectorId")
		f := c.target("filter", "name")
		if strings.EqualFold(str(c.req, "action"), "ARCHIVE") {
			a.add(SevMedium, riskFindingsHidden, f)
		}
	},
	"guardduty:CreateIPSet": func(c *ctCall, a *assessment) {
		c.target("detector", "detectorId")
		c.f.setVar("ipset", str(c.resp, "ipSetId"))
		a.add(SevMedium, riskFindingsHidden, str(c.req, "name"))
	},
	"guardduty:UpdateIPSet": func(c *ctCall, a *assessment) {
		c.target("detector", "detectorId")
		a.add(SevMedium, riskFindingsHidden, c.target("ipset", "ipSetId"))
	},
	"guardduty:DisassociateFromMasterAccount": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskDetectionOff, c.target("detector", "detectorId"))
	},
	"guardduty:DisassociateFromAdministratorAccount": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskDetectionOff, c.target("detector", "detectorId"))
	},
	"guardduty:DeleteMembers": func(c *ctCall, a *assessment) {
		c.target("detector", "detectorId")
		c.f.detail("accounts", strings.Join(strs(c.req, "accountIds"), ", "))
		a.add(SevMedium, riskMembersRemoved)
	},

	// ---- Security Hub ----
	"securityhub:DisableSecurityHub": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskDetectionOff, "Security Hub")
	},
	"securityhub:BatchDisableStandards": func(c *ctCall, a *assessment) {
		arns := strs(c.req, "standardsSubscriptionArns")
		c.f.detail("standards", strings.Join(arns, ", "))
		a.add(SevHigh, riskDetectionOff, strings.Join(arns, ", "))
	},
	"securityhub:UpdateStandardsControl": func(c *ctCall, a *assessment) {
		arn := c.target("control_arn", "standardsControlArn")
		if strings.EqualFold(str(c.req, "controlStatus"), "DISABLED") {
			c.f.detail("disabled_reason", str(c.req, "disabledReason"))
			a.add(SevMedium, riskDetectionOff, arn)
		}
	},
	"securityhub:DisableImportFindingsForProduct": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskFindingsHidden, c.target("product", "productSubscriptionArn"))
	},

	// ---- Organizations ----
	"organizations:LeaveOrganization": func(c *ctCall, a *assessment) {
		a.add(SevHigh, riskOrgLeave)
	},
	"organizations:RemoveAccountFromOrganization": func(c *ctCall, a *assessment) {
		c.f.detail("accounts", c.target("member", "accountId"))
		a.add(SevHigh, riskOrgLeave)
	},
	"organizations:DetachPolicy": func(c *ctCall, a *assessment) {
		p, t := c.target("org_policy", "policyId"), c.target("target", "targetId")
		c.f.detail("target", t)
		a.add(SevMedium, riskGuardrailRemoved, p)
	},
	"organizations:DisablePolicyType": func(c *ctCall, a *assessment) {
		c.target("root", "rootId")
		pt := c.target("policy_type", "policyType")
		a.add(SevHigh, riskGuardrailRemoved, pt)
	},

	// ---- Lambda ----
	"lambda:AddPermission": func(c *ctCall, a *assessment) {
		fn := c.target("function", "functionName")
		c.target("statement_id", "statementId")
		pr := str(c.req, "principal")
		c.f.detail("principal", pr)
		c.f.detail("actions", str(c.req, "action"))
		switch {
		case pr == "*" && str(c.req, "sourceArn") == "" && str(c.req, "sourceAccount") == "" && str(c.req, "principalOrgID") == "":
			a.add(SevHigh, riskPublicPrincipal, fn)
		case pr == "*":
			a.add(SevMedium, riskPublicCondition, fn)
		case accountOf(pr) != "" && accountOf(pr) != c.account:
			c.f.detail("accounts", accountOf(pr))
			a.add(SevMedium, riskForeignAccounts, accountOf(pr))
		}
	},
	"lambda:AddLayerVersionPermission": func(c *ctCall, a *assessment) {
		layer := c.target("layer", "layerName")
		c.target("layer_version", "versionNumber")
		c.target("statement_id", "statementId")
		pr := str(c.req, "principal")
		c.f.detail("principal", pr)
		if pr == "*" && str(c.req, "organizationId") == "" {
			a.add(SevMedium, riskSharedPublic, "lambda-layer", layer)
		} else if accountOf(pr) != "" && accountOf(pr) != c.account {
			a.add(SevLow, riskSharedAccounts, "lambda-layer", layer, accountOf(pr))
		}
	},
	"lambda:CreateFunctionUrlConfig": functionURL,
	"lambda:UpdateFunctionUrlConfig": functionURL,
	"lambda:UpdateFunctionConfiguration": func(c *ctCall, a *assessment) {
		fn := c.target("function", "functionName")
		if layers := strs(c.req, "layers"); len(layers) > 0 {
			c.f.detail("layers", strings.Join(layers, ", "))
			a.add(SevMedium, riskCodeChange, fn)
		}
		if r := str(c.req, "role"); r != "" {
			c.f.detail("role", r)
			a.add(SevMedium, riskCodeChange, fn)
		}
	},
	"lambda:UpdateFunctionCode": func(c *ctCall, a *assessment) {
		a.add(SevLow, riskCodeChange, c.target("function", "functionName"))
	},

	// ---- RDS ----
	"rds:ModifyDBSnapshotAttribute": func(c *ctCall, a *assessment) {
		dbShare(c, a, "db-snapshot", c.target("snapshot", "dBSnapshotIdentifier"))
	},
	"rds:ModifyDBClusterSnapshotAttribute": func(c *ctCall, a *assessment) {
		dbShare(c, a, "db-cluster-snapshot", c.target("snapshot", "dBClusterSnapshotIdentifier"))
	},
	"rds:ModifyDBInstance": func(c *ctCall, a *assessment) {
		db := c.target("db", "dBInstanceIdentifier")
		if v, ok := boolean(c.req, "publiclyAccessible"); ok && v {
			a.add(SevHigh, riskPublicDB, db)
		}
		if child(c.req, "masterUserPassword") != nil {
			a.add(SevMedium, riskPasswordReset, db)
		}
	},
	"rds:CreateDBInstance": func(c *ctCall, a *assessment) {
		db := c.target("db", "dBInstanceIdentifier")
		if v, ok := boolean(c.req, "publiclyAccessible"); ok && v {
			a.add(SevMedium, riskPublicDB, db)
		}
		if v, ok := boolean(c.req, "storageEncrypted"); ok && !v {
			a.add(SevLow, riskEncryptionOff, db)
		}
	},
	"rds:DeleteDBInstance": func(c *ctCall, a *assessment) {
		db := c.target("db", "dBInstanceIdentifier")
		if v, ok := boolean(c.req, "skipFinalSnapshot"); ok && v {
			a.add(SevHigh, riskNoFinalSnapshot, db)
			return
		}
		a.add(SevMedium, riskDeleted, db)
	},
	"rds:DeleteDBCluster": func(c *ctCall, a *assessment) {
		cl := c.target("cluster", "dBClusterIdentifier")
		if v, ok := boolean(c.req, "skipFinalSnapshot"); ok && v {
			a.add(SevHigh, riskNoFinalSnapshot, cl)
			return
		}
		a.add(SevMedium, riskDeleted, cl)
	},

	// ---- Secrets Manager ----
	"secretsmanager:DeleteSecret": func(c *ctCall, a *assessment) {
		s := c.target("secret", "secretId")
		if v, ok := boolean(c.req, "forceDeleteWithoutRecovery"); ok && v {
			a.add(SevHigh, riskNoRecovery, s)
			return
		}
		c.f.detail("pending_days", str(c.req, "recoveryWindowInDays"))
		a.add(SevMedium, riskDeleted, s)
	},
	"secretsmanager:PutResourcePolicy": func(c *ctCall, a *assessment) {
		s := c.target("secret", "secretId")
		resourcePolicy(c, a, child(c.req, "resourcePolicy"), s)
	},
	"secretsmanager:GetSecretValue": func(c *ctCall, a *assessment) {
		c.target("secret", "secretId")
		a.add(SevLow, riskSecretRead, "1")
	},
	"secretsmanager:BatchGetSecretValue": func(c *ctCall, a *assessment) {
		ids := strs(c.req, "secretIdList")
		c.f.detail("secrets", strings.Join(ids, ", "))
		a.add(SevMedium, riskSecretRead, strconv.Itoa(max(len(ids), 1)))
	},

	// ---- Systems Manager ----
	"ssm:SendCommand": func(c *ctCall, a *assessment) {
		doc := c.target("document", "documentName")
		c.f.setVar("command", str(c.resp, "commandId"))
		targets := append(strs(c.req, "instanceIds"), strs(child(c.req, "targets"), "values")...)
		c.f.detail("targets", strings.Join(targets, ", "))
		sev := SevLow
		if doc == "AWS-RunShellScript" || doc == "AWS-RunPowerShellScript" {
			sev = SevMedium
		}
		a.add(sev, riskCommandExec, doc, strings.Join(targets, ", "))
	},
	"ssm:StartSession": func(c *ctCall, a *assessment) {
		a.add(SevLow, riskSession, c.target("session_target", "target"))
	},
	"ssm:GetParameters": func(c *ctCall, a *assessment) {
		names := strs(c.req, "names")
		c.f.detail("parameters", strings.Join(names, ", "))
		if v, _ := boolean(c.req, "withDecryption"); v {
			sev := SevLow
			if len(names) > 5 {
				sev = SevMedium
			}
			a.add(sev, riskSecretRead, strconv.Itoa(len(names)))
		}
	},
	"ssm:GetParameter": func(c *ctCall, a *assessment) {
		c.f.detail("parameters", str(c.req, "name"))
		if v, _ := boolean(c.req, "withDecryption"); v {
			a.add(SevLow, riskSecretRead, "1")
		}
	},
	"ssm:ModifyDocumentPermission": func(c *ctCall, a *assessment) {
		doc := c.target("document", "name")
		add := strs(c.req, "accountIdsToAdd")
		switch {
		case slices.ContainsFunc(add, func(s string) bool { return strings.EqualFold(s, "all") }):
			a.add(SevHigh, riskSharedPublic, "ssm-document", doc)
		case len(add) > 0:
			c.f.detail("accounts", strings.Join(add, ", "))
			a.add(SevMedium, riskSharedAccounts, "ssm-document", doc, strings.Join(add, ", "))
		}
	},

	// ---- EC2 instance access ----
	"ec2:GetPasswordData": func(c *ctCall, a *assessment) {
		a.add(SevMedium, riskPasswordData, c.target("instance", "instanceId"))
	},
	"ec2:DescribeInstanceAttribute": func(c *ctCall, a *assessment) {
		// Only reading the user data matters: it often holds secrets.
		if str(c.req, "attribute") == "userData" {
			a.add(SevLow, riskUserDataRead, c.target("instance", "instanceId"))
		}
	},
	"ec2-instance-connect:SendSSHPublicKey": func(c *ctCall, a *assessment) {
		inst, user := c.target("instance", "instanceId"), c.target("os_user", "instanceOSUser")
		c.f.detail("os_user", user)
		a.add(SevMedium, riskSSHKeyPushed, inst, orDash(user))
	},
	"ec2-instance-connect:SendSerialConsoleSSHPublicKey": func(c *ctCall, a *assessment) {
		inst := c.target("instance", "instanceId")
		a.add(SevMedium, riskSSHKeyPushed, inst, "-")
		a.add(SevMedium, riskSerialConsole)
	},

	// ---- Logs ----
	"route53resolver:DeleteResolverQueryLogConfig": func(c *ctCall, a *assessment) {
		cfg := child(c.resp, "resolverQueryLogConfig")
		id := firstNonEmpty(str(c.req, "resolverQueryLogConfigId"), str(cfg, "id"))
		c.f.setVar("query_log_config", id)
		c.f.detail("query_log_config", firstNonEmpty(str(cfg, "name"), id))
		if d := str(cfg, "destinationArn"); d != "" {
			c.f.setVar("log_destination", d)
			c.f.detail("log_destination", d)
		}
		a.add(SevHigh, riskLoggingOff, "Route 53 Resolver query logging "+id)
	},
	"logs:DeleteLogGroup": func(c *ctCall, a *assessment) {
		g := c.target("log_group", "logGroupName")
		c.f.detail("log_group", g)
		a.add(SevMedium, riskLoggingOff, "CloudWatch Logs "+g)
	},

	// ---- IAM Roles Anywhere ----
	"rolesanywhere:CreateTrustAnchor": func(c *ctCall, a *assessment) {
		ta := child(c.resp, "trustAnchor")
		name := firstNonEmpty(str(ta, "name"), str(c.req, "name"))
		c.f.setVar("trust_anchor_name", name)
		c.f.setVar("trust_anchor", str(ta, "trustAnchorId"))
		c.f.detail("trust_anchor", firstNonEmpty(str(ta, "trustAnchorArn"), name))
		a.add(SevMedium, riskFederation, "IAM Roles Anywhere "+name)
	},
}

// attachPolicy assesses Attach{User,Role,Group}Policy: the policy ARN says
// whether it is an AWS managed administrator policy.
func attachPolicy(kind, param string) callSpec {
	return func(c *ctCall, a *assessment) {
		who := c.target(kind, param)
		arn := c.target("policy_arn", "policyArn")
		c.f.detail("policy_arn", arn)
		c.f.detail("target_"+kind, who)
		switch {
		case adminPolicies[arn]:
			a.add(SevHigh, riskAdminPolicy, arn)
		case strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") || strings.HasPrefix(arn, "arn:aws-cn:iam::aws:policy/") || strings.HasPrefix(arn, "arn:aws-us-gov:iam::aws:policy/"):
			a.add(SevLow, riskManagedPolicy, arn)
		default:
			a.add(SevMedium, riskCustomerPolicy, arn)
		}
		if kind == "user" && who != "" && who == c.callerUser && adminPolicies[arn] {
			a.add(SevCritical, riskSelf, who)
		}
	}
}

// adminPolicies are the AWS managed policies that grant administrator
// access, or full control of IAM (which lets the holder grant itself
// anything).
var adminPolicies = map[string]bool{
	"arn:aws:iam::aws:policy/AdministratorAccess": true,
	"arn:aws:iam::aws:policy/IAMFullAccess":       true,
	"arn:aws:iam::aws:policy/PowerUserAccess":     true,
}

// putInlinePolicy assesses Put{User,Role,Group}Policy by its document.
func putInlinePolicy(kind, param string) callSpec {
	return func(c *ctCall, a *assessment) {
		who := c.target(kind, param)
		c.target("policy_name", "policyName")
		c.f.detail("target_"+kind, who)
		p := parsePolicy(child(c.req, "policyDocument"))
		acts := strings.Join(p.actionList(), ", ")
		c.f.detail("actions", acts)
		if p.admin() {
			a.add(SevHigh, riskWildcardPolicy, acts)
			return
		}
		a.add(SevMedium, riskInlinePolicy, acts)
	}
}

// trustPolicy assesses a role trust policy (CreateRole,
// UpdateAssumeRolePolicy): who may assume the role.
func trustPolicy(param string) callSpec {
	return func(c *ctCall, a *assessment) {
		c.target("role", "roleName")
		p := parsePolicy(child(c.req, param))
		var principals []string
		for _, s := range p {
			if s.allow {
				principals = append(principals, s.principals...)
			}
		}
		c.f.detail("principal", strings.Join(principals, ", "))
		switch {
		case p.public():
			a.add(SevCritical, riskPublicPrincipal, str(c.req, "roleName"))
		case p.publicWithCondition():
			a.add(SevHigh, riskPublicCondition, str(c.req, "roleName"))
		}
		if acc := p.accounts(c.account); len(acc) > 0 {
			c.f.detail("accounts", strings.Join(acc, ", "))
			a.add(SevHigh, riskForeignAccounts, strings.Join(acc, ", "))
		} else if len(principals) > 0 && !p.public() {
			a.add(SevLow, riskTrustPrincipals, strings.Join(principals, ", "))
		}
	}
}

// resourcePolicy assesses a resource policy (KMS key policy, Secrets
// Manager resource policy).
func resourcePolicy(c *ctCall, a *assessment, doc any, what string) {
	p := parsePolicy(doc)
	switch {
	case p.public():
		a.add(SevHigh, riskPublicPrincipal, what)
	case p.publicWithCondition():
		a.add(SevMedium, riskPublicCondition, what)
	}
	if acc := p.accounts(c.account); len(acc) > 0 {
		c.f.detail("accounts", strings.Join(acc, ", "))
		a.add(SevMedium, riskForeignAccounts, strings.Join(acc, ", "))
	}
}

// shareAdded assesses EC2 snapshot and image permissions: an "add" of
// account ids or of the group "all" (public).
func shareAdded(c *ctCall, a *assessment, perm any, typ, name string) {
	add := child(perm, "add")
	if add == nil {
		return
	}
	if slices.Contains(strs(add, "group"), "all") {
		a.add(SevCritical, riskSharedPublic, typ, name)
	}
	if acc := strs(add, "userId"); len(acc) > 0 {
		c.f.setVar("accounts", strings.Join(acc, " "))
		c.f.detail("accounts", strings.Join(acc, ", "))
		a.add(SevHigh, riskSharedAccounts, typ, name, strings.Join(acc, ", "))
	}
}

// dbShare assesses RDS snapshot attribute changes: "restore" shared with
// accounts or with "all".
func dbShare(c *ctCall, a *assessment, typ, name string) {
	if !strings.EqualFold(str(c.req, "attributeName"), "restore") {
		return
	}
	add := strs(c.req, "valuesToAdd")
	if slices.ContainsFunc(add, func(s string) bool { return strings.EqualFold(s, "all") }) {
		a.add(SevCritical, riskSharedPublic, typ, name)
	}
	var acc []string
	for _, v := range add {
		if isAccountID(v) {
			acc = append(acc, v)
		}
	}
	if len(acc) > 0 {
		c.f.setVar("accounts", strings.Join(acc, " "))
		c.f.detail("accounts", strings.Join(acc, ", "))
		a.add(SevHigh, riskSharedAccounts, typ, name, strings.Join(acc, ", "))
	}
}

// functionURL assesses a Lambda function URL: AuthType NONE makes the
// function callable by anyone on the internet.
func functionURL(c *ctCall, a *assessment) {
	fn := c.target("function", "functionName")
	if strings.EqualFold(str(c.req, "authType"), "NONE") {
		a.add(SevHigh, riskPublicURL, fn)
	}
}

// worldCIDR says whether a CIDR range is the whole address space: any
// prefix of length 0 ("0.0.0.0/0", "::/0", and also "203.0.113.9/0", which
// AWS accepts and which opens as much).
func worldCIDR(cidr string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	return err == nil && p.Bits() == 0
}

// networkACLEntry assesses a network ACL entry that allows inbound
// traffic from anywhere.
func networkACLEntry(c *ctCall, a *assessment) {
	c.target("nacl", "networkAclId")
	c.target("rule_number", "ruleNumber")
	egress, _ := boolean(c.req, "egress")
	if egress || !strings.EqualFold(str(c.req, "ruleAction"), "allow") {
		return
	}
	cidr := firstNonEmpty(str(c.req, "cidrBlock"), str(c.req, "ipv6CidrBlock"))
	if !worldCIDR(cidr) {
		return
	}
	ports := portRanges(c.req)
	if adminPorts(ports) != nil || slices.Contains(ports, "all") {
		a.add(SevMedium, riskNetworkACL, cidr, strings.Join(ports, ", "))
		return
	}
	a.add(SevLow, riskNetworkACL, cidr, strings.Join(ports, ", "))
}

// blockPublicOff returns the Block Public Access settings a request turns
// off.
func blockPublicOff(req any) []string {
	var off []string
	for _, k := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
		if v, ok := boolean(req, k); ok && !v {
			off = append(off, k)
		}
	}
	return off
}

// portRanges returns the port ranges of security group or network ACL
// permissions as text: "22", "8000-8080", "all" (protocol -1 or no ports).
func portRanges(req any) []string {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	var perms []any
	walk(req, "ipPermissions", func(v any) { perms = append(perms, v) })
	if len(perms) == 0 || child(req, "fromPort") != nil || child(req, "ipProtocol") != nil {
		// Network ACL entries, and the single-rule form of
		// AuthorizeSecurityGroupIngress (cidrIp, fromPort, toPort), carry
		// the ports at the top.
		perms = append(perms, req)
	}
	for _, p := range perms {
		var items []any
		if it, ok := child(p, "items").([]any); ok {
			items = it
		} else {
			items = []any{p}
		}
		for _, it := range items {
			proto := firstNonEmpty(scalar(child(it, "ipProtocol")), scalar(child(it, "protocol")))
			from := firstNonEmpty(scalar(child(it, "fromPort")), scalar(child(child(it, "portRange"), "from")))
			to := firstNonEmpty(scalar(child(it, "toPort")), scalar(child(child(it, "portRange"), "to")))
			switch {
			case proto == "-1" || proto == "all":
				add("all")
			case from == "" || from == "-1":
				if proto != "" && proto != "icmp" && proto != "1" && proto != "58" {
					add("all")
				}
			case from == "0" && to == "65535":
				add("all")
			case from == to:
				add(from)
			default:
				add(from + "-" + to)
			}
		}
	}
	return out
}

// adminPortList are ports of remote administration and data stores that
// should never be open to the internet: SSH, Telnet, SMB/RPC, RDP,
// databases and caches.
var adminPortList = []int{21, 22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 3306, 3389, 5432, 5601, 5900, 6379, 9200, 11211, 27017}

// adminPorts returns the administrative ports within the ranges.
func adminPorts(ranges []string) []string {
	var out []string
	for _, r := range ranges {
		lo, hi, ok := strings.Cut(r, "-")
		if !ok {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil {
			continue
		}
		for _, p := range adminPortList {
			if p >= a && p <= b && !slices.Contains(out, strconv.Itoa(p)) {
				out = append(out, strconv.Itoa(p))
			}
		}
	}
	return out
}

// webOnly reports ranges that are only HTTP and HTTPS.
func webOnly(ranges []string) bool {
	if len(ranges) == 0 {
		return false
	}
	for _, r := range ranges {
		if r != "80" && r != "443" {
			return false
		}
	}
	return true
}
