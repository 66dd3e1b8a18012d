package probe

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"

	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/netops/ns"
)

// openICMP opens a raw ICMP socket in the named namespace (see ns.Socket:
// only socket(2) runs there). Raw, not an unprivileged ping socket:
// net.ipv4.ping_group_range forbids those in a new namespace, and we are
// root anyway.
//
// Equivalent to: `ip netns exec NETNS ping` opening its socket.
func openICMP(netns string) (*net.IPConn, error) {
	fd, err := ns.Socket(netns, unix.AF_INET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("netns %q does not exist", netns)
	}
	if err != nil {
		return nil, fmt.Errorf("open icmp socket in netns %q: %s", netns, lower(err))
	}
	f := os.NewFile(uintptr(fd), "icmp@"+netns)
	pc, err := net.FilePacketConn(f)
	f.Close() // FilePacketConn holds its own dup of the fd.
	if err != nil {
		return nil, fmt.Errorf("wrap icmp socket in netns %q: %s", netns, lower(err))
	}
	conn, ok := pc.(*net.IPConn)
	if !ok {
		pc.Close()
		return nil, fmt.Errorf("wrap icmp socket in netns %q: not an ip socket", netns)
	}
	// A raw socket gets a copy of every ICMP packet in the namespace; let the
	// kernel drop the kinds that can never answer us (echo requests from
	// other pings, redirects, ...) before they wake us up.
	var filter ipv4.ICMPFilter
	filter.SetAll(true)
	filter.Accept(ipv4.ICMPTypeEchoReply)
	filter.Accept(ipv4.ICMPTypeDestinationUnreachable)
	filter.Accept(ipv4.ICMPTypeTimeExceeded)
	if err := ipv4.NewPacketConn(conn).SetICMPFilter(&filter); err != nil {
		conn.Close()
		return nil, fmt.Errorf("filter icmp socket in netns %q: %s", netns, lower(err))
	}
	return conn, nil
}

// lower renders an error the way reasons are written: lowercase.
func lower(err error) string { return strings.ToLower(err.Error()) }

// dontFragment sets IP_PMTUDISC_DO on the socket: its packets carry DF, and
// one larger than the route's MTU is refused with EMSGSIZE.
func dontFragment(conn *net.IPConn) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_MTU_DISCOVER, unix.IP_PMTUDISC_DO)
	}); err != nil {
		return err
	}
	return serr
}
