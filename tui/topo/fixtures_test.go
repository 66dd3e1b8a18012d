package topo

import (
	"slices"
	"strings"

	"github.com/cnilab/lab/netops/snapshot"
)

// Fixtures are the states a learner meets in the lessons, written as the
// engine records them: links sorted by name, lo in every namespace.

var (
	flagsUp        = []string{"UP", "LOWER_UP"}
	flagsNoCarrier = []string{"NO-CARRIER", "UP"}
)

func link(name, kind string, flags []string, opts ...func(*snapshot.Link)) snapshot.Link {
	state := "DOWN"
	switch {
	case slices.Contains(flags, "LOWER_UP"):
		state = "UP"
	case slices.Contains(flags, "UP"):
		state = "LOWERLAYERDOWN"
	}
	l := snapshot.Link{Name: name, Kind: kind, MTU: 1500, Flags: flags, State: state}
	for _, o := range opts {
		o(&l)
	}
	return l
}

func peer(name, netns string) func(*snapshot.Link) {
	return func(l *snapshot.Link) { l.Peer, l.PeerNetns = name, netns }
}

func master(name string) func(*snapshot.Link) {
	return func(l *snapshot.Link) { l.Master = name }
}

// loopback is lo as a fresh namespace has it (down, no address) or, up, as
// a configured one has it (127.0.0.1/8).
func loopback(up bool) snapshot.Link {
	if up {
		return snapshot.Link{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK", "UP", "LOWER_UP"}, State: "UNKNOWN"}
	}
	return snapshot.Link{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK"}, State: "DOWN"}
}

// netns assembles a namespace; addrs are "dev prefix", routes "dst via dev".
func netns(name string, links []snapshot.Link, addrs []string, routes ...snapshot.Route) snapshot.Netns {
	n := snapshot.Netns{Name: name, Routes: routes}
	slices.SortFunc(links, func(a, b snapshot.Link) int { return strings.Compare(a.Name, b.Name) })
	for k := range links {
		links[k].Index = k + 1
	}
	n.Links = links
	for _, a := range addrs {
		dev, prefix, _ := strings.Cut(a, " ")
		n.Addrs = append(n.Addrs, snapshot.Addr{Dev: dev, Prefix: prefix})
	}
	return n
}

func defaultVia(gw, dev string) snapshot.Route {
	return snapshot.Route{Dst: "default", Via: gw, Dev: dev}
}

// labHost and labWorld are the sandbox around every lesson: the host's eth0
// is one end of a veth whose other end is the world's eth0.
func labHost(extra []snapshot.Link, addrs ...string) snapshot.Netns {
	links := append([]snapshot.Link{
		loopback(true),
		link("eth0", "veth", flagsUp, peer("eth0", "lab-world")),
	}, extra...)
	return netns("lab-host", links, append([]string{"lo 127.0.0.1/8", "eth0 172.17.0.33/24"}, addrs...),
		defaultVia("172.17.0.1", "eth0"))
}

func labWorld() snapshot.Netns {
	return netns("lab-world", []snapshot.Link{
		loopback(true),
		link("eth0", "veth", flagsUp, peer("eth0", "lab-host")),
	}, []string{"lo 127.0.0.1/8", "eth0 172.17.0.1/24"})
}

// vethDone is the end of lesson 1: client and server joined by a veth.
func vethDone() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		labHost(nil),
		netns("client", []snapshot.Link{
			loopback(false),
			link("veth-client", "veth", flagsUp, peer("veth-server", "server")),
		}, []string{"veth-client 10.0.0.11/24"}),
		netns("server", []snapshot.Link{
			loopback(false),
			link("veth-server", "veth", flagsUp, peer("veth-client", "client")),
		}, []string{"veth-server 10.0.0.12/24"}),
		labWorld(),
	}}
}

// vethHalfBuilt is lesson 1 after the cable is laid: nothing up, no address.
func vethHalfBuilt() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		labHost(nil),
		netns("client", []snapshot.Link{
			loopback(false),
			link("veth-client", "veth", nil, peer("veth-server", "server")),
		}, nil),
		netns("server", []snapshot.Link{
			loopback(false),
			link("veth-server", "veth", nil, peer("veth-client", "client")),
		}, nil),
		labWorld(),
	}}
}

// vethOneSide is lesson 1 with only the client end brought up: the client
// end has no carrier because its peer is down.
func vethOneSide() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		netns("client", []snapshot.Link{
			loopback(false),
			link("veth-client", "veth", flagsNoCarrier, peer("veth-server", "server")),
		}, []string{"veth-client 10.0.0.11/24"}),
		netns("server", []snapshot.Link{
			loopback(false),
			link("veth-server", "veth", nil, peer("veth-client", "client")),
		}, []string{"veth-server 10.0.0.12/24"}),
	}}
}

