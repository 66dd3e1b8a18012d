package snapshot

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"

	"github.com/cnilab/lab/netops/nft"
	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// peerRef is where a veth's peer lives, before names are resolved: the
// peer's ifindex, and the nsid (as this namespace numbers them) of the
// namespace holding it, -1 for this one.
type peerRef struct {
	index int
	nsid  int
}

// nsDump is one namespace read from the kernel, with veth peers still as
// indexes: they can only be named once every namespace has been read.
type nsDump struct {
	netns   Netns
	inode   uint64
	h       *netlink.Handle    // open until the peers are named; nil if not needed yet
	peers   map[string]peerRef // link name -> peer
	byIndex map[int]string     // ifindex -> link name
	nsids   *nsidCache         // what this namespace numbers the others, as found
}

// TakeAll reads every named namespace that exists, through a netlink handle
// bound to it, and returns them in the order given. A missing namespace is
// not an error: it is simply absent, which is what a diff should show.
// Veth peers are named across namespaces when both ends are in names.
// A namespace that has said nothing since this process last read it is
// not read again (cache.go).
// Equivalent to, for each NAME: `ip -n NAME -d link show; ip -n NAME -4 addr show;
// ip -n NAME -4 route show table main; ip -n NAME -4 neigh show`
func TakeAll(names []string) (Snapshot, error) { return takeAll(names, false) }

// TakeFull is TakeAll with what only a step's diff and the topology need:
// each namespace's nftables rules, Sysctls and bridge fdb. (The NATed
// connections of a step come from a NATWatch.) A verify needs none of them
// and saves their dumps.
// Equivalent to TakeAll's commands and, for each NAME:
// `ip netns exec NAME nft list ruleset; sysctl ...; bridge fdb show`
func TakeFull(names []string) (Snapshot, error) { return takeAll(names, true) }

// Rules reads a namespace's firewall rules, whoever wrote them: nftables
// (lab, nft, iptables-nft) and legacy iptables. A kernel without nf_tables
// has none to show: that is no reason to fail a snapshot of links and routes.
func Rules(name string) []string {
	rules, _ := nft.Rules(name)
	return append(rules, nft.LegacyRules(name)...)
}

func takeAll(names []string, full bool) (Snapshot, error) {
	var present []string
	var inodes []uint64
	for _, name := range names {
		if slices.Contains(present, name) {
			continue
		}
		inode, err := ns.Inode(ns.Path(name))
		if err != nil || !ns.Exists(name) {
			forget(name)
			continue
		}
		present, inodes = append(present, name), append(inodes, inode)
	}
	// What each namespace said since it was last read (the cache); a
	// namespace holding a veth whose peer's namespace changed is read again
	// too: its carrier may have changed with the peer, unannounced as yet.
	entries := make([]*cached, len(present))
	stale := make([]bool, len(present))
	heard := make([]ns.Heard, len(present))
	for i, name := range present {
		entries[i] = entry(name, inodes[i])
		stale[i], heard[i] = entries[i].stale(name)
	}
	for i := range present {
		for _, peer := range entries[i].peersOf(heard[i]) {
			if j := slices.Index(present, peer); j >= 0 {
				stale[j] = true
			}
		}
	}
	// The namespaces are read at once: each dump waits on the kernel.
	dumps := make([]nsDump, len(present))
	errs := make([]error, len(present))
	var wg sync.WaitGroup
	for i, name := range present {
		wg.Go(func() { dumps[i], errs[i] = entries[i].take(name, inodes[i], full, stale[i]) })
	}
	wg.Wait()
	defer func() {
		for _, d := range dumps {
			if d.h != nil {
				d.h.Close()
			}
		}
	}()
	if err := errors.Join(errs...); err != nil {
		return Snapshot{}, err
	}
	resolvePeers(dumps)
	for i, d := range dumps {
		entries[i].remember(d.netns)
	}
	snap := Snapshot{Namespaces: make([]Netns, 0, len(dumps))}
	for _, d := range dumps {
		snap.Namespaces = append(snap.Namespaces, d.netns)
	}
	return snap, nil
}

// Take reads one namespace. A veth peer in another namespace is left
// unnamed: naming it needs that namespace in the same snapshot (TakeAll).
// Unlike TakeAll, a missing namespace is an error wrapping fs.ErrNotExist.
// Equivalent to: `ip -n NAME -d link show; ip -n NAME -4 addr show;
// ip -n NAME -4 route show table main; ip -n NAME -4 neigh show`
func Take(name string) (Netns, error) {
	if !ns.Exists(name) {
		return Netns{}, fmt.Errorf("snapshot netns %q: %w", name, fs.ErrNotExist)
	}
	snap, err := TakeAll([]string{name})
	if err != nil {
		return Netns{}, err
	}
	n, ok := snap.Find(name)
	if !ok {
		// Deleted between the check and the dump.
		return Netns{}, fmt.Errorf("snapshot netns %q: %w", name, fs.ErrNotExist)
	}
	return n, nil
}

