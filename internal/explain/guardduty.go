package explain

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vigilhq/vigil/event"
	"github.com/vigilhq/vigil/internal/knowledge"
)

// guardDutySource explains GuardDuty findings.
var guardDutySource = source{
	facts: func(base Facts, ev *event.Event) ([]Facts, error) {
		d, err := ev.GuardDuty()
		if err != nil {
			return nil, err
		}
		return []Facts{guardDutyFacts(base, d)}, nil
	},
	explain: func(b *builder, fs []Facts) { b.guardDuty(&fs[0]) },
}

// guardDutySeverity maps GuardDuty's number to a level, per the GuardDuty
// documentation: 1.0-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical.
func guardDutySeverity(s float64) Severity {
	switch {
	case s >= 9:
		return SevCritical
	case s >= 7:
		return SevHigh
	case s >= 4:
		return SevMedium
	case s > 0:
		return SevLow
	}
	return SevNone
}

func remoteSummary(r *event.RemoteIPDetails) (ip, where, org string) {
	if r == nil {
		return "", "", ""
	}
	var loc []string
	for _, s := range []string{r.City.CityName, r.Country.CountryName} {
		if s != "" {
			loc = append(loc, s)
		}
	}
	org = firstNonEmpty(r.Organization.Org, r.Organization.Isp, r.Organization.AsnOrg)
	if asn := r.Organization.Asn.String(); asn != "" {
		if org != "" {
			org = "AS" + asn + " " + org
		} else {
			org = "AS" + asn
		}
	}
	return r.IPAddressV4, strings.Join(loc, ", "), org
}

func port(p event.PortDetails) string {
	if p.Port == 0 {
		return ""
	}
	s := strconv.Itoa(p.Port)
	if p.PortName != "" && p.PortName != "Unknown" {
		s += " (" + p.PortName + ")"
	}
	return s
}

func guardDutyFacts(f Facts, gd *event.GuardDutyFinding) Facts {
	f.gd = gd
	f.Title = gd.Title
	f.Description = gd.Description
	f.Severity = guardDutySeverity(gd.Severity)
	f.SeverityGiven = strconv.FormatFloat(gd.Severity, 'f', -1, 64)
	f.Account = firstNonEmpty(gd.AccountID, f.Account)
	f.Region = firstNonEmpty(gd.Region, f.Region)
	f.FindingID = gd.ID
	f.Code = Code{CodeFindingType, gd.Type}
	f.Count = gd.Service.Count
	f.FirstSeen, f.LastSeen = gd.Service.EventFirstSeen, gd.Service.EventLastSeen
	f.setVar("account", f.Account)
	f.setVar("region", f.Region)

	res := gd.Resource
	if in := res.InstanceDetails; in != nil && in.InstanceID != "" {
		name := ""
		for _, t := range in.Tags {
			if t.Key == "Name" {
				name = t.Value
			}
		}
		f.addResource("Instance", in.InstanceID, name)
		f.setVar("instance", in.InstanceID)
		var sgs, nets []string
		for _, ni := range in.NetworkInterfaces {
			for _, sg := range ni.SecurityGroups {
				s := sg.GroupID
				if sg.GroupName != "" {
					s += " (" + sg.GroupName + ")"
				}
				sgs = append(sgs, s)
			}
			nets = append(nets, strings.Join(nonEmpty(ni.NetworkInterfaceID, ni.SubnetID, ni.VpcID), ", "))
			f.detail("public_ip", ni.PublicIP)
			f.detail("private_ip", ni.PrivateIPAddress)
		}
		f.detail("security_groups", strings.Join(sgs, ", "))
		f.detail("network", strings.Join(nets, "; "))
		f.setVar("sg", strings.Join(sgIDs(in), ", "))
		if p := in.IamInstanceProfile; p != nil {
			f.detail("instance_profile", p.Arn)
			f.setVar("profile", p.Arn)
		}
		f.detail("instance_type", in.InstanceType)
		f.detail("instance_state", in.InstanceState)
	}
	if res.ResourceType == "S3Bucket" {
		// The bucket is what an S3 finding is about; the key is who.
		addBuckets(&f, res.S3BucketDetails)
	}
	if k := res.AccessKeyDetails; k != nil {
		f.addResource("AccessKey", k.AccessKeyID, k.UserName)
		f.setVar("key", k.AccessKeyID)
		f.setVar("user", k.UserName)
		f.detail("identity_type", k.UserType)
		f.detail("principal", strings.Join(nonEmpty(k.UserName, k.PrincipalID), " / "))
	}
	addBuckets(&f, res.S3BucketDetails)

	svc := gd.Service
	f.detail("resource_role", svc.ResourceRole)
	f.detail("action_type", svc.Action.ActionType)
	a := svc.Action
	var remote *event.RemoteIPDetails
	if nc := a.NetworkConnectionAction; nc != nil {
		remote = &nc.RemoteIPDetails
		f.detail("direction", nc.ConnectionDirection)
		f.detail("protocol", nc.Protocol)
		f.detail("local_port", port(nc.LocalPortDetails))
		f.detail("remote_port", port(nc.RemotePortDetails))
		f.detail("blocked", strconv.FormatBool(nc.Blocked))
	}
	if api := a.AwsAPICallAction; api != nil {
		remote = api.RemoteIPDetails
		f.detail("api", api.API)
		f.detail("service", api.ServiceName)
		f.detail("caller_type", api.CallerType)
		f.detail("error_code", api.ErrorCode)
		f.detail("user_agent", api.UserAgent)
		f.setVar("api", api.API)
		keys := make([]string, 0, len(api.AffectedResources))
		for k := range api.AffectedResources {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f.addResource(k, api.AffectedResources[k].String(), "")
		}
	}
	if dns := a.DNSRequestAction; dns != nil {
		f.detail("domain", dns.Domain)
		f.detail("protocol", dns.Protocol)
		f.detail("blocked", strconv.FormatBool(dns.Blocked))
		f.setVar("domain", dns.Domain)
	}
	if pp := a.PortProbeAction; pp != nil {
		var ports, ips []string
		for _, d := range pp.PortProbeDetails {
			ports = appendUnique(ports, strconv.Itoa(d.LocalPortDetails.Port))
			ips = appendUnique(ips, d.RemoteIPDetails.IPAddressV4)
		}
		f.detail("probed_ports", strings.Join(ports, ", "))
		f.detail("remote_ip", strings.Join(ips, ", "))
		f.detail("blocked", strconv.FormatBool(pp.Blocked))
		f.setVar("ports", strings.Join(ports, ", "))
		f.setVar("remote_ip", strings.Join(ips, ", "))
	}
	if ip, where, org := remoteSummary(remote); ip != "" {
		f.detail("remote_ip", ip)
		f.detail("remote_location", where)
		f.detail("remote_org", org)
		f.setVar("remote_ip", ip)
	}
	if ev := svc.Evidence; ev != nil {
		var lists []string
		for _, t := range ev.ThreatIntelligenceDetails {
			s := t.ThreatListName
			if len(t.ThreatNames) > 0 {
				s += " (" + strings.Join(t.ThreatNames, ", ") + ")"
			}
			lists = appendUnique(lists, s)
		}
		f.detail("threat_list", strings.Join(lists, ", "))
	}
	guardDutyResources(&f, gd)
	guardDutyDetails(&f, gd)
	f.detail("finding_arn", gd.Arn)
	return f
}

