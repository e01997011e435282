package investigate

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// Kind is what an entity is.
type Kind string

// The kinds of entity. Principals first, then what they use and touch.
const (
	KindRoot               Kind = "root"
	KindUser               Kind = "user"
	KindRole               Kind = "role"
	KindSession            Kind = "session"              // an assumed-role session
	KindFederatedUser      Kind = "federated-user"       // GetFederationToken
	KindIdentityCenterUser Kind = "identity-center-user" // IAM Identity Center
	KindService            Kind = "service"              // an AWS service acting itself
	KindAccessKey          Kind = "access-key"
	KindIP                 Kind = "ip" // a source address: an IP, or what CloudTrail writes instead (AWS Internal, a service name)
	KindUserAgent          Kind = "user-agent"
	KindAccount            Kind = "account"
	KindRegion             Kind = "region"
	KindAPI                Kind = "api" // eventSource:eventName
	KindFinding            Kind = "finding"
	KindPolicy             Kind = "policy"
	KindGroup              Kind = "group"
	KindInstance           Kind = "instance"
	KindSnapshot           Kind = "snapshot"
	KindImage              Kind = "image"
	KindBucket             Kind = "bucket"
	KindSecret             Kind = "secret"
	KindResource           Kind = "resource" // any other ARN or id
)

// Entity is one thing investigation knows about, named as CloudTrail names
// it: a full ARN, an access key id, an IP address, a user agent string.
type Entity struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
}

// id is the entity's key in the database: a 64-bit FNV-1a hash of kind and
// name, so that any writer (a load, the live worker, another replica)
// names the same entity the same way without a lookup.
func (e Entity) id() int64 { return hashID(string(e.Kind), e.Name) }

// hashID hashes the parts, separated by a zero byte; 0 (no entity) is
// never returned.
func hashID(parts ...string) int64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i, p := range parts {
		if i > 0 {
			h ^= 0
			h *= prime
		}
		for j := 0; j < len(p); j++ {
			h ^= uint64(p[j])
			h *= prime
		}
	}
	if h == 0 {
		h = 1
	}
	return int64(h)
}

// accessKeyRe matches an access key id: AKIA (long-term) or ASIA
// (temporary), and the other AWS key prefixes.
var accessKeyRe = regexp.MustCompile(`^(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,124}$`)

var accountRe = regexp.MustCompile(`^[0-9]{12}$`)

// ParseEntity reads an entity as a user names it: an ARN (user, role,
// assumed-role session, root, any resource), an access key id, a 12-digit
// account id, or a source address (an IP address, or what CloudTrail
// writes instead, such as "AWS Internal").
func ParseEntity(s string) (Entity, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Entity{}, fmt.Errorf("entity: empty; give an ARN, an access key id or an IP address")
	case strings.HasPrefix(s, "arn:"):
		if strings.Count(s, ":") < 5 {
			return Entity{}, fmt.Errorf("entity %q: an ARN has six parts, arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE", s)
		}
		return arnEntity(s), nil
	case accessKeyRe.MatchString(s):
		return Entity{KindAccessKey, s}, nil
	case accountRe.MatchString(s):
		return Entity{KindAccount, s}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return Entity{KindIP, a.String()}, nil
	}
	return Entity{KindIP, s}, nil
}

// arnEntity names an ARN with the kind its service and resource type say.
func arnEntity(arn string) Entity {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return Entity{KindResource, arn}
	}
	service, res := parts[2], parts[5]
	typ, _, _ := strings.Cut(res, "/")
	switch service {
	case "iam":
		switch {
		case res == "root":
			return Entity{KindRoot, arn}
		case typ == "user":
			return Entity{KindUser, arn}
		case typ == "role":
			return Entity{KindRole, arn}
		case typ == "policy":
			return Entity{KindPolicy, arn}
		case typ == "group":
			return Entity{KindGroup, arn}
		}
	case "sts":
		switch typ {
		case "assumed-role":
			return Entity{KindSession, arn}
		case "federated-user":
			return Entity{KindFederatedUser, arn}
		}
	case "ec2":
		switch typ {
		case "instance":
			return Entity{KindInstance, arn}
		case "snapshot":
			return Entity{KindSnapshot, arn}
		case "image":
			return Entity{KindImage, arn}
		}
	case "s3":
		if !strings.Contains(res, "/") {
			return Entity{KindBucket, arn}
		}
	case "secretsmanager":
		return Entity{KindSecret, arn}
	case "guardduty", "securityhub":
		if strings.Contains(res, "finding") {
			return Entity{KindFinding, arn}
		}
	}
	return Entity{KindResource, arn}
}

// roleOfSession returns the role ARN of an assumed-role session ARN
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), without the role's
// path, which the session ARN does not carry.
func roleOfSession(session string) (role, name string, ok bool) {
	parts := strings.SplitN(session, ":", 6)
	if len(parts) < 6 {
		return "", "", false
	}
	rest, found := strings.CutPrefix(parts[5], "assumed-role/")
	if !found {
		return "", "", false
	}
	r, sess, found := strings.Cut(rest, "/")
	if !found {
		return "", "", false
	}
	return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + r, sess, true
}
