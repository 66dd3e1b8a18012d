package netops

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netns"
)

// ExecIn replaces the lab process with argv, running in the named network
// namespace and nowhere else: only the network namespace changes, as
// `nsenter --net=/run/netns/NAME` does, not the mount namespace (inside
// `ip netns exec`, a learner's own `ip netns add` would mount where the rest
// of the machine cannot see it). It returns only on failure.
func ExecIn(real string, argv, env []string) error {
	fd, err := ns.Open(real)
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	if err := netns.Set(fd); err != nil {
		return fmt.Errorf("enter netns %q: %w", real, err)
	}
	if err := syscall.Exec(argv[0], argv, env); err != nil {
		return fmt.Errorf("run %s in netns %q: %w", argv[0], real, err)
	}
	os.Exit(0) // not reached
	return nil
}
