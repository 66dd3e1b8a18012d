package engine

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// Structural checks graded against hand-made snapshots of scope t1. No
// kernel is read: Evaluate of these checks only looks at Eval.Snap.
// (ReachCheck and SysctlCheck read the kernel and are not evaluated here.)

var upFlags = []string{"UP", "LOWER_UP"}

func lo() snapshot.Link {
	return snapshot.Link{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK", "UP", "LOWER_UP"}, State: "UNKNOWN"}
}

// vethSnap is scope t1 after the veth lesson, with both ends up and
// addressed; tests change a copy.
func vethSnap() snapshot.Snapshot {
	return snapshot.Snapshot{Namespaces: []snapshot.Netns{
		{Name: "t1-host", Links: []snapshot.Link{lo()}},
		{Name: "t1-client",
			Links:  []snapshot.Link{lo(), {Name: "veth-client", Kind: "veth", MTU: 1500, Flags: upFlags, State: "UP", Peer: "veth-server", PeerNetns: "t1-server"}},
			Addrs:  []snapshot.Addr{{Dev: "veth-client", Prefix: "10.0.0.11/24"}},
			Routes: []snapshot.Route{{Dst: "10.0.0.0/24", Dev: "veth-client", Proto: "kernel", Scope: "link", Src: "10.0.0.11"}}},
		{Name: "t1-server",
			Links: []snapshot.Link{lo(), {Name: "veth-server", Kind: "veth", MTU: 1500, Flags: upFlags, State: "UP", Peer: "veth-client", PeerNetns: "t1-client"}},
			Addrs: []snapshot.Addr{{Dev: "veth-server", Prefix: "10.0.0.12/24"}}},
		{Name: "t1-world", Links: []snapshot.Link{lo()}},
	}}
}

// edit returns snap with the namespace called real changed by f.
func edit(snap snapshot.Snapshot, real string, f func(n *snapshot.Netns)) snapshot.Snapshot {
	out := snapshot.Snapshot{}
	for _, n := range snap.Namespaces {
		n.Links = append([]snapshot.Link(nil), n.Links...)
		n.Addrs = append([]snapshot.Addr(nil), n.Addrs...)
		n.Routes = append([]snapshot.Route(nil), n.Routes...)
		if n.Name == real {
			f(&n)
		}
		out.Namespaces = append(out.Namespaces, n)
	}
	return out
}

// without drops a namespace.
func without(snap snapshot.Snapshot, real string) snapshot.Snapshot {
	out := snapshot.Snapshot{}
	for _, n := range snap.Namespaces {
		if n.Name != real {
			out.Namespaces = append(out.Namespaces, n)
		}
	}
	return out
}

// setLink changes the link called name of a namespace.
func setLink(name string, f func(l *snapshot.Link)) func(n *snapshot.Netns) {
	return func(n *snapshot.Netns) {
		for i := range n.Links {
			if n.Links[i].Name == name {
				f(&n.Links[i])
			}
		}
	}
}

type checkCase struct {
	name   string
	check  Check
	snap   snapshot.Snapshot
	passed bool
	detail string
	fix    []string
}

func runChecks(t *testing.T, cases []checkCase) {
	t.Helper()
	scope := mustScope(t, "t1")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.check.Validate(); err != nil {
				t.Fatalf("the case's check is invalid: %v", err)
			}
			if tc.check.Behaviour() {
				t.Fatalf("%T is a behaviour check: it must not be evaluated without the kernel", tc.check)
			}
			o := tc.check.Evaluate(&Eval{Scope: scope, Snap: tc.snap})
			if o.Passed != tc.passed {
				t.Errorf("Passed = %v, want %v (detail %q)", o.Passed, tc.passed, o.Detail)
			}
			if o.Detail != tc.detail {
				t.Errorf("Detail:\ngot  %q\nwant %q", o.Detail, tc.detail)
			}
			sameStrings(t, "Fix", o.Fix, tc.fix)
		})
	}
}

