package probe

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
)

// attempts is how many echo requests one Ping may send: a single lost packet
// (an ARP reply still on its way, a queue full) should not read as "down".
const attempts = 3

// payloadLen and payloadTag shape the echo data: 56 bytes like ping, so a
// learner's tcpdump shows the familiar "length 64", starting with a tag that
// says who sent it.
const (
	payloadLen = 56
	payloadTag = "cnilab probe"
)

// lastEchoID is the only mutable package state. Every raw ICMP socket in a
// namespace sees every reply, so each Ping needs its own echo id; a counter
// keeps them distinct within this process and a random start makes a clash
// with another lab process pinging the same namespace unlikely.
var lastEchoID = func() *atomic.Uint32 {
	var c atomic.Uint32
	c.Store(rand.Uint32())
	return &c
}()

func nextEchoID() uint16 { return uint16(lastEchoID.Add(1)) }

// exchange sends echo requests to dst on conn and waits for the first packet
// that answers one of them, until timeout has passed since the first send.
//
// Equivalent to: `ping -c 1 -W 1 DST` once its socket is open.
func exchange(conn *net.IPConn, r PingResult, dst netip.Addr, size int, timeout time.Duration) PingResult {
	id := nextEchoID()
	to := &net.IPAddr{IP: dst.AsSlice()}
	interval := timeout / attempts
	deadline := time.Now().Add(timeout)
	var sent [attempts]time.Time // sent[i] is when seq i+1 left
	n := 0
	buf := make([]byte, 65536)
	for {
		now := time.Now()
		// The first request always goes, however late this goroutine ran:
		// a loaded machine may pass a short deadline before the loop starts.
		if n == 0 || n < attempts && now.Before(deadline) && now.Sub(sent[n-1]) >= interval {
			msg, err := echoRequest(id, n+1, size)
			if err != nil {
				r.Reason = fmt.Sprintf("build echo request to %s: %s", dst, lower(err))
				return r
			}
			sent[n] = time.Now()
			if _, err := conn.WriteToIP(msg, to); err != nil {
				r.Reason = sendReason(err)
				return r
			}
			n++
		}
		wake := deadline
		if n < attempts {
			wake = earlier(wake, sent[n-1].Add(interval))
		}
		if err := conn.SetReadDeadline(wake); err != nil {
			r.Reason = fmt.Sprintf("set deadline on icmp socket in netns %q: %s", r.From, lower(err))
			return r
		}
		// ReadMsgIP, unlike ReadFrom, keeps the IPv4 header the raw socket
		// delivers: that header carries the reply's TTL.
		got, _, _, _, err := conn.ReadMsgIP(buf, nil)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if !time.Now().Before(deadline) {
				r.Reason = timeoutReason(timeout)
				return r
			}
			continue // time for the next request
		}
		if err != nil {
			r.Reason = fmt.Sprintf("read icmp socket in netns %q: %s", r.From, lower(err))
			return r
		}
		at := time.Now()
		a, ok := match(buf[:got], dst, id, n)
		if !ok {
			continue // someone else's ICMP: every raw socket sees all of it
		}
		if a.reason != "" {
			r.Reason = a.reason
			return r
		}
		r.OK = true
		r.RTT = at.Sub(sent[a.seq-1])
		r.TTL = a.ttl
		return r
	}
}

// echoRequest builds an ICMP echo request with its checksum: on a raw socket
// the kernel sends our bytes as they are.
func echoRequest(id uint16, seq, size int) ([]byte, error) {
	if size <= 0 {
		size = payloadLen
	}
	data := make([]byte, size)
	for i := copy(data, payloadTag); i < len(data); i++ {
		data[i] = byte(i) // ping's filler pattern
	}
	m := icmp.Message{
		Type: ipv4.ICMPTypeEcho,
		Body: &icmp.Echo{ID: int(id), Seq: seq, Data: data},
	}
	return m.Marshal(nil)
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
