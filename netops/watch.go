package netops

import (
	"context"
	"time"

	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Watch timings: a burst of changes (a learner's pasted commands) is one
// change once quiet for watchDebounce; watchPoll is the slow fallback for
// what sends no notification (nftables rules, sysctls).
var (
	watchDebounce = 50 * time.Millisecond
	watchPoll     = time.Second // a test stretches it to see notifications alone
)

// Watch reports, on the returned channel, that the kernel state of the
// named namespaces may have changed: a namespace appeared in or went from
// /run/netns, a link, address, route or permanent neighbour changed in one
// of them (netlink notifications, including namespaces created after the
// watch began), or the once-a-second look at what sends no notification
// found a change: their nftables rules and sysctls (snapshot.Sysctls), and
// the files under dirs (CNI configs, plugins, IPAM reservations).
// Bursts are debounced; a change the reader has not taken yet is not
// queued twice. The first change comes once the watch is in place. The
// channel is closed when ctx ends.
//
// What traffic alone changes (learned neighbours, rule counters) is not a
// change: the checks' own probes would otherwise wake the watch forever.
//
// Equivalent to: `ip monitor` in every namespace, `inotifywait /run/netns`,
// and `nft list ruleset`, `sysctl`, `ls -lR DIRS` each second
func Watch(ctx context.Context, names, dirs []string) <-chan struct{} {
	raw := make(chan struct{}, 1)
	poke := func() {
		select {
		case raw <- struct{}{}:
		default:
		}
	}
	out := make(chan struct{}, 1)
	go watchNamespaces(ctx, names, poke)
	go func() {
		defer close(out)
		tick := time.NewTicker(watchPoll)
		defer tick.Stop()
		var quiet <-chan time.Time
		last := fingerprint(names, dirs)
		for {
			select {
			case <-ctx.Done():
				return
			case <-raw:
				quiet = time.After(watchDebounce)
			case <-tick.C:
				if fp := fingerprint(names, dirs); fp != last {
					last = fp
					quiet = time.After(0)
				}
			case <-quiet:
				quiet = nil
				select {
				case out <- struct{}{}:
				default:
				}
			}
		}
	}()
	return out
}

// watchNamespaces subscribes to each named namespace that exists, and again
// whenever /run/netns changes, so a namespace the learner creates after the
// watch began is watched too.
func watchNamespaces(ctx context.Context, names []string, poke func()) {
	subscribed := map[string]bool{}
	subscribe := func() {
		for _, name := range names {
			if subscribed[name] || !ns.Exists(name) {
				continue
			}
			if subscribeNetns(ctx, name, poke) == nil {
				subscribed[name] = true
				// What changed in it before the subscription: look again.
				poke()
			}
		}
	}
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		subscribe() // the notifications of the namespaces there now; the poll still runs
		return
	}
	defer unix.Close(fd)
	// /run/netns may not exist yet on a machine that never had a named
	// namespace: wait for it.
	for {
		if _, err := unix.InotifyAddWatch(fd, ns.RunDir, unix.IN_CREATE|unix.IN_DELETE|unix.IN_ATTRIB); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
		subscribe()
	}
	// Watching now: a namespace made before the inotify watch was added is
	// subscribed here, and the first change says "look now".
	subscribe()
	poke()
	buf := make([]byte, 4096)
	for ctx.Err() == nil {
		// Wake every 50ms to see ctx end and a new name's mount.
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(pfd, 50)
		if err != nil && err != unix.EINTR {
			return
		}
		if n > 0 {
			unix.Read(fd, buf)
			poke()
		}
		// A name appears (touch) before its namespace is mounted on it: a
		// namespace not yet mounted at the event is caught at the next wake.
		subscribe()
	}
}

// subscribeNetns forwards every link, address, route and neighbour
// notification of one namespace to poke until ctx ends.
func subscribeNetns(ctx context.Context, name string, poke func()) error {
	h, err := ns.Open(name)
	if err != nil {
		return err
	}
	defer h.Close() // the subscriptions hold sockets of their own
	done := ctx.Done()
	links := make(chan netlink.LinkUpdate, 16)
	addrs := make(chan netlink.AddrUpdate, 16)
	routes := make(chan netlink.RouteUpdate, 16)
	neighs := make(chan netlink.NeighUpdate, 16)
	nsh := netns.NsHandle(h)
	onErr := func(error) { poke() }
	if err := netlink.LinkSubscribeWithOptions(links, done, netlink.LinkSubscribeOptions{Namespace: &nsh, ErrorCallback: onErr}); err != nil {
		return err
	}
	if err := netlink.AddrSubscribeWithOptions(addrs, done, netlink.AddrSubscribeOptions{Namespace: &nsh, ErrorCallback: onErr}); err != nil {
		return err
	}
	if err := netlink.RouteSubscribeWithOptions(routes, done, netlink.RouteSubscribeOptions{Namespace: &nsh, ErrorCallback: onErr}); err != nil {
		return err
	}
	if err := netlink.NeighSubscribeWithOptions(neighs, done, netlink.NeighSubscribeOptions{Namespace: &nsh, ErrorCallback: onErr}); err != nil {
		return err
	}
	go drain(links, poke, nil)
	go drain(addrs, poke, nil)
	go drain(routes, poke, nil)
	go drain(neighs, poke, typedNeigh)
	return nil
}

// typedNeigh tells a neighbour someone set (`ip neigh add ... permanent`)
// from one the kernel learnt from traffic, which comes and goes by itself.
func typedNeigh(u netlink.NeighUpdate) bool {
	return u.State&(netlink.NUD_PERMANENT|netlink.NUD_NOARP) != 0
}

// drain pokes for every update that counts (all when counts is nil) until
// the subscription closes its channel.
func drain[T any](ch <-chan T, poke func(), counts func(T) bool) {
	for u := range ch {
		if counts == nil || counts(u) {
			poke()
		}
	}
}