func TestLinkCheckUnit(t *testing.T) {
	vethClient := &LinkCheck{Netns: "client", Name: "veth-client", Kind: "veth", Peer: "veth-server", PeerNetns: "server"}
	snap := vethSnap()
	runChecks(t, []checkCase{
		{name: "veth in place", check: vethClient, snap: snap, passed: true,
			detail: "veth-client@veth-server: <UP,LOWER_UP> mtu 1500 state UP type veth peer-netns t1-server"},
		{name: "missing link", check: vethClient,
			snap:   edit(snap, "t1-client", func(n *snapshot.Netns) { n.Links = []snapshot.Link{lo()} }),
			detail: "netns t1-client has no link veth-client",
			fix:    []string{"ip link add veth-client netns t1-client type veth peer name veth-server netns t1-server"}},
		{name: "missing bridge", check: &LinkCheck{Name: "bridge1", Kind: "bridge", Up: &yes}, snap: snap,
			detail: "netns t1-host has no link bridge1",
			fix:    []string{"ip link add bridge1 type bridge"}},
		{name: "missing link of no kind has no fix", check: &LinkCheck{Netns: "client", Name: "eth9", Up: &yes}, snap: snap,
			detail: "netns t1-client has no link eth9"},
		{name: "missing netns", check: vethClient, snap: without(snap, "t1-client"),
			detail: "netns t1-client does not exist",
			fix:    []string{"ip netns add t1-client"}},
		{name: "link down", check: &LinkCheck{Netns: "server", Name: "veth-server", Up: &yes},
			snap:   edit(snap, "t1-server", setLink("veth-server", func(l *snapshot.Link) { l.Flags, l.State = nil, "DOWN" })),
			detail: "veth-server in netns t1-server is down",
			fix:    []string{"ip netns exec t1-server ip link set veth-server up"}},
		{name: "link up with no carrier is up", check: &LinkCheck{Netns: "server", Name: "veth-server", Up: &yes},
			snap:   edit(snap, "t1-server", setLink("veth-server", func(l *snapshot.Link) { l.Flags, l.State = []string{"NO-CARRIER", "UP"}, "LOWERLAYERDOWN" })),
			passed: true,
			detail: "veth-server@veth-client: <NO-CARRIER,UP> mtu 1500 state LOWERLAYERDOWN type veth peer-netns t1-client"},
		{name: "link up, want down", check: &LinkCheck{Netns: "client", Name: "veth-client", Up: &no}, snap: snap,
			detail: "veth-client in netns t1-client is up",
			fix:    []string{"ip netns exec t1-client ip link set veth-client down"}},
		{name: "wrong kind", check: vethClient,
			snap:   edit(snap, "t1-client", setLink("veth-client", func(l *snapshot.Link) { l.Kind = "dummy" })),
			detail: "veth-client in netns t1-client is a dummy, want a veth",
			fix:    []string{"ip link add veth-client netns t1-client type veth peer name veth-server netns t1-server"}},
		{name: "no kind", check: &LinkCheck{Name: "bridge1", Kind: "bridge"},
			snap:   edit(snap, "t1-host", func(n *snapshot.Netns) { n.Links = append(n.Links, snapshot.Link{Name: "bridge1"}) }),
			detail: "bridge1 in netns t1-host is a none, want a bridge",
			fix:    []string{"ip link add bridge1 type bridge"}},
		{name: "peer in the wrong netns", check: vethClient,
			snap:   edit(snap, "t1-client", setLink("veth-client", func(l *snapshot.Link) { l.PeerNetns = "t1-host" })),
			detail: "veth veth-client in netns t1-client has peer veth-server in netns t1-host, want veth-server in netns t1-server",
			fix:    []string{"ip link set veth-server netns t1-server"}},
		{name: "peer the lab cannot see", check: vethClient,
			snap:   edit(snap, "t1-client", setLink("veth-client", func(l *snapshot.Link) { l.Peer, l.PeerNetns = "", "" })),
			detail: "veth veth-client in netns t1-client has no peer the lab can see, want veth-server in netns t1-server",
			fix:    []string{"ip link set veth-server netns t1-server"}},
		{name: "peer in the host, as the bridge lesson wants",
			check: &LinkCheck{Netns: "client1", Name: "client1-veth", Kind: "veth", Peer: "client1-veth-br", PeerNetns: "host"},
			snap: snapshot.Snapshot{Namespaces: []snapshot.Netns{
				{Name: "t1-host", Links: []snapshot.Link{{Name: "client1-veth-br", Kind: "veth", Peer: "client1-veth", PeerNetns: "t1-client1"}}},
				{Name: "t1-client1", Links: []snapshot.Link{{Name: "client1-veth", Kind: "veth", Peer: "client1-veth-br", PeerNetns: "t1-host", State: "DOWN"}}},
			}},
			passed: true, detail: "client1-veth@client1-veth-br: state DOWN type veth peer-netns t1-host"},
		{name: "no master", check: &LinkCheck{Name: "client1-veth-br", Master: "bridge1", Up: &yes},
			snap: snapshot.Snapshot{Namespaces: []snapshot.Netns{
				{Name: "t1-host", Links: []snapshot.Link{{Name: "client1-veth-br", Kind: "veth", Flags: upFlags, State: "UP"}}}}},
			detail: "client1-veth-br in netns t1-host has no master, want master bridge1",
			fix:    []string{"ip link set client1-veth-br master bridge1"}},
		{name: "wrong master", check: &LinkCheck{Name: "client1-veth-br", Master: "bridge1", Up: &yes},
			snap: snapshot.Snapshot{Namespaces: []snapshot.Netns{
				{Name: "t1-host", Links: []snapshot.Link{{Name: "client1-veth-br", Kind: "veth", Master: "docker0", Flags: upFlags, State: "UP"}}}}},
			detail: "client1-veth-br in netns t1-host has master docker0, want master bridge1",
			fix:    []string{"ip link set client1-veth-br master bridge1"}},
		{name: "port in place", check: &LinkCheck{Name: "client1-veth-br", Master: "bridge1", Up: &yes},
			snap: snapshot.Snapshot{Namespaces: []snapshot.Netns{
				{Name: "t1-host", Links: []snapshot.Link{{Name: "client1-veth-br", Kind: "veth", Master: "bridge1", Flags: upFlags, State: "UP", Alias: "cnilab:t1"}}}}},
			passed: true, detail: "client1-veth-br: <UP,LOWER_UP> master bridge1 state UP type veth"},
		{name: "wrong mtu", check: &LinkCheck{Netns: "client", Name: "veth-client", MTU: 9000}, snap: snap,
			detail: "veth-client in netns t1-client has mtu 1500, want 9000",
			fix:    []string{"ip netns exec t1-client ip link set veth-client mtu 9000"}},
	})
}

