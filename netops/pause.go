package netops

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netlink"
)

// Pause is the pause container: it holds its network namespace for the
// containers of a pod and does nothing else until it is told to stop. It
// brings lo up first, as a container runtime does for --network none.
//
// Equivalent to: `docker run -d --network none kubernetes/pause`
func Pause() error {
	// Its namespace must be a new one: the defaults below would otherwise
	// change the machine's own (ip_forward, rp_filter, accept_ra).
	if inherited() {
		return fmt.Errorf("lab pause holds a network namespace of its own: start it in a new one (unshare --net lab pause), not in the one it was started from")
	}
	// In a container (pid 1 of its own pid namespace) it is the container's
	// root without CAP_NET_ADMIN and with /proc/sys read-only, as the real
	// pause is: lo and the sysctls are its runtime's and CNI's business.
	container := os.Getpid() == 1
	if lo, err := netlink.LinkByName("lo"); err == nil {
		if err := netlink.LinkSetUp(lo); err != nil && !container {
			return fmt.Errorf("set lo up in the pause namespace: %w", err)
		}
	}
	// Its namespace is new and lab's, like every other: explicit defaults.
	// The whole process is in it, so no thread switch is needed.
	for _, kv := range NetnsDefaults {
		p := filepath.Join("/proc/sys", strings.ReplaceAll(kv.Key, ".", "/"))
		if _, err := os.Stat(p); err == nil {
			if err := os.WriteFile(p, []byte(kv.Value), 0o644); err != nil && !container {
				return fmt.Errorf("set %s in the pause namespace: %w", kv.Key, err)
			}
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	SignalReady()
	<-sig
	return nil
}

// inherited reports whether the calling thread is in the network namespace
// of the process that started lab (a shell in the machine's namespace, or
// in the lab's host), or in pid 1's where that can be read: a namespace
// that is not a new one of its own.
func inherited() bool {
	self, err := ns.Inode("/proc/thread-self/ns/net")
	if err != nil {
		return false
	}
	others := []string{fmt.Sprintf("/proc/%d/ns/net", os.Getppid())}
	if os.Getpid() != 1 { // pid 1 itself: a container's init
		others = append(others, "/proc/1/ns/net")
	}
	for _, other := range others {
		if ino, err := ns.Inode(other); err == nil && ino == self {
			return true
		}
	}
	return false
}
