package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxRulesPerGroup is EC2's default quota of rules (sources) per security
// group and direction.
const maxRulesPerGroup = 60

// sgRule is one security group rule as EC2 lists it: a protocol and port
// range with a single source (or destination), and its id.
type sgRule struct {
	id     string
	group  *SecurityGroup
	egress bool
	rule   *Rule
	src    ruleSource
}

// ruleSource is one source of a rule: an element name of EC2's rule shape
// (cidrIpv4, cidrIpv6, or group for a referenced group) and its value.
type ruleSource struct{ kind, value string }

// ruleID is a rule's id. It is derived from what the rule is, so the id
// AuthorizeSecurityGroupIngress returns is the one listed later, every
// rule has its own, and a rule revoked and authorized again (a rollback)
// comes back with the same id.
func ruleID(groupID string, egress bool, r *Rule, src ruleSource) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%t|%s|%d|%d|%s|%s", groupID, egress, r.Protocol, portOr(r, r.FromPort), portOr(r, r.ToPort), src.kind, src.value))
	return "sgr-" + hex.EncodeToString(h[:])[:17]
}

// rules lists the group's rules, ingress first, one per source.
func (g *SecurityGroup) rules() []sgRule {
	var out []sgRule
	for _, egress := range []bool{false, true} {
		list := g.Ingress
		if egress {
			list = g.Egress
		}
		for _, r := range list {
			for _, src := range ruleSources(r) {
				out = append(out, sgRule{id: ruleID(g.ID, egress, r, src), group: g, egress: egress, rule: r, src: src})
			}
		}
	}
	return out
}

// ruleSources lists a rule's sources.
func ruleSources(p *Rule) []ruleSource {
	var out []ruleSource
	for _, c := range p.CIDRs {
		out = append(out, ruleSource{"cidrIpv4", c})
	}
	for _, c := range p.IPv6 {
		out = append(out, ruleSource{"cidrIpv6", c})
	}
	for _, g := range p.Groups {
		out = append(out, ruleSource{"group", g})
	}
	return out
}

// single is the rule narrowed to this one source.
func (sr sgRule) single() *Rule {
	r := &Rule{Protocol: sr.rule.Protocol, FromPort: sr.rule.FromPort, ToPort: sr.rule.ToPort}
	switch sr.src.kind {
	case "cidrIpv4":
		r.CIDRs = []string{sr.src.value}
	case "cidrIpv6":
		r.IPv6 = []string{sr.src.value}
	default:
		r.Groups = []string{sr.src.value}
	}
	return r
}

func writeRule(x *xmlw, acct string, sr sgRule) {
	x.open("item")
	x.leaf("securityGroupRuleId", sr.id)
	x.leaf("groupId", sr.group.ID)
	x.leaf("groupOwnerId", acct)
	x.bool("isEgress", sr.egress)
	x.leaf("ipProtocol", sr.rule.Protocol)
	x.int("fromPort", int64(portOr(sr.rule, sr.rule.FromPort)))
	x.int("toPort", int64(portOr(sr.rule, sr.rule.ToPort)))
	if sr.src.kind == "group" {
		x.open("referencedGroupInfo")
		x.leaf("groupId", sr.src.value)
		x.leaf("userId", acct)
		x.close("referencedGroupInfo")
	} else {
		x.leaf(sr.src.kind, sr.src.value)
	}
	x.tags("tagSet", sr.group.RuleTags[sr.id])
	x.close("item")
}

func portOr(p *Rule, v int32) int32 {
	if p.Protocol == "-1" {
		return -1
	}
	return v
}

// securityGroupRules describes rules for DescribeSecurityGroupRules.
var securityGroupRules = &kind[sgRule]{
	idParam:  "SecurityGroupRuleId",
	id:       func(sr sgRule) string { return sr.id },
	tags:     func(sr sgRule) map[string]string { return sr.group.RuleTags[sr.id] },
	notFound: notFoundRule,
	fields: map[string]func(sc scope, sr sgRule) []string{
		"group-id":               func(_ scope, sr sgRule) []string { return one(sr.group.ID) },
		"security-group-rule-id": func(_ scope, sr sgRule) []string { return one(sr.id) },
	},
	minResults: 5,
}

func notFoundRule(id string) error {
	return apiErr(400, "InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist", id)
}

func ec2DescribeSecurityGroupRules(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	var all []sgRule
	for _, g := range r.SecurityGroups {
		all = append(all, g.rules()...)
	}
	match, next, err := describe(rq, securityGroupRules, rq.scope(r), all)
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("securityGroupRuleSet")
		for _, sr := range match {
			writeRule(x, rq.account, sr)
		}
		x.close("securityGroupRuleSet")
		x.opt("nextToken", next)
	})
	return nil
}

