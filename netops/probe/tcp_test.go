package probe

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestTCP(t *testing.T) {
	needRoot(t)
	client, _ := webPair(t, "tcp")

	r := TCP(client, webAddr, okTimeout)
	if !r.OK || r.RTT <= 0 || r.Reason != "" {
		t.Errorf("TCP(%q, %s) = %+v, want OK with RTT > 0", client, webAddr, r)
	}
	if r.From != client || r.To != "10.0.0.12:80" {
		t.Errorf("TCP(%q, %s) names %q -> %q", client, webAddr, r.From, r.To)
	}
	if !strings.HasPrefix(r.String(), "connected to 10.0.0.12:80 in ") {
		t.Errorf("String() = %q", r.String())
	}
	t.Log(r)

	closed := netip.MustParseAddrPort("10.0.0.12:81")
	r = TCP(client, closed, okTimeout)
	if r.OK || r.Reason != "connection refused" {
		t.Errorf("TCP(%q, %s) = %+v, want reason %q", client, closed, r, "connection refused")
	}
	if got, want := r.String(), "cannot connect to 10.0.0.12:81: connection refused"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}

	// Nobody has 10.0.0.99: ARP gets no answer, so no SYN ever leaves.
	nobody := netip.MustParseAddrPort("10.0.0.99:80")
	start := time.Now()
	r = TCP(client, nobody, DefaultTimeout)
	if want := "timed out after 300ms (no answer to SYN)"; r.OK || r.Reason != want {
		t.Errorf("TCP(%q, %s) = %+v, want reason %q", client, nobody, r, want)
	}
	t.Logf("%v (took %v)", r, time.Since(start))
}

func TestTCPNoRoute(t *testing.T) {
	needRoot(t)
	// A namespace with only lo has no route to 10.0.0.0/24: the connect
	// fails at once, before any packet.
	lone := scratchNS(t, "tcpnr")
	r := TCP(lone, webAddr, DefaultTimeout)
	if r.OK || r.Reason != "network is unreachable" {
		t.Errorf("TCP(%q, %s) = %+v, want reason %q", lone, webAddr, r, "network is unreachable")
	}
}

func TestTCPMissingNetns(t *testing.T) {
	name := fmt.Sprintf("probehttp-missing-%d", os.Getpid())
	r := TCP(name, webAddr, DefaultTimeout)
	want := fmt.Sprintf("netns %q does not exist", name)
	if r.OK || r.Reason != want {
		t.Errorf("got %+v, want reason %q", r, want)
	}
}

func TestTCPRejectsIPv6(t *testing.T) {
	r := TCP("anything", netip.MustParseAddrPort("[2001:db8::1]:80"), 0)
	if r.OK || !strings.Contains(r.Reason, "not an ipv4 address") {
		t.Errorf("got %+v, want an ipv4-only reason", r)
	}
}

func TestConnectReason(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{unix.ECONNREFUSED, "connection refused"},
		{unix.ECONNRESET, "connection reset by peer"},
		{unix.ENETUNREACH, "network is unreachable"},
		{unix.EHOSTUNREACH, "no route to host"},
		{fmt.Errorf("connect: %w", unix.EHOSTUNREACH), "no route to host"},
		{unix.EPERM, "operation not permitted (a firewall rule rejected it)"},
		{errors.New("Odd Error"), "odd error"},
	} {
		if got := connectReason(c.err); got != c.want {
			t.Errorf("connectReason(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if got, want := connectTimeoutReason(DefaultTimeout), "timed out after 300ms (no answer to SYN)"; got != want {
		t.Errorf("connectTimeoutReason = %q, want %q", got, want)
	}
}
