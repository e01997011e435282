package explain

import (
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// cloudTrailSource explains CloudTrail records delivered by EventBridge:
// API calls, service events and console actions. Console sign-ins and
// Insights have sources of their own (signin.go, insight.go).
var cloudTrailSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.CloudTrail()
		if err != nil {
			return nil, err
		}
		return []Facts{cloudTrailFacts(base, ev, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.cloudTrail(&fs[0]) },
}

// cloudTrailParams are request parameters that name a resource, with the
// glossary key of its type.
var cloudTrailParams = []struct{ key, typ string }{
	{"bucketName", "s3-bucket"},
	{"instanceId", "ec2-instance"},
	{"groupId", "security-group"},
	{"userName", "iam-user"},
	{"roleName", "iam-role"},
	{"groupName", "iam-group"},
	{"functionName", "lambda-function"},
	{"keyId", "kms-key"},
	{"secretId", "secret"},
	{"snapshotId", "ebs-snapshot"},
	{"imageId", "ami"},
	{"dBInstanceIdentifier", "db-instance"},
	{"dBSnapshotIdentifier", "db-snapshot"},
	{"trailName", "trail"},
}

// ctFacts is what the CloudTrail sources keep beyond Facts: the record and
// vigil's assessment of it.
type ctFacts struct {
	rec    *event.CloudTrailCall
	a      assessment
	failed bool
	// refused is a failure on permissions (AccessDenied,
	// UnauthorizedOperation, a refused sign-in), as opposed to a call that
	// failed on its own terms (a missing trail, an invalid parameter).
	refused bool
}

func cloudTrailFacts(f Facts, ev *event.Event, c *event.CloudTrailCall) Facts {
	f.FindingID = c.EventID
	f.Code = Code{CodeAPICall, c.EventName}
	f.Region = firstNonEmpty(c.AwsRegion, f.Region)
	f.Account = firstNonEmpty(c.RecipientAccountID, f.Account)
	call := &ctCall{rec: c, req: document(c.RequestParametersValue()), resp: document(c.ResponseElementsValue()), f: &f,
		account: firstNonEmpty(c.RecipientAccountID, c.UserIdentity.AccountID, ev.Account)}
	if c.UserIdentity.Type == "IAMUser" {
		call.callerUser = c.UserIdentity.UserName
	}
	call.failed = c.ErrorCode != "" || strings.EqualFold(consoleResult(c), "Failure")
	for _, p := range cloudTrailParams {
		if m, ok := call.req.(map[string]any); ok {
			if s := scalar(m[p.key]); s != "" {
				f.addResource(p.typ, s, "")
			}
		}
	}
	for _, r := range ev.Resources {
		f.addResource("", r, "")
	}
	identityDetails(&f, c)
	f.detail("error_code", c.ErrorCode)
	f.detail("error_message", c.ErrorMessage)
	f.setVar("api", c.EventName)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	f.setVar("caller", call.callerName())
	f.ct = &ctFacts{rec: c, failed: call.failed, refused: call.failed && refused(c.ErrorCode)}
	f.ct.a = assess(call)
	if f.ct.a.Severity == SevNone { // nothing risky: vigil still rates it
		f.ct.a.Severity = SevInformational
	}
	f.Severity, f.Assessed = f.ct.a.Severity, true
	return f
}

// identityDetails adds who made the call: the identity, its key, MFA, the
// role it came from, where it came from.
func identityDetails(f *Facts, c *event.CloudTrailCall) {
	u := c.UserIdentity
	f.detail("event_source", c.EventSource)
	f.detail("identity_type", u.Type)
	f.detail("identity", firstNonEmpty(u.Arn, u.UserName, u.PrincipalID))
	f.detail("access_key", u.AccessKeyID)
	if sc := u.SessionContext; sc != nil {
		f.detail("mfa", sc.Attributes.MfaAuthenticated.String())
		if si := sc.SessionIssuer; si != nil {
			f.detail("session_issuer", si.Arn)
		}
	}
	f.detail("invoked_by", u.InvokedBy)
	f.detail("source_ip", c.SourceIPAddress)
	f.detail("user_agent", c.UserAgent)
}

// refused says whether a failed call's error code is a refusal on
// permissions. A failure without an error code (a sign-in whose response
// says Failure) is a refusal too.
func refused(code string) bool {
	if code == "" {
		return true
	}
	c := strings.ToLower(code)
	for _, s := range []string{"accessdenied", "unauthorized", "notauthorized", "forbidden", "authfailure", "invalidclienttokenid", "signaturedoesnotmatch", "expiredtoken"} {
		if strings.Contains(c, s) {
			return true
		}
	}
	return false
}

// consoleResult is the result a sign-in record gives in its response
// elements ("Success" or "Failure"), e.g. {"ConsoleLogin": "Failure"}.
func consoleResult(c *event.CloudTrailCall) string {
	resp := document(c.ResponseElementsValue())
	return firstNonEmpty(str(resp, c.EventName), str(resp, "ConsoleLogin"))
}

func (b *builder) cloudTrail(f *Facts) {
	m := b.m
	c := f.ct.rec
	if c.EventType == "AwsServiceEvent" {
		b.serviceEvent(f)
		return
	}
	who := m.identity(c.UserIdentity.Type, identityName(c))
	b.x.Title = m.titleCloudTrail(who, c.EventName, c.EventSource, f.ct.failed, f.ct.refused)
	b.para(&b.overview, m.summaryCloudTrail(f, who))
	b.facts(f)

	a := f.ct.a
	call, known := knowledge.LookupCloudTrailCall(a.Key, variantOf(a), b.lang)
	if known {
		s, _ := b.fill(call.Guidance.Meaning, f)
		if f.ct.failed {
			b.para(&b.problem, m.cloudTrailAttempted(s))
		} else {
			b.para(&b.problem, s)
		}
	}
	if len(a.Risks) > 0 || known {
		b.para(&b.problem, m.assessment(a.Severity, a.Risks, f.ct.failed))
	}
	root := c.UserIdentity.Type == "Root"
	if root {
		b.para(&b.problem, m.cloudTrailRoot(c.EventName))
		if sc := c.UserIdentity.SessionContext; sc != nil && sc.Attributes.MfaAuthenticated == "false" {
			b.para(&b.problem, m.cloudTrailNoMFA())
		}
	}
	if f.ct.failed {
		b.para(&b.problem, m.cloudTrailFailed(c.ErrorCode, c.ErrorMessage))
	}
	if !known && !root {
		b.para(&b.problem, m.cloudTrailGeneric(c.EventName))
		b.unknown(CodeAPICall, c.EventName)
	}

	switch {
	case known && call.Guidance.Response != "" && !f.ct.failed:
		s, _ := b.fill(call.Guidance.Response, f)
		b.para(&b.response, s)
	default:
		b.para(&b.response, m.cloudTrailResponse(a.Severity, root, f.ct.failed, f.ct.refused))
	}
	b.step(m.cloudTrailConfirmStep(), "")
	if known && !f.ct.failed {
		g := call.Guidance
		g.Meaning, g.Response = "", ""
		b.guidance(g, f)
	}
	b.activityStep(f, c)
	if root {
		b.step(m.rootMFAStep(), "")
		b.link(m.linkRootUser(), "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html", FromBuiltin)
	}
	if known && call.APIURL != "" {
		b.link(m.linkAPIReference(c.EventName), call.APIURL, FromBuiltin)
	}
	b.link(m.linkUserIdentity(), "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html", FromBuiltin)
}

// variantOf chooses the catalog prose variant the assessment calls for.
func variantOf(a assessment) string {
	for _, r := range a.Risks {
		switch r.Kind {
		case riskSharedPublic:
			return "public"
		case riskPublicPrincipal:
			return "public"
		case riskPublicDB:
			return "public"
		case riskSelf:
			return "self"
		case riskUserDataRead:
			return "userdata"
		case riskDetectionOff:
			if a.Key == "guardduty:UpdateDetector" {
				return "disabled"
			}
		}
	}
	return ""
}

// activityStep looks up what else the same credentials did: by access key
// when the record has one, else by user name.
func (b *builder) activityStep(f *Facts, c *event.CloudTrailCall) {
	m := b.m
	switch {
	case c.UserIdentity.AccessKeyID != "":
		b.step(m.cloudTrailActivityStep(), "aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue="+
			shellArg(c.UserIdentity.AccessKeyID)+" --region "+shellArg(f.Region))
	case c.UserIdentity.UserName != "":
		b.step(m.cloudTrailActivityStep(), "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue="+
			shellArg(c.UserIdentity.UserName)+" --region "+shellArg(f.Region))
	}
}

// identityName is how a record names its caller: the IAM user, the role
// of a session, the principal's ARN.
func identityName(c *event.CloudTrailCall) string {
	u := c.UserIdentity
	switch u.Type {
	case "Root":
		return ""
	case "AssumedRole":
		if sc := u.SessionContext; sc != nil && sc.SessionIssuer != nil && sc.SessionIssuer.UserName != "" {
			return sc.SessionIssuer.UserName
		}
	case "AWSService":
		return u.InvokedBy
	}
	return firstNonEmpty(u.UserName, u.Arn, u.PrincipalID)
}

// serviceEvent explains a record AWS wrote about its own action (eventType
// AwsServiceEvent): no caller, no request.
func (b *builder) serviceEvent(f *Facts) {
	m := b.m
	c := f.ct.rec
	b.x.Title = m.titleServiceEvent(c.EventName, c.EventSource)
	b.para(&b.overview, m.summaryServiceEvent(f))
	b.facts(f)
	if d := document(c.ServiceEventDetailsValue()); d != nil {
		b.quote(&b.overview, m.label("service_event_details"), compactJSON(c.ServiceEventDetails))
	}
	b.para(&b.problem, m.serviceEventMeaning(c.EventName))
	b.para(&b.response, m.generalResponse(f.Severity))
	b.step(m.serviceEventStep(), "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue="+
		shellArg(c.EventName)+" --region "+shellArg(f.Region))
	b.link(m.linkCloudTrailEvents(), "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html", FromBuiltin)
}