// takeOne reads one namespace's links, addresses, routes and neighbours;
// all lists it returns are sorted. The dump keeps its handle open: naming
// veth peers may need it (resolvePeers), and the caller closes it, also on
// error.
func takeOne(name string) (nsDump, error) {
	h, err := ns.Handle(name)
	if err != nil {
		return nsDump{}, err
	}
	d := nsDump{
		netns:   Netns{Name: name},
		h:       h,
		peers:   map[string]peerRef{},
		byIndex: map[int]string{},
	}
	links, err := listLinks(h, name)
	if err != nil {
		return d, err
	}
	for _, l := range links {
		d.byIndex[l.Attrs().Index] = l.Attrs().Name
	}
	for _, l := range links {
		a := l.Attrs()
		d.netns.Links = append(d.netns.Links, settledLink(Link{
			Name:   a.Name,
			Kind:   l.Type(),
			Index:  a.Index,
			MTU:    a.MTU,
			Flags:  linkFlags(a.RawFlags),
			State:  operState(a.OperState),
			Master: d.byIndex[a.MasterIndex],
			Alias:  a.Alias,
		}, a.RawFlags))
		if _, isVeth := l.(*netlink.Veth); !isVeth || a.ParentIndex == 0 {
			continue
		}
		d.peers[a.Name] = peerRef{index: a.ParentIndex, nsid: nsid(l)}
	}

	settleBridges(d.netns.Links)

	if d.netns.Addrs, err = listAddrs(h, name, d.byIndex); err != nil {
		return d, err
	}
	if d.netns.Routes, err = listRoutes(h, name, d.byIndex); err != nil {
		return d, err
	}
	if d.netns.Neighs, err = listNeighs(h, name, d.byIndex); err != nil {
		return d, err
	}
	slices.SortFunc(d.netns.Links, cmpLink)
	return d, nil
}

// settleBridges marks a bridge that has a port but still reads UNKNOWN as
// pending UP: its carrier went off and on as the port joined, and the
// kernel's rate-limited link-watch work will say UP within a second. A
// snapshot taken before would show the change a step later, as if that
// step had made it.
func settleBridges(links []Link) {
	ports := map[string]bool{}
	for _, l := range links {
		if l.Master != "" {
			ports[l.Master] = true
		}
	}
	for i := range links {
		l := &links[i]
		if l.Kind == "bridge" && l.State == "UNKNOWN" && ports[l.Name] && slices.Contains(l.Flags, "LOWER_UP") {
			l.Pending, l.State = true, "UP"
		}
	}
}

// nsid is the id, as seen from the link's namespace, of the namespace
// holding its other end; -1 when it is the same namespace. netlink parses
// the signed kernel value as unsigned, hence the int32 round trip.
func nsid(l netlink.Link) int {
	return int(int32(uint32(l.Attrs().NetNsID)))
}

// resolvePeers names each veth's peer from the ifindex and nsid recorded by
// takeOne, now that every namespace's links are known. An nsid means
// something only to the namespace that assigned it, so it is matched by
// asking that namespace for the nsid of each candidate: a namespace holding
// a veth whose index and peer index mirror this one's. Asking only the
// candidates keeps this linear: a hundred pods' veths against a hundred
// namespaces would otherwise be ten thousand questions. A peer in a
// namespace outside the snapshot stays unnamed.
func resolvePeers(dumps []nsDump) {
	type end struct{ index, peer int }
	holders := map[end][]*nsDump{} // a veth's (index, peer index) -> namespaces
	for i := range dumps {
		d := &dumps[i]
		for _, l := range d.netns.Links {
			if ref, ok := d.peers[l.Name]; ok && ref.nsid >= 0 {
				k := end{l.Index, ref.index}
				holders[k] = append(holders[k], d)
			}
		}
	}
	for i := range dumps {
		d := &dumps[i]
		for j := range d.netns.Links {
			l := &d.netns.Links[j]
			ref, ok := d.peers[l.Name]
			if !ok {
				continue
			}
			holder := d
			if ref.nsid >= 0 {
				if holder = d.nsidHolder(ref.nsid, holders[end{ref.index, l.Index}]); holder == nil {
					continue
				}
			}
			if peer, ok := holder.byIndex[ref.index]; ok {
				l.Peer = peer
				if holder != d {
					l.PeerNetns = holder.netns.Name
				}
			}
		}
	}
}

