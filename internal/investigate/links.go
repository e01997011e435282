package investigate

import (
	"regexp"
	"strings"
)

// Relation is how two entities are related, read from the first to the
// second: "AKIA… key-of user/alice".
type Relation string

// The relations, each with its name read the other way (inverse).
const (
	RelKeyOf         Relation = "key-of"          // access key → user or session
	RelSessionOf     Relation = "session-of"      // session → role
	RelAssumedBy     Relation = "assumed-by"      // session → who called AssumeRole
	RelCredentialsOf Relation = "credentials-of"  // session → the EC2 instance whose role it is
	RelSessionOfUser Relation = "session-of-user" // session → Identity Center user
	RelCreatedBy     Relation = "created-by"      // user, role, key, instance, snapshot, policy → principal
	RelAttachedTo    Relation = "attached-to"     // policy → user, role or group
	RelAttachedBy    Relation = "attached-by"     // policy → the principal that attached it
	RelTouchedBy     Relation = "touched-by"      // resource → principal that called on it
	RelCalledFrom    Relation = "called-from"     // principal or key → source IP
	RelUsedAgent     Relation = "used-agent"      // principal → user agent
	RelInAccount     Relation = "in-account"      // principal → account
	RelCalledIn      Relation = "called-in"       // principal → region
	RelNames         Relation = "names"           // finding → entity it names
)

var inverses = map[Relation]string{
	RelKeyOf:         "has-key",
	RelSessionOf:     "has-session",
	RelAssumedBy:     "assumed",
	RelCredentialsOf: "has-credentials",
	RelSessionOfUser: "has-session",
	RelCreatedBy:     "created",
	RelAttachedTo:    "has-policy",
	RelAttachedBy:    "attached",
	RelTouchedBy:     "touched",
	RelCalledFrom:    "source-of",
	RelUsedAgent:     "agent-of",
	RelInAccount:     "account-of",
	RelCalledIn:      "region-of",
	RelNames:         "named-in",
}

// Inverse is the relation's name read from its second entity.
func (r Relation) Inverse() string {
	if s, ok := inverses[r]; ok {
		return s
	}
	return "inverse-" + string(r)
}

// Link is one relation between two entities.
type Link struct {
	From Entity
	Rel  Relation
	To   Entity
}

var instanceIDRe = regexp.MustCompile(`^i-[0-9a-f]{8,17}$`)

// resources collects what the call touched: the record's resources and
// the resources its parameters name.
func (c *ctRecord) resources(r *Record) {
	seen := map[string]bool{}
	add := func(e Entity) {
		if e.Name == "" || seen[e.Name] {
			return
		}
		seen[e.Name] = true
		r.Resources = append(r.Resources, e)
	}
	for _, res := range c.Resources {
		if strings.HasPrefix(res.ARN, "arn:") {
			add(arnEntity(res.ARN))
		}
	}
	acct, region := r.Account, r.Region
	if p := c.Request; p != nil {
		if p.BucketName != "" {
			add(Entity{KindBucket, "arn:aws:s3:::" + p.BucketName})
		}
		if p.UserName != "" && strings.HasPrefix(r.Source, "iam.") {
			add(Entity{KindUser, iamARN(acct, "user", p.UserName)})
		}
		if p.RoleArn != "" {
			add(arnEntity(p.RoleArn))
		} else if p.RoleName != "" {
			add(Entity{KindRole, iamARN(acct, "role", p.RoleName)})
		}
		if p.GroupName != "" && strings.HasPrefix(r.Source, "iam.") {
			add(Entity{KindGroup, iamARN(acct, "group", p.GroupName)})
		}
		if p.PolicyArn != "" {
			add(arnEntity(p.PolicyArn))
		}
		if p.SecretID != "" {
			if strings.HasPrefix(p.SecretID, "arn:") {
				add(Entity{KindSecret, p.SecretID})
			} else {
				add(Entity{KindSecret, "arn:aws:secretsmanager:" + region + ":" + acct + ":secret:" + p.SecretID})
			}
		}
		if instanceIDRe.MatchString(p.InstanceID) {
			add(instanceEntity(region, acct, p.InstanceID))
		}
		if p.InstancesSet != nil {
			for _, it := range p.InstancesSet.Items {
				if instanceIDRe.MatchString(it.InstanceID) {
					add(instanceEntity(region, acct, it.InstanceID))
				}
			}
		}
		if strings.HasPrefix(p.SnapshotID, "snap-") {
			add(snapshotEntity(region, p.SnapshotID))
		}
		if strings.HasPrefix(p.ImageID, "ami-") {
			add(Entity{KindImage, "arn:aws:ec2:" + region + "::image/" + p.ImageID})
		}
		if p.FunctionName != "" {
			if strings.HasPrefix(p.FunctionName, "arn:") {
				add(arnEntity(p.FunctionName))
			} else {
				add(Entity{KindResource, "arn:aws:lambda:" + region + ":" + acct + ":function:" + p.FunctionName})
			}
		}
	}
	if c.Response != nil && c.Response.InstancesSet != nil {
		for _, it := range c.Response.InstancesSet.Items {
			if instanceIDRe.MatchString(it.InstanceID) {
				add(instanceEntity(region, acct, it.InstanceID))
			}
		}
	}
}

func iamARN(account, typ, name string) string {
	return "arn:aws:iam::" + account + ":" + typ + "/" + name
}

func instanceEntity(region, account, id string) Entity {
	return Entity{KindInstance, "arn:aws:ec2:" + region + ":" + account + ":instance/" + id}
}

