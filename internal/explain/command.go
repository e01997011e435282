package explain

import (
	"regexp"
	"slices"
	"strings"
)

// CommandClass says what running an AWS CLI command would do to an
// account.
type CommandClass string

// Command classes, from harmless to dangerous.
const (
	// ReadOnly commands only read (describe-, get-, list-, ...).
	ReadOnly CommandClass = "read-only"
	// Mutating commands change something; a person approves and runs
	// them, vigil never does.
	Mutating CommandClass = "mutating"
	// Destructive commands delete, disable, stop logging, share or expose
	// data, or grant privileges (administrator, public access, new
	// credentials): a language model's answer never carries one.
	Destructive CommandClass = "destructive"
	// NotACommand is anything that is not one plain AWS CLI call.
	NotACommand CommandClass = "not-a-command"
)

// anyCIDR matches a CIDR range of prefix length 0 in command arguments:
// "0.0.0.0/0", "::/0", or any address with "/0", which opens as much.
var anyCIDR = regexp.MustCompile(`[0-9a-f:.]/0([^0-9]|$)`)

// readPrefixes are the operation name prefixes that only read.
var readPrefixes = []string{"describe-", "get-", "list-", "lookup-", "search-", "batch-get-", "head-", "simulate-", "preview-", "check-", "estimate-", "validate-"}

// destructivePrefixes are operation name prefixes that are always
// destructive.
// Removing a rule, a permission or a policy (revoke-, remove-, detach-) is
// how most mistakes are undone, so those are mutating, not destructive.
var destructivePrefixes = []string{"delete-", "terminate-", "disable-", "deregister-", "disassociate-", "purge-", "leave-"}

// destructiveOps are further destructive or privilege-escalating
// operations, by "service operation".
var destructiveOps = map[string]bool{
	"kms schedule-key-deletion":                 true,
	"organizations leave-organization":          true,
	"cloudtrail stop-logging":                   true,
	"configservice stop-configuration-recorder": true,
	"cloudtrail update-trail":                   true,
	"cloudtrail put-event-selectors":            true,
	"iam create-access-key":                     true,
	"iam create-login-profile":                  true,
	"iam update-login-profile":                  true,
	"iam create-user":                           true,
	"iam update-assume-role-policy":             true,
	"iam add-user-to-group":                     true,
	"iam create-policy-version":                 true,
	"iam set-default-policy-version":            true,
	"iam create-service-specific-credential":    true,
	"iam upload-ssh-public-key":                 true,
	"iam create-open-id-connect-provider":       true,
	"iam create-saml-provider":                  true,
	"sts get-federation-token":                  true,
	"ssm send-command":                          true,
	"ssm start-session":                         true,
	"ec2 create-key-pair":                       true,
	"ec2 import-key-pair":                       true,
	"ec2 enable-serial-console-access":          true,
	"guardduty create-filter":                   true,
	"guardduty create-ip-set":                   true,
	"guardduty update-ip-set":                   true,
	"lambda create-function-url-config":         true,
	"lambda update-function-url-config":         true,
	"s3 rm":                                     true,
	"s3 rb":                                     true,
	"s3 mv":                                     true,
}

