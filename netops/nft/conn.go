package nft

import (
	"errors"
	"fmt"

	"github.com/google/nftables"
	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/netops/ns"
)

// errNoNetns guards the machine's own ruleset: to nftables (and to the
// netlink library under it) "no namespace" means the caller's namespace.
var errNoNetns = errors.New("empty netns name: refusing to touch the machine's own namespace")

// dial opens a netlink socket bound to the named namespace. The socket is
// created once (a lasting connection), so the namespace fd is only needed
// while dialling; the caller must call CloseLasting.
func dial(netns string) (*nftables.Conn, error) {
	if netns == "" {
		return nil, errNoNetns
	}
	h, err := ns.Open(netns)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	fd := int(h)
	if fd == 0 {
		// The netlink library reads NetNS 0 as "the current namespace": an
		// fd that happens to be 0 must not silently mean the machine's own.
		dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
		if err != nil {
			return nil, fmt.Errorf("dup netns %q fd: %w", netns, err)
		}
		defer unix.Close(dup)
		fd = dup
	}
	c, err := nftables.New(nftables.WithNetNSFd(fd), nftables.AsLasting())
	if err != nil {
		return nil, fmt.Errorf("nftables netlink socket in netns %q: %w", netns, err)
	}
	return c, nil
}
