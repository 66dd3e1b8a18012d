package snapshot

import (
	"net"
	"slices"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func TestLinkLine(t *testing.T) {
	tests := []struct {
		name string
		link Link
		want string
	}{
		{
			name: "veth with peer in another netns, enslaved",
			link: Link{Name: "veth-client", Kind: "veth", Index: 7, MTU: 1500, Flags: []string{"UP", "LOWER_UP"},
				State: "UP", Master: "bridge1", Peer: "veth-server", PeerNetns: "server"},
			want: "veth-client@veth-server: <UP,LOWER_UP> mtu 1500 master bridge1 state UP type veth peer-netns server",
		},
		{
			name: "loopback: no type device",
			link: Link{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK", "UP", "LOWER_UP"}, State: "UNKNOWN"},
			want: "lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN",
		},
		{
			name: "down veth, peer in same netns",
			link: Link{Name: "a", Kind: "veth", MTU: 1500, State: "DOWN", Peer: "b"},
			want: "a@b: mtu 1500 state DOWN type veth",
		},
		{
			name: "veth with unknown peer has no @",
			link: Link{Name: "eth0", Kind: "veth", MTU: 1500, Flags: []string{"NO-CARRIER", "UP"}, State: "LOWERLAYERDOWN"},
			want: "eth0: <NO-CARRIER,UP> mtu 1500 state LOWERLAYERDOWN type veth",
		},
		{
			name: "peer only shown for veth",
			link: Link{Name: "br0", Kind: "bridge", MTU: 1500, State: "DOWN", Peer: "x", Alias: "lab bridge"},
			want: "br0: mtu 1500 state DOWN type bridge alias lab bridge",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.link.Line(); got != tt.want {
				t.Errorf("Line() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAddrLine(t *testing.T) {
	got := Addr{Dev: "veth-client", Prefix: "10.0.0.11/24"}.Line()
	if want := "inet 10.0.0.11/24 dev veth-client"; got != want {
		t.Errorf("Line() = %q, want %q", got, want)
	}
}

func TestRouteLine(t *testing.T) {
	tests := []struct {
		name  string
		route Route
		want  string
	}{
		{"default via gateway, proto boot hidden",
			Route{Dst: "default", Via: "172.30.0.1", Dev: "client1-veth", Proto: "boot"},
			"default via 172.30.0.1 dev client1-veth"},
		{"kernel connected route",
			Route{Dst: "10.0.0.0/24", Dev: "veth-client", Proto: "kernel", Scope: "link", Src: "10.0.0.11"},
			"10.0.0.0/24 dev veth-client proto kernel scope link src 10.0.0.11"},
		{"static with metric",
			Route{Dst: "10.1.0.0/16", Via: "10.0.0.1", Dev: "eth0", Proto: "static", Metric: 100},
			"10.1.0.0/16 via 10.0.0.1 dev eth0 proto static metric 100"},
		{"blackhole",
			Route{Dst: "10.9.0.0/16", Type: "blackhole", Proto: "boot"},
			"blackhole 10.9.0.0/16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.route.Line(); got != tt.want {
				t.Errorf("Line() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNeighLine(t *testing.T) {
	tests := []struct {
		neigh Neigh
		want  string
	}{
		{Neigh{IP: "10.0.0.12", Dev: "veth-client", MAC: "02:42:0a:00:00:0c", State: "REACHABLE"},
			"10.0.0.12 dev veth-client lladdr 02:42:0a:00:00:0c REACHABLE"},
		{Neigh{IP: "10.0.0.13", Dev: "veth-client", State: "FAILED"},
			"10.0.0.13 dev veth-client FAILED"},
	}
	for _, tt := range tests {
		if got := tt.neigh.Line(); got != tt.want {
			t.Errorf("Line() = %q, want %q", got, tt.want)
		}
	}
}

func TestConvert(t *testing.T) {
	t.Run("flags", func(t *testing.T) {
		tests := []struct {
			raw  uint32
			want []string
		}{
			{unix.IFF_UP | unix.IFF_RUNNING | unix.IFF_LOWER_UP | unix.IFF_BROADCAST, []string{"UP", "LOWER_UP"}},
			{unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING | unix.IFF_LOWER_UP, []string{"LOOPBACK", "UP", "LOWER_UP"}},
			{unix.IFF_UP | unix.IFF_BROADCAST, []string{"NO-CARRIER", "UP"}},
			{unix.IFF_BROADCAST | unix.IFF_MULTICAST, nil},
		}
		for _, tt := range tests {
			if got := linkFlags(tt.raw); !slices.Equal(got, tt.want) {
				t.Errorf("linkFlags(%#x) = %v, want %v", tt.raw, got, tt.want)
			}
		}
	})
	t.Run("route dst", func(t *testing.T) {
		_, n24, _ := net.ParseCIDR("10.0.0.0/24")
		_, n32, _ := net.ParseCIDR("10.0.0.5/32")
		_, n0, _ := net.ParseCIDR("0.0.0.0/0")
		for _, tt := range []struct {
			dst  *net.IPNet
			want string
		}{{nil, "default"}, {n0, "default"}, {n24, "10.0.0.0/24"}, {n32, "10.0.0.5"}} {
			if got := routeDst(tt.dst); got != tt.want {
				t.Errorf("routeDst(%v) = %q, want %q", tt.dst, got, tt.want)
			}
		}
	})
	t.Run("proto scope state", func(t *testing.T) {
		checks := []struct{ got, want string }{
			{routeProto(unix.RTPROT_KERNEL), "kernel"},
			{routeProto(unix.RTPROT_BOOT), "boot"},
			{routeProto(unix.RTPROT_STATIC), "static"},
			{routeScope(netlink.SCOPE_LINK), "link"},
			{routeScope(netlink.SCOPE_HOST), "host"},
			{routeScope(netlink.SCOPE_UNIVERSE), ""},
			{operState(netlink.OperLowerLayerDown), "LOWERLAYERDOWN"},
			{operState(netlink.OperUnknown), "UNKNOWN"},
			{neighState(netlink.NUD_REACHABLE), "REACHABLE"},
			{neighState(netlink.NUD_PERMANENT), "PERMANENT"},
		}
		for i, c := range checks {
			if c.got != c.want {
				t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
			}
		}
	})
	t.Run("neigh filter", func(t *testing.T) {
		ip := net.ParseIP("10.0.0.12")
		for _, tt := range []struct {
			state int
			want  bool
		}{{netlink.NUD_REACHABLE, true}, {netlink.NUD_PERMANENT, true}, {netlink.NUD_FAILED, true},
			{netlink.NUD_NOARP, false}, {netlink.NUD_NONE, false}} {
			if got := keepNeigh(netlink.Neigh{IP: ip, State: tt.state}); got != tt.want {
				t.Errorf("keepNeigh(state %#x) = %v, want %v", tt.state, got, tt.want)
			}
		}
	})
}