// ClassifyCommand says what an AWS CLI command line would do. It reads the
// command as a shell would split it; a line that is not one plain AWS CLI
// call (shell operators, substitutions, another program) is NotACommand.
// Beyond the operation's name, it reads the arguments that decide whether
// a change grants too much: policies that name an administrator policy or
// allow "*", principals "*", ingress from anywhere, public ACLs, sharing
// with other accounts or with everyone, Block Public Access turned off.
func ClassifyCommand(line string) CommandClass {
	line = strings.TrimSpace(line)
	if strings.ContainsAny(line, ";|&`$<>\n\r()") && !placeholderOnly(line) {
		return NotACommand
	}
	w := commandWords(line)
	if len(w) < 3 || w[0] != "aws" || strings.HasPrefix(w[1], "-") || strings.HasPrefix(w[2], "-") {
		return NotACommand
	}
	svc, op := w[1], w[2]
	args := strings.ToLower(strings.Join(w[3:], " "))
	switch {
	case destructiveOps[svc+" "+op]:
		return Destructive
	case hasPrefix(op, destructivePrefixes):
		return Destructive
	case strings.Contains(args, `"*"`) && strings.Contains(args, "principal"),
		strings.Contains(args, "--principal *"), strings.Contains(args, "--principal='*'"),
		strings.Contains(args, `"aws":"*"`), strings.Contains(args, `"aws": "*"`):
		return Destructive
	case strings.Contains(op, "policy") && !grantless(op) && (grantsAdmin(args) || opaquePolicy(svc, op, w[3:])):
		return Destructive
	case strings.Contains(op, "ingress") || strings.Contains(op, "network-acl-entry"):
		if anyCIDR.MatchString(args) {
			return Destructive
		}
	case strings.Contains(op, "acl"):
		for _, p := range []string{"public-read", "authenticated-read", "allusers", "authenticatedusers"} {
			if strings.Contains(args, p) {
				return Destructive
			}
		}
	case op == "put-public-access-block" || op == "put-bucket-public-access-block":
		if strings.Contains(args, "=false") || strings.Contains(args, `": false`) || strings.Contains(args, `":false`) {
			return Destructive
		}
	case svc == "ssm" && op == "modify-document-permission":
		// Sharing a document with other accounts or with everyone.
		if strings.Contains(args, "--account-ids-to-add") {
			return Destructive
		}
	case strings.HasPrefix(op, "modify-") && strings.Contains(op, "attribute"):
		// Sharing snapshots, images and DB snapshots adds accounts or "all".
		if strings.Contains(args, "--operation-type add") || strings.Contains(args, "--values-to-add") ||
			strings.Contains(args, "add=") || strings.Contains(args, `"add"`) {
			return Destructive
		}
	}
	if hasPrefix(op, readPrefixes) || svc == "s3" && op == "ls" || svc == "sts" && op == "get-caller-identity" {
		return ReadOnly
	}
	return Mutating
}

// placeholderRE matches the placeholders vigil writes in commands.
var placeholderRE = regexp.MustCompile(`<[A-Z0-9_]+>`)

// placeholderOnly reports a line whose only "<" and ">" are the
// <PLACEHOLDERS> vigil writes, and that has no other shell operator.
func placeholderOnly(line string) bool {
	s := placeholderRE.ReplaceAllString(line, "")
	return !strings.ContainsAny(s, ";|&`$<>\n\r()")
}

func hasPrefix(s string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s, p) })
}

// grantless reports operations that take a policy away rather than grant
// one.
func grantless(op string) bool {
	return hasPrefix(op, []string{"detach-", "remove-", "get-", "list-", "describe-"})
}

// grantsAdmin reports arguments that attach an administrator policy or
// hold a policy allowing every action.
func grantsAdmin(args string) bool {
	for arn := range adminPolicies {
		if strings.Contains(args, strings.ToLower(arn)) {
			return true
		}
	}
	return strings.Contains(args, `"action":"*"`) || strings.Contains(args, `"action": "*"`) ||
		strings.Contains(args, `"action":["*"]`) || strings.Contains(args, `"action": ["*"]`) ||
		strings.Contains(args, `"*:*"`) || strings.Contains(args, `"iam:*"`)
}

// opaquePolicy reports a policy-granting command whose policy vigil cannot
// read (a file, a URL, a placeholder): what it grants is unknown, so it is
// treated as granting everything.
func opaquePolicy(svc, op string, args []string) bool {
	if !strings.HasPrefix(op, "put-") && !strings.HasPrefix(op, "attach-") && !strings.HasPrefix(op, "create-") && !strings.HasPrefix(op, "update-") {
		return false
	}
	for i, a := range args {
		if !strings.HasPrefix(a, "--") || !strings.Contains(a, "policy") && !strings.Contains(a, "document") {
			continue
		}
		v := ""
		if k, val, ok := strings.Cut(a, "="); ok && k != "" {
			v = val
		} else if i+1 < len(args) {
			v = args[i+1]
		}
		if strings.HasPrefix(v, "file://") || strings.HasPrefix(v, "fileb://") || strings.HasPrefix(v, "http") || strings.HasPrefix(v, "<") {
			return true
		}
	}
	return false
}

// commandWords splits a command line as a POSIX shell would split the
// commands vigil prints and checks: words separated by spaces, quoted
// parts taken literally.
func commandWords(s string) []string {
	var words []string
	var cur strings.Builder
	var quote byte
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, quoted = c, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case c == ' ' || c == '\t':
			if cur.Len() > 0 || quoted {
				words = append(words, cur.String())
			}
			cur.Reset()
			quoted = false
		default:
			cur.WriteByte(c)
		}
	}
	if cur.Len() > 0 || quoted {
		words = append(words, cur.String())
	}
	return words
}
