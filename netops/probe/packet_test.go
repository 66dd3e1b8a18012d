package probe

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ipPacket builds an IPv4 header (no options) in front of payload.
func ipPacket(ttl byte, src, dst string, payload []byte) []byte {
	h := make([]byte, 20, 20+len(payload))
	h[0] = 0x45
	h[8] = ttl
	h[9] = protoICMP
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(h[12:16], s[:])
	copy(h[16:20], d[:])
	return append(h, payload...)
}

func echoMsg(typ byte, id uint16, seq uint16) []byte {
	return []byte{typ, 0, 0, 0, byte(id >> 8), byte(id), byte(seq >> 8), byte(seq)}
}

// icmpError wraps the first 28 bytes of orig in an ICMP error, as routers do.
func icmpError(typ, code byte, orig []byte) []byte {
	return append([]byte{typ, code, 0, 0, 0, 0, 0, 0}, orig[:28]...)
}

func TestMatch(t *testing.T) {
	dst := netip.MustParseAddr("10.0.0.12")
	const id = 0xbeef
	request := ipPacket(64, "10.0.0.11", "10.0.0.12", append(echoMsg(typeEcho, id, 2), payloadTag...))
	otherRequest := ipPacket(64, "10.0.0.11", "10.0.0.12", append(echoMsg(typeEcho, id+1, 2), payloadTag...))
	for _, c := range []struct {
		name string
		pkt  []byte
		ok   bool
		want answer
	}{
		{"our reply", ipPacket(63, "10.0.0.12", "10.0.0.11", echoMsg(typeEchoReply, id, 2)), true, answer{seq: 2, ttl: 63}},
		{"reply to another ping", ipPacket(64, "10.0.0.12", "10.0.0.11", echoMsg(typeEchoReply, id+1, 2)), false, answer{}},
		{"reply from another host", ipPacket(64, "10.0.0.13", "10.0.0.11", echoMsg(typeEchoReply, id, 2)), false, answer{}},
		{"reply to a seq not sent yet", ipPacket(64, "10.0.0.12", "10.0.0.11", echoMsg(typeEchoReply, id, 3)), false, answer{}},
		{"an echo request", ipPacket(64, "10.0.0.12", "10.0.0.11", echoMsg(typeEcho, id, 2)), false, answer{}},
		{"truncated", ipPacket(64, "10.0.0.12", "10.0.0.11", echoMsg(typeEchoReply, id, 2)[:6]), false, answer{}},
		{"net unreachable for us", ipPacket(64, "10.0.1.1", "10.0.0.11", icmpError(typeDstUnreach, 0, request)), true,
			answer{seq: 2, reason: "destination net unreachable (from 10.0.1.1)"}},
		{"host unreachable for us", ipPacket(64, "10.0.0.11", "10.0.0.11", icmpError(typeDstUnreach, 1, request)), true,
			answer{seq: 2, reason: "destination host unreachable (from 10.0.0.11)"}},
		{"ttl exceeded for us", ipPacket(64, "10.0.1.1", "10.0.0.11", icmpError(typeTimeExceeded, 0, request)), true,
			answer{seq: 2, reason: "ttl exceeded (from 10.0.1.1)"}},
		{"error for another ping", ipPacket(64, "10.0.1.1", "10.0.0.11", icmpError(typeDstUnreach, 0, otherRequest)), false, answer{}},
		{"error with a short quote", ipPacket(64, "10.0.1.1", "10.0.0.11", icmpError(typeDstUnreach, 0, request)[:30]), false, answer{}},
	} {
		got, ok := match(c.pkt, dst, id, 2)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: match = %+v, %v; want %+v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestSendReason(t *testing.T) {
	wrap := func(errno unix.Errno) error {
		return &net.OpError{Op: "write", Net: "ip4:icmp", Err: os.NewSyscallError("sendto", errno)}
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{wrap(unix.ENETUNREACH), "network is unreachable"},
		{wrap(unix.EHOSTUNREACH), "no route to host"},
		{wrap(unix.ENETDOWN), "network is down"},
		{wrap(unix.EPERM), "operation not permitted (a firewall rule rejected it)"},
		{wrap(unix.EMSGSIZE), "message too long"},
		{errors.New("Odd Failure"), "odd failure"},
	} {
		if got := sendReason(c.err); got != c.want {
			t.Errorf("sendReason(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		r    PingResult
		want string
	}{
		{PingResult{To: "10.0.0.12", OK: true, RTT: 60 * time.Microsecond, TTL: 64}, "reply from 10.0.0.12 in 0.06ms ttl 64"},
		{PingResult{To: "10.0.0.12", Reason: "network is unreachable"}, "no reply: network is unreachable"},
		{PingResult{To: "10.0.0.12", Reason: timeoutReason(DefaultTimeout)}, "no reply in 300ms"},
		{PingResult{To: "10.0.0.12", Reason: fmt.Sprintf("netns %q does not exist", "client")}, `no reply: netns "client" does not exist`},
	} {
		if got := c.r.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}
