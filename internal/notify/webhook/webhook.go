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
// are verified, redirects are not followed, and connections go through
// the process's network guard (package netguard): link-local and cloud
// metadata addresses are refused unless AllowLinkLocal or AllowNetworks
// permit them, so a webhook URL never becomes a way to read the host's
// credentials.
package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/vigilhq/vigil/internal/netguard"
	"github.com/vigilhq/vigil/internal/notify"
	"github.com/vigilhq/vigil/internal/secrets"
	pubwebhook "github.com/vigilhq/vigil/webhook"
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
	TimestampHeader = pubwebhook.TimestampHeader
	SignatureHeader = pubwebhook.SignatureHeader
)

// Notifier posts messages to one URL.
type Notifier struct {
	URL string
	// Headers are added to every request; their values are secret
	// references (env:NAME), read when sending.
	Headers map[string]secrets.Ref
	// SigningKey, when set, refers to the HMAC-SHA256 key that signs each
	// request (env:NAME or secretsmanager:ID); it is read when sending.
	SigningKey secrets.Ref
	// Resolver reads Headers and SigningKey; environment references only
	// when nil.
	Resolver *secrets.Resolver
	// Timeout bounds one request, connection included; 30 s when zero (a
	// shorter context deadline takes precedence).
	Timeout time.Duration
	// TLSConfig is used for https URLs; nil verifies certificates against
	// the system roots. Verification is never turned off by default.
	TLSConfig *tls.Config
	// AllowLinkLocal permits requests to link-local addresses, including
	// instance metadata services (169.254.169.254, fd00:ec2::254).
	AllowLinkLocal bool
	// AllowNetworks lists networks this webhook may reach whatever the
	// network policy refuses.
	AllowNetworks []netip.Prefix
	// Net is the process's network guard; the default policy when nil.
	Net *netguard.Guard

	once   sync.Once
	client *http.Client
}

func (n *Notifier) resolver() *secrets.Resolver {
	if n.Resolver == nil {
		return &secrets.Resolver{} // environment references only
	}
	return n.Resolver
}

// ErrBlockedAddress is matched (errors.Is) by the error for a URL whose
// address the network policy refuses.
var ErrBlockedAddress = netguard.ErrRefused

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

func (n *Notifier) dest() netguard.Dest {
	return netguard.Dest{Allow: n.AllowNetworks, AllowLinkLocal: n.AllowLinkLocal}
}

func (n *Notifier) httpClient() *http.Client {
	n.once.Do(func() {
		timeout := n.Timeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		// A redirect could lead anywhere; a webhook answers where it is.
		n.client = n.Net.Client(n.dest(), netguard.ClientOptions{Timeout: timeout, TLSConfig: n.TLSConfig})
	})
	return n.client
}

// Sign returns the X-Vigil-Signature value for body sent at ts (the public
// package webhook, which receivers import, defines it).
func Sign(key []byte, ts time.Time, body []byte) string { return pubwebhook.Sign(key, ts, body) }

// Verify checks a signed request, as the public package webhook does.
func Verify(key []byte, timestamp, signature string, body []byte, maxAge time.Duration) error {
	return pubwebhook.Verify(key, timestamp, signature, body, maxAge)
}

// Notify posts m. retry is true when trying again can help: a network
// error, a timeout, 408, 429 or a 5xx; false for other 4xx answers, which
// mean the request itself is wrong, and for a refused address.
//
// Every secret value the request carried (headers, the signing key) is
// taken out of the error, whatever the peer echoed back.
func (n *Notifier) Notify(ctx context.Context, m Message) (retry bool, err error) {
	rs := n.resolver()
	retry, err = n.notify(ctx, rs, m)
	return retry, rs.RedactError(err)
}

// maxErrorBody is how much of an error response the error quotes.
const maxErrorBody = 512

func (n *Notifier) notify(ctx context.Context, rs *secrets.Resolver, m Message) (retry bool, err error) {
	if n.URL == "" {
		return false, errors.New("webhook: no URL")
	}
	u, err := url.Parse(n.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false, fmt.Errorf("webhook: want an http:// or https:// URL, got %q", n.URL)
	}
	if err := n.Net.CheckHost(u.Hostname(), n.dest()); err != nil {
		return false, fmt.Errorf("webhook %s: %w", n.URL, err)
	}
	if i := strings.IndexFunc(m.ID, unicode.IsControl); i >= 0 {
		// No request can carry it (an event stored before ingest refused
		// control characters in ids): retrying cannot help.
		return false, fmt.Errorf("webhook: delivery id %q has a control character; it cannot be sent in X-Vigil-Delivery", m.ID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL, bytes.NewReader(m.Body))
	if err != nil {
		return false, fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "vigil")
	for k, ref := range n.Headers {
		v, err := rs.Resolve(ctx, ref)
		if err != nil {
			return false, fmt.Errorf("webhook header %s: %w", k, err)
		}
		if _, cred, ok := strings.Cut(v, " "); ok {
			// "Bearer TOKEN": a peer may quote the token alone.
			rs.Remember(strings.TrimSpace(cred))
		}
		req.Header.Set(k, v)
	}
	if m.ID != "" {
		req.Header.Set("X-Vigil-Delivery", m.ID)
	}
	if m.Attempt > 0 {
		req.Header.Set("X-Vigil-Attempt", strconv.Itoa(m.Attempt))
	}
	if n.SigningKey != "" {
		key, err := rs.Resolve(ctx, n.SigningKey)
		if err != nil {
			return true, fmt.Errorf("webhook signing key: %w", err)
		}
		now := time.Now()
		req.Header.Set(TimestampHeader, strconv.FormatInt(now.Unix(), 10))
		req.Header.Set(SignatureHeader, Sign([]byte(key), now, m.Body))
	}
	resp, err := n.httpClient().Do(req)
	if err != nil {
		var refused *netguard.RefusedError
		if errors.As(err, &refused) {
			return false, fmt.Errorf("webhook %s: %w", n.URL, refused)
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
	// Redacted before it is cut, so a secret the peer echoed is not left
	// half-quoted at the end.
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	body := rs.Redact(string(bytes.TrimSpace(b)))
	if t, cut := notify.Truncate(body, maxErrorBody); cut {
		body = t + "…"
	}
	e := &StatusError{URL: n.URL, Status: resp.StatusCode, Body: body}
	return notify.RetryableStatus(resp.StatusCode), e
}