func TestAddrCheckUnit(t *testing.T) {
	client := &AddrCheck{Netns: "client", Dev: "veth-client", Addr: "10.0.0.11/24"}
	snap := vethSnap()
	setAddrs := func(addrs ...snapshot.Addr) snapshot.Snapshot {
		return edit(snap, "t1-client", func(n *snapshot.Netns) { n.Addrs = addrs })
	}
	add := "ip netns exec t1-client ip addr add 10.0.0.11/24 dev veth-client"
	runChecks(t, []checkCase{
		{name: "address in place", check: client, snap: snap, passed: true, detail: "inet 10.0.0.11/24 dev veth-client"},
		{name: "wrong prefix length", check: client,
			snap:   setAddrs(snapshot.Addr{Dev: "veth-client", Prefix: "10.0.0.11/16"}),
			detail: "veth-client in netns t1-client has 10.0.0.11/16, want 10.0.0.11/24 (the prefix length decides which addresses are on the link)",
			fix:    []string{"ip netns exec t1-client ip addr del 10.0.0.11/16 dev veth-client", add}},
		{name: "right address among others", check: client,
			snap:   setAddrs(snapshot.Addr{Dev: "veth-client", Prefix: "10.0.0.99/24"}, snapshot.Addr{Dev: "veth-client", Prefix: "10.0.0.11/24"}),
			passed: true, detail: "inet 10.0.0.11/24 dev veth-client"},
		{name: "no address", check: client, snap: setAddrs(),
			detail: "veth-client in netns t1-client has no IPv4 address, want 10.0.0.11/24",
			fix:    []string{add}},
		{name: "the address is on another link", check: client,
			snap:   setAddrs(snapshot.Addr{Dev: "lo", Prefix: "10.0.0.11/24"}),
			detail: "veth-client in netns t1-client has no IPv4 address, want 10.0.0.11/24",
			fix:    []string{add}},
		{name: "other addresses", check: client,
			snap:   setAddrs(snapshot.Addr{Dev: "veth-client", Prefix: "10.0.0.99/24"}, snapshot.Addr{Dev: "veth-client", Prefix: "10.0.1.11/24"}),
			detail: "veth-client in netns t1-client has 10.0.0.99/24, 10.0.1.11/24, not 10.0.0.11/24",
			fix:    []string{add}},
		{name: "no link", check: client,
			snap:   edit(snap, "t1-client", func(n *snapshot.Netns) { n.Links = []snapshot.Link{lo()} }),
			detail: "netns t1-client has no link veth-client to hold 10.0.0.11/24"},
		{name: "no netns", check: client, snap: without(snap, "t1-client"),
			detail: "netns t1-client does not exist", fix: []string{"ip netns add t1-client"}},
		{name: "host address, wrong prefix", check: &AddrCheck{Dev: "bridge1", Addr: "172.30.0.1/24"},
			snap: snapshot.Snapshot{Namespaces: []snapshot.Netns{{Name: "t1-host",
				Links: []snapshot.Link{{Name: "bridge1", Kind: "bridge"}},
				Addrs: []snapshot.Addr{{Dev: "bridge1", Prefix: "172.30.0.1/16"}}}}},
			detail: "bridge1 in netns t1-host has 172.30.0.1/16, want 172.30.0.1/24 (the prefix length decides which addresses are on the link)",
			fix:    []string{"ip addr del 172.30.0.1/16 dev bridge1", "ip addr add 172.30.0.1/24 dev bridge1"}},
	})
}