// nsidHolder is the candidate namespace that d numbers id, or nil.
// Equivalent to: `ip -n NAME netns list-id` matched against each candidate.
func (d *nsDump) nsidHolder(id int, candidates []*nsDump) *nsDump {
	if r, ok := d.nsids.get(id); ok {
		for _, c := range candidates {
			if c.netns.Name == r.name && c.inode == r.inode {
				return c
			}
		}
	}
	for _, c := range candidates {
		if c == d {
			continue
		}
		if d.h == nil {
			h, err := ns.Handle(d.netns.Name)
			if err != nil {
				return nil
			}
			d.h = h
		}
		fd, err := ns.Open(c.netns.Name)
		if err != nil {
			continue // deleted meanwhile: nothing of ours can point into it
		}
		got, err := d.h.GetNetNsIdByFd(int(fd))
		fd.Close()
		if err == nil && got >= 0 {
			d.nsids.put(got, nsRef{c.netns.Name, c.inode})
			if got == id {
				return c
			}
		}
	}
	return nil
}

// listLinks dumps every link of the namespace.
// Equivalent to: `ip -n NAME -d link show`
func listLinks(h *netlink.Handle, name string) ([]netlink.Link, error) {
	links, err := ns.RetryDump(h.LinkList)
	if err != nil {
		return nil, fmt.Errorf("list links in netns %q: %w", name, err)
	}
	return links, nil
}

// listAddrs dumps the IPv4 addresses, sorted by device then prefix.
// Equivalent to: `ip -n NAME -4 addr show`
func listAddrs(h *netlink.Handle, name string, devs map[int]string) ([]Addr, error) {
	addrs, err := ns.RetryDump(func() ([]netlink.Addr, error) { return h.AddrList(nil, netlink.FAMILY_V4) })
	if err != nil {
		return nil, fmt.Errorf("list addresses in netns %q: %w", name, err)
	}
	var out []Addr
	for _, a := range addrs {
		if a.IPNet == nil || a.IP.To4() == nil {
			continue
		}
		out = append(out, Addr{Dev: devs[a.LinkIndex], Prefix: a.IPNet.String()})
	}
	slices.SortFunc(out, cmpAddr)
	return out, nil
}

// listRoutes dumps the IPv4 routes of the main table, default first. The
// local table is left out: it only repeats the addresses.
// Equivalent to: `ip -n NAME -4 route show table main`
func listRoutes(h *netlink.Handle, name string, devs map[int]string) ([]Route, error) {
	routes, err := ns.RetryDump(func() ([]netlink.Route, error) {
		return h.RouteListFiltered(netlink.FAMILY_V4,
			&netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
	})
	if err != nil {
		return nil, fmt.Errorf("list routes in netns %q: %w", name, err)
	}
	var out []Route
	for _, r := range routes {
		row := Route{
			Dst:    routeDst(r.Dst),
			Dev:    devs[r.LinkIndex],
			Proto:  routeProto(r.Protocol),
			Scope:  routeScope(r.Scope),
			Type:   routeType(r.Type),
			Metric: r.Priority,
		}
		if r.Gw != nil {
			row.Via = r.Gw.String()
		}
		if r.Src != nil {
			row.Src = r.Src.String()
		}
		out = append(out, row)
	}
	slices.SortFunc(out, cmpRoute)
	return out, nil
}

// listNeighs dumps the IPv4 neighbour entries ip shows by default, sorted
// by device then IP.
// Equivalent to: `ip -n NAME -4 neigh show`
func listNeighs(h *netlink.Handle, name string, devs map[int]string) ([]Neigh, error) {
	neighs, err := ns.RetryDump(func() ([]netlink.Neigh, error) { return h.NeighList(0, netlink.FAMILY_V4) })
	if err != nil {
		return nil, fmt.Errorf("list neighbours in netns %q: %w", name, err)
	}
	var out []Neigh
	for _, n := range neighs {
		if !keepNeigh(n) {
			continue
		}
		row := Neigh{IP: n.IP.String(), Dev: devs[n.LinkIndex], State: neighState(n.State)}
		if len(n.HardwareAddr) > 0 {
			row.MAC = n.HardwareAddr.String()
		}
		out = append(out, row)
	}
	slices.SortFunc(out, cmpNeigh)
	return out, nil
}
