package netguard

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ClientOptions shape an HTTP client beyond its destination's policy.
type ClientOptions struct {
	// Timeout bounds a whole request; none when zero (the caller's
	// context bounds it).
	Timeout time.Duration
	// FollowRedirects follows up to 10 redirects, each checked as the
	// first request was; off, a 3xx is the answer.
	FollowRedirects bool
	// TLSConfig is used for https; nil verifies against the system roots.
	TLSConfig *tls.Config
}

// Client returns an HTTP client for destination d: every connection it
// makes, to the first URL and to any redirect, is checked. Through a proxy
// (HTTPS_PROXY), where vigil does not dial the destination itself, the
// destination's host is resolved and checked before the request is sent.
func (g *Guard) Client(d Dest, o ClientOptions) *http.Client {
	dl := g.Dialer(d, 10*time.Second)
	tr := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         dl.DialContext,
		TLSClientConfig:     o.TLSConfig,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	c := &http.Client{Timeout: o.Timeout, Transport: &transport{g: g, d: d, tr: tr}}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !o.FollowRedirects {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return g.CheckHost(req.URL.Hostname(), d)
	}
	return c
}

// transport checks each request's host before the connection is made.
type transport struct {
	g  *Guard
	d  Dest
	tr *http.Transport
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	if err := t.g.CheckHost(host, t.d); err != nil {
		return nil, err
	}
	if proxy, err := t.tr.Proxy(req); err == nil && proxy != nil {
		if _, literal := ParseHost(host); !literal {
			r := t.g.policy().Resolver
			if r == nil {
				r = net.DefaultResolver
			}
			addrs, err := r.LookupNetIP(req.Context(), "ip", host)
			if err != nil {
				return nil, fmt.Errorf("netguard: resolving %s: %w", host, err)
			}
			for _, a := range addrs {
				if err := t.g.check(host, a, t.d); err != nil {
					return nil, err
				}
			}
		}
	}
	return t.tr.RoundTrip(req)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (t *transport) CloseIdleConnections() { t.tr.CloseIdleConnections() }
