package sandbox

import (
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
)

//go:embed scenarios/demo.yaml
var demoYAML []byte

// Demo returns the built-in demo scenario: the accounts, instances,
// security groups, volumes, buckets, users and access keys named in the
// sample events of shared/data (events/ and guardduty/), with the same ids,
// plus the sample Security Hub findings.
func Demo() *Scenario {
	sc, err := ParseScenario(demoYAML)
	if err != nil {
		panic("sandbox: the embedded demo scenario is invalid: " + err.Error())
	}
	return sc
}

// LoadScenario reads a scenario file (YAML or JSON); "demo" names the
// built-in demo scenario, and the name of an attack scenario (see Attacks)
// that attack's scenario.
func LoadScenario(path string) (*Scenario, error) {
	if path == "demo" {
		return Demo(), nil
	}
	if _, ok := attacks[path]; ok {
		return AttackScenario(path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	sc, err := ParseScenario(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}

// ParseScenario decodes and validates a YAML or JSON scenario. Unknown
// fields are errors, so a typo does not silently drop a resource.
func ParseScenario(b []byte) (*Scenario, error) {
	if err := checkAliases(b); err != nil {
		return nil, err
	}
	var sc Scenario
	if err := yaml.UnmarshalWithOptions(b, &sc, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("scenario: %s", yaml.FormatError(err, false, true))
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return &sc, nil
}

var (
	accountID = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe  = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`)
)

// idCheck validates a resource id's prefix and hex suffix.
func idCheck(path, id, prefix string) error {
	if !strings.HasPrefix(id, prefix) || len(id) <= len(prefix) {
		return fmt.Errorf("%s: %q is not a valid id (want %s followed by hex digits)", path, id, prefix)
	}
	for _, c := range id[len(prefix):] {
		if !strings.ContainsRune(hexDigits, c) {
			return fmt.Errorf("%s: %q is not a valid id (want %s followed by hex digits)", path, id, prefix)
		}
	}
	return nil
}

// Validate checks the scenario and names the first problem by its path,
// e.g. accounts[0].regions[1].instances[2].security_groups[0].
func (sc *Scenario) Validate() error {
	if len(sc.Accounts) == 0 {
		return fmt.Errorf("scenario: accounts: at least one account is needed")
	}
	seen := map[string]string{}
	dup := func(path, kind, id string) error {
		key := kind + "\x00" + id
		if first, ok := seen[key]; ok {
			return fmt.Errorf("%s: %s %q is already defined at %s", path, kind, id, first)
		}
		seen[key] = path
		return nil
	}
	for i, a := range sc.Accounts {
		ap := fmt.Sprintf("accounts[%d]", i)
		if a == nil {
			return fmt.Errorf("%s: empty account", ap)
		}
		if !accountID.MatchString(a.ID) {
			return fmt.Errorf("%s.id: %q is not a 12-digit account id", ap, a.ID)
		}
		if err := dup(ap+".id", "account", a.ID); err != nil {
			return err
		}
		for j, u := range a.Users {
			up := fmt.Sprintf("%s.users[%d]", ap, j)
			if u.Name == "" {
				return fmt.Errorf("%s.name: a user needs a name", up)
			}
			if err := dup(up, "user "+a.ID, u.Name); err != nil {
				return err
			}
			for k, key := range u.AccessKeys {
				if err := checkKey(fmt.Sprintf("%s.access_keys[%d]", up, k), key, dup); err != nil {
					return err
				}
			}
		}
		for k, key := range a.RootAccessKeys {
			if err := checkKey(fmt.Sprintf("%s.root_access_keys[%d]", ap, k), key, dup); err != nil {
				return err
			}
		}
		for j, b := range a.Buckets {
			bp := fmt.Sprintf("%s.buckets[%d]", ap, j)
			if !bucketName.MatchString(b.Name) {
				return fmt.Errorf("%s.name: %q is not a valid bucket name", bp, b.Name)
			}
			if err := dup(bp, "bucket", b.Name); err != nil {
				return err
			}
			if b.Region != "" && !regionRe.MatchString(b.Region) {
				return fmt.Errorf("%s.region: %q is not a region name", bp, b.Region)
			}
		}
		for j, r := range a.Regions {
			if err := r.validate(fmt.Sprintf("%s.regions[%d]", ap, j), a.ID, dup); err != nil {
				return err
			}
		}
	}
	if sc.DefaultAccount != "" {
		found := false
		for _, a := range sc.Accounts {
			found = found || a.ID == sc.DefaultAccount
		}
		if !found {
			return fmt.Errorf("default_account: %q is not one of the scenario's accounts", sc.DefaultAccount)
		}
	}
	if sc.DefaultRegion != "" && !regionRe.MatchString(sc.DefaultRegion) {
		return fmt.Errorf("default_region: %q is not a region name", sc.DefaultRegion)
	}
	for i, c := range sc.Credentials {
		cp := fmt.Sprintf("credentials[%d]", i)
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return fmt.Errorf("%s: access_key_id and secret_access_key are both required", cp)
		}
		if c.Account != "" && !accountID.MatchString(c.Account) {
			return fmt.Errorf("%s.account: %q is not a 12-digit account id", cp, c.Account)
		}
	}
	for i, f := range sc.Findings {
		for _, k := range []string{"Id", "ProductArn", "AwsAccountId"} {
			if s, _ := f[k].(string); s == "" {
				return fmt.Errorf("findings[%d].%s: required", i, k)
			}
		}
	}
	if _, ok := attacks[sc.Attack]; sc.Attack != "" && !ok {
		return fmt.Errorf("attack: %q is not an attack scenario (%s)", sc.Attack, strings.Join(sortedKeys(attacks), ", "))
	}
	if sc.GeneratedFindings < 0 || sc.GeneratedFindings > 1_000_000 {
		return fmt.Errorf("generated_findings: %d is outside 0..1000000", sc.GeneratedFindings)
	}
	return nil
}

func checkKey(path string, k *AccessKey, dup func(path, kind, id string) error) error {
	if k == nil || len(k.ID) < 16 || !(strings.HasPrefix(k.ID, "AKIA") || strings.HasPrefix(k.ID, "ASIA")) {
		return fmt.Errorf("%s.id: want an access key id like AKIA...", path)
	}
	if k.Status != "" && k.Status != "Active" && k.Status != "Inactive" {
		return fmt.Errorf("%s.status: %q is not Active or Inactive", path, k.Status)
	}
	return dup(path, "access key", k.ID)
}

func (r *Region) validate(rp, acct string, dup func(path, kind, id string) error) error {
	if !regionRe.MatchString(r.Name) {
		return fmt.Errorf("%s.name: %q is not a region name", rp, r.Name)
	}
	if err := dup(rp, "region "+acct, r.Name); err != nil {
		return err
	}
	vpcs := map[string]bool{}
	for i, v := range r.VPCs {
		p := fmt.Sprintf("%s.vpcs[%d].id", rp, i)
		if err := idCheck(p, v.ID, "vpc-"); err != nil {
			return err
		}
		if err := dup(p, "vpc", v.ID); err != nil {
			return err
		}
		vpcs[v.ID] = true
	}
	groups := map[string]*SecurityGroup{}
	for i, g := range r.SecurityGroups {
		p := fmt.Sprintf("%s.security_groups[%d]", rp, i)
		if err := idCheck(p+".id", g.ID, "sg-"); err != nil {
			return err
		}
		if err := dup(p, "security group", g.ID); err != nil {
			return err
		}
		if g.Name == "" {
			return fmt.Errorf("%s.name: a security group needs a name", p)
		}
		if g.VPCID != "" && !vpcs[g.VPCID] {
			return fmt.Errorf("%s.vpc_id: %q is not a VPC of this region", p, g.VPCID)
		}
		groups[g.ID] = g
	}
	for i, g := range r.SecurityGroups {
		for dir, rules := range map[string][]*Rule{"ingress": g.Ingress, "egress": g.Egress} {
			for j, rule := range rules {
				p := fmt.Sprintf("%s.security_groups[%d].%s[%d]", rp, i, dir, j)
				switch rule.Protocol {
				case "tcp", "udp", "icmp", "-1":
				default:
					return fmt.Errorf("%s.protocol: %q is not tcp, udp, icmp or -1", p, rule.Protocol)
				}
				if rule.Protocol != "-1" && rule.Protocol != "icmp" && (rule.FromPort > rule.ToPort || rule.ToPort > 65535 || rule.FromPort < 0) {
					return fmt.Errorf("%s: port range %d-%d is not valid", p, rule.FromPort, rule.ToPort)
				}
				for k, c := range rule.CIDRs {
					if !validCIDR(c) {
						return fmt.Errorf("%s.cidrs[%d]: %q is not an IPv4 CIDR", p, k, c)
					}
				}
				for k, src := range rule.Groups {
					if groups[src] == nil {
						return fmt.Errorf("%s.groups[%d]: %q is not a security group of this region", p, k, src)
					}
				}
			}
		}
	}
	instances := map[string]*Instance{}
	for i, in := range r.Instances {
		p := fmt.Sprintf("%s.instances[%d]", rp, i)
		if err := idCheck(p+".id", in.ID, "i-"); err != nil {
			return err
		}
		if err := dup(p, "instance", in.ID); err != nil {
			return err
		}
		if in.State != "" {
			if _, ok := instanceStateCodes[in.State]; !ok {
				return fmt.Errorf("%s.state: %q is not an instance state", p, in.State)
			}
		}
		if in.VPCID != "" && !vpcs[in.VPCID] {
			return fmt.Errorf("%s.vpc_id: %q is not a VPC of this region", p, in.VPCID)
		}
		for k, g := range in.SecurityGroups {
			sg := groups[g]
			if sg == nil {
				return fmt.Errorf("%s.security_groups[%d]: %q is not a security group of this region", p, k, g)
			}
			if sg.VPCID != in.VPCID {
				return fmt.Errorf("%s.security_groups[%d]: %q is in VPC %q, the instance in %q", p, k, g, sg.VPCID, in.VPCID)
			}
		}
		if m := in.Metadata; m != nil {
			if m.HttpTokens != "" && m.HttpTokens != "optional" && m.HttpTokens != "required" {
				return fmt.Errorf("%s.metadata_options.http_tokens: %q is not optional or required", p, m.HttpTokens)
			}
		}
		instances[in.ID] = in
	}
	for i, v := range r.Volumes {
		p := fmt.Sprintf("%s.volumes[%d]", rp, i)
		if err := idCheck(p+".id", v.ID, "vol-"); err != nil {
			return err
		}
		if err := dup(p, "volume", v.ID); err != nil {
			return err
		}
		if v.InstanceID != "" && instances[v.InstanceID] == nil {
			return fmt.Errorf("%s.instance_id: %q is not an instance of this region", p, v.InstanceID)
		}
		if v.InstanceID != "" && v.Device == "" {
			return fmt.Errorf("%s.device: an attached volume needs a device name such as /dev/xvda", p)
		}
	}
	for i, s := range r.Subnets {
		p := fmt.Sprintf("%s.subnets[%d]", rp, i)
		if err := idCheck(p+".id", s.ID, "subnet-"); err != nil {
			return err
		}
		if err := dup(p, "subnet", s.ID); err != nil {
			return err
		}
		if !vpcs[s.VPCID] {
			return fmt.Errorf("%s.vpc_id: %q is not a VPC of this region", p, s.VPCID)
		}
		if s.CIDR != "" && !validCIDR(s.CIDR) {
			return fmt.Errorf("%s.cidr: %q is not an IPv4 CIDR", p, s.CIDR)
		}
	}
	if len(r.Detectors) > 1 {
		return fmt.Errorf("%s.guardduty_detectors: a region has at most one GuardDuty detector, got %d", rp, len(r.Detectors))
	}
	for i, d := range r.Detectors {
		p := fmt.Sprintf("%s.guardduty_detectors[%d]", rp, i)
		if len(d.ID) != 32 || strings.Trim(d.ID, hexDigits) != "" {
			return fmt.Errorf("%s.id: %q is not a detector id (32 hex digits)", p, d.ID)
		}
		if d.Status != "" && d.Status != "ENABLED" && d.Status != "DISABLED" {
			return fmt.Errorf("%s.status: %q is not ENABLED or DISABLED", p, d.Status)
		}
	}
	for i, s := range r.Snapshots {
		p := fmt.Sprintf("%s.snapshots[%d]", rp, i)
		if err := idCheck(p+".id", s.ID, "snap-"); err != nil {
			return err
		}
		if err := dup(p, "snapshot", s.ID); err != nil {
			return err
		}
	}
	for i, t := range r.Topics {
		if !topicName.MatchString(t.Name) {
			return fmt.Errorf("%s.topics[%d].name: %q is not a valid topic name", rp, i, t.Name)
		}
	}
	for i, q := range r.Queues {
		p := fmt.Sprintf("%s.queues[%d]", rp, i)
		if !queueName.MatchString(q.Name) {
			return fmt.Errorf("%s.name: %q is not a valid queue name", p, q.Name)
		}
		if q.VisibilityTimeout < 0 || q.VisibilityTimeout > 43200 {
			return fmt.Errorf("%s.visibility_timeout: %d is outside 0..43200", p, q.VisibilityTimeout)
		}
		if q.ReceiveWaitTime < 0 || q.ReceiveWaitTime > 20 {
			return fmt.Errorf("%s.receive_wait_time: %d is outside 0..20", p, q.ReceiveWaitTime)
		}
	}
	for i, s := range r.Secrets {
		if !secretName.MatchString(s.Name) {
			return fmt.Errorf("%s.secrets[%d].name: %q is not a valid secret name", rp, i, s.Name)
		}
	}
	return nil
}
