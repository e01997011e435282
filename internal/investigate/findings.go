package investigate

import (
	"strings"
	"time"

	"github.com/vigilhq/vigil/event"
)

// Finding is a GuardDuty or Security Hub finding and the entities it
// names.
type Finding struct {
	Entity Entity
	Time   time.Time
	Names  []Entity
}

// Findings returns the findings an event carries (a GuardDuty Finding
// event, or Security Hub Findings events, which may carry several) and
// the entities each names: access keys, principals, instances, buckets,
// remote IP addresses, resources by ARN. Other events carry none.
func Findings(ev *event.Event) []Finding {
	switch ev.Kind() {
	case event.KindGuardDuty:
		f, err := ev.GuardDuty()
		if err != nil || f.Arn == "" && f.ID == "" {
			return nil
		}
		return []Finding{guardDutyFinding(ev, f)}
	case event.KindSecurityHub:
		d, err := ev.SecurityHub()
		if err != nil {
			return nil
		}
		var out []Finding
		for i := range d.Findings {
			if d.Findings[i].ID != "" {
				out = append(out, securityHubFinding(ev, &d.Findings[i]))
			}
		}
		return out
	}
	return nil
}

// findingNames collects entities, once each.
type findingNames struct{ list []Entity }

func (n *findingNames) add(e Entity) {
	if e.Name == "" {
		return
	}
	for _, x := range n.list {
		if x == e {
			return
		}
	}
	n.list = append(n.list, e)
}

func (n *findingNames) ip(s string) {
	if s != "" {
		e, err := ParseEntity(s)
		if err == nil && e.Kind == KindIP {
			n.add(e)
		}
	}
}

func guardDutyFinding(ev *event.Event, f *event.GuardDutyFinding) Finding {
	name := f.Arn
	if name == "" {
		name = f.ID
	}
	out := Finding{Entity: Entity{KindFinding, name}, Time: parseTimeOr(f.UpdatedAt, ev.Time)}
	var n findingNames
	acct, region := f.AccountID, f.Region
	if k := f.Resource.AccessKeyDetails; k != nil {
		if accessKeyRe.MatchString(k.AccessKeyID) {
			n.add(Entity{KindAccessKey, k.AccessKeyID})
		}
		switch k.UserType {
		case "IAMUser":
			n.add(Entity{KindUser, iamARN(acct, "user", k.UserName)})
		case "AssumedRole":
			n.add(Entity{KindRole, iamARN(acct, "role", k.UserName)})
		case "Root":
			n.add(Entity{KindRoot, "arn:aws:iam::" + acct + ":root"})
		}
	}
	if d := f.Resource.InstanceDetails; d != nil && d.InstanceID != "" {
		n.add(instanceEntity(region, acct, d.InstanceID))
	}
	for _, b := range f.Resource.S3BucketDetails {
		if b.Arn != "" {
			n.add(Entity{KindBucket, b.Arn})
		}
	}
	a := f.Service.Action
	if c := a.AwsAPICallAction; c != nil && c.RemoteIPDetails != nil {
		n.ip(c.RemoteIPDetails.IPAddressV4)
	}
	if c := a.NetworkConnectionAction; c != nil {
		n.ip(c.RemoteIPDetails.IPAddressV4)
	}
	if c := a.PortProbeAction; c != nil {
		for _, p := range c.PortProbeDetails {
			n.ip(p.RemoteIPDetails.IPAddressV4)
		}
	}
	out.Names = n.list
	return out
}

func securityHubFinding(ev *event.Event, f *event.Finding) Finding {
	out := Finding{Entity: Entity{KindFinding, f.ID}, Time: parseTimeOr(f.UpdatedAt, ev.Time)}
	var n findingNames
	for _, r := range f.Resources {
		switch {
		case strings.HasPrefix(r.ID, "arn:"):
			n.add(arnEntity(r.ID))
		case accessKeyRe.MatchString(r.ID):
			n.add(Entity{KindAccessKey, r.ID})
		case instanceIDRe.MatchString(r.ID):
			n.add(instanceEntity(r.Region, f.AwsAccountID, r.ID))
		}
	}
	// Findings GuardDuty sends to Security Hub keep its details in
	// ProductFields, under their GuardDuty paths.
	for k, v := range f.ProductFields {
		switch {
		case strings.HasSuffix(k, "remoteIpDetails/ipAddressV4"):
			n.ip(v.String())
		case strings.HasSuffix(k, "accessKeyDetails/accessKeyId") && accessKeyRe.MatchString(v.String()):
			n.add(Entity{KindAccessKey, v.String()})
		}
	}
	out.Names = n.list
	return out
}

func parseTimeOr(s string, def time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	return def
}
