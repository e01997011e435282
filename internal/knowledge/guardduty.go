package knowledge

import (
	"strings"

	"github.com/vigilhq/vigil/internal/lang"
)

// family groups GuardDuty finding types that share remediation steps and
// an official remediation page.
type family string

// The remediation families, each with a remediation guide of the
// GuardDuty User Guide (confirmed in the guide's "Remediating detected
// GuardDuty security findings" topic list, 2026-12).
const (
	famEC2      family = "ec2"      // a potentially compromised EC2 instance
	famCred     family = "cred"     // potentially compromised AWS credentials
	famS3       family = "s3"       // a potentially compromised S3 bucket
	famLambda   family = "lambda"   // a potentially compromised Lambda function
	famECS      family = "ecs"      // a potentially compromised ECS cluster
	famS3Object family = "s3object" // a potentially malicious S3 object
	// Added 2026-12, from the remediation links of the EKS, Runtime
	// Monitoring and RDS Protection finding type entries.
	famEKS        family = "eks"        // EKS audit log (Kubernetes) findings
	famEKSRuntime family = "eksruntime" // Runtime Monitoring findings on EKS
	famRDS        family = "rds"        // a potentially compromised database
)

const gdDocs = "https://docs.aws.amazon.com/guardduty/latest/ug/"

var familyURL = map[family]string{
	famEC2:        gdDocs + "compromised-ec2.html",
	famCred:       gdDocs + "compromised-creds.html",
	famS3:         gdDocs + "compromised-s3.html",
	famLambda:     gdDocs + "remediate-lambda-protection-finding-types.html",
	famECS:        gdDocs + "compromised-ecs.html",
	famS3Object:   gdDocs + "compromised-s3object-malware-protection-gdu.html",
	famEKS:        gdDocs + "guardduty-remediate-kubernetes.html",
	famEKSRuntime: gdDocs + "guardduty-remediate-eks-runtime-monitoring.html",
	famRDS:        gdDocs + "guardduty-remediate-compromised-database-rds.html",
}

// gdType is the language-neutral part of a GuardDuty catalog entry.
type gdType struct {
	page, anchor string
	// fam is the remediation family; for types whose actor variant is a
	// compromise (brute force), actorFam applies when the resource role is
	// ACTOR.
	fam, actorFam family
	// withFamilySteps appends the family's steps to the type's own.
	withFamilySteps bool
}

var gdTypes = map[string]gdType{
	"UnauthorizedAccess:EC2/SSHBruteForce":                                 {page: "ec2", anchor: "unauthorizedaccess-ec2-sshbruteforce", fam: famEC2, actorFam: famEC2},
	"UnauthorizedAccess:EC2/RDPBruteForce":                                 {page: "ec2", anchor: "unauthorizedaccess-ec2-rdpbruteforce", fam: famEC2, actorFam: famEC2},
	"CryptoCurrency:EC2/BitcoinTool.B!DNS":                                 {page: "ec2", anchor: "cryptocurrency-ec2-bitcointoolbdns", fam: famEC2, withFamilySteps: true},
	"CryptoCurrency:EC2/BitcoinTool.B":                                     {page: "ec2", anchor: "cryptocurrency-ec2-bitcointoolb", fam: famEC2, withFamilySteps: true},
	"Backdoor:EC2/C&CActivity.B!DNS":                                       {page: "ec2", anchor: "backdoor-ec2-ccactivitybdns", fam: famEC2, withFamilySteps: true},
	"Backdoor:EC2/C&CActivity.B":                                           {page: "ec2", anchor: "backdoor-ec2-ccactivityb", fam: famEC2, withFamilySteps: true},
	"Recon:EC2/PortProbeUnprotectedPort":                                   {page: "ec2", anchor: "recon-ec2-portprobeunprotectedport", fam: famEC2},
	"UnauthorizedAccess:EC2/MaliciousIPCaller.Custom":                      {page: "ec2", anchor: "unauthorizedaccess-ec2-maliciousipcallercustom", fam: famEC2, withFamilySteps: true},
	"Impact:EC2/PortSweep":                                                 {page: "ec2", anchor: "impact-ec2-portsweep", fam: famEC2, withFamilySteps: true},
	"Trojan:EC2/DNSDataExfiltration":                                       {page: "ec2", anchor: "trojan-ec2-dnsdataexfiltration", fam: famEC2, withFamilySteps: true},
	"UnauthorizedAccess:EC2/TorClient":                                     {page: "ec2", anchor: "unauthorizedaccess-ec2-torclient", fam: famEC2, withFamilySteps: true},
	"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS": {page: "iam", anchor: "unauthorizedaccess-iam-instancecredentialexfiltrationoutsideaws", fam: famCred},
	"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS":  {page: "iam", anchor: "unauthorizedaccess-iam-instancecredentialexfiltrationinsideaws", fam: famCred},
	"Policy:IAMUser/RootCredentialUsage":                                   {page: "iam", anchor: "policy-iam-rootcredentialusage", fam: famCred},
	"Stealth:IAMUser/CloudTrailLoggingDisabled":                            {page: "iam", anchor: "stealth-iam-cloudtrailloggingdisabled", fam: famCred},
	"Discovery:S3/MaliciousIPCaller":                                       {page: "s3", anchor: "discovery-s3-maliciousipcaller", fam: famS3},
	"Policy:S3/BucketBlockPublicAccessDisabled":                            {page: "s3", anchor: "policy-s3-bucketblockpublicaccessdisabled", fam: famS3},
}

// FindingType is what the catalog knows about one GuardDuty finding type,
// in one language.
type FindingType struct {
	Type     string
	Guidance Guidance
	// DocURL is the type's entry in the GuardDuty finding types reference.
	DocURL string
	// RemediationURL and RemediationTitle name the GuardDuty guide for the
	// kind of resource involved (EC2 instance, credentials, S3 bucket).
	RemediationURL   string
	RemediationTitle string
}

// LookupFindingType returns the catalog entry for a GuardDuty finding type.
// role is the finding's service.resourceRole (ACTOR or TARGET): for brute
// force types the instance being the actor changes the meaning entirely.
func LookupFindingType(typ, role string, l lang.Lang) (FindingType, bool) {
	meta, ok := gdTypes[typ]
	if !ok {
		return FindingType{}, false
	}
	t := textFor(l)
	fam := meta.fam
	g, ok := Guidance{}, false
	withFamily := meta.withFamilySteps
	if strings.EqualFold(role, "ACTOR") && meta.actorFam != "" {
		g, ok = t.guardDuty[typ+"#ACTOR"]
		fam, withFamily = meta.actorFam, true
	}
	if !ok {
		g, ok = t.guardDuty[typ]
	}
	if !ok {
		return FindingType{}, false
	}
	if withFamily {
		steps := make([]string, 0, len(g.Steps)+len(t.families[fam].Steps))
		g.Steps = append(append(steps, g.Steps...), t.families[fam].Steps...)
	}
	return FindingType{
		Type:             typ,
		Guidance:         g,
		DocURL:           gdDocs + "guardduty_finding-types-" + meta.page + ".html#" + meta.anchor,
		RemediationURL:   familyURL[fam],
		RemediationTitle: t.famTitles[fam],
	}, true
}

// FindingTypes lists every GuardDuty finding type in the catalog.
func FindingTypes() []string {
	out := make([]string, 0, len(gdTypes))
	for k := range gdTypes {
		out = append(out, k)
	}
	return out
}
