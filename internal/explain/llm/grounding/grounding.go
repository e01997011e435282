// Package grounding checks what a language model wrote against what it was
// given: every URL must be one the caller allowed (a documentation tool
// result, an embedded catalog), and every AWS identifier (ARN, account id,
// EC2 resource id, access key id, bucket name) must appear in the event.
// What fails is replaced by a visible marker and reported as a Violation.
package grounding

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Kind is a kind of violation.
type Kind string

// Violation kinds.
const (
	KindURL        Kind = "url"        // a URL from neither a tool result nor a catalog
	KindIdentifier Kind = "identifier" // an AWS identifier that is not in the event
	KindCommand    Kind = "command"    // a suggested command that is not a plain AWS CLI call
	// KindDestructive is a step whose command would delete, disable, share
	// or grant access; the whole step is removed and its command is not
	// kept anywhere.
	KindDestructive Kind = "destructive"
	// KindQuoted is a step that repeats text from the event: event text is
	// shown as a quotation, never as something to do.
	KindQuoted Kind = "quoted"
)

// IDKind is a kind of AWS identifier.
type IDKind string

// Identifier kinds.
const (
	IDARN         IDKind = "arn"
	IDAccount     IDKind = "account"
	IDResource    IDKind = "resource" // EC2/VPC resource ids: i-, vol-, sg-, subnet-, vpc-, ...
	IDAccessKey   IDKind = "access-key"
	IDBucket      IDKind = "bucket"
	IDUnspecified IDKind = ""
)

// Violation is one ungrounded item.
type Violation struct {
	Kind   Kind   `json:"kind"`
	IDKind IDKind `json:"id_kind,omitempty"`
	Value  string `json:"value"`
}

// Match is an identifier or URL found in text, at s[Start:End].
type Match struct {
	IDKind     IDKind
	Value      string
	Start, End int
}

var (
	arnRE = regexp.MustCompile(`\barn:aws[a-z\-]*:[a-z0-9\-]*:[a-z0-9\-]*:[0-9]{0,12}:[A-Za-z0-9\-_/:.+=@,*$]+`)
	keyRE = regexp.MustCompile(`\b(?:AKIA|ASIA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|AGPA)[A-Z0-9]{16}\b`)
	// Bucket names are words like any other, so only where the text says
	// they are: s3:// URIs, --bucket arguments, "bucket NAME" / "バケット NAME"
	// where NAME has a digit, a dot or a hyphen.
	bucketRE = regexp.MustCompile("(?:s3://|--bucket[= ]+|(?i:\\bbucket)[\\s:]+[\"'`]?|バケット[\\s:：「『]*)([a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9])")

	keyPrefixes = []string{"AKIA", "ASIA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA", "AGPA"}
	// resourcePrefixes are the EC2/VPC resource id prefixes (before "-").
	resourcePrefixes = map[string]bool{
		"i": true, "vol": true, "sg": true, "sgr": true, "subnet": true, "vpc": true, "vpce": true, "eni": true, "ami": true,
		"snap": true, "igw": true, "eigw": true, "nat": true, "rtb": true, "acl": true, "pcx": true, "tgw": true,
		"eipalloc": true, "lt": true, "dopt": true, "cgw": true, "vgw": true, "fs": true, "fsap": true,
	}
)

// wordChar is a regexp \b word character.
func wordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// resourceIDs finds EC2/VPC resource ids (prefix, "-", 8 or 17 lower-case
// hex digits, as whole words) without a regexp: the scan starts only at
// hyphens, which keeps the check cheap on long answers.
func resourceIDs(s string, emit func(a, b int)) {
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			continue
		}
		a := i
		for a > 0 && s[a-1] >= 'a' && s[a-1] <= 'z' {
			a--
		}
		if a == i || (a > 0 && wordChar(s[a-1])) || !resourcePrefixes[s[a:i]] {
			continue
		}
		b := i + 1
		for b < len(s) && (s[b] >= '0' && s[b] <= '9' || s[b] >= 'a' && s[b] <= 'f') {
			b++
		}
		if n := b - i - 1; (n == 8 || n == 17) && (b == len(s) || !wordChar(s[b])) {
			emit(a, b)
		}
	}
}

