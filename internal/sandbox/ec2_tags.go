package sandbox

import (
	"maps"
	"strings"
)

// tagged is one EC2 resource that carries tags, seen through get and set
// so tags kept in a map of maps (security group rules) work too.
type tagged struct {
	id, typ string
	get     func() map[string]string
	set     func(map[string]string)
}

// taggedKinds are the EC2 resource types that carry tags: their id prefix
// and resource type (as DescribeTags and TagSpecification name it), and
// how to list them in a region.
var taggedKinds = []struct {
	prefix, typ string
	list        func(r *Region) []tagged
	notFound    func(id string) error
}{
	{"i-", "instance", func(r *Region) []tagged {
		return collect(r.Instances, func(in *Instance) (string, *map[string]string) { return in.ID, &in.Tags })
	}, notFoundInstance},
	{"sg-", "security-group", func(r *Region) []tagged {
		return collect(r.SecurityGroups, func(g *SecurityGroup) (string, *map[string]string) { return g.ID, &g.Tags })
	}, notFoundGroup},
	{"sgr-", "security-group-rule", func(r *Region) []tagged {
		var out []tagged
		for _, g := range r.SecurityGroups {
			for _, sr := range g.rules() {
				g, id := g, sr.id
				out = append(out, tagged{id: id, typ: "security-group-rule",
					get: func() map[string]string { return g.RuleTags[id] },
					set: func(m map[string]string) {
						if m == nil {
							delete(g.RuleTags, id)
							if len(g.RuleTags) == 0 {
								g.RuleTags = nil
							}
							return
						}
						if g.RuleTags == nil {
							g.RuleTags = map[string]map[string]string{}
						}
						g.RuleTags[id] = m
					}})
			}
		}
		return out
	}, notFoundRule},
	{"vol-", "volume", func(r *Region) []tagged {
		return collect(r.Volumes, func(v *Volume) (string, *map[string]string) { return v.ID, &v.Tags })
	}, notFoundVolume},
	{"snap-", "snapshot", func(r *Region) []tagged {
		return collect(r.Snapshots, func(s *Snapshot) (string, *map[string]string) { return s.ID, &s.Tags })
	}, notFoundSnapshot},
	{"vpc-", "vpc", func(r *Region) []tagged {
		return collect(r.VPCs, func(v *VPC) (string, *map[string]string) { return v.ID, &v.Tags })
	}, notFoundVPC},
	{"subnet-", "subnet", func(r *Region) []tagged {
		return collect(r.Subnets, func(s *Subnet) (string, *map[string]string) { return s.ID, &s.Tags })
	}, notFoundSubnet},
}

// collect makes tagged views of resources whose tags are a plain map field.
func collect[T any](items []T, f func(T) (string, *map[string]string)) []tagged {
	out := make([]tagged, 0, len(items))
	for _, it := range items {
		id, p := f(it)
		out = append(out, tagged{id: id, get: func() map[string]string { return *p }, set: func(m map[string]string) { *p = m }})
	}
	return out
}

// allTagged lists every tagged resource of the region, kind by kind.
func allTagged(r *Region) []tagged {
	var out []tagged
	for _, k := range taggedKinds {
		for _, t := range k.list(r) {
			t.typ = k.typ
			out = append(out, t)
		}
	}
	return out
}

// taggable finds the resource with this id.
func taggable(r *Region, id string) (tagged, error) {
	for _, k := range taggedKinds {
		if !strings.HasPrefix(id, k.prefix) {
			continue
		}
		for _, t := range k.list(r) {
			if t.id == id {
				t.typ = k.typ
				return t, nil
			}
		}
		return tagged{}, k.notFound(id)
	}
	return tagged{}, apiErr(400, "InvalidID", "The ID '%s' is not valid (the sandbox tags instances, security groups and their rules, volumes, snapshots, VPCs and subnets)", id)
}

// tagRow is one tag of one resource, as DescribeTags lists it.
type tagRow struct{ id, typ, key, value string }

