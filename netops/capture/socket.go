package capture

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
	"unsafe"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/netops/ns"
)

// snaplen is the largest frame kept, as tcpdump's default: a veth hands
// over unsegmented GSO frames of up to 64 KiB, so 1500 would truncate.
const snaplen = 262144

// ErrNoNetns and ErrNoInterface say what was missing; the errors returned
// wrap them and name the interface and the namespace.
var (
	ErrNoNetns     = errors.New("no such netns")
	ErrNoInterface = errors.New("no such interface")
)

// where wraps err with the place a capture was asked for.
func where(iface, netns string, err error) error {
	return fmt.Errorf("capture on %q in netns %q: %w", iface, netns, err)
}

// openPacket opens an AF_PACKET socket in the named namespace that receives
// every frame in and out of one interface. Only socket(2) runs in the
// namespace (ns.Socket): the socket keeps its namespace for life, so bind
// and every read run on ordinary threads.
//
// Equivalent to: `ip netns exec NETNS tcpdump -n -i IFACE` opening its socket.
func openPacket(netns, iface string) (*os.File, error) {
	if !ns.Exists(netns) {
		return nil, where(iface, netns, ErrNoNetns)
	}
	index, err := ifindex(netns, iface)
	if err != nil {
		return nil, where(iface, netns, err)
	}
	// Protocol 0 receives nothing until bind names the interface; with
	// ETH_P_ALL here, frames of every interface would queue in between.
	fd, err := ns.Socket(netns, unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if errors.Is(err, fs.ErrNotExist) {
		// Deleted since the lookup.
		return nil, where(iface, netns, ErrNoNetns)
	}
	if err != nil {
		return nil, where(iface, netns, fmt.Errorf("open packet socket: %w", err))
	}
	// Kernel receive timestamps: the time a frame crossed the interface,
	// not the time this process got around to reading it.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		unix.Close(fd)
		return nil, where(iface, netns, fmt.Errorf("enable timestamps: %w", err))
	}
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: index}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.ENODEV) {
			// Deleted between the lookup and the bind.
			return nil, where(iface, netns, ErrNoInterface)
		}
		return nil, where(iface, netns, fmt.Errorf("bind packet socket: %w", err))
	}
	// A non-blocking fd given to os.NewFile joins the runtime poller: reads
	// park the goroutine, not a thread, and honour read deadlines.
	return os.NewFile(uintptr(fd), "packet@"+netns+"/"+iface), nil
}

// ifindex looks the interface up through a handle bound to the namespace:
// the index means nothing outside it.
func ifindex(netns, iface string) (int, error) {
	h, err := ns.Handle(netns)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return 0, ErrNoNetns
		}
		return 0, err
	}
	defer h.Close()
	link, err := h.LinkByName(iface)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
			return 0, ErrNoInterface
		}
		return 0, fmt.Errorf("look up interface: %w", err)
	}
	return link.Attrs().Index, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// frame is one read from the socket.
type frame struct {
	data []byte // a copy, cut at snaplen
	wire int    // length on the wire, larger than len(data) when cut
	out  bool   // sent by this interface rather than received
	when time.Time
}

// reader reads frames from a packet socket into one reused buffer.
type reader struct {
	buf []byte
	oob []byte
}

func newReader() *reader {
	return &reader{buf: make([]byte, snaplen), oob: make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.Timespec{}))))}
}

// recv makes one non-blocking attempt; it returns unix.EAGAIN when the
// queue is empty.
func (r *reader) recv(fd int) (frame, error) {
	// MSG_TRUNC makes a packet socket return the frame's real length.
	n, oobn, _, from, err := unix.Recvmsg(fd, r.buf, r.oob, unix.MSG_TRUNC)
	if err != nil {
		return frame{}, err
	}
	f := frame{wire: n, data: append([]byte(nil), r.buf[:min(n, len(r.buf))]...), when: stamp(r.oob[:oobn])}
	if ll, ok := from.(*unix.SockaddrLinklayer); ok {
		f.out = ll.Pkttype == unix.PACKET_OUTGOING
	}
	return f, nil
}

// stamp reads the SO_TIMESTAMPNS control message, or falls back to now.
func stamp(oob []byte) time.Time {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= int(unsafe.Sizeof(unix.Timespec{})) {
				ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
				return time.Unix(int64(ts.Sec), int64(ts.Nsec))
			}
		}
	}
	return time.Now()
}
