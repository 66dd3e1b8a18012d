package engine

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/cnilab/lab/netops/capture"
)

// Packet is one frame a capture saw, with its tcpdump-like line.
type Packet = capture.Packet

// CaptureRequest says where `lab capture` listens and when it stops.
type CaptureRequest struct {
	Netns   string // a real name (lab-host) or a lesson name (host, client1)
	Iface   string
	Count   int           // 0: no limit
	Timeout time.Duration // 0: until ctx ends
}

// Capture records the packets crossing an interface of a lab namespace and
// hands each to each as it arrives, until Count, Timeout or ctx; it returns
// them all, for a pcap file. started is called once the socket listens, with
// the real namespace name.
func (s *Session) Capture(ctx context.Context, req CaptureRequest, started func(real string), each func(Packet)) ([]Packet, error) {
	real, ok := s.scope.FindNetns(req.Netns)
	if !ok {
		return nil, fmt.Errorf("%w: netns %q does not exist in scope %q (lab task LESSON%s sets a lab up)", ErrNotSetUp, req.Netns, s.scope.Name, s.ScopeFlag())
	}
	if req.Timeout <= 0 {
		req.Timeout = 24 * time.Hour
	}
	var pkts []Packet
	sess, err := capture.StartStream(capture.Options{Netns: real, Iface: req.Iface, Count: req.Count, Timeout: req.Timeout},
		func(p Packet) {
			pkts = append(pkts, p)
			if each != nil {
				each(p)
			}
		})
	if err != nil {
		return nil, err
	}
	if started != nil {
		started(real)
	}
	done := make(chan struct{})
	go func() { sess.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		sess.Stop()
		<-done
	}
	return pkts, sess.Err()
}

// WritePcap writes packets as a pcap file that tcpdump -r and Wireshark read.
func WritePcap(w io.Writer, pkts []Packet) error { return capture.WritePcap(w, pkts) }
