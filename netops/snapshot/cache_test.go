package snapshot

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/ns"
)

// A snapshot through the cache must equal one read afresh after every kind
// of change a diff shows, each made the way a learner makes it: a cached
// namespace that changed without the cache hearing it would show a stale
// diff, and no test of a lesson would notice.
func TestCacheSeesEveryChange(t *testing.T) {
	nettest.NeedRoot(t)
	a, b := nettest.Scratch(t, "snapcache", "a"), nettest.Scratch(t, "snapcache", "b")
	nettest.VethPair(t, a, "cache-a", b, "cache-b")
	nettest.AddrUp(t, a, "cache-a", "10.98.0.1/24")
	nettest.AddrUp(t, b, "cache-b", "10.98.0.2/24")
	run(t, "ip", "-n", a, "link", "add", "cache-br", "type", "bridge")
	run(t, "ip", "-n", a, "link", "add", "cache-d", "master", "cache-br", "type", "veth", "peer", "name", "cache-e")
	names := []string{a, b}

	changes := []struct {
		what string
		cmd  []string
	}{
		{"a link", []string{"ip", "-n", a, "link", "add", "cache-x", "type", "veth", "peer", "name", "cache-y"}},
		{"a link's state", []string{"ip", "-n", b, "link", "set", "cache-b", "down"}},
		{"an address", []string{"ip", "-n", a, "addr", "add", "10.97.0.1/24", "dev", "cache-a"}},
		{"a route", []string{"ip", "-n", a, "route", "add", "10.96.0.0/24", "via", "10.98.0.2"}},
		{"a neighbour", []string{"ip", "-n", a, "neigh", "add", "10.98.0.9", "lladdr", "02:00:00:00:00:09", "dev", "cache-a"}},
		{"ip_forward", []string{"ip", "netns", "exec", a, "sysctl", "-qw", "net.ipv4.ip_forward=1"}},
		{"rp_filter", []string{"ip", "netns", "exec", a, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1"}},
		{"an nftables rule", []string{"ip", "netns", "exec", a, "nft", "add table ip cache; add chain ip cache c { type filter hook forward priority 0; }; add rule ip cache c ip saddr 10.0.0.0/8 accept"}},
		{"an iptables-nft rule", []string{"ip", "netns", "exec", b, "iptables-nft", "-A", "FORWARD", "-s", "10.1.0.0/16", "-j", "ACCEPT"}},
		{"a bridge fdb entry", []string{"bridge", "-n", a, "fdb", "add", "02:00:00:00:00:0a", "dev", "cache-d", "master", "static"}},
		{"a bridge port", []string{"ip", "-n", a, "link", "set", "cache-x", "master", "cache-br"}},
		{"a bridge-nf sysctl (no notification)", []string{"ip", "netns", "exec", b, "sh", "-c", "[ ! -e /proc/sys/net/bridge ] || sysctl -qw net.bridge.bridge-nf-call-iptables=0"}},
		{"a legacy iptables rule (no notification)", []string{"ip", "netns", "exec", b, "sh", "-c", "! command -v iptables-legacy >/dev/null || iptables-legacy -A INPUT -s 10.2.0.0/16 -j DROP"}},
		{"the namespace a veth's peer is in", []string{"ip", "-n", b, "link", "set", "cache-b", "netns", a}},
	}
	for _, c := range changes {
		before, err := TakeFull(names)
		if err != nil {
			t.Fatal(err)
		}
		run(t, c.cmd...)
		cached, err := TakeFull(names)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			forget(n)
		}
		fresh, err := TakeFull(names)
		if err != nil {
			t.Fatal(err)
		}
		if d := Compare(cached, fresh); !d.Empty() {
			t.Errorf("after %s, the cached snapshot differs from a fresh one:\n%s", c.what, render(d))
		}
		if strings.Contains(c.what, "no notification") && !hasTool(c.cmd) {
			continue
		}
		if Compare(before, cached).Empty() {
			t.Errorf("after %s, the cached snapshot shows no change", c.what)
		}
	}
}

// A name given to a new namespace is a new namespace to the cache.
func TestCacheNewNamespaceSameName(t *testing.T) {
	nettest.NeedRoot(t)
	a := nettest.Scratch(t, "snapcache", "renew")
	run(t, "ip", "-n", a, "link", "add", "cache-old", "type", "bridge")
	if _, err := TakeFull([]string{a}); err != nil {
		t.Fatal(err)
	}
	if err := ns.Delete(a); err != nil {
		t.Fatal(err)
	}
	if err := ns.Create(a); err != nil {
		t.Fatal(err)
	}
	snap, err := TakeFull([]string{a})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := snap.Find(a)
	if _, ok := n.Link("cache-old"); ok {
		t.Errorf("the new namespace %s shows the old one's link cache-old: %+v", a, n.Links)
	}
}

func run(t *testing.T, argv ...string) {
	t.Helper()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(argv, " "), err, out)
	}
}

// hasTool reports whether a guarded command's tool (sh -c "... || TOOL")
// and its kernel support are there, so that the change really happened.
func hasTool(cmd []string) bool {
	script := cmd[len(cmd)-1]
	switch {
	case strings.Contains(script, "iptables-legacy"):
		_, err := exec.LookPath("iptables-legacy")
		return err == nil
	case strings.Contains(script, "/proc/sys/net/bridge"):
		return exec.Command("test", "-e", "/proc/sys/net/bridge").Run() == nil
	}
	return true
}

func render(d Diff) string {
	var b strings.Builder
	d.Render(&b, false)
	return b.String()
}
