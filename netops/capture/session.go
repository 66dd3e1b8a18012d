// Package capture records the frames crossing one interface of a network
// namespace, as tcpdump does, without a process per capture: one AF_PACKET
// socket opened inside the namespace and read from an ordinary goroutine.
// Each frame comes with a tcpdump-like one-liner, and WritePcap saves a
// capture for tcpdump or Wireshark.
package capture

import (
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Packet is one frame seen on the interface.
type Packet struct {
	Time  time.Time // when the kernel saw it
	Iface string
	Dir   string // "In" or "Out": received by the interface, or sent by it
	Line  string // tcpdump-like one-liner, see Format
	Data  []byte // the raw Ethernet frame, cut at 262144 bytes
	wire  int    // length on the wire when larger than len(Data)
}

// Options says where to capture and when to stop.
type Options struct {
	Netns   string        // namespace name, as in /run/netns
	Iface   string        // interface name inside that namespace
	Count   int           // stop after this many kept packets; 0 = no limit
	Timeout time.Duration // stop after this long; required
	// Filter, when set, keeps only the packets it returns true for; Count
	// counts kept packets only.
	Filter func(Packet) bool
}

// Session is a capture running in the background: start it before a probe,
// stop it after.
type Session struct {
	opt  Options
	f    *os.File
	each func(Packet) // StartStream's callback; nil for Start
	// stopAt (unix nanoseconds) is when the capture ends: its timeout, or
	// the time of Stop; the final drain is bounded from it.
	stopAt atomic.Int64
	done   chan struct{}
	// Written by the reader goroutine only; read after done is closed.
	pkts []Packet
	n    int
	err  error
}

// Start opens the capture and returns at once; frames are read in the
// background until Count, Timeout or Stop. Wait blocks until Count or
// Timeout ends it.
//
// Equivalent to: `ip netns exec NETNS tcpdump -n -i IFACE &`
func Start(opt Options) (*Session, error) { return start(opt, nil) }

// StartStream is Start for a live view: each is called, from one goroutine,
// as packets arrive, until Count, Timeout or Stop. Packets are not kept in
// memory, so a long capture costs nothing per packet: Stop and Wait return
// no packets, and each is not called once they returned. A caller that stops
// on its own signal (ctrl-c) calls Stop.
//
// Equivalent to: `ip netns exec NETNS tcpdump -n -i IFACE`
func StartStream(opt Options, each func(Packet)) (*Session, error) {
	if each == nil {
		each = func(Packet) {}
	}
	return start(opt, each)
}

func start(opt Options, each func(Packet)) (*Session, error) {
	if opt.Timeout <= 0 {
		return nil, where(opt.Iface, opt.Netns, errors.New("timeout must be positive"))
	}
	if opt.Count < 0 {
		return nil, where(opt.Iface, opt.Netns, errors.New("count must not be negative"))
	}
	f, err := openPacket(opt.Netns, opt.Iface)
	if err != nil {
		return nil, err
	}
	s := &Session{opt: opt, f: f, each: each, done: make(chan struct{})}
	// The timeout is a read deadline: the runtime poller wakes the reader,
	// no timer goroutine and no polling loop needed.
	end := time.Now().Add(opt.Timeout)
	s.stopAt.Store(end.UnixNano())
	if err := f.SetReadDeadline(end); err != nil {
		f.Close()
		return nil, where(opt.Iface, opt.Netns, err)
	}
	go s.run()
	return s, nil
}

// Stop ends the capture and returns the packets kept, in arrival order.
// Frames that reached the interface before the call are still kept: a probe
// that already got its answer finds that answer in the capture.
func (s *Session) Stop() []Packet {
	now := time.Now()
	for {
		old := s.stopAt.Load()
		if now.UnixNano() >= old || s.stopAt.CompareAndSwap(old, now.UnixNano()) {
			break
		}
	}
	// Fails harmlessly when the reader already finished and closed the file.
	s.f.SetReadDeadline(now)
	<-s.done
	return s.pkts
}

// Wait blocks until Count packets were kept or Timeout passed, and returns
// the packets kept, in arrival order.
func (s *Session) Wait() []Packet {
	<-s.done
	return s.pkts
}

// Err reports why the capture ended early (the interface went away, ...),
// nil when it ended by Count, Timeout or Stop. Call it after Stop or Wait.
func (s *Session) Err() error {
	<-s.done
	return s.err
}

// run is the reader goroutine; it owns the socket and closes it.
func (s *Session) run() {
	// done is closed before the socket: closing a packet socket waits for
	// an RCU grace period (synchronize_net in packet_release, about 10ms
	// here), which the caller of Stop need not wait for.
	defer s.f.Close()
	defer close(s.done)
	rc, err := s.f.SyscallConn()
	if err != nil {
		s.err = where(s.opt.Iface, s.opt.Netns, err)
		return
	}
	r := newReader()
	for {
		var fr frame
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			fr, rerr = r.recv(int(fd))
			// false: queue empty, park until the poller says readable.
			return !errors.Is(rerr, unix.EAGAIN)
		})
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			s.drain(rc, r)
			return
		case err != nil:
			s.err = where(s.opt.Iface, s.opt.Netns, err)
			return
		case errors.Is(rerr, unix.EINTR):
			continue
		case rerr != nil:
			// ENETDOWN: the interface went down or was deleted.
			s.err = where(s.opt.Iface, s.opt.Netns, rerr)
			return
		}
		if s.keep(fr) {
			return
		}
	}
}

// drain keeps what was already queued when the capture stopped. Control
// runs without the deadline check that makes Read fail at once. A frame's
// kernel timestamp cannot tell whether it came before the stop: a socket
// whose timestamps the kernel has not switched on yet (it does so from a
// work queue) gets its frames stamped when they are read. So everything
// queued is kept, and drainBound only ends a drain that a flood keeps fed.
func (s *Session) drain(rc syscall.RawConn, r *reader) {
	bound := time.Unix(0, s.stopAt.Load()).Add(drainBound)
	rc.Control(func(fd uintptr) {
		for {
			fr, err := r.recv(int(fd))
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil || s.keep(fr) || time.Now().After(bound) {
				return
			}
		}
	})
}

// drainBound limits the final drain of a capture under a flood.
const drainBound = 20 * time.Millisecond

// keep decodes, filters and records one frame; it reports whether Count
// is reached.
func (s *Session) keep(fr frame) bool {
	p := Packet{Time: fr.when, Iface: s.opt.Iface, Dir: "In", Line: Format(fr.data), Data: fr.data, wire: fr.wire}
	if fr.out {
		p.Dir = "Out"
	}
	if s.opt.Filter != nil && !s.opt.Filter(p) {
		return false
	}
	s.n++
	if s.each != nil {
		s.each(p)
	} else {
		s.pkts = append(s.pkts, p)
	}
	return s.opt.Count > 0 && s.n >= s.opt.Count
}
