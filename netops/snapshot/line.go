package snapshot

import (
	"strconv"
	"strings"
)

// Line renders the link the way `ip link` does, on one line, e.g.
// "veth-client@veth-server: <UP,LOWER_UP> mtu 1500 master bridge1 state UP type veth peer-netns server".
// The ifindex is left out on purpose: it changes whenever a link is
// recreated, and a diff should only show what a learner did.
func (l Link) Line() string {
	var b strings.Builder
	b.WriteString(l.Name)
	if l.Kind == "veth" && l.Peer != "" {
		b.WriteString("@" + l.Peer)
	}
	b.WriteString(":")
	if len(l.Flags) > 0 {
		b.WriteString(" <" + strings.Join(l.Flags, ",") + ">")
	}
	if l.MTU > 0 {
		b.WriteString(" mtu " + strconv.Itoa(l.MTU))
	}
	words(&b, "master", l.Master, "state", l.State)
	// "device" is netlink's name for "no IFLA_INFO_KIND" (lo, NICs): ip prints nothing.
	if l.Kind != "" && l.Kind != "device" {
		words(&b, "type", l.Kind)
	}
	alias := l.Alias
	if strings.HasPrefix(alias, "cnilab:") {
		alias = "" // lab's ownership mark, not something the learner made
	}
	words(&b, "peer-netns", l.PeerNetns, "alias", alias)
	return b.String()
}

// Line renders the address as `ip -4 addr` does: "inet 10.0.0.11/24 dev veth-client".
func (a Addr) Line() string {
	var b strings.Builder
	b.WriteString("inet " + a.Prefix)
	words(&b, "dev", a.Dev)
	return b.String()
}

// Line renders the route as `ip route` does, e.g.
// "10.0.0.0/24 dev veth-client proto kernel scope link src 10.0.0.11".
func (r Route) Line() string {
	var b strings.Builder
	if r.Type != "" {
		b.WriteString(r.Type + " ")
	}
	b.WriteString(r.Dst)
	words(&b, "via", r.Via, "dev", r.Dev)
	// ip hides "proto boot": it is what any route added without a protocol gets.
	if r.Proto != "boot" {
		words(&b, "proto", r.Proto)
	}
	words(&b, "scope", r.Scope, "src", r.Src)
	if r.Metric != 0 {
		words(&b, "metric", strconv.Itoa(r.Metric))
	}
	return b.String()
}

// Line renders the entry as `ip -4 neigh` does:
// "10.0.0.12 dev veth-client lladdr 02:42:0a:00:00:0c REACHABLE".
func (n Neigh) Line() string {
	var b strings.Builder
	b.WriteString(n.IP)
	words(&b, "dev", n.Dev, "lladdr", n.MAC)
	if n.State != "" {
		b.WriteString(" " + n.State)
	}
	return b.String()
}

// diffLine is the entry as a diff shows it: the answer ARP got, without the
// state that its timers flip (REACHABLE, STALE, DELAY...); an entry still
// waiting or given up on reads INCOMPLETE either way.
func (n Neigh) diffLine() string {
	var b strings.Builder
	b.WriteString(n.IP)
	words(&b, "dev", n.Dev)
	switch {
	case strings.Contains(n.State, "PERMANENT"):
		words(&b, "lladdr", n.MAC)
		b.WriteString(" PERMANENT")
	case n.MAC != "":
		words(&b, "lladdr", n.MAC)
	default:
		b.WriteString(" INCOMPLETE")
	}
	return b.String()
}

// words appends " key value" for each key/value pair whose value is set, so
// empty parts vanish instead of leaving "via  dev".
func words(b *strings.Builder, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			b.WriteString(" " + kv[i] + " " + kv[i+1])
		}
	}
}
