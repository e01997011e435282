package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// sigv4 is a parsed SigV4 Authorization header.
type sigv4 struct {
	accessKeyID, date, region, service string
	signedHeaders                      []string
	signature                          string
}

func parseAuthorization(h string) (sigv4, bool) {
	var s sigv4
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return s, false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			p := strings.Split(v, "/")
			if len(p) != 5 {
				return s, false
			}
			s.accessKeyID, s.date, s.region, s.service = p[0], p[1], p[2], p[3]
		case "SignedHeaders":
			s.signedHeaders = strings.Split(v, ";")
		case "Signature":
			s.signature = v
		}
	}
	return s, s.accessKeyID != "" && s.signature != ""
}

// authenticate works out who the caller is, and checks the signature when
// the scenario defines credentials.
func (rq *request) authenticate() error {
	sig, signed := parseAuthorization(rq.r.Header.Get("Authorization"))
	sb := rq.sb
	sb.mu.Lock()
	defer sb.mu.Unlock()
	w := sb.st
	if rq.region == "" {
		rq.region = w.defaultRegion
		if rq.service == "s3" {
			rq.region = "us-east-1"
		}
	}
	if rq.svc != nil && rq.svc.global {
		rq.region = globalRegion(rq.region)
	}
	root := func(acct string) identity {
		return identity{kind: "Root", arn: globalARN(rq.region, "iam", acct, "root"), userID: acct}
	}
	if !signed {
		if w.enforce {
			return rq.authError("MissingAuthenticationToken", "Request is missing Authentication Token")
		}
		rq.account = w.defaultAccount
		rq.ident = root(rq.account)
		return nil
	}
	secret := ""
	known := false
	if s := w.sessions[sig.accessKeyID]; s != nil {
		known, secret = true, s.secret
		rq.account = s.account
		rq.ident = s.identity(rq.region)
		rq.ident.accessKeyID = sig.accessKeyID
	} else if c, ok := w.creds[sig.accessKeyID]; ok {
		known, secret = true, c.SecretAccessKey
		rq.account = c.Account
		rq.ident = root(c.Account)
		if c.User != "" {
			rq.ident = rq.userIdentity(c.Account, c.User)
		}
	} else if w.enforce {
		return rq.authError("InvalidClientTokenId", "The security token included in the request is invalid.")
	} else {
		rq.account = w.defaultAccount
		rq.ident = root(rq.account)
		// An IAM user's key from the scenario acts as that user.
		for _, a := range w.accounts {
			for _, u := range a.Users {
				for _, k := range u.AccessKeys {
					if k.ID == sig.accessKeyID {
						rq.account = a.ID
						rq.ident = rq.userIdentity(a.ID, u.Name)
					}
				}
			}
		}
	}
	rq.ident.accessKeyID = sig.accessKeyID
	// A deactivated key stops working at once, whatever the mode: that is
	// what deactivating a leaked key is for.
	if k := w.accessKey(sig.accessKeyID); k != nil && k.Status == "Inactive" {
		return rq.authError("InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if w.enforce && known {
		if !verifySignature(rq.r, rq.raw, sig, secret) {
			return rq.authError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
		}
	}
	w.touchKey(sig.accessKeyID, rq.service, rq.region)
	return nil
}

func (rq *request) userIdentity(acct, user string) identity {
	id := identity{kind: "IAMUser", arn: globalARN(rq.region, "iam", acct, "user/"+user), user: user}
	if a := rq.sb.st.account(acct); a != nil {
		for _, u := range a.Users {
			if u.Name == user {
				id.userID = u.ID
				id.arn = globalARN(rq.region, "iam", acct, "user"+u.Path+u.Name)
			}
		}
	}
	return id
}

// identity is who a session's requests act as.
func (s *session) identity(region string) identity {
	return identity{
		kind:    "AssumedRole",
		arn:     "arn:" + partition(region) + ":sts::" + s.account + ":assumed-role/" + s.role + "/" + s.name,
		userID:  s.roleID + ":" + s.name,
		roleARN: globalARN(region, "iam", s.account, "role"+s.rolePath+s.role),
		roleID:  s.roleID,
		since:   s.created,
	}
}

func (rq *request) authError(code, msg string) *apiError {
	switch rq.service {
	case "ec2":
		return apiErr(401, "AuthFailure", "%s", msg)
	case "s3":
		if code == "InvalidClientTokenId" {
			code = "InvalidAccessKeyId"
			msg = "The AWS Access Key Id you provided does not exist in our records."
		}
		if code == "MissingAuthenticationToken" {
			code = "AccessDenied"
		}
	}
	return apiErr(403, code, "%s", msg)
}

// accessKey finds an IAM access key (a user's or an account root's) by id.
func (w *world) accessKey(id string) *AccessKey {
	for _, a := range w.accounts {
		for _, u := range a.Users {
			for _, k := range u.AccessKeys {
				if k.ID == id {
					return k
				}
			}
		}
		for _, k := range a.RootAccessKeys {
			if k.ID == id {
				return k
			}
		}
	}
	return nil
}

// touchKey records the use of an IAM access key (GetAccessKeyLastUsed).
func (w *world) touchKey(id, service, region string) {
	if k := w.accessKey(id); k != nil {
		k.LastUsed, k.LastUsedService, k.LastUsedRegion = time.Now().UTC(), service, region
	}
}

// verifySignature recomputes the SigV4 signature of r with secret.
func verifySignature(r *http.Request, body []byte, sig sigv4, secret string) bool {
	if r.Header.Get("X-Amz-Date") == "" {
		return false
	}
	return hmac.Equal([]byte(computeSignature(r, body, sig, secret)), []byte(sig.signature))
}

// computeSignature is the SigV4 signature of r's signed headers, path,
// query and body with secret.
func computeSignature(r *http.Request, body []byte, sig sigv4, secret string) string {
	amzDate := r.Header.Get("X-Amz-Date")
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		h := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(h[:])
	}
	var cr strings.Builder
	cr.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	if sig.service != "s3" {
		path = escapePath(path)
	}
	cr.WriteString(path + "\n")
	cr.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range sig.signedHeaders {
		var v string
		switch h {
		case "host":
			v = r.Host
		case "content-length":
			v = r.Header.Get("Content-Length")
			if v == "" && r.ContentLength >= 0 {
				v = itoa(r.ContentLength)
			}
		default:
			vals := r.Header.Values(h)
			for i := range vals {
				vals[i] = strings.Join(strings.Fields(vals[i]), " ")
			}
			v = strings.Join(vals, ",")
		}
		cr.WriteString(h + ":" + v + "\n")
	}
	cr.WriteString("\n" + strings.Join(sig.signedHeaders, ";") + "\n" + payloadHash)
	crHash := sha256.Sum256([]byte(cr.String()))
	scope := sig.date + "/" + sig.region + "/" + sig.service + "/aws4_request"
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])
	k := hmacSHA256([]byte("AWS4"+secret), sig.date)
	k = hmacSHA256(k, sig.region)
	k = hmacSHA256(k, sig.service)
	k = hmacSHA256(k, "aws4_request")
	return hex.EncodeToString(hmacSHA256(k, sts))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// escapePath applies SigV4's second URI encoding for non-S3 services.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = awsEscape(s)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, awsEscape(k)+"="+awsEscape(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// awsEscape is SigV4's URI encoding: everything but unreserved characters.
func awsEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
