package sandbox

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// awsPolicies are the AWS managed policies the sandbox knows, by name
// (arn:aws:iam::aws:policy/NAME), with a simplified document each.
var awsPolicies = map[string]string{
	"AdministratorAccess":          `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
	"PowerUserAccess":              `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}`,
	"ReadOnlyAccess":               `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*"],"Resource":"*"}]}`,
	"SecurityAudit":                `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*"],"Resource":"*"}]}`,
	"IAMFullAccess":                `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`,
	"AmazonS3FullAccess":           `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
	"AmazonS3ReadOnlyAccess":       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`,
	"AmazonEC2FullAccess":          `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`,
	"AmazonEC2ReadOnlyAccess":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`,
	"AmazonSSMManagedInstanceCore": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:UpdateInstanceInformation","ssmmessages:*","ec2messages:*"],"Resource":"*"}]}`,
	"SecretsManagerReadWrite":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}`,
	"AWSCloudTrail_FullAccess":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*"}]}`,
	"AmazonGuardDutyFullAccess":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}]}`,
	"AWSSecurityHubFullAccess":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"securityhub:*","Resource":"*"}]}`,
	"CloudWatchFullAccess":         `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudwatch:*","logs:*"],"Resource":"*"}]}`,
	"AmazonSQSFullAccess":          `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`,
	"AmazonSNSFullAccess":          `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:*","Resource":"*"}]}`,
}

func policyARN(region, acct string, p *Policy) string {
	return globalARN(region, "iam", acct, "policy"+p.path()+p.Name)
}

func (p *Policy) path() string {
	if p.Path == "" {
		return "/"
	}
	return p.Path
}

func (p *Policy) id(acct string) string {
	if p.ID != "" {
		return p.ID
	}
	return stableID("ANPA", acct+"/"+p.Name)
}

func (p *Policy) defaultVersion() *PolicyVersion {
	for _, v := range p.Versions {
		if v.Default {
			return v
		}
	}
	if len(p.Versions) > 0 {
		return p.Versions[0]
	}
	return &PolicyVersion{ID: "v1", Default: true}
}

