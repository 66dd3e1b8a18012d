package netops

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netlink"
)

// Watch reports a link added in a namespace it watches (netlink) and a
// namespace appearing after it began (inotify on /run/netns), with the poll
// fallback stretched so that only notifications can wake it.
func TestWatchSeesNotifications(t *testing.T) {
	nettest.NeedRoot(t)
	saved := watchPoll
	watchPoll = time.Hour
	t.Cleanup(func() { watchPoll = saved })
	first := fmt.Sprintf("watchtest-%d-a", os.Getpid())
	later := fmt.Sprintf("watchtest-%d-b", os.Getpid())
	if err := ns.Create(first); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Delete(first); ns.Delete(later) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := Watch(ctx, []string{first, later}, nil)
	wait := func(what string) {
		t.Helper()
		select {
		case <-changes:
		case <-time.After(10 * time.Second): // a bound against a hang, not a timing assertion
			t.Fatalf("no change reported after %s", what)
		}
	}
	// The first report: the watch is in place, first subscribed.
	wait("the watch began")
	h, err := ns.Handle(first)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "w0"}, PeerName: "w1"}); err != nil {
		t.Fatal(err)
	}
	wait("a link was added in " + first)
	if err := ns.Create(later); err != nil {
		t.Fatal(err)
	}
	wait("namespace " + later + " was created")
	cancel()
	for range changes {
	}
}
