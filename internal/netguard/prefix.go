package netguard

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParsePrefixes reads an allow_networks list: each item a network in CIDR
// form (10.0.0.0/8, fd00:ec2::254/128) or a single address.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for i, s := range list {
		s = strings.TrimSpace(s)
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %q is not a network like 10.0.0.0/8 or an address", i, s)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %q is not a network like 10.0.0.0/8 or an address", i, s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
