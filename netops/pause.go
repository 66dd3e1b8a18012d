package netops

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/vishvananda/netlink"
)

// Pause is the pause container: it holds its network namespace for the
// containers of a pod and does nothing else until it is told to stop. It
// brings lo up first, as a container runtime does for --network none.
//
// Equivalent to: `docker run -d --network none kubernetes/pause`
func Pause() error {
	if lo, err := netlink.LinkByName("lo"); err == nil {
		if err := netlink.LinkSetUp(lo); err != nil {
			return fmt.Errorf("set lo up in the pause namespace: %w", err)
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}