func sgIDs(in *event.InstanceDetails) []string {
	var out []string
	for _, ni := range in.NetworkInterfaces {
		for _, sg := range ni.SecurityGroups {
			out = appendUnique(out, sg.GroupID)
		}
	}
	return out
}

func (b *builder) guardDuty(f *Facts) {
	m := b.m
	gd := f.gd
	b.x.Title = m.titleGuardDuty(f)
	b.para(&b.overview, m.summaryGuardDuty(f))
	b.facts(f)
	b.quote(&b.overview, m.label("description"), f.Description)
	if rd := gd.Service.RuntimeDetails; rd != nil && rd.Context != nil {
		b.quote(&b.overview, m.label("command_line"), rd.Context.CommandLineExample)
	}

	info := knowledge.GuardDutyType(gd.Type, gd.Resource.ResourceType, b.lang)
	ft, ok := knowledge.LookupFindingType(gd.Type, gd.Service.ResourceRole, b.lang)
	if ok {
		b.guidance(ft.Guidance, f)
		b.link(m.linkFindingType(gd.Type), ft.DocURL, FromGuardDuty)
		b.link(ft.RemediationTitle, ft.RemediationURL, FromGuardDuty)
	} else {
		// No prose of our own for the type: what its name and the index
		// say, the remediation guide for its kind of resource, and the
		// facts.
		// A summary of the type is specific knowledge; without one, the
		// threat purpose is all vigil can say, and a note says so.
		b.para(&b.problem, info.Summary)
		b.para(&b.problem, info.PurposeText)
		if info.Indexed && info.DefaultSeverity != "" {
			b.para(&b.problem, m.gdDefaultSeverity(normaliseLabel(info.DefaultSeverity), info.VariableSeverity))
		}
		if info.Summary == "" {
			b.unknown(f.Code.Kind, gd.Type)
		}
		if info.Remediation != "" {
			b.para(&b.response, m.gdFollowGuide(info.RemediationTitle))
			b.guidance(knowledge.Guidance{Steps: info.RemediationSteps}, f)
			if len(info.RemediationSteps) == 0 {
				for _, s := range m.generalSteps(cloudTrailApplies(f)) {
					b.step(s, "")
				}
			}
		} else {
			b.generalGuidance(f)
		}
		b.link(m.linkFindingType(gd.Type), info.DocURL, FromGuardDuty)
		b.link(info.RemediationTitle, info.Remediation, FromGuardDuty)
	}
	if info.Retired {
		b.note(m.gdRetired(gd.Type))
	}
	if gd.Service.DetectorID != "" && gd.ID != "" {
		b.step(m.reviewFindingStep(), "aws guardduty get-findings --detector-id "+shellArg(gd.Service.DetectorID)+
			" --finding-ids "+shellArg(gd.ID)+" --region "+shellArg(f.Region))
	}
	if gd.Service.Archived {
		b.note(m.archivedNote())
	}
}

func addBuckets(f *Facts, bs []event.S3BucketDetail) {
	for _, b := range bs {
		f.addResource("S3Bucket", b.Name, "")
		f.setVar("bucket", b.Name)
	}
}