// accountIDs finds twelve-digit numbers standing alone as words.
func accountIDs(s string, emit func(a, b int)) {
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		// A run joined to a name by a hyphen (cloudtrail-logs-111122223333)
		// is part of that name, as Grounded reads it.
		if j-i == 12 && (i == 0 || !idChar(s[i-1])) && (j == len(s) || !idChar(s[j])) {
			emit(i, j)
		}
		i = j
	}
}

// urlChar are the characters a URL runs on with: RFC 3986's, less the
// quotes and parentheses that usually close prose around it.
func urlChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~:/?#[]@!$&*+,;=%", c) >= 0
}

// URLs returns the http(s) URLs in s, trailing punctuation trimmed.
func URLs(s string) []Match {
	var out []Match
	for off := 0; ; {
		k := strings.Index(s[off:], "://")
		if k < 0 {
			return out
		}
		i := off + k
		off = i + 3
		var a int
		switch {
		case i >= 5 && strings.EqualFold(s[i-5:i], "https"):
			a = i - 5
		case i >= 4 && strings.EqualFold(s[i-4:i], "http"):
			a = i - 4
		default:
			continue
		}
		if a > 0 && wordChar(s[a-1]) {
			continue
		}
		b := i + 3
		for b < len(s) && urlChar(s[b]) {
			b++
		}
		v := strings.TrimRight(s[a:b], ".,;:!?]")
		if len(v) <= i+3-a {
			continue // no host
		}
		out = append(out, Match{Value: v, Start: a, End: a + len(v)})
		off = a + len(v)
	}
}

// Identifiers returns the AWS identifiers in s outside URLs, in order. An
// account id inside an ARN is part of the ARN, not a match of its own.
func Identifiers(s string) []Match {
	taken := func(ms []Match, a, b int) bool {
		for _, m := range ms {
			if a < m.End && b > m.Start {
				return true
			}
		}
		return false
	}
	var ms []Match
	for _, u := range URLs(s) {
		ms = append(ms, Match{Start: u.Start, End: u.End}) // a mask, removed below
	}
	masks := len(ms)
	add := func(k IDKind, a, b int) {
		v := s[a:b]
		if k == IDARN {
			v = strings.TrimRight(v, ".,:;")
			b = a + len(v)
		}
		if k == IDBucket && !strings.ContainsAny(v, "0123456789.-") {
			return
		}
		if !taken(ms, a, b) {
			ms = append(ms, Match{IDKind: k, Value: v, Start: a, End: b})
		}
	}
	addRE := func(re *regexp.Regexp, k IDKind, group int) {
		for _, loc := range re.FindAllStringSubmatchIndex(s, -1) {
			add(k, loc[2*group], loc[2*group+1])
		}
	}
	// Cheap tests first: most regexps only run when their literal is there.
	if strings.Contains(s, "arn:aws") {
		addRE(arnRE, IDARN, 0)
	}
	for _, p := range keyPrefixes {
		if strings.Contains(s, p) {
			addRE(keyRE, IDAccessKey, 0)
			break
		}
	}
	resourceIDs(s, func(a, b int) { add(IDResource, a, b) })
	accountIDs(s, func(a, b int) { add(IDAccount, a, b) })
	if strings.Contains(s, "s3://") || strings.Contains(s, "--bucket") || strings.Contains(s, "バケット") || strings.Contains(strings.ToLower(s), "bucket") {
		addRE(bucketRE, IDBucket, 1)
	}
	ms = ms[masks:]
	sort.Slice(ms, func(i, j int) bool { return ms[i].Start < ms[j].Start })
	return ms
}

// Checker checks text against one event and a set of allowed URLs.
type Checker struct {
	eventText string
	urls      map[string]bool
	// prose are the event's string values that read as sentences, for
	// QuotesEvent.
	prose []string
}

// quoteWindow is how many characters of event prose a step must repeat
// to count as quoting the event.
const quoteWindow = 24