func TestRouteCheckUnit(t *testing.T) {
	defaultVia := &RouteCheck{Netns: "client1", Dst: "default", Via: "172.30.0.1"}
	connected := snapshot.Route{Dst: "172.30.0.0/24", Dev: "client1-veth", Proto: "kernel", Scope: "link", Src: "172.30.0.11"}
	client1 := func(routes ...snapshot.Route) snapshot.Snapshot {
		return snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-host"},
			{Name: "t1-client1", Routes: append([]snapshot.Route{connected}, routes...)},
			{Name: "t1-world"},
		}}
	}
	world := func(routes ...snapshot.Route) snapshot.Snapshot {
		return snapshot.Snapshot{Namespaces: []snapshot.Netns{{Name: "t1-host"}, {Name: "t1-world", Routes: routes}}}
	}
	host := func(routes ...snapshot.Route) snapshot.Snapshot {
		return snapshot.Snapshot{Namespaces: []snapshot.Netns{{Name: "t1-host", Routes: routes}}}
	}
	addDefault := "ip netns exec t1-client1 ip route add default via 172.30.0.1"
	absent := &RouteCheck{Netns: "world", Dst: "172.30.0.0/24", Absent: true}
	runChecks(t, []checkCase{
		{name: "default route in place", check: defaultVia,
			snap:   client1(snapshot.Route{Dst: "default", Via: "172.30.0.1", Dev: "client1-veth"}),
			passed: true, detail: "default via 172.30.0.1 dev client1-veth"},
		{name: "missing default", check: defaultVia, snap: client1(),
			detail: "netns t1-client1 has no default route", fix: []string{addDefault}},
		{name: "wrong via", check: defaultVia,
			snap:   client1(snapshot.Route{Dst: "default", Via: "172.30.0.254", Dev: "client1-veth"}),
			detail: `netns t1-client1 has "default via 172.30.0.254 dev client1-veth", want default via 172.30.0.1`,
			fix:    []string{"ip netns exec t1-client1 ip route del default", addDefault}},
		{name: "missing route to a network", check: &RouteCheck{Netns: "client1", Dst: "10.1.0.0/24", Via: "172.30.0.1"}, snap: client1(),
			detail: "netns t1-client1 has no route to 10.1.0.0/24",
			fix:    []string{"ip netns exec t1-client1 ip route add 10.1.0.0/24 via 172.30.0.1"}},
		{name: "connected route by dev", check: &RouteCheck{Netns: "client1", Dst: "172.30.0.0/24", Dev: "client1-veth"}, snap: client1(),
			passed: true, detail: "172.30.0.0/24 dev client1-veth proto kernel scope link src 172.30.0.11"},
		{name: "absent and present", check: absent,
			snap:   world(snapshot.Route{Dst: "172.30.0.0/24", Via: "172.17.0.33", Dev: "eth0", Proto: "boot"}),
			detail: `netns t1-world has the route "172.30.0.0/24 via 172.17.0.33 dev eth0"`,
			fix:    []string{"ip netns exec t1-world ip route del 172.30.0.0/24"}},
		{name: "absent and absent", check: absent,
			snap:   world(snapshot.Route{Dst: "172.17.0.0/24", Dev: "eth0", Proto: "kernel", Scope: "link", Src: "172.17.0.1"}),
			passed: true, detail: "no route to 172.30.0.0/24"},
		{name: "absent in the host", check: &RouteCheck{Dst: "10.9.0.0/16", Absent: true},
			snap:   host(snapshot.Route{Dst: "10.9.0.0/16", Dev: "eth0"}),
			detail: `netns t1-host has the route "10.9.0.0/16 dev eth0"`,
			fix:    []string{"ip route del 10.9.0.0/16"}},
		{name: "a /32 matches the bare address", check: &RouteCheck{Dst: "1.1.1.1/32", Via: "172.17.0.1"},
			snap:   host(snapshot.Route{Dst: "1.1.1.1", Via: "172.17.0.1", Dev: "eth0"}),
			passed: true, detail: "1.1.1.1 via 172.17.0.1 dev eth0"},
		{name: "a /32 absent but present", check: &RouteCheck{Dst: "1.1.1.1/32", Absent: true},
			snap:   host(snapshot.Route{Dst: "1.1.1.1", Via: "172.17.0.1", Dev: "eth0"}),
			detail: `netns t1-host has the route "1.1.1.1 via 172.17.0.1 dev eth0"`,
			fix:    []string{"ip route del 1.1.1.1/32"}},
		{name: "a /32 is not its /24", check: &RouteCheck{Dst: "1.1.1.1/32", Via: "172.17.0.1"},
			snap:   host(snapshot.Route{Dst: "1.1.1.0/24", Via: "172.17.0.1", Dev: "eth0"}),
			detail: "netns t1-host has no route to 1.1.1.1/32",
			fix:    []string{"ip route add 1.1.1.1/32 via 172.17.0.1"}},
		{name: "no netns", check: defaultVia, snap: world(),
			detail: "netns t1-client1 does not exist", fix: []string{"ip netns add t1-client1"}},
	})
}

