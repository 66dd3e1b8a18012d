package snapshot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/nft"
)

func TestTakeAllKernel(t *testing.T) {
	nettest.NeedRoot(t)
	a, b := nettest.Scratch(t, "snaptest", "a"), nettest.Scratch(t, "snaptest", "b")
	missing := fmt.Sprintf("snaptest-none-%d", os.Getpid())
	nettest.VethPair(t, a, "snap-a", b, "snap-b")
	nettest.AddrUp(t, a, "snap-a", "10.99.0.1/24")
	nettest.AddrUp(t, b, "snap-b", "10.99.0.2/24")

	before, err := TakeAll([]string{a, missing, b})
	if err != nil {
		t.Fatalf("TakeAll: %v", err)
	}
	if got := names(before); !slices.Equal(got, []string{a, b}) {
		t.Fatalf("namespaces = %v, want [%s %s] (missing one skipped)", got, a, b)
	}

	for _, c := range []struct{ netns, dev, peer, peerNetns, cidr, src string }{
		{a, "snap-a", "snap-b", b, "10.99.0.1/24", "10.99.0.1"},
		{b, "snap-b", "snap-a", a, "10.99.0.2/24", "10.99.0.2"},
	} {
		n, _ := before.Find(c.netns)
		l, ok := n.Link(c.dev)
		if !ok {
			t.Fatalf("%s: link %s missing: %+v", c.netns, c.dev, n.Links)
		}
		if l.Kind != "veth" || l.Peer != c.peer || l.PeerNetns != c.peerNetns {
			t.Errorf("%s: %s kind/peer/peer-netns = %q/%q/%q, want veth/%q/%q",
				c.netns, c.dev, l.Kind, l.Peer, l.PeerNetns, c.peer, c.peerNetns)
		}
		if !slices.Contains(l.Flags, "UP") {
			t.Errorf("%s: %s flags %v lack UP", c.netns, c.dev, l.Flags)
		}
		if got := n.AddrsOf(c.dev); !slices.Equal(got, []string{c.cidr}) {
			t.Errorf("%s: addrs of %s = %v, want [%s]", c.netns, c.dev, got, c.cidr)
		}
		kernelRoute := Route{Dst: "10.99.0.0/24", Dev: c.dev, Proto: "kernel", Scope: "link", Src: c.src}
		if !slices.Contains(n.Routes, kernelRoute) {
			t.Errorf("%s: routes %+v lack %q", c.netns, n.Routes, kernelRoute.Line())
		}
		if _, ok := n.Link("lo"); !ok {
			t.Errorf("%s: lo missing", c.netns)
		}
	}

	// Alone, a namespace cannot name what lies in another one.
	one, err := Take(a)
	if err != nil {
		t.Fatalf("Take: %v", err)
	}
	if l, _ := one.Link("snap-a"); l.Peer != "" || l.PeerNetns != "" {
		t.Errorf("Take(a): peer %q in %q, want both empty", l.Peer, l.PeerNetns)
	}
	if _, err := Take(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Take(missing) error = %v, want fs.ErrNotExist", err)
	}

	// `ip -n b link set snap-b down`
	nettest.SetState(t, b, "snap-b", false)
	after, err := TakeAll([]string{a, b})
	if err != nil {
		t.Fatalf("TakeAll after: %v", err)
	}
	d := Compare(before, after)
	var linkB []Change
	routeGone := false
	for _, c := range d.Changes {
		if c.Netns == b && c.Kind == "link" {
			linkB = append(linkB, c)
		}
		if c.Netns == b && c.Kind == "route" && c.Sign == '-' && strings.HasPrefix(c.Line, "10.99.0.0/24 dev snap-b") {
			routeGone = true
		}
	}
	// Operstate (and so RUNNING, NO-CARRIER) is updated asynchronously by
	// the kernel, so compare against the recorded lines, not literals.
	nb, _ := before.Find(b)
	na, _ := after.Find(b)
	oldB, _ := nb.Link("snap-b")
	newB, _ := na.Link("snap-b")
	if slices.Contains(newB.Flags, "UP") {
		t.Errorf("snap-b flags after down = %v, still UP", newB.Flags)
	}
	want := []Change{
		{Netns: b, Sign: '-', Kind: "link", Line: oldB.Line()},
		{Netns: b, Sign: '+', Kind: "link", Line: newB.Line()},
	}
	if !slices.Equal(linkB, want) {
		t.Errorf("link changes in %s:\n got  %s\n want %s", b, fmtChanges(linkB), fmtChanges(want))
	}
	if !routeGone {
		t.Errorf("no '-' for the kernel route of the downed link in %s", fmtChanges(d.Changes))
	}

	// `nft add rule ip cnilab postrouting ip saddr 10.99.0.0/24 oifname "snap-a" masquerade` in a
	rule := nft.Masquerade{Netns: a, Table: "snaptest", Src: "10.99.0.0/24", OutIface: "snap-a"}
	if err := rule.Apply(); err != nil {
		t.Fatal(err)
	}
	withRule, err := TakeFull([]string{a, b})
	if err != nil {
		t.Fatalf("TakeAll with a rule: %v", err)
	}
	wantRule := Change{Netns: a, Sign: '+', Kind: "rule",
		Line: `table ip snaptest chain postrouting: ip saddr 10.99.0.0/24 oifname "snap-a" masquerade`}
	// Only the rules: snap-a's carrier follows its peer's down a moment
	// later (the kernel's link-watch work), which is not this test's point.
	var rules []Change
	for _, c := range Compare(after, withRule).Changes {
		if c.Kind == "rule" {
			rules = append(rules, c)
		}
	}
	if !slices.Equal(rules, []Change{wantRule}) {
		t.Errorf("after a masquerade rule:\n got  %s\n want %s", fmtChanges(rules), fmtChanges([]Change{wantRule}))
	}
}

func names(s Snapshot) []string {
	var out []string
	for _, n := range s.Namespaces {
		out = append(out, n.Name)
	}
	return out
}
