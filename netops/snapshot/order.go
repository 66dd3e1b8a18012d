package snapshot

import (
	"cmp"
	"net/netip"
	"strings"
)

// The orderings below are total, so the same kernel state always prints and
// diffs the same way, whatever order netlink dumped it in.

func cmpLink(a, b Link) int {
	return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Line(), b.Line()))
}

func cmpAddr(a, b Addr) int {
	return cmp.Or(strings.Compare(a.Dev, b.Dev), cmpIP(a.Prefix, b.Prefix))
}

// cmpRoute puts the default route first: it is the one a learner looks for.
func cmpRoute(a, b Route) int {
	ad, bd := a.Dst == "default", b.Dst == "default"
	switch {
	case ad && !bd:
		return -1
	case bd && !ad:
		return 1
	}
	return cmp.Or(cmpIP(a.Dst, b.Dst), cmp.Compare(a.Metric, b.Metric), strings.Compare(a.Line(), b.Line()))
}

func cmpNeigh(a, b Neigh) int {
	return cmp.Or(strings.Compare(a.Dev, b.Dev), cmpIP(a.IP, b.IP),
		strings.Compare(a.MAC, b.MAC), strings.Compare(a.State, b.State))
}

// cmpIP orders addresses and prefixes numerically (10.0.0.9 before
// 10.0.0.10), falling back to text for anything that does not parse.
func cmpIP(a, b string) int {
	pa, oka := parsePrefix(a)
	pb, okb := parsePrefix(b)
	if !oka || !okb {
		return strings.Compare(a, b)
	}
	return cmp.Or(pa.Addr().Compare(pb.Addr()), cmp.Compare(pa.Bits(), pb.Bits()))
}

func parsePrefix(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p, true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

// cmpSysctl keeps Sysctls' own order: ip_forward first, as lessons turn it.
func cmpSysctl(a, b Sysctl) int {
	return cmp.Compare(sysctlRank(a.Key), sysctlRank(b.Key))
}

func sysctlRank(key string) int {
	for i, s := range Sysctls {
		if s.Key == key {
			return i
		}
	}
	return len(Sysctls)
}
