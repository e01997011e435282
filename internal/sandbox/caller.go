package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// caller makes AWS API calls to the sandbox over HTTP, SigV4-signed, as a
// given principal from a given address: how an attack scenario acts, so
// that every step is a call the sandbox serves, logs and records in
// CloudTrail like any other.
type caller struct {
	sb                      *Sandbox
	ctx                     context.Context
	akid, secret, token     string
	region, sourceIP, agent string
	client                  *http.Client
}

func (sb *Sandbox) caller(ctx context.Context, akid, secret, region, ip, agent string) *caller {
	return &caller{sb: sb, ctx: ctx, akid: akid, secret: secret, region: region, sourceIP: ip, agent: agent,
		client: &http.Client{Timeout: 30 * time.Second}}
}

// in returns the same caller acting in another region.
func (c *caller) in(region string) *caller {
	d := *c
	d.region = region
	return &d
}

// as returns the caller acting with other credentials.
func (c *caller) as(akid, secret, token string) *caller {
	d := *c
	d.akid, d.secret, d.token = akid, secret, token
	return &d
}

// callError is an API error answer.
type callError struct {
	status int
	body   string
}

func (e *callError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.body) }

// do signs and sends one request and returns the response body; an error
// answer is a *callError.
func (c *caller) do(method, path, query string, header http.Header, body []byte, service string) ([]byte, error) {
	u := c.sb.url + path
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequestWithContext(c.ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.agent)
	req.Header.Set("X-Forwarded-For", c.sourceIP)
	if c.akid != "" {
		c.sign(req, body, service)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return b, &callError{resp.StatusCode, string(b)}
	}
	return b, nil
}

// sign adds a SigV4 Authorization header, computed as verifySignature
// checks it.
func (c *caller) sign(req *http.Request, body []byte, service string) {
	now := time.Now().UTC()
	amzDate, date := now.Format("20060102T150405Z"), now.Format("20060102")
	sum := sha256.Sum256(body)
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	if c.token != "" {
		req.Header.Set("X-Amz-Security-Token", c.token)
	}
	req.Host = req.URL.Host
	signed := []string{"host", "x-amz-content-sha256", "x-amz-date"}
	if c.token != "" {
		signed = append(signed, "x-amz-security-token")
	}
	sig := sigv4{accessKeyID: c.akid, date: date, region: c.region, service: service, signedHeaders: signed}
	sig.signature = computeSignature(req, body, sig, c.secret)
	req.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
		c.akid, date, c.region, service, strings.Join(signed, ";"), sig.signature))
}

// query calls a query-protocol (or EC2) operation.
func (c *caller) query(service, version, action string, params map[string]string) ([]byte, error) {
	v := url.Values{"Action": {action}, "Version": {version}}
	for k, p := range params {
		v.Set(k, p)
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	return c.do(http.MethodPost, "/", "", h, []byte(v.Encode()), service)
}

// json calls a JSON-protocol operation (X-Amz-Target).
func (c *caller) json(service, target, version string, in any) ([]byte, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	h := http.Header{"Content-Type": {"application/x-amz-json-" + version}, "X-Amz-Target": {target}}
	return c.do(http.MethodPost, "/", "", h, b, service)
}

// rest calls a REST operation.
func (c *caller) rest(service, method, path, query string, body []byte) ([]byte, error) {
	h := http.Header{}
	if len(body) > 0 {
		h.Set("Content-Type", "application/json")
		if service == "s3" {
			h.Set("Content-Type", "application/xml")
		}
	}
	return c.do(method, path, query, h, body, service)
}
