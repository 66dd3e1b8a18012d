// Package probe answers "can this namespace reach that address?" from inside
// lab itself: it sends ICMP echo requests from a raw socket opened in a named
// network namespace, with no ping process per probe.
package probe

import (
	"fmt"
	"net/netip"
	"time"
)

// DefaultTimeout is how long Ping waits when given no timeout: a veth or a
// bridge inside one machine answers in well under a millisecond, so 300ms
// means "nothing is coming back" without keeping a learner waiting.
const DefaultTimeout = 300 * time.Millisecond

// PingResult is the outcome of one Ping, ready to print or to encode as JSON.
type PingResult struct {
	From   string        `json:"from"`   // netns name
	To     string        `json:"to"`     // destination IP
	OK     bool          `json:"ok"`     // an echo reply came back
	RTT    time.Duration `json:"rtt"`    // when OK: from the send of the answered request
	TTL    int           `json:"ttl"`    // when OK: TTL of the reply, 64 minus one per router
	Reason string        `json:"reason"` // when !OK: why, in plain lowercase words
}

// String renders the result as a one-line answer, e.g.
// "reply from 10.0.0.12 in 0.06ms ttl 64" or "no reply: network is unreachable".
func (r PingResult) String() string {
	if r.OK {
		ms := float64(r.RTT) / float64(time.Millisecond)
		return fmt.Sprintf("reply from %s in %.2fms ttl %d", r.To, ms, r.TTL)
	}
	if r.Reason == "" || isTimeout(r.Reason) {
		// "no reply: no reply in 300ms" would say it twice.
		return r.Reason
	}
	return "no reply: " + r.Reason
}

// Ping sends up to three ICMP echo requests from the named namespace to dst,
// one per third of timeout while none is answered, and reports the first
// matching echo reply or ICMP error. A timeout <= 0 means DefaultTimeout.
// Only IPv4 destinations are supported.
//
// Equivalent to: `ip netns exec NETNS ping -c 1 -W 1 DST`
func Ping(netns string, dst netip.Addr, timeout time.Duration) PingResult {
	return PingSize(netns, dst, 0, timeout)
}

// PingSize is Ping with size bytes of echo data (0: ping's 56) and, for a
// size given, the don't-fragment bit, as `ping -M do -s SIZE`: a packet
// larger than the way's MTU is refused at once where the kernel knows it
// ("message too long"), or lost where a device drops it silently.
//
// Equivalent to: `ip netns exec NETNS ping -c 1 -W 1 -M do -s SIZE DST`
func PingSize(netns string, dst netip.Addr, size int, timeout time.Duration) PingResult {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dst = dst.Unmap()
	r := PingResult{From: netns, To: dst.String()}
	if !dst.Is4() {
		r.Reason = fmt.Sprintf("destination %q is not an ipv4 address", dst.String())
		return r
	}
	conn, err := openICMP(netns)
	if err != nil {
		r.Reason = err.Error()
		return r
	}
	defer conn.Close()
	if size > 0 {
		if err := dontFragment(conn); err != nil {
			r.Reason = fmt.Sprintf("set the don't-fragment bit in netns %q: %s", netns, lower(err))
			return r
		}
	}
	return exchange(conn, r, dst, size, timeout)
}