// managedPolicy finds a policy by ARN: the account's own, or an AWS
// managed one (returned as a Policy of account "aws").
func (rq *request) managedPolicy(a *Account, arn string) (*Policy, bool, error) {
	if name, ok := strings.CutPrefix(arn, "arn:"+partition(rq.region)+":iam::aws:policy/"); ok {
		base := name[strings.LastIndex(name, "/")+1:]
		if doc, known := awsPolicies[base]; known {
			return &Policy{Name: base, ID: stableID("ANPA", "aws/"+base), Versions: []*PolicyVersion{{ID: "v1", Document: doc, Default: true}}}, true, nil
		}
		return nil, false, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	for _, p := range a.Policies {
		if policyARN(rq.region, a.ID, p) == arn {
			return p, false, nil
		}
	}
	return nil, false, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
}

// attachments counts the users and roles a policy is attached to.
func (a *Account) attachments(arn string) int {
	n := 0
	for _, u := range a.Users {
		if slices.Contains(u.AttachedPolicies, arn) {
			n++
		}
	}
	for _, r := range a.Roles {
		if slices.Contains(r.AttachedPolicies, arn) {
			n++
		}
	}
	return n
}

func writePolicy(x *xmlw, region, acct string, a *Account, p *Policy, aws bool) {
	arn := policyARN(region, acct, p)
	if aws {
		arn = "arn:" + partition(region) + ":iam::aws:policy/" + p.Name
	}
	x.leaf("PolicyName", p.Name)
	x.leaf("PolicyId", p.id(acct))
	x.leaf("Arn", arn)
	x.leaf("Path", p.path())
	x.leaf("DefaultVersionId", p.defaultVersion().ID)
	x.int("AttachmentCount", int64(a.attachments(arn)))
	x.int("PermissionsBoundaryUsageCount", 0)
	x.bool("IsAttachable", true)
	x.opt("Description", p.Description)
	iamTime(x, "CreateDate", p.Created)
	iamTime(x, "UpdateDate", p.Updated)
}

func iamCreatePolicy(rq *request) error {
	f := rq.form
	name, doc := f["PolicyName"], f["PolicyDocument"]
	if err := checkName("policyName", name, 128); err != nil {
		return err
	}
	path, err := checkPath(f["Path"])
	if err != nil {
		return err
	}
	if err := checkDocument(doc); err != nil {
		return err
	}
	tags, err := formTags(f)
	if err != nil {
		return err
	}
	a := rq.lockAccount()
	defer rq.unlock()
	for _, p := range a.Policies {
		if p.Name == name {
			return entityExists("A policy called %s already exists. Duplicate names are not allowed.", name)
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	p := &Policy{Name: name, ID: "ANPA" + rq.sb.st.randID(17, upperAlnum), Path: path, Description: f["Description"], Tags: tags,
		Versions: []*PolicyVersion{{ID: "v1", Document: doc, Default: true, Created: now}}, Created: now, Updated: now}
	a.Policies = append(a.Policies, p)
	rq.writeQuery(func(x *xmlw) {
		x.open("Policy")
		writePolicy(x, rq.region, a.ID, a, p, false)
		writeTags(x, p.Tags)
		x.close("Policy")
	})
	return nil
}

func iamGetPolicy(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	p, aws, err := rq.managedPolicy(a, rq.form["PolicyArn"])
	if err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("Policy")
		writePolicy(x, rq.region, a.ID, a, p, aws)
		writeTags(x, p.Tags)
		x.close("Policy")
	})
	return nil
}

func iamListPolicies(rq *request) error {
	scope := orDefault(rq.form["Scope"], "All")
	if scope != "All" && scope != "AWS" && scope != "Local" {
		return iamValidation("scope", "Member must satisfy enum value set: [All, AWS, Local]", scope)
	}
	attached, prefix := rq.form.bool("OnlyAttached"), rq.form["PathPrefix"]
	a := rq.lockAccount()
	defer rq.unlock()
	type entry struct {
		p   *Policy
		aws bool
	}
	var list []entry
	if scope != "Local" {
		for _, name := range sortedKeys(awsPolicies) {
			p, _, _ := rq.managedPolicy(a, "arn:"+partition(rq.region)+":iam::aws:policy/"+name)
			list = append(list, entry{p, true})
		}
	}
	if scope != "AWS" {
		for _, p := range a.Policies {
			list = append(list, entry{p, false})
		}
	}
	list = slices.DeleteFunc(list, func(e entry) bool {
		arn := policyARN(rq.region, a.ID, e.p)
		if e.aws {
			arn = "arn:" + partition(rq.region) + ":iam::aws:policy/" + e.p.Name
		}
		return !strings.HasPrefix(e.p.path(), prefix) || attached && a.attachments(arn) == 0
	})
	start, end, next, err := iamPage(rq.form, len(list))
	if err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("Policies")
		for _, e := range list[start:end] {
			x.open("member")
			writePolicy(x, rq.region, a.ID, a, e.p, e.aws)
			x.close("member")
		}
		x.close("Policies")
		writeTruncation(x, next)
	})
	return nil
}

// ownPolicy finds a customer managed policy of the account by ARN.
func (rq *request) ownPolicy(a *Account) (*Policy, error) {
	p, aws, err := rq.managedPolicy(a, rq.form["PolicyArn"])
	if err != nil {
		return nil, err
	}
	if aws {
		return nil, apiErr(403, "AccessDenied", "AWS managed policies cannot be changed.")
	}
	return p, nil
}

