package probe

import (
	"fmt"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// TCPResult is the outcome of one TCP connect probe, ready to print or to
// encode as JSON.
type TCPResult struct {
	From   string        `json:"from"`   // netns name
	To     string        `json:"to"`     // destination IP:port, e.g. "172.17.0.33:80"
	OK     bool          `json:"ok"`     // the three-way handshake completed
	RTT    time.Duration `json:"rtt"`    // when OK: from connect(2) to connected
	Reason string        `json:"reason"` // when !OK: why, in plain lowercase words
}

// String renders the result as a one-line answer, e.g.
// "connected to 172.17.0.33:80 in 0.20ms" or
// "cannot connect to 172.17.0.33:80: connection refused".
func (r TCPResult) String() string {
	if r.OK {
		return fmt.Sprintf("connected to %s in %s", r.To, millis(r.RTT))
	}
	return fmt.Sprintf("cannot connect to %s: %s", r.To, r.Reason)
}

// TCP opens a TCP connection from the named namespace to dst and closes it
// as soon as the handshake completes, sending no data: it answers "does
// anything listen there, and can this namespace reach it?". A timeout <= 0
// means DefaultTimeout. Only IPv4 destinations are supported.
//
// Equivalent to: `ip netns exec NETNS nc -z -w 1 IP PORT`
func TCP(netns string, dst netip.AddrPort, timeout time.Duration) TCPResult {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dst = netip.AddrPortFrom(dst.Addr().Unmap(), dst.Port())
	r := TCPResult{From: netns, To: dst.String()}
	if !dst.Addr().Is4() {
		r.Reason = fmt.Sprintf("destination %q is not an ipv4 address", dst.Addr().String())
		return r
	}
	fd, rtt, reason := dial(netns, dst, timeout)
	if reason != "" {
		r.Reason = reason
		return r
	}
	unix.Close(fd)
	r.OK = true
	r.RTT = rtt
	return r
}

// millis renders a duration as PingResult.String does: milliseconds, two
// decimals, because on one machine everything is well under one.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}