func TestNetnsCheckUnit(t *testing.T) {
	snap := vethSnap()
	runChecks(t, []checkCase{
		{name: "exists", check: &NetnsCheck{Name: "client"}, snap: snap, passed: true, detail: "netns t1-client exists"},
		{name: "the scope's world", check: &NetnsCheck{Name: "world"}, snap: snap, passed: true, detail: "netns t1-world exists"},
		{name: "missing", check: &NetnsCheck{Name: "client"}, snap: without(snap, "t1-client"),
			detail: "netns t1-client does not exist", fix: []string{"ip netns add t1-client"}},
		{name: "empty snapshot", check: &NetnsCheck{Name: "server"}, snap: snapshot.Snapshot{},
			detail: "netns t1-server does not exist", fix: []string{"ip netns add t1-server"}},
	})
}

// The embedded lessons' structural checks all pass against the state the
// lesson builds (written by hand here for veth), and fail against the empty
// scope with a fix for each.
func TestVethVerifyStructuralUnit(t *testing.T) {
	c, err := LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	veth, _ := c.Get("veth")
	s := mustScope(t, "t1")
	done, empty := &Eval{Scope: s, Snap: vethSnap()}, &Eval{Scope: s, Snap: snapshot.Snapshot{}}
	n := 0
	for _, spec := range veth.Verify {
		if spec.Check.Behaviour() {
			continue
		}
		n++
		if o := spec.Check.Evaluate(done); !o.Passed {
			t.Errorf("%s fails on the finished lesson: %s", spec.ID, o.Detail)
		}
		o := spec.Check.Evaluate(empty)
		if o.Passed || !strings.HasSuffix(o.Detail, "does not exist") || len(o.Fix) == 0 {
			t.Errorf("%s on an empty scope = %+v, want a failure with a fix", spec.ID, o)
		}
	}
	if n != 7 {
		t.Errorf("veth has %d structural verify checks, the test expects 7", n)
	}
}