func snapshotEntity(region, id string) Entity {
	return Entity{KindSnapshot, "arn:aws:ec2:" + region + "::snapshot/" + id}
}

// links adds the relations a call establishes: keys and sessions handed
// out, what it created, policies it attached, and the instance whose role
// a session belongs to.
func (c *ctRecord) links(r *Record) {
	p := r.Principal
	add := func(from Entity, rel Relation, to Entity) {
		if from.Name != "" && to.Name != "" {
			r.Links = append(r.Links, Link{from, rel, to})
		}
	}
	if r.AccessKey != "" {
		add(Entity{KindAccessKey, r.AccessKey}, RelKeyOf, p)
	}
	if p.Kind == KindSession {
		if r.Base.Kind == KindRole {
			add(p, RelSessionOf, r.Base)
		}
		if _, sess, ok := roleOfSession(p.Name); ok && instanceIDRe.MatchString(sess) {
			add(p, RelCredentialsOf, instanceEntity(r.Region, r.Account, sess))
		}
	}
	if r.ErrorCode != "" {
		return
	}
	acct, region := r.Account, r.Region
	if q := c.Request; q != nil {
		switch r.Name {
		case "AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy":
			pol := arnEntity(q.PolicyArn)
			add(pol, RelAttachedTo, attachTarget(acct, q))
			add(pol, RelAttachedBy, p)
		case "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy":
			// An inline policy has no ARN: name it under its principal.
			target := attachTarget(acct, q)
			if target.Name != "" && q.PolicyName != "" {
				pol := Entity{KindPolicy, target.Name + "/inline-policy/" + q.PolicyName}
				add(pol, RelAttachedTo, target)
				add(pol, RelAttachedBy, p)
			}
		}
	}
	resp := c.Response
	if resp == nil {
		return
	}
	switch r.Name {
	case "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity":
		if resp.AssumedRoleUser != nil && resp.AssumedRoleUser.Arn != "" {
			sess := Entity{KindSession, resp.AssumedRoleUser.Arn}
			add(sess, RelAssumedBy, p)
			if c.Request != nil && c.Request.RoleArn != "" {
				add(sess, RelSessionOf, arnEntity(c.Request.RoleArn))
			}
			if resp.Credentials != nil && resp.Credentials.AccessKeyID != "" {
				add(Entity{KindAccessKey, resp.Credentials.AccessKeyID}, RelKeyOf, sess)
			}
		}
	case "GetFederationToken":
		if resp.FederatedUser != nil && resp.FederatedUser.Arn != "" {
			fu := Entity{KindFederatedUser, resp.FederatedUser.Arn}
			add(fu, RelCreatedBy, p)
			if resp.Credentials != nil && resp.Credentials.AccessKeyID != "" {
				add(Entity{KindAccessKey, resp.Credentials.AccessKeyID}, RelKeyOf, fu)
			}
		}
	case "GetSessionToken":
		if resp.Credentials != nil && resp.Credentials.AccessKeyID != "" {
			add(Entity{KindAccessKey, resp.Credentials.AccessKeyID}, RelKeyOf, r.Base)
		}
	case "CreateUser":
		if resp.User != "" {
			add(Entity{KindUser, string(resp.User)}, RelCreatedBy, p)
		}
	case "CreateRole":
		if resp.Role != "" {
			add(Entity{KindRole, string(resp.Role)}, RelCreatedBy, p)
		}
	case "CreatePolicy":
		if resp.Policy != "" {
			add(Entity{KindPolicy, string(resp.Policy)}, RelCreatedBy, p)
		}
	case "CreateAccessKey":
		if resp.AccessKey != nil && resp.AccessKey.AccessKeyID != "" {
			key := Entity{KindAccessKey, resp.AccessKey.AccessKeyID}
			add(key, RelCreatedBy, p)
			owner := r.Base
			if resp.AccessKey.UserName != "" {
				owner = Entity{KindUser, iamARN(acct, "user", resp.AccessKey.UserName)}
			}
			add(key, RelKeyOf, owner)
		}
	case "CreateLoginProfile", "UpdateLoginProfile":
		if c.Request != nil && c.Request.UserName != "" {
			add(Entity{KindUser, iamARN(acct, "user", c.Request.UserName)}, RelTouchedBy, p)
		}
	case "RunInstances":
		if resp.InstancesSet != nil {
			for _, it := range resp.InstancesSet.Items {
				if it.InstanceID != "" {
					add(instanceEntity(region, acct, it.InstanceID), RelCreatedBy, p)
				}
			}
		}
	case "CreateSnapshot", "CopySnapshot":
		if strings.HasPrefix(resp.SnapshotID, "snap-") {
			add(snapshotEntity(region, resp.SnapshotID), RelCreatedBy, p)
		}
	case "CreateImage", "CopyImage", "RegisterImage":
		if strings.HasPrefix(resp.ImageID, "ami-") {
			add(Entity{KindImage, "arn:aws:ec2:" + region + "::image/" + resp.ImageID}, RelCreatedBy, p)
		}
	}
}

// attachTarget is the user, role or group a policy call names.
func attachTarget(account string, q *ctRequest) Entity {
	switch {
	case q.UserName != "":
		return Entity{KindUser, iamARN(account, "user", q.UserName)}
	case q.RoleName != "":
		return Entity{KindRole, iamARN(account, "role", q.RoleName)}
	case q.GroupName != "":
		return Entity{KindGroup, iamARN(account, "group", q.GroupName)}
	}
	return Entity{}
}
