package netops

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/vishvananda/netlink"
)

// The once-a-second look sees rules, sysctls and files change, and not
// what traffic alone moves: a ping through a counted rule leaves the
// fingerprint as it was, so the checks' own probes never wake the watch.
func TestWatchFingerprint(t *testing.T) {
	nettest.NeedRoot(t)
	a := nettest.Scratch(t, "fpa", "watch")
	b := nettest.Scratch(t, "fpb", "watch")
	nettest.VethPair(t, a, "fp0", b, "fp1")
	nettest.AddrUp(t, a, "fp0", "10.99.0.1/24")
	nettest.AddrUp(t, b, "fp1", "10.99.0.2/24")
	dir := t.TempDir()
	sh := func(netns, cmd string) {
		t.Helper()
		if out, err := exec.Command("ip", "netns", "exec", netns, "sh", "-c", cmd).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
	}
	sh(a, "iptables -A OUTPUT -p icmp -j ACCEPT") // a rule with a counter
	fp := func() string { return fingerprint([]string{a, b}, []string{dir}) }
	before := fp()

	sh(a, "ping -c 2 -i 0.2 -W 1 10.99.0.2")
	if after := fp(); after != before {
		t.Errorf("a ping changed the fingerprint:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	for _, change := range []struct {
		what string
		do   func()
	}{
		{"an nft rule", func() { sh(b, "iptables -t nat -A POSTROUTING -s 10.99.0.0/24 -j MASQUERADE") }},
		{"a sysctl", func() { sh(b, "sysctl -qw net.ipv4.ip_forward=1") }},
		{"a file", func() {
			if err := os.WriteFile(filepath.Join(dir, "10-net.conf"), []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		change.do()
		if now := fp(); now == before {
			t.Errorf("%s changed, the fingerprint did not", change.what)
		} else {
			before = now
		}
	}
}

// A neighbour counts when someone set it, not when traffic taught it.
func TestTypedNeigh(t *testing.T) {
	for _, tc := range []struct {
		state int
		want  bool
	}{
		{netlink.NUD_PERMANENT, true},
		{netlink.NUD_NOARP, true},
		{netlink.NUD_REACHABLE, false},
		{netlink.NUD_STALE, false},
		{netlink.NUD_DELAY, false},
		{netlink.NUD_FAILED, false},
		{netlink.NUD_INCOMPLETE, false},
	} {
		u := netlink.NeighUpdate{Neigh: netlink.Neigh{State: tc.state}}
		if got := typedNeigh(u); got != tc.want {
			t.Errorf("state %#x: counts %v, want %v", tc.state, got, tc.want)
		}
	}
}
