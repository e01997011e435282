// Package webhook sends notifications as HTTP POST requests with a JSON body,
// the way EventBridge API destinations call an HTTP endpoint.
//
// Each request carries X-Vigil-Delivery, an id that stays the same across
// retries of one delivery, so a receiver can drop the duplicates that
// at-least-once delivery can produce (after a crash between sending and
// recording the success, for example).
//
// With a signing key, each request also carries X-Vigil-Timestamp and
// X-Vigil-Signature: "sha256=" and the hex HMAC-SHA256 of the timestamp, a
// dot and the body, which a receiver checks with Verify. TLS certificates
// are verified, and requests to link-local addresses (169.254.0.0/16,
// fe80::/10, where cloud instance metadata services answer) are refused
// unless AllowLinkLocal is set: a webhook URL must not become a way to read
// the host's credentials.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/vigilhq/vigil/internal/secrets"
)

// Message is one notification.
type Message struct {
	// ID identifies the delivery; it is sent as X-Vigil-Delivery.
	ID string
	// Attempt counts from 1; it is sent as X-Vigil-Attempt.
	Attempt int
	// Body is sent as is, with Content-Type application/json.
	Body []byte
}

// Header names of a signed request.
const (
	TimestampHeader = "X-Vigil-Timestamp"
	SignatureHeader = "X-Vigil-Signature"
)

// Notifier posts messages to one URL.
type Notifier struct {
	URL string
	// Headers are added to every request.
	Headers map[string]string
	// SigningKey, when set, refers to the HMAC-SHA256 key that signs each
	// request (env:NAME or secretsmanager:ID); it is read when sending.
	SigningKey secrets.Ref
	// Timeout bounds one request, connection included; 30 s when zero (a
	// shorter context deadline takes precedence).
	Timeout time.Duration
	// TLSConfig is used for https URLs; nil verifies certificates against
	// the system roots. Verification is never turned off by default.
	TLSConfig *tls.Config
	// AllowLinkLocal permits requests to link-local addresses, including
	// instance metadata services (169.254.169.254, fd00:ec2::254).
	AllowLinkLocal bool
	// Client is used for requests when set, instead of a client built from
	// Timeout, TLSConfig and AllowLinkLocal (which it then bypasses).
	Client *http.Client

	once   sync.Once
	client *http.Client
}

// ErrBlockedAddress is returned for a URL that resolves to a link-local or
// instance metadata address while AllowLinkLocal is off.
var ErrBlockedAddress = errors.New("refusing to connect to a link-local or instance metadata address (set allow_link_local to permit it)")

// StatusError is returned for a response that is not 2xx.
type StatusError struct {
	URL    string
	Status int
	// Body is the start of the response body, for the error message.
	Body string
}

// Error says which URL answered what.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("webhook %s answered %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// blocked reports whether ip must not be connected to: link-local
// addresses (where AWS, GCP and Azure serve instance metadata), AWS's IPv6
// metadata address and Alibaba Cloud's metadata address.
func blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip == netip.MustParseAddr("fd00:ec2::254") || ip == netip.MustParseAddr("100.100.100.200")
}

func (n *Notifier) httpClient() *http.Client {
	if n.Client != nil {
		return n.Client
	}
	n.once.Do(func() {
		timeout := n.Timeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		d := &net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second}
		if !n.AllowLinkLocal {
			// Checked on the address actually dialled, after DNS, so a
			// name that resolves (or rebinds) to a metadata address is
			// refused too.
			d.Control = func(_, address string, _ syscall.RawConn) error {
				ap, err := netip.ParseAddrPort(address)
				if err == nil && blocked(ap.Addr()) {
					return ErrBlockedAddress
				}
				return nil
			}
		}
		tr := &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         d.DialContext,
			TLSClientConfig:     n.TLSConfig,
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   true,
		}
		n.client = &http.Client{Timeout: timeout, Transport: tr,
			// A redirect could lead anywhere; a webhook answers where it is.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	})
	return n.client
}

// Sign returns the X-Vigil-Signature value for body sent at ts.
func Sign(key []byte, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(strconv.FormatInt(ts.Unix(), 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a signed request's timestamp and signature headers against
// its body, for receivers. Requests older (or newer) than maxAge are
// refused, so a captured request cannot be replayed later.
func Verify(key []byte, timestamp, signature string, body []byte, maxAge time.Duration) error {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%s: %q is not a Unix time", TimestampHeader, timestamp)
	}
	ts := time.Unix(sec, 0)
	if d := time.Since(ts); d > maxAge || d < -maxAge {
		return fmt.Errorf("%s: %s is more than %s away from now", TimestampHeader, timestamp, maxAge)
	}
	if !hmac.Equal([]byte(Sign(key, ts, body)), []byte(signature)) {
		return fmt.Errorf("%s does not match the body", SignatureHeader)
	}
	return nil
}

// Notify posts m. retry is true when trying again can help: a network
// error, a timeout, 408, 429 or a 5xx; false for other 4xx answers, which
// mean the request itself is wrong, and for a refused address.
func (n *Notifier) Notify(ctx context.Context, m Message) (retry bool, err error) {
	if n.URL == "" {
		return false, errors.New("webhook: no URL")
	}
	u, err := url.Parse(n.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false, fmt.Errorf("webhook: want an http:// or https:// URL, got %q", n.URL)
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && !n.AllowLinkLocal && blocked(ip) {
		return false, fmt.Errorf("webhook %s: %w", n.URL, ErrBlockedAddress)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(m.Body))
	if err != nil {
		return false, fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vigil")
	for k, v := range n.Headers {
		req.Header.Set(k, v)
	}
	if m.ID != "" {
		req.Header.Set("X-Vigil-Delivery", m.ID)
	}
	if m.Attempt > 0 {
		req.Header.Set("X-Vigil-Attempt", strconv.Itoa(m.Attempt))
	}
	if n.SigningKey != "" {
		key, err := n.SigningKey.Resolve(ctx)
		if err != nil {
			return true, fmt.Errorf("webhook signing key: %w", err)
		}
		now := time.Now()
		req.Header.Set(TimestampHeader, strconv.FormatInt(now.Unix(), 10))
		req.Header.Set(SignatureHeader, Sign([]byte(key), now, m.Body))
	}
	resp, err := n.httpClient().Do(req)
	if err != nil {
		if errors.Is(err, ErrBlockedAddress) {
			return false, fmt.Errorf("webhook %s: %w", n.URL, ErrBlockedAddress)
		}
		var certErr *tls.CertificateVerificationError
		if errors.As(err, &certErr) {
			return false, fmt.Errorf("webhook %s: %w", n.URL, err)
		}
		return true, fmt.Errorf("webhook %s: %w", n.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return false, nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	e := &StatusError{URL: n.URL, Status: resp.StatusCode, Body: string(bytes.TrimSpace(b))}
	retry = resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
	return retry, e
}
