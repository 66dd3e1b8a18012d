package snapshot

import (
	"maps"
	"slices"
	"sync"

	"github.com/cnilab/lab/netops/ns"
	"golang.org/x/sys/unix"
)

// The cache keeps, for each namespace this process has read, its last dump
// and a subscription to its netlink notifications opened before that dump.
// A later snapshot reads again only the namespaces that said something
// since: a step of a cluster lesson changes a few of its hundred pods, and
// a snapshot of the others costs a non-blocking read each instead of four
// dumps, nftables and sysctls. What changes without a notification is read
// every time (unnotified). Without a subscription nothing is cached.
var cache = struct {
	sync.Mutex
	byName map[string]*cached
}{byName: map[string]*cached{}}

// cached is one namespace's last reading. mu is held while it is read or
// refreshed: two snapshots of one namespace at once take turns.
type cached struct {
	mu     sync.Mutex
	inode  uint64
	sub    *ns.Sub
	base   *nsDump    // links, addresses, routes, neighbours; nil when unknown
	extras *Netns     // Rules (nftables), notified Sysctls and FDB; nil when unknown
	nsids  *nsidCache // survives base: an nsid lives as long as both namespaces
	// peerNetns are the namespaces of its veths' peers by ifindex, as
	// last named.
	peerNetns map[int]string
}

// What a namespace notifies: links (and their operstate, bridge ports),
// addresses, routes, neighbours and the bridge fdb, ip_forward and
// rp_filter (netconf), nsids; and its nftables ruleset, iptables-nft's too.
var subscriptions = []ns.Groups{
	{Proto: unix.NETLINK_ROUTE, Mask: 1<<(unix.RTNLGRP_LINK-1) | 1<<(unix.RTNLGRP_NEIGH-1) |
		1<<(unix.RTNLGRP_IPV4_IFADDR-1) | 1<<(unix.RTNLGRP_IPV4_ROUTE-1) |
		1<<(unix.RTNLGRP_IPV4_NETCONF-1) | 1<<(unix.RTNLGRP_NSID-1)},
	{Proto: unix.NETLINK_NETFILTER, Mask: 1 << (unix.NFNLGRP_NFTABLES - 1)},
}

// entry is the cache entry of the namespace with that inode, a new one
// when the name now holds another namespace.
func entry(name string, inode uint64) *cached {
	cache.Lock()
	defer cache.Unlock()
	e := cache.byName[name]
	if e == nil || e.inode != inode {
		if e != nil && e.sub != nil {
			e.sub.Close()
		}
		e = &cached{inode: inode, nsids: &nsidCache{byID: map[int]nsRef{}}}
		cache.byName[name] = e
	}
	return e
}

// forget drops what is cached of a namespace that is gone.
func forget(name string) {
	cache.Lock()
	e := cache.byName[name]
	delete(cache.byName, name)
	cache.Unlock()
	if e != nil && e.sub != nil {
		e.sub.Close()
	}
}

// stale drains what the namespace said since it was last read and reports
// whether its reading must be taken again, and which of its links it
// announced. The first look subscribes: before the dump, so that what
// changes after it is heard.
func (e *cached) stale(name string) (bool, ns.Heard) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var heard ns.Heard
	if e.sub == nil {
		e.sub, _ = ns.Subscribe(name, subscriptions...)
		e.base, e.extras = nil, nil
	} else if heard = e.sub.Heard(); heard.Any {
		e.base, e.extras = nil, nil
	}
	return e.base == nil, heard
}

// peersOf are the namespaces holding the peers of the veths announced: a
// veth's carrier follows its peer's state, which the kernel announces in
// the peer's namespace first (and in the other only once its link-watch
// work has run).
func (e *cached) peersOf(heard ns.Heard) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if heard.AllLinks {
		return slices.Collect(maps.Values(e.peerNetns))
	}
	var out []string
	for _, idx := range heard.Links {
		if n, ok := e.peerNetns[idx]; ok {
			out = append(out, n)
		}
	}
	return out
}

// take is takeOne through the cache: the namespace's last reading, unless
// it is stale or reread is set, else a fresh one. The dump returned is the
// caller's own (a copy), with an open handle when one was needed.
func (e *cached) take(name string, inode uint64, full, reread bool) (nsDump, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if reread || e.sub == nil {
		e.base, e.extras = nil, nil
	}
	var d nsDump
	if e.base == nil {
		var err error
		if d, err = takeOne(name); err != nil {
			return d, err
		}
		d.inode, d.nsids = inode, e.nsids
		base := d.clone()
		base.h = nil
		e.base = &base
	} else {
		d = e.base.clone()
	}
	if full {
		if e.extras == nil {
			if d.h == nil {
				h, err := ns.Handle(name)
				if err != nil {
					return d, err
				}
				d.h = h
			}
			x := notifiedState(name, d.h, d.byIndex)
			e.extras = &x
		}
		sysctls, legacy := unnotifiedState(name)
		d.netns.FDB = e.extras.FDB
		d.netns.Rules = append(append([]string(nil), e.extras.Rules...), legacy...)
		d.netns.Sysctls = mergeSysctls(e.extras.Sysctls, sysctls)
	}
	if e.sub == nil {
		e.base, e.extras = nil, nil // nothing would say it changed
	}
	return d, nil
}

// remember notes where the namespace's veth peers are, once named.
func (e *cached) remember(n Netns) {
	peers := map[int]string{}
	for _, l := range n.Links {
		if l.PeerNetns != "" {
			peers[l.Index] = l.PeerNetns
		}
	}
	e.mu.Lock()
	e.peerNetns = peers
	e.mu.Unlock()
}

// clone copies what a snapshot changes in place: the links (their peers
// are named afterwards).
func (d nsDump) clone() nsDump {
	d.netns.Links = append([]Link(nil), d.netns.Links...)
	return d
}

// nsidCache is what one namespace numbers the others it was asked about.
type nsidCache struct {
	mu   sync.Mutex
	byID map[int]nsRef
}

// nsRef is a namespace by name and inode: a name may be given to a new
// namespace, which that nsid does not mean.
type nsRef struct {
	name  string
	inode uint64
}

func (c *nsidCache) get(id int) (nsRef, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.byID[id]
	return r, ok
}

func (c *nsidCache) put(id int, r nsRef) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byID[id] = r
}
