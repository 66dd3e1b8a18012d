// Package snapshot records what the kernel holds in a set of named network
// namespaces (links, IPv4 addresses, main-table routes, neighbours, and for a
// full snapshot nftables rules, sysctls, bridge fdb and NAT conntrack), compares
// two such records and prints both as ip-like lines, so a lesson can show
// exactly what a step changed.
//
// The types are plain data: a snapshot can be saved as JSON, compared later
// and graded without touching the kernel again.
package snapshot

// Link is one network interface as `ip -d link show` would describe it.
type Link struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"` // netlink's link.Type(): "veth", "bridge", "device" for lo...
	Index int    `json:"index"`
	MTU   int    `json:"mtu"`
	// Flags keeps only what a lesson reasons about, in ip's order:
	// NO-CARRIER, LOOPBACK, UP, LOWER_UP.
	Flags  []string `json:"flags"`
	State  string   `json:"state"` // operstate: UP, DOWN, LOWERLAYERDOWN, UNKNOWN...
	Master string   `json:"master,omitempty"`
	Alias  string   `json:"alias,omitempty"`
	Peer   string   `json:"peer,omitempty"` // veth peer name, "" when unknown
	// PeerNetns names the snapshot namespace holding the peer; "" when the
	// peer is in the same namespace or in one the snapshot does not cover.
	PeerNetns string `json:"peer_netns,omitempty"`
	// Pending is true while the kernel has carrier on an up link but has not
	// yet run the link-watch work that sets its operstate (and, for the end
	// of a veth that came up first, activates its queue). That work is rate
	// limited to once a second, so State and Flags already show the settled
	// result (UP, no NO-CARRIER) and Pending says it is not final yet.
	Pending bool `json:"-"`
}

// Addr is one IPv4 address on a device.
type Addr struct {
	Dev    string `json:"dev"`
	Prefix string `json:"prefix"` // "10.0.0.11/24"
}

// Route is one IPv4 route of the main table.
type Route struct {
	Dst   string `json:"dst"` // "default", "10.0.0.0/24", or a bare IP for a /32 as ip prints it
	Via   string `json:"via,omitempty"`
	Dev   string `json:"dev,omitempty"`
	Src   string `json:"src,omitempty"`
	Proto string `json:"proto,omitempty"` // "kernel", "boot", "static"...
	Scope string `json:"scope,omitempty"` // "link", "host", "" for universe
	// Type is "" for unicast; otherwise "blackhole", "unreachable"... so such
	// a route never reads like a normal one.
	Type   string `json:"type,omitempty"`
	Metric int    `json:"metric,omitempty"`
}

// Neigh is one IPv4 neighbour (ARP) entry.
type Neigh struct {
	IP    string `json:"ip"`
	Dev   string `json:"dev"`
	MAC   string `json:"mac,omitempty"` // "" while INCOMPLETE or FAILED
	State string `json:"state"`         // REACHABLE, STALE, PERMANENT...
}

// Netns is the recorded state of one named network namespace.
type Netns struct {
	Name   string  `json:"name"`
	Links  []Link  `json:"links"`
	Addrs  []Addr  `json:"addrs"`
	Routes []Route `json:"routes"`
	Neighs []Neigh `json:"neighs"`
	// Rules are the namespace's nftables rules, one line each, as
	// "table ip cnilab chain postrouting: ip saddr 172.30.0.0/24 oifname "eth0" masquerade"
	// (see nft.Rules): the lab's, and the learner's from nft or iptables-nft.
	Rules []string `json:"rules"`
	// The rest is read only for a full snapshot (a step's diff, the
	// topology): kernel parameters lessons turn, the bridges' learned MACs,
	// and the connections NAT translated.
	Sysctls   []Sysctl `json:"sysctls,omitempty"`
	FDB       []FDB    `json:"fdb,omitempty"`
	Conntrack []string `json:"conntrack,omitempty"` // `conntrack -L` lines of NATed flows, without counters or timers
}

// Sysctl is one kernel parameter of the namespace, as `sysctl KEY` prints it.
type Sysctl struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// FDB is one MAC address a bridge learnt behind one of its ports, as
// `bridge fdb show br BRIDGE` prints it; the ports' own (permanent) ones
// are left out.
type FDB struct {
	MAC    string `json:"mac"`
	Dev    string `json:"dev"`    // the port
	Master string `json:"master"` // the bridge
}

// Snapshot is the state of several namespaces, in the order they were asked for.
type Snapshot struct {
	Namespaces []Netns `json:"namespaces"`
}

// Find returns the recorded namespace called name.
func (s Snapshot) Find(name string) (Netns, bool) {
	for _, n := range s.Namespaces {
		if n.Name == name {
			return n, true
		}
	}
	return Netns{}, false
}

// Link returns the link called name.
func (n Netns) Link(name string) (Link, bool) {
	for _, l := range n.Links {
		if l.Name == name {
			return l, true
		}
	}
	return Link{}, false
}

// AddrsOf returns the prefixes ("10.0.0.11/24") on device dev, sorted.
func (n Netns) AddrsOf(dev string) []string {
	var out []string
	for _, a := range n.Addrs {
		if a.Dev == dev {
			out = append(out, a.Prefix)
		}
	}
	return out
}

// DefaultRoute returns the first default route (the one with the lowest
// metric, which is the one the kernel uses).
func (n Netns) DefaultRoute() (Route, bool) {
	var best Route
	found := false
	for _, r := range n.Routes {
		if r.Dst != "default" || r.Type != "" {
			continue
		}
		if !found || r.Metric < best.Metric {
			best, found = r, true
		}
	}
	return best, found
}
