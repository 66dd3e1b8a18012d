package snapshot

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/cnilab/lab/internal/nettest"
)

func sh(t *testing.T, netns, cmd string) {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "exec", netns, "sh", "-c", cmd).CombinedOutput(); err != nil {
		t.Fatalf("%s in %s: %v\n%s", cmd, netns, err, out)
	}
}

// A full snapshot reads what a bridge learnt from a ping (one MAC behind
// each port, not the ports' own) and the sysctls; a NATWatch hears the
// translation a masquerade made, in conntrack's words; and the diff of a
// ping shows both, without timers.
func TestFullSnapshotAndNATWatch(t *testing.T) {
	nettest.NeedRoot(t)
	br := nettest.Scratch(t, "fulltest", "br")
	x := nettest.Scratch(t, "fulltest", "x")
	y := nettest.Scratch(t, "fulltest", "y")
	nettest.VethPair(t, x, "fx", br, "fx-br")
	nettest.VethPair(t, y, "fy", br, "fy-br")
	sh(t, br, "ip link add br0 type bridge && ip link set fx-br master br0 && ip link set fy-br master br0 && "+
		"ip link set fx-br up && ip link set fy-br up && ip addr add 10.98.0.1/24 dev br0 && ip link set br0 up && "+
		"sysctl -qw net.ipv4.ip_forward=1 && iptables -t nat -A POSTROUTING -s 10.98.0.2 -j MASQUERADE")
	nettest.AddrUp(t, x, "fx", "10.98.0.2/24")
	nettest.AddrUp(t, y, "fy", "10.98.0.3/24")
	names := []string{br, x, y}

	before, err := TakeFull(names)
	if err != nil {
		t.Fatal(err)
	}
	nat := WatchNAT(names)
	sh(t, x, "ping -c 1 -W 2 10.98.0.3 && ping -c 1 -W 2 10.98.0.1")
	heard := nat.Close()
	after, err := TakeFull(names)
	if err != nil {
		t.Fatal(err)
	}

	n, _ := after.Find(br)
	if len(n.FDB) != 2 || n.FDB[0].Master != "br0" || !slices.ContainsFunc(n.FDB, func(f FDB) bool { return f.Dev == "fx-br" }) {
		t.Errorf("fdb after a ping: %+v, want one MAC behind fx-br and one behind fy-br", n.FDB)
	}
	if !slices.Contains(n.Sysctls, Sysctl{"net.ipv4.ip_forward", "1"}) {
		t.Errorf("sysctls: %+v, want ip_forward = 1", n.Sysctls)
	}
	// The ping to the bridge's own address is not NATed (input, not
	// postrouting); bridged traffic between x and y passes POSTROUTING only
	// with br_netfilter, so its line is allowed, not required.
	want := "icmp src=10.98.0.2 dst=10.98.0.1 src=10.98.0.1 dst=10.98.0.2"
	for _, l := range heard[br] {
		if l == want {
			t.Errorf("NATWatch reported an untranslated flow: %s", l)
		}
	}

	// A masquerade on a routed path, heard as such.
	r := nettest.Scratch(t, "fulltest", "r")
	z := nettest.Scratch(t, "fulltest", "z")
	nettest.VethPair(t, x, "fxr", r, "fr-x")
	nettest.VethPair(t, r, "fr-z", z, "fz")
	nettest.AddrUp(t, x, "fxr", "10.97.1.2/24")
	nettest.AddrUp(t, r, "fr-x", "10.97.1.1/24")
	nettest.AddrUp(t, r, "fr-z", "10.97.2.1/24")
	nettest.AddrUp(t, z, "fz", "10.97.2.2/24")
	sh(t, x, "ip route add 10.97.2.0/24 via 10.97.1.1")
	sh(t, r, "sysctl -qw net.ipv4.ip_forward=1 && nft add table ip t && "+
		"nft add chain ip t post '{ type nat hook postrouting priority srcnat; }' && nft add rule ip t post oifname fr-z masquerade")
	nat = WatchNAT([]string{r, z})
	sh(t, x, "ping -c 1 -W 2 10.97.2.2")
	heard = nat.Close()
	if want := []string{"icmp src=10.97.1.2 dst=10.97.2.2 src=10.97.2.2 dst=10.97.2.1"}; !slices.Equal(heard[r], want) {
		t.Errorf("NATWatch in the router: %q, want %q", heard[r], want)
	}
	if len(heard[z]) != 0 {
		t.Errorf("NATWatch in the far end, which translates nothing: %q", heard[z])
	}

	d := Compare(before, after)
	var lines []string
	for _, c := range d.Changes {
		lines = append(lines, string(c.Sign)+" "+c.Kind+" "+c.Line)
	}
	text := strings.Join(lines, "\n")
	for _, must := range []string{"+ fdb ", " dev fx-br master br0", "+ neigh 10.98.0.3 dev fx lladdr "} {
		if !strings.Contains(text, must) {
			t.Errorf("the diff of a ping lacks %q:\n%s", must, text)
		}
	}
	if strings.Contains(text, "REACHABLE") || strings.Contains(text, "STALE") || strings.Contains(text, "DELAY") {
		t.Errorf("the diff shows a neighbour state:\n%s", text)
	}
}