func TestDescribeUnit(t *testing.T) {
	s := mustScope(t, "t1")
	for _, tc := range []struct {
		check Check
		want  string
	}{
		{&NetnsCheck{Name: "client"}, "netns t1-client exists"},
		{&LinkCheck{Netns: "client", Name: "veth-client", Kind: "veth", Peer: "veth-server", PeerNetns: "server"},
			"veth-client in t1-client is a veth to veth-server in t1-server"},
		{&LinkCheck{Name: "client1-veth-br", Master: "bridge1", MTU: 1400, Up: &yes},
			"client1-veth-br in t1-host is a port of bridge1, has mtu 1400, is up"},
		{&LinkCheck{Netns: "server", Name: "veth-server"}, "veth-server in t1-server exists"},
		{&AddrCheck{Netns: "client", Dev: "veth-client", Addr: "10.0.0.11/24"}, "veth-client in t1-client has 10.0.0.11/24"},
		{&RouteCheck{Netns: "client1", Dst: "default", Via: "172.30.0.1"}, "t1-client1 routes default via 172.30.0.1"},
		{&RouteCheck{Dst: "10.0.0.0/24", Dev: "eth0"}, "t1-host routes 10.0.0.0/24 dev eth0"},
		{&RouteCheck{Netns: "world", Dst: "172.30.0.0/24", Absent: true}, "t1-world has no route to 172.30.0.0/24"},
		{&SysctlCheck{Key: "net.ipv4.ip_forward", Value: "1"}, "t1-host has net.ipv4.ip_forward = 1"},
		{&ReachCheck{proto: "icmp", From: "client", To: "10.0.0.12"}, "t1-client pings 10.0.0.12"},
		{&ReachCheck{proto: "icmp", To: "172.17.0.1"}, "t1-host pings 172.17.0.1"},
		{&ReachCheck{proto: "icmp", From: "client1", To: "172.17.0.33", Expect: "fail", Reason: "network is unreachable"},
			"t1-client1 cannot reach 172.17.0.33 (network is unreachable)"},
		{&ReachCheck{proto: "icmp", From: "client1", To: "172.17.0.1", Expect: "fail"}, "t1-client1 cannot reach 172.17.0.1"},
		{&ReachCheck{proto: "tcp", From: "world", To: "172.17.0.33:80"}, "t1-world connects to 172.17.0.33:80"},
		{&ReachCheck{proto: "tcp", From: "world", To: "172.17.0.33:80", Expect: "fail", Reason: "connection refused"},
			"t1-world cannot connect to 172.17.0.33:80 (connection refused)"},
	} {
		if got := tc.check.Describe(s); got != tc.want {
			t.Errorf("%T%+v.Describe = %q, want %q", tc.check, tc.check, got, tc.want)
		}
	}
	if !(&ReachCheck{proto: "icmp"}).Behaviour() {
		t.Error("a ping check is not a behaviour check")
	}
	for _, c := range []Check{&NetnsCheck{}, &LinkCheck{}, &AddrCheck{}, &RouteCheck{}, &SysctlCheck{}} {
		if c.Behaviour() {
			t.Errorf("%T is a behaviour check", c)
		}
	}
}

