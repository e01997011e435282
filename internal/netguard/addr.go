package netguard

import (
	"net/netip"
	"strconv"
	"strings"
)

// Address classes the policy treats apart.
const (
	classMetadata    = "cloud metadata"
	classLinkLocal   = "link-local"
	classPrivate     = "private or loopback"
	classUnspecified = "unspecified"
	classMulticast   = "multicast or broadcast"
)

// metadata are the instance metadata services' addresses outside
// link-local ranges, and the link-local ones named for the error message:
// AWS IMDS (IPv4 and IPv6), ECS task metadata, Alibaba Cloud, Oracle
// Cloud's legacy address.
var metadata = []netip.Prefix{
	netip.MustParsePrefix("169.254.169.254/32"),
	netip.MustParsePrefix("169.254.170.2/32"),
	netip.MustParsePrefix("169.254.169.123/32"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
	netip.MustParsePrefix("fd00:ec2::23/128"),
	netip.MustParsePrefix("100.100.100.200/32"),
	netip.MustParsePrefix("192.0.0.192/32"),
}

// classify names the class of a (unmapped, zone-free) address that the
// policy may refuse, or "" for an ordinary public address.
func classify(a netip.Addr) string {
	for _, p := range metadata {
		if p.Contains(a) {
			return classMetadata
		}
	}
	switch {
	case a.IsUnspecified() || a.Is4() && a.As4()[0] == 0:
		return classUnspecified
	case a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast():
		return classLinkLocal
	case a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return classMulticast
	case a.IsLoopback() || a.IsPrivate() || cgnat.Contains(a):
		return classPrivate
	}
	return ""
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// IPv6 forms that carry an IPv4 address: whatever they carry is checked
// too, so [::ffff:169.254.169.254], [64:ff9b::a9fe:a9fe] or
// [2002:a9fe:a9fe::] reach no further than 169.254.169.254 does.
var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	nat64l  = netip.MustParsePrefix("64:ff9b:1::/48")
	sixTo4  = netip.MustParsePrefix("2002::/16")
	teredo  = netip.MustParsePrefix("2001::/32")
	compat4 = netip.MustParsePrefix("::/96")
)

// candidates returns a and the IPv4 address an IPv6 form of it embeds.
func candidates(a netip.Addr) []netip.Addr {
	a = a.Unmap()
	out := []netip.Addr{a}
	if !a.Is6() {
		return out
	}
	b := a.As16()
	var v4 [4]byte
	switch {
	case nat64.Contains(a), nat64l.Contains(a), compat4.Contains(a) && !a.IsUnspecified() && !a.IsLoopback():
		copy(v4[:], b[12:])
	case sixTo4.Contains(a):
		copy(v4[:], b[2:6])
	case teredo.Contains(a):
		for i := range 4 {
			v4[i] = b[12+i] ^ 0xff
		}
	default:
		return out
	}
	return append(out, netip.AddrFrom4(v4))
}

// ParseHost reads host (as in a URL or host:port, brackets and a trailing
// dot allowed) as an IP address the way C libraries' inet_aton does, so
// that the forms a resolver would turn into an address are checked as
// that address: 2852039166, 0xa9fea9fe, 0251.0376.0251.0376,
// 169.254.43518, 0xa9.254.0251.0376. It reports false for a name.
func ParseHost(host string) (netip.Addr, bool) {
	h := strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if i := strings.IndexByte(h, '%'); i >= 0 && strings.Contains(h, ":") {
		h = h[:i] // an IPv6 zone
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap(), true
	}
	parts := strings.Split(h, ".")
	if len(parts) == 0 || len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := parseNum(p)
		if !ok {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	// Each part but the last is one byte; the last fills what is left.
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 0xff {
			return netip.Addr{}, false
		}
		v |= n << (24 - 8*i)
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v |= last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// parseNum reads one part of an inet_aton address: 0x hex, 0 octal, or
// decimal.
func parseNum(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	n, err := strconv.ParseUint(s, base, 32)
	return n, err == nil
}