// ec2ChangeRules authorizes or revokes ingress or egress permissions,
// given as IpPermissions (or the CLI's shorthand) or, to revoke, as
// SecurityGroupRuleId.N.
func ec2ChangeRules(authorize, egress bool) handler {
	return func(rq *request) error {
		r := rq.ec2Region()
		defer rq.unlock()
		g, err := ruleGroup(r, rq.form, egress)
		if err != nil {
			return err
		}
		var perms []*Rule
		var tags map[string]string
		if ids := rq.form.list("SecurityGroupRuleId"); len(ids) > 0 && !authorize {
			perms, err = rulesByID(g, egress, ids)
		} else {
			perms, err = permissions(rq.form)
			tags = tagSpecs(rq.form, "security-group-rule")
		}
		if err != nil {
			return err
		}
		for _, p := range perms {
			for _, src := range p.Groups {
				if r.group(src) == nil {
					return notFoundGroup(src)
				}
			}
		}
		if err := dryRun(rq); err != nil {
			return err
		}
		list := &g.Ingress
		if egress {
			list = &g.Egress
		}
		next, err := changeRules(*list, perms, authorize)
		if err != nil {
			return err
		}
		if authorize && countSources(next) > maxRulesPerGroup {
			return apiErr(400, "RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.")
		}
		*list = next
		var added []sgRule
		for _, p := range perms {
			for _, src := range ruleSources(p) {
				sr := sgRule{id: ruleID(g.ID, egress, p, src), group: g, egress: egress, rule: p, src: src}
				added = append(added, sr)
				if authorize && len(tags) > 0 {
					if g.RuleTags == nil {
						g.RuleTags = map[string]map[string]string{}
					}
					g.RuleTags[sr.id] = tags
				} else if !authorize {
					delete(g.RuleTags, sr.id)
				}
			}
		}
		if len(g.RuleTags) == 0 {
			g.RuleTags = nil
		}
		rq.writeEC2(func(x *xmlw) {
			x.leaf("return", "true")
			if authorize {
				x.open("securityGroupRuleSet")
				for _, sr := range added {
					writeRule(x, rq.account, sr)
				}
				x.close("securityGroupRuleSet")
			}
		})
		return nil
	}
}

// ruleGroup finds the group a rule change names: by GroupId, or (ingress
// only) by GroupName in the default VPC.
func ruleGroup(r *Region, f form, egress bool) (*SecurityGroup, error) {
	if id := f["GroupId"]; id != "" {
		g := r.group(id)
		if g == nil {
			return nil, notFoundGroup(id)
		}
		return g, nil
	}
	name := f["GroupName"]
	if name == "" || egress {
		return nil, apiErr(400, "MissingParameter", "The request must contain the parameter groupId")
	}
	for _, g := range r.SecurityGroups {
		if g.Name == name && (g.VPCID == "" || r.isDefaultVPC(g.VPCID)) {
			return g, nil
		}
	}
	return nil, apiErr(400, "InvalidGroup.NotFound", "The security group '%s' does not exist in default VPC", name)
}

// rulesByID turns SecurityGroupRuleId.N into the single-source rules they
// name in the group and direction.
func rulesByID(g *SecurityGroup, egress bool, ids []string) ([]*Rule, error) {
	have := map[string]sgRule{}
	for _, sr := range g.rules() {
		if sr.egress == egress {
			have[sr.id] = sr
		}
	}
	var out []*Rule
	for _, id := range ids {
		sr, ok := have[id]
		if !ok {
			return nil, apiErr(400, "InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '%s' does not exist in security group '%s'", id, g.ID)
		}
		out = append(out, sr.single())
	}
	return out, nil
}

func countSources(rules []*Rule) int {
	n := 0
	for _, r := range rules {
		n += len(r.CIDRs) + len(r.IPv6) + len(r.Groups)
	}
	return n
}