// tagRows describes tags for DescribeTags.
var tagRows = &kind[tagRow]{
	fields: map[string]func(sc scope, t tagRow) []string{
		"resource-id":   func(_ scope, t tagRow) []string { return one(t.id) },
		"resource-type": func(_ scope, t tagRow) []string { return one(t.typ) },
		"key":           func(_ scope, t tagRow) []string { return one(t.key) },
		"value":         func(_ scope, t tagRow) []string { return one(t.value) },
	},
}

func ec2DescribeTags(rq *request) error {
	r := rq.ec2Region()
	defer rq.unlock()
	var rows []tagRow
	for _, t := range allTagged(r) {
		tags := t.get()
		for _, k := range sortedKeys(tags) {
			rows = append(rows, tagRow{t.id, t.typ, k, tags[k]})
		}
	}
	match, next, err := describe(rq, tagRows, rq.scope(r), rows)
	if err != nil {
		return err
	}
	rq.writeEC2(func(x *xmlw) {
		x.open("tagSet")
		for _, row := range match {
			x.open("item")
			x.leaf("resourceId", row.id)
			x.leaf("resourceType", row.typ)
			x.leaf("key", row.key)
			x.leaf("value", row.value)
			x.close("item")
		}
		x.close("tagSet")
		x.opt("nextToken", next)
	})
	return nil
}

// tagSpecs reads TagSpecification.N for a resource type.
func tagSpecs(f form, resourceType string) map[string]string {
	var tags map[string]string
	for _, s := range f.structs("TagSpecification") {
		if s["ResourceType"] != resourceType {
			continue
		}
		for _, t := range s.structs("Tag") {
			if tags == nil {
				tags = map[string]string{}
			}
			tags[t["Key"]] = t["Value"]
		}
	}
	return tags
}
func ec2CreateTags(rq *request) error {
	ids := rq.form.list("ResourceId")
	tags := rq.form.structs("Tag")
	if len(ids) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	if len(tags) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter tagSet")
	}
	for _, t := range tags {
		if t["Key"] == "" {
			return apiErr(400, "InvalidParameterValue", "Tag keys must not be empty")
		}
		if strings.HasPrefix(strings.ToLower(t["Key"]), "aws:") {
			return apiErr(400, "InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
		}
	}
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	var found []tagged
	for _, id := range ids {
		t, err := taggable(r, id)
		if err != nil {
			return err
		}
		found = append(found, t)
	}
	merged := make([]map[string]string, len(found))
	for i, res := range found {
		m := maps.Clone(res.get())
		if m == nil {
			m = map[string]string{}
		}
		for _, t := range tags {
			m[t["Key"]] = t["Value"]
		}
		if len(m) > 50 {
			return apiErr(400, "TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
		}
		merged[i] = m
	}
	for i, res := range found {
		res.set(merged[i])
	}
	rq.writeOK()
	return nil
}
func ec2DeleteTags(rq *request) error {
	ids := rq.form.list("ResourceId")
	if len(ids) == 0 {
		return apiErr(400, "MissingParameter", "The request must contain the parameter resourceIdSet")
	}
	tags := rq.form.structs("Tag")
	if err := dryRun(rq); err != nil {
		return err
	}
	r := rq.ec2Region()
	defer rq.unlock()
	var found []tagged
	for _, id := range ids {
		t, err := taggable(r, id)
		if err != nil {
			return err
		}
		found = append(found, t)
	}
	for _, res := range found {
		m := res.get()
		if len(tags) == 0 {
			res.set(nil)
			continue
		}
		for _, t := range tags {
			v, ok := m[t["Key"]]
			// A value in the request deletes the tag only when it matches.
			if _, hasValue := t["Value"]; ok && (!hasValue || v == t["Value"]) {
				delete(m, t["Key"])
			}
		}
		if len(m) == 0 {
			m = nil
		}
		res.set(m)
	}
	rq.writeOK()
	return nil
}
