package probe

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/netops/ns"
)

// openTCP creates a non-blocking TCP socket in the named namespace and
// returns its fd; the caller closes it. As in openICMP, only socket(2) runs
// in the namespace (ns.Socket): the connect, the poll and every read and
// write that follow go through the namespace the socket was born in, from
// any thread.
//
// Equivalent to: `ip netns exec NETNS nc` opening its socket.
func openTCP(netns string) (int, error) {
	fd, err := ns.Socket(netns, unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if errors.Is(err, fs.ErrNotExist) {
		return -1, fmt.Errorf("netns %q does not exist", netns)
	}
	if err != nil {
		return -1, fmt.Errorf("open tcp socket in netns %q: %s", netns, lower(err))
	}
	return fd, nil
}

// dial opens a TCP socket in the named namespace and connects it to dst,
// giving up when timeout has passed since the connect began. On success it
// returns the connected fd, which the caller closes, and the time the
// handshake took; on failure it returns -1 and the reason in words.
//
// Equivalent to: `ip netns exec NETNS nc -z -w 1 IP PORT`.
func dial(netns string, dst netip.AddrPort, timeout time.Duration) (fd int, rtt time.Duration, reason string) {
	fd, err := openTCP(netns)
	if err != nil {
		return -1, 0, err.Error()
	}
	rtt, reason = connect(netns, fd, dst, timeout)
	if reason != "" {
		unix.Close(fd)
		return -1, 0, reason
	}
	return fd, rtt, ""
}

// connect runs a non-blocking connect(2) of fd to dst: the kernel sends the
// SYN and answers EINPROGRESS, poll(2) waits for the socket to turn writable
// (handshake done or failed), and SO_ERROR says which. It returns the time
// to connected, or a reason when the connect failed or timeout passed.
func connect(netns string, fd int, dst netip.AddrPort, timeout time.Duration) (time.Duration, string) {
	sa := &unix.SockaddrInet4{Port: int(dst.Port()), Addr: dst.Addr().As4()}
	start := time.Now()
	deadline := start.Add(timeout)
	err := unix.Connect(fd, sa)
	if err == nil {
		return time.Since(start), "" // can happen over lo: no wait for a SYN-ACK
	}
	// An interrupted connect carries on in the background, like EINPROGRESS.
	if !errors.Is(err, unix.EINPROGRESS) && !errors.Is(err, unix.EINTR) {
		// Refused before any packet left: the namespace's routes or links.
		return 0, connectReason(err)
	}
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return 0, connectTimeoutReason(timeout)
		}
		// poll counts whole milliseconds: round up so that it never gives
		// up before the deadline.
		n, err := unix.Poll(pfd, int((left+time.Millisecond-1)/time.Millisecond))
		if errors.Is(err, unix.EINTR) || (err == nil && n == 0) {
			continue // the loop checks the deadline
		}
		if err != nil {
			return 0, fmt.Sprintf("wait for connect to %s in netns %q: %s", dst, netns, lower(err))
		}
		at := time.Now()
		soErr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return 0, fmt.Sprintf("read connect result for %s in netns %q: %s", dst, netns, lower(err))
		}
		switch {
		case soErr == int(unix.ETIMEDOUT):
			// The kernel gave up retrying the SYN before our timeout did.
			return 0, connectTimeoutReason(at.Sub(start).Round(time.Millisecond))
		case soErr != 0:
			return 0, connectReason(unix.Errno(soErr))
		case pfd[0].Revents&unix.POLLOUT == 0:
			return 0, fmt.Sprintf("connect to %s in netns %q: socket hung up", dst, netns)
		}
		return at.Sub(start), ""
	}
}

// connectReason words a failed TCP connect the way nc and curl do.
func connectReason(err error) string {
	var errno unix.Errno
	if errors.As(err, &errno) {
		switch errno {
		case unix.ECONNREFUSED:
			// The host answered the SYN with a RST: nothing listens on that
			// port. A firewall REJECT rule's ICMP port unreachable reads the same.
			return "connection refused"
		case unix.ECONNRESET:
			return "connection reset by peer"
		case unix.ETIMEDOUT:
			return "timed out (no answer to SYN)"
		}
	}
	// The rest are the same words as for a ping that could not be sent.
	return sendReason(err)
}

// connectTimeoutReason is the reason when the SYN got no answer at all: the
// SYN or its SYN-ACK was dropped, or ARP found no host with that address.
func connectTimeoutReason(after time.Duration) string {
	return fmt.Sprintf("timed out after %v (no answer to SYN)", after)
}
