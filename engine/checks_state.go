package engine

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// NetnsCheck asserts a named namespace exists.
type NetnsCheck struct {
	Name string `yaml:"name"`
}

func (c NetnsCheck) Namespaces() []string { return []string{c.Name} }
func (c NetnsCheck) Validate() error {
	if c.Name == "" {
		return fmt.Errorf("netns check: name is required")
	}
	return nil
}
func (c NetnsCheck) Behaviour() bool { return false }
func (c NetnsCheck) Describe(r netops.Resolver) string {
	return "netns " + r.Netns(c.Name) + " exists"
}
func (c NetnsCheck) Evaluate(e *Eval) Outcome {
	if _, real, ok := e.netns(c.Name); !ok {
		return fail("netns "+real+" does not exist", netops.NetnsAdd{Name: c.Name}.Commands(e.Scope)...)
	}
	return pass("netns " + e.Scope.Netns(c.Name) + " exists")
}

// LinkCheck asserts a link exists with the given kind, peer, master, MTU and
// state. Only the fields given are checked.
type LinkCheck struct {
	Netns     string `yaml:"netns"`
	Name      string `yaml:"name"`
	Kind      string `yaml:"kind"`
	Peer      string `yaml:"peer"`
	PeerNetns string `yaml:"peer_netns"`
	Master    string `yaml:"master"`
	MTU       int    `yaml:"mtu"`
	Up        *bool  `yaml:"up"`
	// Absent asserts there is no such link (after a CNI DEL).
	Absent bool `yaml:"absent"`
}