// permissions reads IpPermissions.N, or the legacy top-level
// IpProtocol/FromPort/ToPort/CidrIp parameters the CLI's shorthand sends.
func permissions(f form) ([]*Rule, error) {
	var out []*Rule
	perms := f.structs("IpPermissions")
	if len(perms) == 0 && (f["IpProtocol"] != "" || f["CidrIp"] != "") {
		perms = []form{{"IpProtocol": f["IpProtocol"], "FromPort": f["FromPort"], "ToPort": f["ToPort"], "IpRanges.1.CidrIp": f["CidrIp"]}}
		if f["SourceSecurityGroupName"] != "" || f["SourceSecurityGroupOwnerId"] != "" {
			return nil, apiErr(400, "InvalidParameterCombination", "the sandbox does not support SourceSecurityGroupName; use IpPermissions with Groups")
		}
	}
	for i, p := range perms {
		proto := strings.ToLower(p["IpProtocol"])
		switch proto {
		case "6":
			proto = "tcp"
		case "17":
			proto = "udp"
		case "1":
			proto = "icmp"
		case "all":
			proto = "-1"
		}
		if proto == "" {
			return nil, apiErr(400, "MissingParameter", "The request must contain the parameter ipPermissions.%d.ipProtocol", i+1)
		}
		if !slices.Contains([]string{"tcp", "udp", "icmp", "-1"}, proto) {
			return nil, apiErr(400, "InvalidParameterValue", "Invalid value '%s' for IP protocol. Unknown protocol.", p["IpProtocol"])
		}
		r := &Rule{Protocol: proto}
		if proto != "-1" {
			from, err := f2i(p, "FromPort")
			if err != nil {
				return nil, err
			}
			to, err := f2i(p, "ToPort")
			if err != nil {
				return nil, err
			}
			if proto != "icmp" && (from < 0 || to > 65535 || from > to) {
				return nil, apiErr(400, "InvalidParameterValue", "Invalid port range %d-%d.", from, to)
			}
			r.FromPort, r.ToPort = from, to
		}
		for _, rg := range p.structs("IpRanges") {
			if c := rg["CidrIp"]; c != "" {
				if !validCIDR(c) {
					return nil, apiErr(400, "InvalidParameterValue", "CIDR block %s is malformed", c)
				}
				r.CIDRs = append(r.CIDRs, c)
			}
		}
		for _, rg := range p.structs("Ipv6Ranges") {
			if c := rg["CidrIpv6"]; c != "" {
				r.IPv6 = append(r.IPv6, c)
			}
		}
		for _, g := range p.structs("Groups") {
			if id := g["GroupId"]; id != "" {
				r.Groups = append(r.Groups, id)
			}
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, apiErr(400, "MissingParameter", "The request must contain the parameter ipPermissions")
	}
	return out, nil
}
func f2i(f form, name string) (int32, error) {
	s := f[name]
	if s == "" {
		return 0, apiErr(400, "MissingParameter", "The request must contain the parameter %s", strings.ToLower(name[:1])+name[1:])
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, apiErr(400, "InvalidParameterValue", "Invalid value '%s' for %s", s, name)
	}
	return int32(n), nil
}
func validCIDR(c string) bool {
	ip, bits, ok := strings.Cut(c, "/")
	if !ok {
		return false
	}
	n, err := strconv.Atoi(bits)
	if err != nil || n < 0 || n > 32 {
		return false
	}
	parts := strings.Split(ip, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 255 {
			return false
		}
	}
	return true
}
func sameRange(a, b *Rule) bool {
	return a.Protocol == b.Protocol && (a.Protocol == "-1" || a.FromPort == b.FromPort && a.ToPort == b.ToPort)
}

// changeRules adds or removes each source of perms, with AWS's errors for
// a duplicate grant and for revoking what is not there.
func changeRules(rules, perms []*Rule, add bool) ([]*Rule, error) {
	var out []*Rule
	for _, r := range rules {
		c := *r
		c.CIDRs, c.IPv6, c.Groups = slices.Clone(r.CIDRs), slices.Clone(r.IPv6), slices.Clone(r.Groups)
		out = append(out, &c)
	}
	for _, p := range perms {
		var cur *Rule
		for _, r := range out {
			if sameRange(r, p) {
				cur = r
			}
		}
		if add {
			if cur == nil {
				cur = &Rule{Protocol: p.Protocol, FromPort: p.FromPort, ToPort: p.ToPort}
				out = append(out, cur)
			}
			for _, pair := range []struct {
				have *[]string
				add  []string
			}{{&cur.CIDRs, p.CIDRs}, {&cur.IPv6, p.IPv6}, {&cur.Groups, p.Groups}} {
				for _, s := range pair.add {
					if slices.Contains(*pair.have, s) {
						return nil, apiErr(400, "InvalidPermission.Duplicate", "the specified rule \"peer: %s, %s, %s\" already exists", s, strings.ToUpper(p.Protocol), portText(p))
					}
					*pair.have = append(*pair.have, s)
				}
			}
			continue
		}
		for _, pair := range []struct {
			have *[]string
			del  []string
		}{{nilSafe(cur, 0), p.CIDRs}, {nilSafe(cur, 1), p.IPv6}, {nilSafe(cur, 2), p.Groups}} {
			for _, s := range pair.del {
				i := slices.Index(*pair.have, s)
				if i < 0 {
					return nil, apiErr(400, "InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
				}
				*pair.have = slices.Delete(*pair.have, i, i+1)
			}
		}
	}
	kept := out[:0]
	for _, r := range out {
		if len(r.CIDRs)+len(r.IPv6)+len(r.Groups) > 0 {
			kept = append(kept, r)
		}
	}
	return kept, nil
}
func nilSafe(r *Rule, which int) *[]string {
	if r == nil {
		return new([]string)
	}
	return [...]*[]string{&r.CIDRs, &r.IPv6, &r.Groups}[which]
}
func portText(p *Rule) string {
	if p.Protocol == "-1" {
		return "ALL"
	}
	return fmt.Sprintf("%d-%d", p.FromPort, p.ToPort)
}
