package sandbox

import (
	"net"
	"strings"
)

// hostLabel returns what a virtual-hosted request puts in front of the
// endpoint's host name: the bucket of BUCKET.localhost:4566 or
// BUCKET.s3.ap-northeast-1.amazonaws.com, the account of
// 111122223333.127.0.0.1:4566 (S3 Control's host prefix, reaching the
// sandbox through it as an HTTP proxy). service is "s3" or "s3-control",
// the AWS host label that follows the prefix on real AWS names. It
// returns "" for a plain host (path-style requests).
func (sb *Sandbox) hostLabel(hostport, service string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	own := ""
	if h, _, err := net.SplitHostPort(sb.ln.Addr().String()); err == nil {
		own = h
	}
	for _, suffix := range []string{".localhost", "." + own} {
		if suffix == "." {
			continue
		}
		if p, ok := strings.CutSuffix(host, suffix); ok && p != "" && p != service && !strings.HasPrefix(p, service+".") {
			return p
		}
	}
	// Real AWS names, as a client sends them through a proxy or a
	// resolver that maps them to the sandbox.
	if i := strings.Index(host, "."+service+"."); i > 0 && strings.HasSuffix(host, ".amazonaws.com") {
		return host[:i]
	}
	if i := strings.Index(host, "."+service+"-"); i > 0 && service == "s3" && strings.HasSuffix(host, ".amazonaws.com") {
		return host[:i] // BUCKET.s3-REGION.amazonaws.com (legacy)
	}
	return ""
}

// ownsHost reports whether a proxied request's host is one the sandbox
// answers for: its own address, a name under it (the account or bucket
// prefixes clients add), a .localhost name, or an AWS endpoint.
func (sb *Sandbox) ownsHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	own := sb.ln.Addr().String()
	if h, _, err := net.SplitHostPort(own); err == nil {
		own = h
	}
	return host == own || strings.HasSuffix(host, "."+own) || host == "localhost" || strings.HasSuffix(host, ".localhost") ||
		strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn")
}