func iamDeletePolicy(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	p, err := rq.ownPolicy(a)
	if err != nil {
		return err
	}
	if a.attachments(rq.form["PolicyArn"]) > 0 {
		return apiErr(409, "DeleteConflict", "Cannot delete a policy attached to entities.")
	}
	if len(p.Versions) > 1 {
		return apiErr(409, "DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	a.Policies = slices.DeleteFunc(a.Policies, func(x *Policy) bool { return x == p })
	rq.writeQuery(nil)
	return nil
}

func writeVersion(x *xmlw, v *PolicyVersion, doc bool) {
	if doc {
		x.leaf("Document", policyText(v.Document))
	}
	x.leaf("VersionId", v.ID)
	x.bool("IsDefaultVersion", v.Default)
	iamTime(x, "CreateDate", v.Created)
}

func iamCreatePolicyVersion(rq *request) error {
	doc := rq.form["PolicyDocument"]
	if err := checkDocument(doc); err != nil {
		return err
	}
	a := rq.lockAccount()
	defer rq.unlock()
	p, err := rq.ownPolicy(a)
	if err != nil {
		return err
	}
	if len(p.Versions) >= 5 {
		return apiErr(409, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	}
	n := 0
	for _, v := range p.Versions {
		if k, err := strconv.Atoi(strings.TrimPrefix(v.ID, "v")); err == nil && k > n {
			n = k
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	v := &PolicyVersion{ID: "v" + strconv.Itoa(n+1), Document: doc, Created: now}
	if rq.form.bool("SetAsDefault") {
		for _, old := range p.Versions {
			old.Default = false
		}
		v.Default = true
	}
	p.Versions = append(p.Versions, v)
	p.Updated = now
	rq.writeQuery(func(x *xmlw) {
		x.open("PolicyVersion")
		writeVersion(x, v, false)
		x.close("PolicyVersion")
	})
	return nil
}

func (rq *request) policyVersion(p *Policy) (*PolicyVersion, error) {
	id := rq.form["VersionId"]
	for _, v := range p.Versions {
		if v.ID == id {
			return v, nil
		}
	}
	return nil, noSuchEntity("Policy %s version %s does not exist or is not attachable.", rq.form["PolicyArn"], id)
}

func iamGetPolicyVersion(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	p, _, err := rq.managedPolicy(a, rq.form["PolicyArn"])
	if err != nil {
		return err
	}
	v, err := rq.policyVersion(p)
	if err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("PolicyVersion")
		writeVersion(x, v, true)
		x.close("PolicyVersion")
	})
	return nil
}

func iamListPolicyVersions(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	p, _, err := rq.managedPolicy(a, rq.form["PolicyArn"])
	if err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("Versions")
		for i := len(p.Versions) - 1; i >= 0; i-- {
			x.open("member")
			writeVersion(x, p.Versions[i], false)
			x.close("member")
		}
		x.close("Versions")
		x.bool("IsTruncated", false)
	})
	return nil
}

func iamDeletePolicyVersion(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	p, err := rq.ownPolicy(a)
	if err != nil {
		return err
	}
	v, err := rq.policyVersion(p)
	if err != nil {
		return err
	}
	if v.Default {
		return apiErr(409, "DeleteConflict", "Cannot delete the default version of a policy.")
	}
	p.Versions = slices.DeleteFunc(p.Versions, func(x *PolicyVersion) bool { return x == v })
	rq.writeQuery(nil)
	return nil
}

func iamSetDefaultPolicyVersion(rq *request) error {
	a := rq.lockAccount()
	defer rq.unlock()
	p, err := rq.ownPolicy(a)
	if err != nil {
		return err
	}
	v, err := rq.policyVersion(p)
	if err != nil {
		return err
	}
	for _, old := range p.Versions {
		old.Default = old == v
	}
	rq.writeQuery(nil)
	return nil
}

// principal finds the user or role a call names and its policy fields.
func (rq *request) principal(a *Account, kind string) (attached *[]string, inline *map[string]string, err error) {
	if kind == "user" {
		u := a.user(rq.form["UserName"])
		if u == nil {
			return nil, nil, noSuchUser(rq.form["UserName"])
		}
		return &u.AttachedPolicies, &u.InlinePolicies, nil
	}
	r := a.role(rq.form["RoleName"])
	if r == nil {
		return nil, nil, noSuchRole(rq.form["RoleName"])
	}
	return &r.AttachedPolicies, &r.InlinePolicies, nil
}

func iamAttach(kind string, attach bool) handler {
	return func(rq *request) error {
		arn := rq.form["PolicyArn"]
		a := rq.lockAccount()
		defer rq.unlock()
		list, _, err := rq.principal(a, kind)
		if err != nil {
			return err
		}
		if attach {
			if _, _, err := rq.managedPolicy(a, arn); err != nil {
				return err
			}
			if !slices.Contains(*list, arn) {
				if len(*list) >= 10 {
					return apiErr(409, "LimitExceeded", "Cannot exceed quota for PoliciesPerUser: 10")
				}
				*list = append(*list, arn)
			}
		} else {
			if !slices.Contains(*list, arn) {
				return noSuchEntity("Policy %s was not found.", arn)
			}
			*list = slices.DeleteFunc(*list, func(x string) bool { return x == arn })
			if len(*list) == 0 {
				*list = nil
			}
		}
		rq.writeQuery(nil)
		return nil
	}
}

func iamListAttached(kind string) handler {
	return func(rq *request) error {
		a := rq.lockAccount()
		defer rq.unlock()
		list, _, err := rq.principal(a, kind)
		if err != nil {
			return err
		}
		prefix := rq.form["PathPrefix"]
		rq.writeQuery(func(x *xmlw) {
			x.open("AttachedPolicies")
			for _, arn := range *list {
				p, _, err := rq.managedPolicy(a, arn)
				if err != nil || !strings.HasPrefix(p.path(), prefix) {
					continue
				}
				x.open("member")
				x.leaf("PolicyName", p.Name)
				x.leaf("PolicyArn", arn)
				x.close("member")
			}
			x.close("AttachedPolicies")
			x.bool("IsTruncated", false)
		})
		return nil
	}
}

func iamListEntitiesForPolicy(rq *request) error {
	arn := rq.form["PolicyArn"]
	a := rq.lockAccount()
	defer rq.unlock()
	if _, _, err := rq.managedPolicy(a, arn); err != nil {
		return err
	}
	rq.writeQuery(func(x *xmlw) {
		x.open("PolicyGroups")
		x.close("PolicyGroups")
		x.open("PolicyUsers")
		for _, u := range a.Users {
			if slices.Contains(u.AttachedPolicies, arn) {
				x.open("member")
				x.leaf("UserName", u.Name)
				x.leaf("UserId", u.ID)
				x.close("member")
			}
		}
		x.close("PolicyUsers")
		x.open("PolicyRoles")
		for _, r := range a.Roles {
			if slices.Contains(r.AttachedPolicies, arn) {
				x.open("member")
				x.leaf("RoleName", r.Name)
				x.leaf("RoleId", r.id(a.ID))
				x.close("member")
			}
		}
		x.close("PolicyRoles")
		x.bool("IsTruncated", false)
	})
	return nil
}

func iamPutInline(kind string) handler {
	return func(rq *request) error {
		name, doc := rq.form["PolicyName"], rq.form["PolicyDocument"]
		if err := checkName("policyName", name, 128); err != nil {
			return err
		}
		if err := checkDocument(doc); err != nil {
			return err
		}
		a := rq.lockAccount()
		defer rq.unlock()
		_, inline, err := rq.principal(a, kind)
		if err != nil {
			return err
		}
		if *inline == nil {
			*inline = map[string]string{}
		}
		(*inline)[name] = doc
		rq.writeQuery(nil)
		return nil
	}
}

func iamGetInline(kind string) handler {
	return func(rq *request) error {
		name := rq.form["PolicyName"]
		a := rq.lockAccount()
		defer rq.unlock()
		_, inline, err := rq.principal(a, kind)
		if err != nil {
			return err
		}
		doc, ok := (*inline)[name]
		if !ok {
			return noSuchEntity("The %s policy with name %s cannot be found.", kind, name)
		}
		rq.writeQuery(func(x *xmlw) {
			if kind == "user" {
				x.leaf("UserName", rq.form["UserName"])
			} else {
				x.leaf("RoleName", rq.form["RoleName"])
			}
			x.leaf("PolicyName", name)
			x.leaf("PolicyDocument", policyText(doc))
		})
		return nil
	}
}

func iamDeleteInline(kind string) handler {
	return func(rq *request) error {
		name := rq.form["PolicyName"]
		a := rq.lockAccount()
		defer rq.unlock()
		_, inline, err := rq.principal(a, kind)
		if err != nil {
			return err
		}
		if _, ok := (*inline)[name]; !ok {
			return noSuchEntity("The %s policy with name %s cannot be found.", kind, name)
		}
		delete(*inline, name)
		if len(*inline) == 0 {
			*inline = nil
		}
		rq.writeQuery(nil)
		return nil
	}
}

func iamListInline(kind string) handler {
	return func(rq *request) error {
		a := rq.lockAccount()
		defer rq.unlock()
		_, inline, err := rq.principal(a, kind)
		if err != nil {
			return err
		}
		rq.writeQuery(func(x *xmlw) {
			x.open("PolicyNames")
			for _, n := range sortedKeys(*inline) {
				x.leaf("member", n)
			}
			x.close("PolicyNames")
			x.bool("IsTruncated", false)
		})
		return nil
	}
}