// New returns a checker for the event whose whole JSON is raw.
func New(raw []byte) *Checker {
	var b strings.Builder
	var prose []string
	b.Write(raw)
	// The decoded string values too, so that an identifier written with
	// JSON escapes in the event still counts.
	var v any
	if json.Unmarshal(raw, &v) == nil {
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				b.WriteByte('\n')
				b.WriteString(v)
				if len(v) >= quoteWindow && strings.Contains(strings.TrimSpace(v), " ") {
					prose = append(prose, strings.Join(strings.Fields(v), " "))
				}
			case map[string]any:
				for k, x := range v {
					b.WriteByte('\n')
					b.WriteString(k)
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(v)
	}
	return &Checker{eventText: b.String(), urls: map[string]bool{}, prose: prose}
}

// QuotesEvent reports whether s repeats a stretch of the event's own prose
// (a description, a title, a reason): at least quoteWindow characters of
// it, spaces normalised.
func (c *Checker) QuotesEvent(s string) bool {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) < quoteWindow {
		return false
	}
	for _, p := range c.prose {
		for i := 0; i+quoteWindow <= len(p); i += quoteWindow / 3 {
			if strings.Contains(s, p[i:i+quoteWindow]) {
				return true
			}
		}
	}
	return false
}

// AllowURL allows the URLs u.
func (c *Checker) AllowURL(u ...string) {
	for _, s := range u {
		if n := NormalizeURL(s); n != "" {
			c.urls[n] = true
		}
	}
}

// AllowURLsIn allows every URL that appears in text, e.g. a tool result.
func (c *Checker) AllowURLsIn(text string) {
	for _, m := range URLs(text) {
		c.AllowURL(m.Value)
	}
}

// URLAllowed reports whether u was allowed. The scheme and host are
// compared without case, and a fragment or a trailing slash does not
// matter.
func (c *Checker) URLAllowed(u string) bool {
	n := NormalizeURL(u)
	return n != "" && c.urls[n]
}

// NormalizeURL returns the form in which URLs are compared: host in lower
// case, no scheme, no fragment, no trailing slash; "" for anything but an
// http(s) URL.
func NormalizeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	n := strings.ToLower(p.Host) + "/" + strings.Trim(p.EscapedPath(), "/")
	if p.RawQuery != "" {
		n += "?" + p.RawQuery
	}
	return n
}

// Grounded reports whether the identifier id appears in the event as a
// whole token (not as part of a longer id).
func (c *Checker) Grounded(id string) bool {
	if id == "" {
		return true
	}
	s := c.eventText
	for off := 0; ; {
		i := strings.Index(s[off:], id)
		if i < 0 {
			return false
		}
		a, b := off+i, off+i+len(id)
		if (a == 0 || !idChar(s[a-1])) && (b == len(s) || !idChar(s[b])) {
			return true
		}
		off = a + 1
	}
}

func idChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// Marker returns the text that replaces a violation.
type Marker func(Violation) string

// Text checks prose: ungrounded identifiers and disallowed URLs are
// replaced by mark(v), and reported.
func (c *Checker) Text(s string, mark Marker) (string, []Violation) {
	type repl struct {
		a, b int
		v    Violation
	}
	var rs []repl
	for _, u := range URLs(s) {
		if !c.URLAllowed(u.Value) {
			rs = append(rs, repl{u.Start, u.End, Violation{Kind: KindURL, Value: u.Value}})
		}
	}
	for _, m := range Identifiers(s) {
		if !c.Grounded(m.Value) {
			rs = append(rs, repl{m.Start, m.End, Violation{Kind: KindIdentifier, IDKind: m.IDKind, Value: m.Value}})
		}
	}
	if len(rs) == 0 {
		return s, nil
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].a < rs[j].a })
	var b strings.Builder
	var vs []Violation
	last := 0
	for _, r := range rs {
		if r.a < last { // inside a URL already replaced
			continue
		}
		b.WriteString(s[last:r.a])
		b.WriteString(mark(r.v))
		last = r.b
		vs = append(vs, r.v)
	}
	b.WriteString(s[last:])
	return b.String(), vs
}

// shellMeta are characters that would make a pasted command do more than
// one AWS CLI call.
const shellMeta = ";|&`$<>\n\r()\\"

// Command checks a suggested command: it must be one AWS CLI call (it
// starts with "aws ", has no shell operators, substitutions or
// redirections), name only identifiers from the event and contain no URL
// that was not allowed. ok is false when the command must be dropped.
func (c *Checker) Command(cmd string) (ok bool, vs []Violation) {
	cmd = strings.TrimSpace(cmd)
	if !strings.HasPrefix(cmd, "aws ") || strings.ContainsAny(cmd, shellMeta) {
		vs = append(vs, Violation{Kind: KindCommand, Value: cmd})
	}
	_, tv := c.Text(cmd, func(Violation) string { return "" })
	vs = append(vs, tv...)
	return len(vs) == 0, vs
}