// bridgeDone is the end of lesson 2: client1 and server1 plugged into
// bridge1 in the host, client1 with a default route via the bridge.
func bridgeDone() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		labHost([]snapshot.Link{
			link("bridge1", "bridge", flagsUp),
			link("client1-veth-br", "veth", flagsUp, master("bridge1"), peer("client1-veth", "client1")),
			link("server1-veth-br", "veth", flagsUp, master("bridge1"), peer("server1-veth", "server1")),
		}, "bridge1 172.30.0.1/24"),
		netns("client1", []snapshot.Link{
			loopback(false),
			link("client1-veth", "veth", flagsUp, peer("client1-veth-br", "lab-host")),
		}, []string{"client1-veth 172.30.0.11/24"}, defaultVia("172.30.0.1", "client1-veth")),
		netns("server1", []snapshot.Link{
			loopback(false),
			link("server1-veth", "veth", flagsUp, peer("server1-veth-br", "lab-host")),
		}, []string{"server1-veth 172.30.0.12/24"}),
		labWorld(),
	}}
}

// routeDone is lesson 3: both namespaces routed via the bridge, which makes
// both boxes wider than in lesson 2.
func routeDone() snapshot.Snapshot {
	s := bridgeDone()
	s.Namespaces[2].Routes = []snapshot.Route{defaultVia("172.30.0.1", "server1-veth")}
	return s
}

// bridgeHalf is lesson 2 with the bridge up but no port attached yet, and
// the server end still down: the bridge has no carrier.
func bridgeHalf() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		labHost([]snapshot.Link{
			link("bridge1", "bridge", flagsNoCarrier),
			link("client1-veth-br", "veth", flagsUp, peer("client1-veth", "client1")),
			link("server1-veth-br", "veth", nil, peer("server1-veth", "server1")),
		}),
		netns("client1", []snapshot.Link{
			loopback(false),
			link("client1-veth", "veth", flagsUp, peer("client1-veth-br", "lab-host")),
		}, nil),
		netns("server1", []snapshot.Link{
			loopback(false),
			link("server1-veth", "veth", nil, peer("server1-veth-br", "lab-host")),
		}, nil),
		labWorld(),
	}}
}

// oddities gathers the rarer shapes: a veth pair inside one namespace, a
// veth whose peer the snapshot does not cover, lo with a real address, a
// namespace holding only lo, and names too long for a narrow pane.
func oddities() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		netns("loopy", []snapshot.Link{
			loopback(true),
			link("in-a", "veth", flagsUp, peer("in-b", "")),
			link("in-b", "veth", flagsUp, peer("in-a", "")),
			link("lonely", "veth", flagsNoCarrier),
		}, []string{"lo 127.0.0.1/8", "lo 10.9.9.9/32", "in-a 10.1.0.1/30"}),
		netns("empty", []snapshot.Link{loopback(false)}, nil),
		netns("a-namespace-with-a-very-long-name-indeed", []snapshot.Link{
			loopback(false),
			link("dummy0", "dummy", flagsUp),
		}, []string{"dummy0 192.168.100.100/24"}),
	}}
}

// twoCables joins two namespaces with two veth pairs whose ends sit at
// different depths in their boxes, and a third namespace hanging off a
// bridge port, so alignment needs blank lines inside a box and a tree.
func twoCables() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		netns("left", []snapshot.Link{
			link("a1", "veth", flagsUp, peer("b1", "right")),
			link("a2", "veth", flagsUp, peer("b2", "right")),
		}, []string{"a1 10.0.1.1/24", "a1 10.0.2.1/24"}),
		netns("right", []snapshot.Link{
			link("b1", "veth", flagsUp, peer("a1", "left")),
			link("br0", "bridge", flagsUp),
			link("b2", "veth", flagsUp, master("br0"), peer("a2", "left")),
			link("b3", "veth", flagsUp, master("br0"), peer("c1", "far")),
		}, nil),
		netns("far", []snapshot.Link{
			link("c1", "veth", flagsUp, peer("b3", "right")),
		}, []string{"c1 10.0.3.1/24"}),
	}}
}

// crossed joins two namespaces with two pairs whose ends are listed in
// opposite orders: both wires cannot run straight without crossing.
func crossed() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		netns("one", []snapshot.Link{
			link("x1", "veth", flagsUp, peer("y2", "two")),
			link("x2", "veth", flagsUp, peer("y1", "two")),
		}, nil),
		netns("two", []snapshot.Link{
			link("y1", "veth", flagsUp, peer("x2", "one")),
			link("y2", "veth", flagsUp, peer("x1", "one")),
		}, nil),
	}}
}
