package explain

import (
	"strings"

	"github.com/vigilhq/vigil/event"
)

// signInSource explains "AWS Console Sign In via CloudTrail" events: the
// result comes from responseElements (a failed sign-in has no errorCode,
// only ConsoleLogin: Failure and an errorMessage), MFA from
// additionalEventData.MFAUsed. Record shapes: AWS CloudTrail User Guide,
// "AWS Management Console sign-in events".
var signInSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.CloudTrail()
		if err != nil {
			return nil, err
		}
		return []Facts{signInFacts(base, ev, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.signIn(&fs[0]) },
}

func signInFacts(f Facts, ev *event.Event, c *event.CloudTrailCall) Facts {
	f.FindingID = c.EventID
	f.Code = Code{CodeAPICall, c.EventName}
	f.Region = firstNonEmpty(c.AwsRegion, f.Region)
	f.Account = firstNonEmpty(c.RecipientAccountID, c.UserIdentity.AccountID, f.Account)
	extra := document(c.AdditionalEventDataValue())
	result := consoleResult(c)
	failed := strings.EqualFold(result, "Failure") || c.ErrorCode != ""
	mfa := str(extra, "MFAUsed")
	f.detail("result", result)
	identityDetails(&f, c)
	f.detail("mfa_used", mfa)
	f.detail("mfa_type", str(extra, "MfaType"))
	f.detail("login_to", str(extra, "LoginTo"))
	f.detail("error_message", c.ErrorMessage)
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	f.ct = &ctFacts{rec: c, failed: failed}
	root := c.UserIdentity.Type == "Root"
	noMFA := strings.EqualFold(mfa, "No")
	var a assessment
	switch {
	case c.EventName != "ConsoleLogin":
		a.Severity = SevInformational
	case root && !failed && noMFA:
		a.Severity = SevHigh
	case root && !failed:
		a.Severity = SevMedium
	case root && failed:
		a.Severity = SevMedium
	case failed:
		a.Severity = SevLow
	case noMFA:
		a.Severity = SevLow
	default:
		a.Severity = SevInformational
	}
	f.ct.a = a
	f.Severity, f.Assessed = a.Severity, true
	return f
}

func (b *builder) signIn(f *Facts) {
	m := b.m
	c := f.ct.rec
	extra := document(c.AdditionalEventDataValue())
	root := c.UserIdentity.Type == "Root"
	who := m.identity(c.UserIdentity.Type, identityName(c))
	mfa := str(extra, "MFAUsed")
	if c.EventName != "ConsoleLogin" {
		b.x.Title = m.titleSignInOther(who, c.EventName)
		b.para(&b.overview, m.summarySignInOther(f, who))
		b.facts(f)
		b.para(&b.problem, m.signInOtherMeaning(c.EventName))
		b.para(&b.response, m.generalResponse(f.Severity))
		b.step(m.cloudTrailConfirmStep(), "")
		b.link(m.linkSignInEvents(), "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html", FromBuiltin)
		return
	}
	b.x.Title = m.titleSignIn(who, f.ct.failed)
	b.para(&b.overview, m.summarySignIn(f, who, f.ct.failed))
	b.facts(f)
	switch {
	case f.ct.failed:
		b.para(&b.problem, m.signInFailed(root, c.ErrorMessage))
	case root:
		b.para(&b.problem, m.signInRoot(strings.EqualFold(mfa, "No")))
	case strings.EqualFold(mfa, "No"):
		b.para(&b.problem, m.signInNoMFA())
	default:
		b.para(&b.problem, m.signInOK())
	}
	b.para(&b.problem, m.signInAssessment(f.Severity, root, f.ct.failed, strings.EqualFold(mfa, "No")))
	b.para(&b.response, m.signInResponse(root, f.ct.failed))
	b.step(m.signInConfirmStep(), "")
	if name := c.UserIdentity.UserName; name != "" && !root {
		b.step(m.signInActivityStep(), "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue="+shellArg(name)+
			" --region "+shellArg(f.Region))
		if strings.EqualFold(mfa, "No") || f.ct.failed {
			b.step(m.signInMFAStep(), "aws iam list-mfa-devices --user-name "+shellArg(name))
		}
	}
	if root {
		b.step(m.rootMFAStep(), "")
		b.link(m.linkRootUser(), "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html", FromBuiltin)
	}
	b.link(m.linkSignInEvents(), "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html", FromBuiltin)
}