// result turns an Outcome into what verify prints: the title rendered for
// the scope (or the check's description), and on failure the lesson's hint
// or else the fix commands.
func TestResultUnit(t *testing.T) {
	s := mustScope(t, "t1")
	l := &Lesson{ID: "x"}
	link := &LinkCheck{Netns: "server", Name: "veth-server", Up: &yes}
	failed := Outcome{Detail: "veth-server in netns t1-server is down", Fix: []string{"a", "b"}}
	for _, tc := range []struct {
		name string
		spec CheckSpec
		o    Outcome
		want CheckResult
	}{
		{"passed, default title", CheckSpec{ID: "up", Check: link}, Outcome{Passed: true, Detail: "ok"},
			CheckResult{ID: "up", Title: "veth-server in t1-server is up", Passed: true, Detail: "ok"}},
		{"failed, fix as hint", CheckSpec{ID: "up", Check: link}, failed,
			CheckResult{ID: "up", Title: "veth-server in t1-server is up", Detail: failed.Detail, Hint: "run: a && b"}},
		{"failed, lesson hint wins", CheckSpec{ID: "up", Check: link, Title: `{{ns "server"}}'s end is up`, Hint: `look in {{ns "server"}}`}, failed,
			CheckResult{ID: "up", Title: "t1-server's end is up", Detail: failed.Detail, Hint: "look in t1-server"}},
		{"failed, no fix, no hint", CheckSpec{ID: "p", Check: &ReachCheck{proto: "icmp", To: "10.0.0.1"}}, Outcome{Detail: "timeout"},
			CheckResult{ID: "p", Title: "t1-host pings 10.0.0.1", Detail: "timeout"}},
		{"passed, hint not shown", CheckSpec{ID: "up", Check: link, Hint: "never"}, Outcome{Passed: true},
			CheckResult{ID: "up", Title: "veth-server in t1-server is up", Passed: true}},
	} {
		templated := strings.Contains(tc.spec.Title+tc.spec.Hint, "{{")
		env := func() map[string]string {
			if !templated {
				t.Errorf("%s: the task's values were read for a text without a template", tc.name)
			}
			return l.envMap(s)
		}
		if got := result(s, tc.spec, tc.o, env); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}

// Verify itself is not unit-tested: it grades through grade, which takes a
// kernel snapshot and sends pings. Its ordering (behaviour checks first, a
// failed one explained by the first failed structural check) is covered by
// the lesson self-tests, which run as root.

func TestLessonTextUnit(t *testing.T) {
	l := &Lesson{ID: "x", Env: map[string]string{"GW": "172.30.0.1", "HOST_IP": "10.9.9.9"}}
	s := mustScope(t, "t1")
	for _, tc := range []struct{ in, want string }{
		{"plain text, {not a template}", "plain text, {not a template}"},
		{`{{ns "client"}} and {{ns "host"}} and {{ns "world"}}`, "t1-client and t1-host and t1-world"},
		{`{{env "GW"}} {{env "HOST_IP"}} {{env "LAB_SCOPE"}} {{env "LAB_HOST"}} {{env "LAB_WORLD"}} [{{env "NONE"}}]`,
			"172.30.0.1 10.9.9.9 t1 t1-host t1-world []"},
		{`{{ns "client"`, `{{ns "client"`},             // does not parse: shown as written
		{`{{template "nope"}}`, `{{template "nope"}}`}, // fails to run: shown as written
	} {
		if got := l.Text(s, tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := l.Text(mustScope(t, netops.DefaultScope), `{{ns "client"}} in {{ns "host"}}`); got != "client in lab-host" {
		t.Errorf("Text in scope lab = %q", got)
	}
	var keys []string
	for _, kv := range l.EnvVars(s) {
		keys = append(keys, kv[0])
	}
	sameStrings(t, "EnvVars keys", keys, []string{"CNI_PATH", "GW", "HOST_IP", "LAB_HOST", "LAB_NETD", "LAB_SCOPE", "LAB_WORLD"})
}

func TestGlobMatchUnit(t *testing.T) {
	line := "IP 172.17.0.1.40044 > 172.18.0.3.80: Flags [S], seq 1, length 0"
	for _, c := range []struct {
		pat  string
		want bool
	}{
		{"IP 172.17.0.1.* > 172.18.0.3.80: Flags [S]", true},
		{"> 172.18.0.3.80: Flags [S]", true},
		{"IP 172.18.0.1.* > 172.18.0.3.80: Flags [S]", false},
		{"Flags [S]*IP 172.17.0.1", false}, // order matters
		{"*", true},
	} {
		if got := globMatch(line, c.pat); got != c.want {
			t.Errorf("globMatch(%q) = %v, want %v", c.pat, got, c.want)
		}
	}
}
