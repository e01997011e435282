// Package netguard is the one way vigil connects to hosts named in its
// configuration: webhooks, forward targets, Slack, SMTP servers, the LLM
// API and the documentation MCP server. A URL in a configuration file (or
// a redirect, or an upload URL an API hands back) must not become a way to
// read the host's cloud credentials, so every connection is checked on the
// address actually dialled, after DNS, and every host written as an IP
// address in any of the forms C libraries accept (2852039166, 0251.0376.0251.0376,
// 0xa9fea9fe, 169.254.43518) is checked before anything is resolved.
//
// By default loopback and private ranges are allowed (vigil often runs
// beside its targets, the sandbox and local model servers); link-local
// addresses and the cloud metadata services' addresses (169.254.0.0/16,
// fe80::/10, fd00:ec2::254, 100.100.100.200, ...) are refused unless a
// destination allows them; unspecified, multicast and broadcast addresses
// are always refused. Policy.DenyPrivate refuses loopback and private
// ranges too. AWS's own endpoints (SNS, SQS, Bedrock) are reached through
// the AWS SDK's client and are not vigil's to guard.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Policy is the process's network policy (the configuration's network:
// section).
type Policy struct {
	// DenyPrivate refuses loopback and private ranges (10/8, 172.16/12,
	// 192.168/16, 100.64/10, fc00::/7, 127/8, ::1) as well.
	DenyPrivate bool
	// Allow lists networks every destination may reach, whatever else
	// this policy refuses.
	Allow []netip.Prefix
	// Resolver looks names up; the system's when nil (tests use their
	// own DNS server).
	Resolver *net.Resolver
}

// Dest is what one destination adds to the policy.
type Dest struct {
	// Allow lists networks this destination may reach whatever the
	// policy refuses (its allow_networks setting).
	Allow []netip.Prefix
	// AllowLinkLocal permits link-local and metadata addresses (its
	// allow_link_local setting).
	AllowLinkLocal bool
}

// Guard checks and makes outbound connections under a Policy. A nil
// *Guard applies the zero Policy (the defaults).
type Guard struct {
	p Policy
}

// New returns a guard for p.
func New(p Policy) *Guard { return &Guard{p: p} }

func (g *Guard) policy() Policy {
	if g == nil {
		return Policy{}
	}
	return g.p
}

// RefusedError is a connection the policy does not allow; retrying cannot
// help.
type RefusedError struct {
	// Host is the host as given (a name or an address).
	Host string
	// Addr is the address refused.
	Addr netip.Addr
	// Class says what kind of address it is (link-local, metadata, ...).
	Class string
}

// Error names the address and says how to allow it.
func (e *RefusedError) Error() string {
	what := e.Addr.String()
	if e.Host != "" && e.Host != what {
		what = fmt.Sprintf("%s (%s)", e.Host, e.Addr)
	}
	switch e.Class {
	case classUnspecified, classMulticast:
		return fmt.Sprintf("refusing to connect to %s: a %s address is never a destination", what, e.Class)
	case classPrivate:
		return fmt.Sprintf("refusing to connect to %s: a %s address, and network.deny_private is set (list it in allow_networks to permit it)", what, e.Class)
	}
	return fmt.Sprintf("refusing to connect to %s: a %s address, where cloud instance metadata services answer (list it in allow_networks, or set allow_link_local, to permit it)", what, e.Class)
}

// ErrRefused is matched by every *RefusedError (errors.Is).
var ErrRefused = errors.New("netguard: address refused")

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// Check returns a *RefusedError when d may not connect to addr.
func (g *Guard) Check(addr netip.Addr, d Dest) error {
	return g.check("", addr, d)
}

func (g *Guard) check(host string, addr netip.Addr, d Dest) error {
	p := g.policy()
	addr = addr.WithZone("")
	for _, a := range candidates(addr) {
		if allowed(a, p.Allow) || allowed(a, d.Allow) {
			continue
		}
		c := classify(a)
		switch c {
		case classLinkLocal, classMetadata:
			if d.AllowLinkLocal {
				continue
			}
		case classPrivate:
			if !p.DenyPrivate {
				continue
			}
		case "":
			continue
		}
		return &RefusedError{Host: host, Addr: addr, Class: c}
	}
	return nil
}

func allowed(a netip.Addr, list []netip.Prefix) bool {
	for _, p := range list {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// CheckHost checks a host as written in a URL or host:port: an IP address
// in any form a C library would read (see ParseHost) is checked; a name
// is left to the dial, which checks every address it resolves to.
func (g *Guard) CheckHost(host string, d Dest) error {
	if a, ok := ParseHost(host); ok {
		return g.check(host, a, d)
	}
	return nil
}

// Dialer returns the dialer of destination d: it refuses a host written
// as a refused address before resolving anything, and every refused
// address a name resolves to when connecting (so a name that resolves, or
// rebinds, to a metadata address is refused too).
func (g *Guard) Dialer(d Dest, timeout time.Duration) *Dialer {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	nd := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Resolver: g.policy().Resolver}
	nd.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("netguard: unexpected address %q", address)
		}
		return g.Check(ap.Addr(), d)
	}
	return &Dialer{g: g, d: d, nd: nd}
}

// Dialer makes connections for one destination.
type Dialer struct {
	g  *Guard
	d  Dest
	nd *net.Dialer
}

// DialContext connects to address (host:port) over network.
func (dl *Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	if err := dl.g.CheckHost(host, dl.d); err != nil {
		return nil, err
	}
	if a, ok := ParseHost(host); ok && !isStandard(host) {
		// Dial what the host means, not what a resolver makes of it.
		_, port, _ := net.SplitHostPort(address)
		address = net.JoinHostPort(a.String(), port)
	}
	conn, err := dl.nd.DialContext(ctx, network, address)
	if err != nil {
		var re *RefusedError
		if errors.As(err, &re) {
			if re.Host == "" {
				re.Host = strings.TrimSuffix(host, ".")
			}
			return nil, re
		}
	}
	return conn, err
}

// isStandard reports whether host is an address Go's resolver reads
// itself (dotted decimal IPv4 or IPv6).
func isStandard(host string) bool {
	_, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil
}
