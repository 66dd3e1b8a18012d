package probe

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// sendReason words a failed sendto(2) the way ping does: the kernel refused
// before any packet left, usually because of the namespace's routes or links.
func sendReason(err error) string {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return lower(err)
	}
	switch errno {
	case unix.ENETUNREACH:
		return "network is unreachable" // no route matches the destination
	case unix.EHOSTUNREACH:
		return "no route to host" // an unreachable route, or a neighbor that never answered
	case unix.ENETDOWN:
		return "network is down" // the route's link is down
	case unix.EPERM:
		// netfilter dropping in OUTPUT is reported to the sender as EPERM.
		return "operation not permitted (a firewall rule rejected it)"
	}
	return strings.ToLower(errno.Error())
}

// timeoutReason is the reason when nothing answered: the request or its
// reply was lost somewhere without anyone saying so.
func timeoutReason(timeout time.Duration) string {
	return fmt.Sprintf("no reply in %v", timeout)
}

func isTimeout(reason string) bool { return strings.HasPrefix(reason, "no reply in ") }

// icmpErrorReason words an ICMP error that quoted our echo request; from is
// the router (or host) that sent it, which tells the learner where the path
// broke.
func icmpErrorReason(typ, code int, from netip.Addr) string {
	return fmt.Sprintf("%s (from %s)", icmpErrorText(typ, code), from)
}

// icmpErrorText names an ICMP error as ping does, in lowercase (RFC 792, 1812).
func icmpErrorText(typ, code int) string {
	if typ == typeTimeExceeded {
		if code == 1 {
			return "fragment reassembly time exceeded"
		}
		return "ttl exceeded" // a router decremented the TTL to zero: often a routing loop
	}
	switch code {
	case 0:
		return "destination net unreachable" // a router had no route onwards
	case 1:
		return "destination host unreachable" // the last hop got no ARP answer
	case 2:
		return "protocol unreachable"
	case 3:
		// An echo has no port: this is a REJECT rule's default answer.
		return "port unreachable"
	case 4:
		return "fragmentation needed"
	case 5:
		return "source route failed"
	case 6:
		return "destination net unknown"
	case 7:
		return "destination host unknown"
	case 9:
		return "destination net administratively prohibited"
	case 10:
		return "destination host administratively prohibited"
	case 13:
		return "communication administratively prohibited (a firewall rule rejected it)"
	}
	return fmt.Sprintf("destination unreachable, code %d", code)
}
