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
// peer's ifindex and the snapshot namespace holding it ("" for this one).
type peerRef struct {
	index int
	netns string
	known bool // false when the peer is in a namespace outside the snapshot
}

// nsDump is one namespace read from the kernel, with veth peers still as
// indexes: they can only be named once every namespace has been read.
type nsDump struct {
	netns   Netns
	peers   map[string]peerRef // link name -> peer
	byIndex map[int]string     // ifindex -> link name
}

// TakeAll reads every named namespace that exists, through a netlink handle
// bound to it, and returns them in the order given. A missing namespace is
// not an error: it is simply absent, which is what a diff should show.
// Veth peers are named across namespaces when both ends are in names.
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

// WithFull adds to a snapshot taken without them what TakeFull reads.
func WithFull(snap Snapshot) Snapshot {
	for i := range snap.Namespaces {
		n := &snap.Namespaces[i]
		devs := map[int]string{}
		for _, l := range n.Links {
			devs[l.Index] = l.Name
		}
		if h, err := ns.Handle(n.Name); err == nil {
			addFull(n, h, devs)
			h.Close()
		}
	}
	return snap
}

// addFull reads the full snapshot's extras of one namespace. None of them
// fails a snapshot: a kernel without nf_tables, br_netfilter or conntrack
// simply has none to show.
func addFull(n *Netns, h *netlink.Handle, devs map[int]string) {
	n.Rules = Rules(n.Name)
	n.Sysctls = ReadSysctls(n.Name)
	n.FDB, _ = listFDB(h, n.Name, devs)
}

// Rules reads a namespace's firewall rules, whoever wrote them: nftables
// (lab, nft, iptables-nft) and legacy iptables. A kernel without nf_tables
// has none to show: that is no reason to fail a snapshot of links and routes.
func Rules(name string) []string {
	rules, _ := nft.Rules(name)
	return append(rules, nft.LegacyRules(name)...)
}

func takeAll(names []string, full bool) (Snapshot, error) {
	var present []string
	for _, name := range names {
		if ns.Exists(name) && !slices.Contains(present, name) {
			present = append(present, name)
		}
	}
	// The namespaces are read at once: each dump waits on the kernel, and
	// a lesson has up to a handful of namespaces.
	dumps := make([]nsDump, len(present))
	errs := make([]error, len(present))
	var wg sync.WaitGroup
	for i, name := range present {
		wg.Go(func() { dumps[i], errs[i] = takeOne(name, present, full) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Snapshot{}, err
	}
	resolvePeers(dumps)
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

// takeOne reads one namespace; all lists it returns are sorted. others are
// the snapshot's namespaces, used to name the namespaces veth peers live in.
func takeOne(name string, others []string, full bool) (nsDump, error) {
	h, err := ns.Handle(name)
	if err != nil {
		return nsDump{}, err
	}
	defer h.Close()

	links, err := listLinks(h, name)
	if err != nil {
		return nsDump{}, err
	}
	d := nsDump{
		netns:   Netns{Name: name},
		peers:   map[string]peerRef{},
		byIndex: map[int]string{},
	}
	for _, l := range links {
		d.byIndex[l.Attrs().Index] = l.Attrs().Name
	}
	// Listing the links made the kernel assign nsids to the namespaces
	// holding their peers, so the nsids can be looked up only now.
	var nsids map[int]string
	for _, l := range links {
		if _, isVeth := l.(*netlink.Veth); isVeth && nsid(l) >= 0 {
			if nsids, err = nsidNames(h, name, others); err != nil {
				return nsDump{}, err
			}
			break
		}
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
		ref := peerRef{index: a.ParentIndex, known: true}
		if id := nsid(l); id >= 0 {
			ref.netns, ref.known = nsids[id]
		}
		d.peers[a.Name] = ref
	}

	settleBridges(d.netns.Links)

	if d.netns.Addrs, err = listAddrs(h, name, d.byIndex); err != nil {
		return nsDump{}, err
	}
	if d.netns.Routes, err = listRoutes(h, name, d.byIndex); err != nil {
		return nsDump{}, err
	}
	if d.netns.Neighs, err = listNeighs(h, name, d.byIndex); err != nil {
		return nsDump{}, err
	}
	if full {
		addFull(&d.netns, h, d.byIndex)
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

// nsidNames maps the nsids that namespace name has assigned to the other
// snapshot namespaces back to their names.
func nsidNames(h *netlink.Handle, name string, others []string) (map[int]string, error) {
	ids := map[int]string{}
	for _, other := range others {
		if other == name {
			continue
		}
		fd, err := ns.Open(other)
		if err != nil {
			if !ns.Exists(other) {
				continue // deleted meanwhile: nothing of ours can point into it
			}
			return nil, err
		}
		id, err := h.GetNetNsIdByFd(int(fd))
		fd.Close()
		if err != nil {
			return nil, fmt.Errorf("get nsid of netns %q in netns %q: %w", other, name, err)
		}
		if id >= 0 {
			ids[id] = other
		}
	}
	return ids, nil
}

// resolvePeers names each veth's peer from the ifindex and namespace
// recorded by takeOne, now that every namespace's links are known.
func resolvePeers(dumps []nsDump) {
	byName := map[string]*nsDump{}
	for i := range dumps {
		byName[dumps[i].netns.Name] = &dumps[i]
	}
	for i := range dumps {
		d := &dumps[i]
		for j := range d.netns.Links {
			l := &d.netns.Links[j]
			ref, ok := d.peers[l.Name]
			if !ok || !ref.known {
				continue
			}
			holder := d
			if ref.netns != "" {
				if holder, ok = byName[ref.netns]; !ok {
					continue
				}
			}
			if peer, ok := holder.byIndex[ref.index]; ok {
				l.Peer, l.PeerNetns = peer, ref.netns
			}
		}
	}
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