func (c LinkCheck) Namespaces() []string {
	out := []string{orHost(c.Netns)}
	if c.Peer != "" {
		out = append(out, orHost(c.PeerNetns))
	}
	return out
}
func (c LinkCheck) Validate() error {
	if c.Name == "" {
		return fmt.Errorf("link check: name is required")
	}
	if c.Peer != "" && c.Kind != "veth" {
		return fmt.Errorf("link check %q: a peer needs kind veth", c.Name)
	}
	if c.Absent && (c.Kind != "" || c.Peer != "" || c.Master != "" || c.MTU != 0 || c.Up != nil) {
		return fmt.Errorf("link check %q: absent takes no other field", c.Name)
	}
	return nil
}
func (c LinkCheck) Behaviour() bool { return false }
func (c LinkCheck) Describe(r netops.Resolver) string {
	if c.Absent {
		return fmt.Sprintf("%s has no link %s", r.Netns(orHost(c.Netns)), c.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s", c.Name, r.Netns(orHost(c.Netns)))
	var parts []string
	if c.Kind != "" {
		k := "a " + c.Kind
		if c.Peer != "" {
			k += " to " + c.Peer + " in " + r.Netns(orHost(c.PeerNetns))
		}
		parts = append(parts, "is "+k)
	}
	if c.Master != "" {
		parts = append(parts, "is a port of "+c.Master)
	}
	if c.MTU != 0 {
		parts = append(parts, fmt.Sprintf("has mtu %d", c.MTU))
	}
	if c.Up != nil {
		parts = append(parts, "is "+upDown(*c.Up))
	}
	if len(parts) == 0 {
		parts = append(parts, "exists")
	}
	b.WriteString(" " + strings.Join(parts, ", "))
	return b.String()
}

func (c LinkCheck) Evaluate(e *Eval) Outcome {
	n, real, ok := e.netns(orHost(c.Netns))
	if !ok {
		return fail("netns "+real+" does not exist", netops.NetnsAdd{Name: orHost(c.Netns)}.Commands(e.Scope)...)
	}
	l, ok := n.Link(c.Name)
	if c.Absent {
		if ok {
			return fail(fmt.Sprintf("netns %s still has %s", real, l.Line()))
		}
		return pass(fmt.Sprintf("no %s in netns %s", c.Name, real))
	}
	if !ok {
		return fail(fmt.Sprintf("netns %s has no link %s", real, c.Name), c.create(e.Scope)...)
	}
	if c.Kind != "" && l.Kind != c.Kind {
		return fail(fmt.Sprintf("%s in netns %s is a %s, want a %s", c.Name, real, orNone(l.Kind), c.Kind), c.create(e.Scope)...)
	}
	if c.Peer != "" {
		wantNS := e.Scope.Netns(orHost(c.PeerNetns))
		gotNS := l.PeerNetns
		if gotNS == "" && l.Peer != "" {
			gotNS = real
		}
		if l.Peer != c.Peer || gotNS != wantNS {
			where := "no peer the lab can see"
			if l.Peer != "" {
				where = fmt.Sprintf("peer %s in netns %s", l.Peer, orNone(gotNS))
			}
			// Move the peer from where it is now; when it cannot be seen,
			// the host is where a veth made by hand usually stays.
			from := netops.HostNetns
			if gotNS != "" && l.Peer == c.Peer {
				from = e.Scope.Logical(gotNS)
			}
			return fail(fmt.Sprintf("veth %s in netns %s has %s, want %s in netns %s", c.Name, real, where, c.Peer, wantNS),
				netops.LinkMove{Name: c.Peer, Netns: from, To: orHost(c.PeerNetns)}.Commands(e.Scope)...)
		}
	}
	if c.Master != "" && l.Master != c.Master {
		have := "no master"
		if l.Master != "" {
			have = "master " + l.Master
		}
		return fail(fmt.Sprintf("%s in netns %s has %s, want master %s", c.Name, real, have, c.Master),
			netops.LinkSet{Netns: c.Netns, Name: c.Name, Master: c.Master}.Commands(e.Scope)...)
	}
	if c.MTU != 0 && l.MTU != c.MTU {
		return fail(fmt.Sprintf("%s in netns %s has mtu %d, want %d", c.Name, real, l.MTU, c.MTU),
			netops.LinkSet{Netns: c.Netns, Name: c.Name, MTU: c.MTU}.Commands(e.Scope)...)
	}
	if c.Up != nil && isUp(l) != *c.Up {
		return fail(fmt.Sprintf("%s in netns %s is %s", c.Name, real, upDown(isUp(l))),
			netops.LinkSet{Netns: c.Netns, Name: c.Name, Up: c.Up}.Commands(e.Scope)...)
	}
	return pass(l.Line())
}

// create is the fix for a missing link: the command that makes it.
func (c LinkCheck) create(r netops.Resolver) []string {
	switch {
	case c.Kind == "veth" && c.Peer != "":
		return netops.VethAdd{Name: c.Name, Netns: c.Netns, Peer: c.Peer, PeerNetns: c.PeerNetns}.Commands(r)
	case c.Kind == "bridge":
		return netops.BridgeAdd{Name: c.Name, Netns: c.Netns}.Commands(r)
	}
	return nil
}

// AddrCheck asserts a link holds an address with exactly this prefix length.
type AddrCheck struct {
	Netns string `yaml:"netns"`
	Dev   string `yaml:"dev"`
	Addr  string `yaml:"addr"`
	// Subnet instead of Addr: any address of that network, as an IPAM
	// plugin hands them out (10.0.10.0/24 for 10.0.10.2/24 or .3/24).
	Subnet string `yaml:"subnet"`
}

func (c AddrCheck) Namespaces() []string { return []string{orHost(c.Netns)} }
func (c AddrCheck) Validate() error {
	if c.Subnet != "" {
		if c.Addr != "" {
			return fmt.Errorf("addr check on %s: give addr or subnet, not both", c.Dev)
		}
		return netops.ForwardAccept{CIDR: c.Subnet}.Validate()
	}
	return netops.AddrAdd{Netns: c.Netns, Dev: c.Dev, Addr: c.Addr}.Validate()
}
func (c AddrCheck) Behaviour() bool { return false }
func (c AddrCheck) Describe(r netops.Resolver) string {
	if c.Subnet != "" {
		return fmt.Sprintf("%s in %s has an address in %s", c.Dev, r.Netns(orHost(c.Netns)), c.Subnet)
	}
	return fmt.Sprintf("%s in %s has %s", c.Dev, r.Netns(orHost(c.Netns)), c.Addr)
}
func (c AddrCheck) Evaluate(e *Eval) Outcome {
	n, real, ok := e.netns(orHost(c.Netns))
	if !ok {
		return fail("netns "+real+" does not exist", netops.NetnsAdd{Name: orHost(c.Netns)}.Commands(e.Scope)...)
	}
	if _, ok := n.Link(c.Dev); !ok {
		return fail(fmt.Sprintf("netns %s has no link %s to hold %s", real, c.Dev, c.Addr+c.Subnet))
	}
	have := n.AddrsOf(c.Dev)
	if c.Subnet != "" {
		want := netip.MustParsePrefix(c.Subnet)
		for _, h := range have {
			if p, err := netip.ParsePrefix(h); err == nil && p.Bits() == want.Bits() && want.Contains(p.Addr()) {
				return pass("inet " + h + " dev " + c.Dev)
			}
		}
		return fail(fmt.Sprintf("%s in netns %s has no address in %s (it has %s)", c.Dev, real, c.Subnet, orNone(strings.Join(have, ", "))))
	}
	add := netops.AddrAdd{Netns: c.Netns, Dev: c.Dev, Addr: c.Addr}.Commands(e.Scope)
	if slices.Contains(have, c.Addr) {
		return pass("inet " + c.Addr + " dev " + c.Dev)
	}
	want := netip.MustParsePrefix(c.Addr)
	for _, h := range have {
		if p, err := netip.ParsePrefix(h); err == nil && p.Addr() == want.Addr() {
			return fail(fmt.Sprintf("%s in netns %s has %s, want %s (the prefix length decides which addresses are on the link)", c.Dev, real, h, c.Addr),
				append([]string{inNetns(e.Scope, c.Netns, "ip addr del "+h+" dev "+c.Dev)}, add...)...)
		}
	}
	if len(have) == 0 {
		return fail(fmt.Sprintf("%s in netns %s has no IPv4 address, want %s", c.Dev, real, c.Addr), add...)
	}
	return fail(fmt.Sprintf("%s in netns %s has %s, not %s", c.Dev, real, strings.Join(have, ", "), c.Addr), add...)
}

// RouteCheck asserts a route to dst exists, through via and dev when given.
type RouteCheck struct {
	Netns string `yaml:"netns"`
	Dst   string `yaml:"dst"`
	Via   string `yaml:"via"`
	Dev   string `yaml:"dev"`
	// Absent asserts there is no route to Dst at all (the world must not
	// learn a route back to a masqueraded network).
	Absent bool `yaml:"absent"`
}

func (c RouteCheck) Namespaces() []string { return []string{orHost(c.Netns)} }
func (c RouteCheck) Validate() error {
	if c.Absent {
		if c.Via != "" || c.Dev != "" {
			return fmt.Errorf("route check %s: absent takes no via or dev", c.Dst)
		}
		return netops.RouteAdd{Dst: c.Dst, Dev: "x"}.Validate()
	}
	if c.Via == "" && c.Dev == "" {
		return fmt.Errorf("route check %s: give via or dev", c.Dst)
	}
	return netops.RouteAdd{Netns: c.Netns, Dst: c.Dst, Via: c.Via, Dev: c.Dev}.Validate()
}
func (c RouteCheck) Behaviour() bool { return false }
func (c RouteCheck) Describe(r netops.Resolver) string {
	if c.Absent {
		return fmt.Sprintf("%s has no route to %s", r.Netns(orHost(c.Netns)), c.Dst)
	}
	s := fmt.Sprintf("%s routes %s", r.Netns(orHost(c.Netns)), c.Dst)
	if c.Via != "" {
		s += " via " + c.Via
	}
	if c.Dev != "" {
		s += " dev " + c.Dev
	}
	return s
}
func (c RouteCheck) Evaluate(e *Eval) Outcome {
	n, real, ok := e.netns(orHost(c.Netns))
	if !ok {
		return fail("netns "+real+" does not exist", netops.NetnsAdd{Name: orHost(c.Netns)}.Commands(e.Scope)...)
	}
	want := routeDst(c.Dst)
	if c.Absent {
		for _, rt := range n.Routes {
			if rt.Dst == want {
				return fail(fmt.Sprintf("netns %s has the route %q", real, rt.Line()), inNetns(e.Scope, c.Netns, "ip route del "+c.Dst))
			}
		}
		return pass(fmt.Sprintf("no route to %s", c.Dst))
	}
	add := netops.RouteAdd{Netns: c.Netns, Dst: c.Dst, Via: c.Via, Dev: c.Dev}.Commands(e.Scope)
	for _, rt := range n.Routes {
		if rt.Dst != want {
			continue
		}
		if (c.Via == "" || rt.Via == c.Via) && (c.Dev == "" || rt.Dev == c.Dev) {
			return pass(rt.Line())
		}
		want := c.Dst
		if c.Via != "" {
			want += " via " + c.Via
		}
		if c.Dev != "" {
			want += " dev " + c.Dev
		}
		return fail(fmt.Sprintf("netns %s has %q, want %s", real, rt.Line(), want),
			append([]string{inNetns(e.Scope, c.Netns, "ip route del "+c.Dst)}, add...)...)
	}
	if c.Dst == "default" {
		return fail(fmt.Sprintf("netns %s has no default route", real), add...)
	}
	return fail(fmt.Sprintf("netns %s has no route to %s", real, c.Dst), add...)
}

// SysctlCheck asserts a kernel parameter of a namespace.
type SysctlCheck struct {
	Netns string `yaml:"netns"`
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

func (c SysctlCheck) Namespaces() []string { return []string{orHost(c.Netns)} }
func (c SysctlCheck) Validate() error {
	return netops.Sysctl{Netns: c.Netns, Key: c.Key, Value: c.Value}.Validate()
}
func (c SysctlCheck) Behaviour() bool { return false }
func (c SysctlCheck) Describe(r netops.Resolver) string {
	return fmt.Sprintf("%s has %s = %s", r.Netns(orHost(c.Netns)), c.Key, c.Value)
}
func (c SysctlCheck) Evaluate(e *Eval) Outcome {
	real := e.Scope.Netns(orHost(c.Netns))
	if _, ok := e.Snap.Find(real); !ok {
		return fail("netns "+real+" does not exist", netops.NetnsAdd{Name: orHost(c.Netns)}.Commands(e.Scope)...)
	}
	v, err := netops.ReadSysctl(real, c.Key)
	if err != nil {
		return fail(err.Error())
	}
	if v != c.Value {
		return fail(fmt.Sprintf("%s is %s in netns %s, want %s", c.Key, v, real, c.Value),
			netops.Sysctl{Netns: c.Netns, Key: c.Key, Value: c.Value}.Commands(e.Scope)...)
	}
	return pass(fmt.Sprintf("%s = %s", c.Key, v))
}

func orHost(n string) string {
	if n == "" {
		return netops.HostNetns
	}
	return n
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func upDown(up bool) string {
	if up {
		return "up"
	}
	return "down"
}

// inNetns prefixes a command for a namespace the way the lab's own
// equivalent commands do.
func inNetns(r netops.Resolver, logical, cmd string) string {
	if orHost(logical) == netops.HostNetns {
		return cmd
	}
	return "ip netns exec " + r.Netns(logical) + " " + cmd
}

func isUp(l snapshot.Link) bool { return slices.Contains(l.Flags, "UP") }

// routeDst writes a destination the way the snapshot does (and `ip route`):
// a /32 is a bare address.
func routeDst(dst string) string {
	if dst == "0.0.0.0/0" {
		return "default"
	}
	return strings.TrimSuffix(dst, "/32")
}
