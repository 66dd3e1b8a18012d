package probe

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// okTimeout is for pings expected to succeed. Right after a veth comes up the
// kernel sometimes drops the first ARP request and retries only after 1s
// (neigh retrans_time), so a success can honestly take just over a second.
const okTimeout = 2 * time.Second

var (
	ipA = netip.MustParseAddr("10.0.0.11")
	ipB = netip.MustParseAddr("10.0.0.12")
)

func TestPingAcrossVeth(t *testing.T) {
	needRoot(t)
	nsA, nsB := pair(t, "veth")
	for _, c := range []struct {
		from string
		to   netip.Addr
	}{{nsA, ipB}, {nsB, ipA}, {nsA, ipA}} {
		r := Ping(c.from, c.to, okTimeout)
		if !r.OK || r.RTT <= 0 || r.TTL != 64 {
			t.Errorf("Ping(%q, %s) = %+v, want OK with RTT > 0 and TTL 64", c.from, c.to, r)
		}
		if r.From != c.from || r.To != c.to.String() {
			t.Errorf("Ping(%q, %s) names %q -> %q", c.from, c.to, r.From, r.To)
		}
		t.Log(r)
	}
}

func TestPingNoRoute(t *testing.T) {
	needRoot(t)
	nsA, _ := pair(t, "noroute")
	// Nothing leaves: with only 10.0.0.0/24, sendto fails at once.
	r := Ping(nsA, netip.MustParseAddr("172.17.0.1"), DefaultTimeout)
	if r.OK || r.Reason != "network is unreachable" {
		t.Errorf("got %+v, want reason %q", r, "network is unreachable")
	}
	if got, want := r.String(), "no reply: network is unreachable"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestPingPeerDown(t *testing.T) {
	needRoot(t)
	nsA, nsB := pair(t, "down")
	setState(t, nsB, "b", false)
	r := Ping(nsA, ipB, DefaultTimeout)
	if r.OK || !strings.HasPrefix(r.Reason, "no reply in") {
		t.Errorf("got %+v, want a reason starting %q", r, "no reply in")
	}
	if got, want := r.String(), "no reply in 300ms"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestPingMissingNetns(t *testing.T) {
	name := fmt.Sprintf("probetest-missing-%d", os.Getpid())
	r := Ping(name, ipB, DefaultTimeout)
	want := fmt.Sprintf("netns %q does not exist", name)
	if r.OK || r.Reason != want {
		t.Errorf("got %+v, want reason %q", r, want)
	}
}

// TestPingConcurrent runs many Pings at once, both ways over one veth, as
// the grader does when it evaluates a lesson's checks in parallel: every
// raw socket sees every echo reply of its namespace, so each Ping must pick
// out its own.
func TestPingConcurrent(t *testing.T) {
	needRoot(t)
	nsA, nsB := pair(t, "many")
	type req struct {
		from string
		to   netip.Addr
	}
	reqs := make([]req, 20)
	for i := range reqs {
		if i%2 == 0 {
			reqs[i] = req{nsA, ipB}
		} else {
			reqs[i] = req{nsB, ipA}
		}
	}
	results := make([]PingResult, len(reqs))
	var wg sync.WaitGroup
	for i, q := range reqs {
		wg.Go(func() { results[i] = Ping(q.from, q.to, okTimeout) })
	}
	wg.Wait()
	for i, r := range results {
		if !r.OK || r.From != reqs[i].from || r.To != reqs[i].to.String() || r.TTL != 64 {
			t.Errorf("ping %d = %+v, want OK from %q to %s with TTL 64", i, r, reqs[i].from, reqs[i].to)
		}
	}
}

// TestPingThroughRouter builds a (10.0.1.2) — r (10.0.1.1 | 10.0.2.1) — b (10.0.2.2)
// with forwarding on in r only.
func TestPingThroughRouter(t *testing.T) {
	needRoot(t)
	nsA, nsR, nsB := scratchNS(t, "rt-a"), scratchNS(t, "rt-r"), scratchNS(t, "rt-b")
	vethPair(t, nsA, "a", nsR, "ra")
	vethPair(t, nsR, "rb", nsB, "b")
	addrUp(t, nsA, "a", "10.0.1.2/24")
	addrUp(t, nsR, "ra", "10.0.1.1/24")
	addrUp(t, nsR, "rb", "10.0.2.1/24")
	addrUp(t, nsB, "b", "10.0.2.2/24")
	enableForwarding(t, nsR)
	routeVia(t, nsA, "10.0.2.0/24", "10.0.1.1")
	dstB := netip.MustParseAddr("10.0.2.2")

	// The request reaches b, but b has no route back to 10.0.1.2 and drops
	// its reply without telling anyone.
	if r := Ping(nsA, dstB, DefaultTimeout); r.OK || !strings.HasPrefix(r.Reason, "no reply in") {
		t.Errorf("without a route back: got %+v, want a timeout", r)
	}

	// r has no route to 10.9.0.0/24 and, forwarding, answers with ICMP
	// destination net unreachable from its address toward a.
	routeVia(t, nsA, "10.9.0.0/24", "10.0.1.1")
	r := Ping(nsA, netip.MustParseAddr("10.9.0.1"), okTimeout)
	if want := "destination net unreachable (from 10.0.1.1)"; r.OK || r.Reason != want {
		t.Errorf("via a router without a route: got %+v, want reason %q", r, want)
	}
	t.Log(r)

	// With the route back, the reply crosses r once: TTL 64-1.
	routeVia(t, nsB, "10.0.1.0/24", "10.0.2.1")
	if r := Ping(nsA, dstB, okTimeout); !r.OK || r.TTL != 63 {
		t.Errorf("with a route back: got %+v, want OK with TTL 63", r)
	} else {
		t.Log(r)
	}
}

func TestPingRejectsIPv6(t *testing.T) {
	r := Ping("anything", netip.MustParseAddr("2001:db8::1"), 0)
	if r.OK || !strings.Contains(r.Reason, "not an ipv4 address") {
		t.Errorf("got %+v, want an ipv4-only reason", r)
	}
}

// A sized ping sets don't-fragment: what fits the link's MTU crosses, a
// larger one is refused at once with "message too long".
func TestPingSizeDontFragment(t *testing.T) {
	needRoot(t)
	nsA, _ := pair(t, "size")
	if out, err := exec.Command("ip", "-n", nsA, "link", "set", "dev", "a", "mtu", "1400").CombinedOutput(); err != nil {
		t.Fatalf("set mtu: %v\n%s", err, out)
	}
	if r := PingSize(nsA, ipB, 1372, okTimeout); !r.OK {
		t.Errorf("1372 bytes through MTU 1400: %+v, want a reply", r)
	}
	if r := PingSize(nsA, ipB, 1373, okTimeout); r.OK || r.Reason != "message too long" {
		t.Errorf("1373 bytes through MTU 1400: %+v, want %q", r, "message too long")
	}
}
