package server

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SigV4 verification of requests signed by AWS SDKs and the AWS CLI with
// an access key vigil is configured with (server.access_keys), so that
// `aws events put-events --endpoint-url` and EventBridge clients reach
// vigil unchanged. The verifier rebuilds the canonical request from the
// request as received (AWS Signature Version 4, "Create a canonical
// request"), derives the signing key from the configured secret and
// compares signatures in constant time. Only what EventBridge accepts is
// accepted: the AWS4-HMAC-SHA256 Authorization header (no presigned URLs),
// service "events", a signed payload.

const (
	sigv4Algorithm = "AWS4-HMAC-SHA256"
	sigv4Service   = "events"
	// sigv4MaxSkew is how far X-Amz-Date may be from the server's clock,
	// as AWS allows.
	sigv4MaxSkew = 5 * time.Minute
	// sigv4MaxBody bounds the body read to hash it; the handler behind
	// applies its own, smaller limits.
	sigv4MaxBody  = 1 << 20
	amzDateFormat = "20060102T150405Z"
)

// awsError is an error in the shape of AWS's JSON protocols: __type and
// message, with an HTTP status.
type awsError struct {
	Status  int
	Type    string
	Message string
}

func (e *awsError) Error() string { return e.Type + ": " + e.Message }

// isSigV4 reports whether r carries a SigV4 Authorization header.
func isSigV4(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), sigv4Algorithm+" ")
}

// sigv4Auth is a parsed Authorization header.
type sigv4Auth struct {
	keyID, date, region, service string
	signedHeaders                []string
	signature                    []byte
}

func parseSigV4(h string) (*sigv4Auth, *awsError) {
	incomplete := func(format string, args ...any) *awsError {
		return &awsError{Status: http.StatusBadRequest, Type: "IncompleteSignatureException", Message: fmt.Sprintf(format, args...)}
	}
	rest := strings.TrimSpace(strings.TrimPrefix(h, sigv4Algorithm))
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters, each written Name=value; got %q", part)
		}
		fields[k] = v
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			return nil, incomplete("Authorization header requires '%s' parameter. Authorization=%s", k, truncateHeader(h))
		}
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return nil, incomplete("Credential must have the form ACCESS_KEY_ID/DATE/REGION/SERVICE/aws4_request, got %q", fields["Credential"])
	}
	sig, err := hex.DecodeString(fields["Signature"])
	if err != nil || len(sig) != sha256.Size {
		return nil, incomplete("Signature must be 64 hexadecimal digits")
	}
	a := &sigv4Auth{keyID: scope[0], date: scope[1], region: scope[2], service: scope[3], signature: sig}
	a.signedHeaders = strings.Split(fields["SignedHeaders"], ";")
	return a, nil
}

// truncateHeader keeps an Authorization value short in messages and
// drops its signature.
func truncateHeader(h string) string {
	if i := strings.Index(h, "Signature="); i >= 0 {
		h = h[:i] + "Signature=…"
	}
	if len(h) > 200 {
		h = h[:200] + "…"
	}
	return h
}

// verifySigV4 checks r's signature against keys (access key id to secret
// access key) at now. It reads the body to hash it and puts it back for
// the handler.
func verifySigV4(r *http.Request, keys map[string]string, now time.Time) *awsError {
	a, aerr := parseSigV4(r.Header.Get("Authorization"))
	if aerr != nil {
		return aerr
	}
	secret, ok := keys[a.keyID]
	if !ok {
		// AWS's wording; vigil adds where its keys come from.
		return &awsError{Status: http.StatusBadRequest, Type: "UnrecognizedClientException",
			Message: fmt.Sprintf("The security token included in the request is invalid. (access key %s is not in server.access_keys)", a.keyID)}
	}
	if a.service != sigv4Service {
		return &awsError{Status: http.StatusBadRequest, Type: "InvalidSignatureException",
			Message: fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", sigv4Service)}
	}
	if !containsFold(a.signedHeaders, "host") {
		return &awsError{Status: http.StatusBadRequest, Type: "InvalidSignatureException", Message: "'Host' must be a 'SignedHeader' in the AWS Authorization."}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return &awsError{Status: http.StatusBadRequest, Type: "IncompleteSignatureException",
			Message: fmt.Sprintf("X-Amz-Date must be a timestamp such as 20240101T000000Z, got %q", amzDate)}
	}
	if a.date != amzDate[:8] {
		return &awsError{Status: http.StatusBadRequest, Type: "InvalidSignatureException",
			Message: fmt.Sprintf("Credential should be scoped to a valid date: '%s', not '%s'.", amzDate[:8], a.date)}
	}
	nowS := now.UTC().Format(amzDateFormat)
	switch d := now.Sub(t); {
	case d > sigv4MaxSkew:
		return &awsError{Status: http.StatusBadRequest, Type: "InvalidSignatureException",
			Message: fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)", amzDate, now.Add(-sigv4MaxSkew).UTC().Format(amzDateFormat), nowS)}
	case d < -sigv4MaxSkew:
		return &awsError{Status: http.StatusBadRequest, Type: "InvalidSignatureException",
			Message: fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 5 min.)", amzDate, now.Add(sigv4MaxSkew).UTC().Format(amzDateFormat), nowS)}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, sigv4MaxBody+1))
	if err != nil {
		return &awsError{Status: http.StatusBadRequest, Type: "SerializationException", Message: "reading the request body: " + err.Error()}
	}
	if len(body) > sigv4MaxBody {
		return &awsError{Status: http.StatusRequestEntityTooLarge, Type: "ValidationException", Message: fmt.Sprintf("request body is larger than %d bytes", sigv4MaxBody)}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" && h != payloadHash {
		return &awsError{Status: http.StatusBadRequest, Type: "InvalidSignatureException",
			Message: "The provided 'x-amz-content-sha256' header does not match what was computed (unsigned payloads are not accepted)."}
	}
	canonical := canonicalRequest(r, a.signedHeaders, payloadHash)
	crHash := sha256.Sum256([]byte(canonical))
	scope := strings.Join([]string{a.date, a.region, a.service, "aws4_request"}, "/")
	stringToSign := sigv4Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])
	key := signingKey(secret, a.date, a.region, a.service)
	want := hmacSHA256(key, []byte(stringToSign))
	if !hmac.Equal(want, a.signature) {
		return &awsError{Status: http.StatusBadRequest, Type: "InvalidSignatureException",
			Message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// canonicalRequest is SigV4's canonical request of r for the headers the
// client signed.
func canonicalRequest(r *http.Request, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	// Services other than S3 encode the (already encoded) path once more.
	b.WriteString(uriEncode(path, false))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery))
	b.WriteByte('\n')
	for _, name := range signed {
		name = strings.ToLower(name)
		var values []string
		switch name {
		case "host":
			values = []string{r.Host}
		case "content-length":
			values = r.Header.Values("Content-Length")
			if len(values) == 0 && r.ContentLength >= 0 {
				values = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		default:
			values = r.Header.Values(name)
		}
		for i, v := range values {
			values[i] = strings.Join(strings.Fields(v), " ")
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.Join(values, ","))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.ToLower(strings.Join(signed, ";")))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// canonicalQuery sorts the query's parameters by name, then value, each
// URI-encoded.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	vals, _ := url.ParseQuery(raw)
	var pairs []string
	for k, vs := range vals {
		for _, v := range vs {
			pairs = append(pairs, uriEncode(k, true)+"="+uriEncode(v, true))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// uriEncode percent-encodes every byte but the unreserved characters (and
// '/' unless encodeSlash), upper-case hex, as SigV4 requires.
func uriEncode(s string, encodeSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}
