package explain

import (
	"strconv"
	"strings"

	"github.com/vigilhq/vigil/event"
)

// inspectorSource explains Amazon Inspector findings ("Inspector2
// Finding"): the vulnerability (CVE, CVSS, exploit, EPSS), the package
// with its installed and fixed versions, and the affected resource.
// Fields: the Inspector API's Finding shape (botocore inspector2
// 2020-06-08), as the Amazon Inspector User Guide's EventBridge schema
// carries it.
var inspectorSource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.Inspector()
		if err != nil {
			return nil, err
		}
		return []Facts{inspectorFacts(base, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.inspector(&fs[0]) },
}

func inspectorFacts(f Facts, d *event.InspectorFinding) Facts {
	f.inspector = d
	f.Title = d.Title
	f.Description = d.Description
	f.Account = firstNonEmpty(d.AwsAccountID, f.Account)
	f.FindingID = d.FindingArn
	f.Severity = normaliseLabel(d.Severity)
	f.SeverityGiven = d.Severity
	f.FirstSeen, f.LastSeen = d.FirstObservedAt.String(), d.LastObservedAt.String()
	f.detail("finding_type", d.Type)
	f.detail("finding_status", d.Status)
	for _, r := range d.Resources {
		f.addResource(r.Type, r.ID, "")
		if f.Region == "" {
			f.Region = r.Region
		}
		if r.Type == "AWS_EC2_INSTANCE" {
			f.setVar("instance", r.ID)
		}
	}
	if v := d.PackageVulnerabilityDetails; v != nil {
		f.Code = Code{CodeVulnerability, v.VulnerabilityID}
		var cvss []string
		for _, c := range v.Cvss {
			s := strconv.FormatFloat(c.BaseScore, 'f', -1, 64)
			if c.Version != "" {
				s = "CVSS " + c.Version + " " + s
			}
			if c.Source != "" {
				s += " (" + c.Source + ")"
			}
			cvss = appendUnique(cvss, s)
		}
		f.detail("cvss", strings.Join(cvss, ", "))
		f.detail("vendor_severity", v.VendorSeverity)
		for _, p := range v.VulnerablePackages {
			f.detail("package", strings.Join(nonEmpty(p.Name, p.PackageManager), " / "))
			f.detail("installed_version", packageVersion(p.Epoch, p.Version, p.Release))
			f.detail("fixed_version", p.FixedInVersion)
			f.detail("file_path", p.FilePath)
			f.setVar("package", p.Name)
			f.setVar("fixed_version", p.FixedInVersion)
		}
		f.detail("advisory", v.SourceURL)
	}
	if d.InspectorScore > 0 {
		f.detail("inspector_score", strconv.FormatFloat(d.InspectorScore, 'f', -1, 64))
	}
	if d.Epss != nil && d.Epss.Score > 0 {
		f.detail("epss", strconv.FormatFloat(d.Epss.Score, 'f', -1, 64))
	}
	f.detail("exploit_available", d.ExploitAvailable)
	if e := d.ExploitabilityDetails; e != nil {
		f.detail("last_exploit", e.LastKnownExploitAt.String())
	}
	f.detail("fix_available", d.FixAvailable)
	if n := d.NetworkReachabilityDetails; n != nil {
		ports := strconv.Itoa(n.OpenPortRange.Begin)
		if n.OpenPortRange.End != n.OpenPortRange.Begin {
			ports += "-" + strconv.Itoa(n.OpenPortRange.End)
		}
		f.detail("open_ports", strings.TrimSpace(n.Protocol+" "+ports))
	}
	if c := d.CodeVulnerabilityDetails; c != nil {
		f.detail("detector", c.DetectorName)
		f.detail("file_path", c.FilePath.FilePath)
		f.detail("cwes", strings.Join(c.Cwes, ", "))
	}
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)
	f.setVar("finding_arn", d.FindingArn)
	return f
}

// packageVersion writes a package version as package managers do:
// epoch:version-release.
func packageVersion(epoch int, version, release string) string {
	s := version
	if release != "" {
		s += "-" + release
	}
	if epoch > 0 && s != "" {
		s = strconv.Itoa(epoch) + ":" + s
	}
	return s
}

func (b *builder) inspector(f *Facts) {
	m := b.m
	d := f.inspector
	b.x.Title = m.titleInspector(f)
	b.para(&b.overview, m.summaryInspector(f))
	b.facts(f)
	b.quote(&b.overview, m.label("description"), f.Description)
	b.quote(&b.overview, m.label("remediation_text"), d.Remediation.Recommendation.Text)

	exploit := strings.EqualFold(d.ExploitAvailable, "YES")
	b.para(&b.problem, m.inspectorMeaning(d.Type, exploit))
	switch {
	case strings.EqualFold(d.Status, "CLOSED"):
		b.para(&b.response, m.resolvedResponse())
	case strings.EqualFold(d.FixAvailable, "NO"):
		b.para(&b.response, m.inspectorNoFix())
	default:
		b.para(&b.response, m.inspectorResponse(f.Severity, exploit))
	}
	var kind string
	for _, r := range d.Resources {
		kind = r.Type
		break
	}
	switch kind {
	case "AWS_EC2_INSTANCE":
		if id := f.vars["instance"]; id != "" {
			b.step(m.inspectorPatchEC2Step(), "aws ssm send-command --document-name AWS-RunPatchBaseline --parameters Operation=Install --instance-ids "+
				shellArg(id)+" --region "+shellArg(f.Region))
		}
	case "AWS_ECR_CONTAINER_IMAGE":
		b.step(m.inspectorRebuildImageStep(), "")
	case "AWS_LAMBDA_FUNCTION":
		b.step(m.inspectorLambdaStep(), "")
	}
	if d.FindingArn != "" {
		b.step(m.inspectorRecheckStep(), "aws inspector2 list-findings --filter-criteria "+
			shellArg(`{"findingArn":[{"comparison":"EQUALS","value":"`+jsonEscape(d.FindingArn)+`"}]}`)+" --region "+shellArg(f.Region))
	}
	b.link(m.linkInspector(), "https://docs.aws.amazon.com/inspector/latest/user/eventbridge-integration.html", FromBuiltin)
	if kind == "AWS_EC2_INSTANCE" {
		b.link(m.linkPatchBaseline(), "https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-aws-runpatchbaseline.html", FromBuiltin)
	}
}

// jsonEscape escapes s for a JSON string literal.
func jsonEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
