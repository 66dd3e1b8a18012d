package netops

import (
	"testing"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netns"
)

// lab pause refuses the namespace it was started from (the machine's own,
// or the lab's host), where its explicit defaults would change sysctls that
// are not its own, and accepts a new one. The
// refusal is tested through the check alone: the test never runs Pause in
// the machine's namespace.
func TestPauseRefusesInheritedNetns(t *testing.T) {
	nettest.NeedRoot(t)
	if !inherited() {
		t.Fatal("the test's own thread is not seen in the netns it was started from")
	}
	err := ns.Scratch(func(h netns.NsHandle) error {
		return ns.DoFd(h, "scratch", func() error {
			if inherited() {
				t.Error("a thread in a new netns is seen in the one it was started from")
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if !inherited() {
		t.Fatal("back from the scratch netns, the thread is not in the one it was started from")
	}
}
