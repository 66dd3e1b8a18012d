package netops

import (
	"fmt"
	"os"
)

// The values of the sandbox every lesson starts from (DESIGN.md, article 001):
// the host's uplink eth0 is HOST_IP, the world's end is its gateway, and the
// world has no route to anything real.
const (
	HostIP     = "172.17.0.33"
	HostPrefix = HostIP + "/24"
	WorldIP    = "172.17.0.1"
	WorldCIDR  = WorldIP + "/24"
	Uplink     = "eth0"
)

var up = true

// BaseOps build the scope's host and world: the namespaces, the uplink
// cable, its addresses, the host's default route, and explicit forwarding
// off (new namespaces inherit defaults from the machine's own, so nothing a
// lesson depends on is left to inheritance).
func BaseOps() []Op {
	return []Op{
		NetnsAdd{Name: HostNetns},
		NetnsAdd{Name: WorldNetns},
		LinkSet{Netns: HostNetns, Name: "lo", Up: &up},
		LinkSet{Netns: WorldNetns, Name: "lo", Up: &up},
		VethAdd{Name: Uplink, Netns: HostNetns, Peer: Uplink, PeerNetns: WorldNetns},
		AddrAdd{Netns: HostNetns, Dev: Uplink, Addr: HostPrefix},
		AddrAdd{Netns: WorldNetns, Dev: Uplink, Addr: WorldCIDR},
		LinkSet{Netns: HostNetns, Name: Uplink, Up: &up},
		LinkSet{Netns: WorldNetns, Name: Uplink, Up: &up},
		RouteAdd{Netns: HostNetns, Dst: "default", Via: WorldIP},
		Sysctl{Netns: HostNetns, Key: "net.ipv4.ip_forward", Value: "0"},
		Sysctl{Netns: WorldNetns, Key: "net.ipv4.ip_forward", Value: "0"},
	}
}

// EnsureBase creates the host and world of the scope when they are missing.
func (s *Scope) EnsureBase() error {
	for _, op := range BaseOps() {
		if _, err := op.Apply(s); err != nil {
			return err
		}
	}
	// The config dir ($LAB_NETD) exists for the learner's own configs.
	if err := os.MkdirAll(s.ConfDir(), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", s.ConfDir(), err)
	}
	return s.linkPlugins()
}
