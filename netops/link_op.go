package netops

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netlink"
)

// VethAdd creates a veth pair with each end directly in its namespace (no
// move afterwards: a move costs a netns round trip per link).
//
// Equivalent to: `ip link add NAME netns NS type veth peer name PEER netns PEERNS`
type VethAdd struct {
	Name      string `yaml:"name"`
	Netns     string `yaml:"netns"`
	Peer      string `yaml:"peer"`
	PeerNetns string `yaml:"peer_netns"`
}

func (o VethAdd) Commands(r Resolver) []string {
	var b strings.Builder
	b.WriteString("ip link add " + o.Name)
	if orHost(o.Netns) != HostNetns {
		b.WriteString(" netns " + r.Netns(o.Netns))
	}
	b.WriteString(" type veth peer name " + o.Peer)
	if orHost(o.PeerNetns) != HostNetns {
		b.WriteString(" netns " + r.Netns(o.PeerNetns))
	}
	return []string{b.String()}
}

func (o VethAdd) Namespaces() []string { return []string{orHost(o.Netns), orHost(o.PeerNetns)} }

func (o VethAdd) Validate() error {
	if err := checkLinkName("veth", o.Name); err != nil {
		return err
	}
	if err := checkLinkName("veth peer", o.Peer); err != nil {
		return err
	}
	if orHost(o.Netns) == orHost(o.PeerNetns) && o.Name == o.Peer {
		return fmt.Errorf("veth %q: both ends have the same name in the same namespace", o.Name)
	}
	return nil
}

func (o VethAdd) Apply(s *Scope) ([]Note, error) {
	here, there := s.Netns(orHost(o.Netns)), s.Netns(orHost(o.PeerNetns))
	h, err := s.handle(here)
	if err != nil {
		return nil, err
	}
	if l, err := h.LinkByName(o.Name); err == nil {
		return nil, s.checkVeth(l, here, o.Peer, there)
	}
	for _, e := range []Entry{{Kind: KindLink, Netns: here, Name: o.Name}, {Kind: KindLink, Netns: there, Name: o.Peer}} {
		if err := s.Record(e); err != nil {
			return nil, err
		}
	}
	peerFd, err := ns.Open(there)
	if err != nil {
		return nil, err
	}
	defer peerFd.Close()
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: o.Name, Alias: s.Mark()},
		PeerName:      o.Peer,
		PeerNamespace: netlink.NsFd(int(peerFd)),
	}
	if err := h.LinkAdd(veth); err != nil {
		return nil, fmt.Errorf("add veth %q in netns %q with peer %q in netns %q: %w", o.Name, here, o.Peer, there, err)
	}
	// The kernel ignores an alias given at creation for a veth: mark both
	// ends afterwards.
	if err := s.mark(here, o.Name); err != nil {
		return nil, err
	}
	return nil, s.mark(there, o.Peer)
}

// mark writes the scope's ownership alias on a link lab created.
func (s *Scope) mark(real, name string) error {
	h, err := s.handle(real)
	if err != nil {
		return err
	}
	l, err := h.LinkByName(name)
	if err != nil {
		return fmt.Errorf("find link %q in netns %q: %w", name, real, err)
	}
	if err := h.LinkSetAlias(l, s.Mark()); err != nil {
		return fmt.Errorf("mark link %q in netns %q: %w", name, real, err)
	}
	return nil
}

// checkVeth accepts an existing link only when it is the veth asked for.
func (s *Scope) checkVeth(l netlink.Link, here, peer, there string) error {
	name := l.Attrs().Name
	if l.Type() != "veth" {
		return fmt.Errorf("link %q in netns %q exists and is a %s, not a veth", name, here, l.Type())
	}
	ph, err := s.handle(there)
	if err != nil {
		return err
	}
	p, err := ph.LinkByName(peer)
	if err != nil || p.Attrs().Index != l.Attrs().ParentIndex {
		return fmt.Errorf("veth %q in netns %q exists but its peer is not %q in netns %q", name, here, peer, there)
	}
	return nil
}

// BridgeAdd creates a Linux bridge.
//
// Equivalent to: `ip link add NAME type bridge`
type BridgeAdd struct {
	Name  string `yaml:"name"`
	Netns string `yaml:"netns"`
}

func (o BridgeAdd) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, "ip link add "+o.Name+" type bridge")}
}

func (o BridgeAdd) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o BridgeAdd) Validate() error { return checkLinkName("bridge", o.Name) }

func (o BridgeAdd) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	h, err := s.handle(real)
	if err != nil {
		return nil, err
	}
	if l, err := h.LinkByName(o.Name); err == nil {
		if l.Type() != "bridge" {
			return nil, fmt.Errorf("link %q in netns %q exists and is a %s, not a bridge", o.Name, real, l.Type())
		}
		return nil, nil
	}
	if err := s.Record(Entry{Kind: KindLink, Netns: real, Name: o.Name}); err != nil {
		return nil, err
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: o.Name, Alias: s.Mark()}}
	if err := h.LinkAdd(br); err != nil && !errors.Is(err, errExist) {
		return nil, fmt.Errorf("add bridge %q in netns %q: %w", o.Name, real, err)
	}
	return nil, nil
}

// LinkSet changes a link: its master, its MTU, its state, in that order (a
// port is enslaved before it comes up, as the article does).
//
// Equivalent to: `ip link set NAME master BR`, `ip link set NAME mtu N`, `ip link set NAME up`
type LinkSet struct {
	Name   string `yaml:"name"`
	Netns  string `yaml:"netns"`
	Master string `yaml:"master"`
	// Nomaster takes the link out of its bridge.
	Nomaster bool  `yaml:"nomaster"`
	MTU      int   `yaml:"mtu"`
	Up       *bool `yaml:"up"`
}

func (o LinkSet) Commands(r Resolver) []string {
	var out []string
	if o.Master != "" {
		out = append(out, in(r, o.Netns, "ip link set "+o.Name+" master "+o.Master))
	}
	if o.Nomaster {
		out = append(out, in(r, o.Netns, "ip link set "+o.Name+" nomaster"))
	}
	if o.MTU != 0 {
		out = append(out, in(r, o.Netns, "ip link set "+o.Name+" mtu "+strconv.Itoa(o.MTU)))
	}
	if o.Up != nil {
		state := "down"
		if *o.Up {
			state = "up"
		}
		out = append(out, in(r, o.Netns, "ip link set "+o.Name+" "+state))
	}
	return out
}

func (o LinkSet) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o LinkSet) Validate() error {
	if err := checkLinkName("link", o.Name); err != nil {
		return err
	}
	if o.Master != "" {
		if err := checkLinkName("link master", o.Master); err != nil {
			return err
		}
	}
	if o.MTU != 0 && (o.MTU < 68 || o.MTU > 65535) {
		return fmt.Errorf("link %q: mtu %d is outside 68..65535", o.Name, o.MTU)
	}
	if o.Master != "" && o.Nomaster {
		return fmt.Errorf("link %q: give master or nomaster, not both", o.Name)
	}
	if o.Master == "" && !o.Nomaster && o.MTU == 0 && o.Up == nil {
		return fmt.Errorf("link %q: nothing to set (give master, nomaster, mtu or up)", o.Name)
	}
	return nil
}

func (o LinkSet) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	h, err := s.handle(real)
	if err != nil {
		return nil, err
	}
	l, err := h.LinkByName(o.Name)
	if err != nil {
		return nil, fmt.Errorf("find link %q in netns %q: %w", o.Name, real, err)
	}
	if o.Master != "" {
		m, err := h.LinkByName(o.Master)
		if err != nil {
			return nil, fmt.Errorf("find master %q of %q in netns %q: %w", o.Master, o.Name, real, err)
		}
		if l.Attrs().MasterIndex != m.Attrs().Index {
			if err := h.LinkSetMaster(l, m); err != nil {
				return nil, fmt.Errorf("set master of %q to %q in netns %q: %w", o.Name, o.Master, real, err)
			}
		}
	}
	if o.Nomaster && l.Attrs().MasterIndex != 0 {
		if err := h.LinkSetNoMaster(l); err != nil {
			return nil, fmt.Errorf("take %q out of its bridge in netns %q: %w", o.Name, real, err)
		}
	}
	if o.MTU != 0 && l.Attrs().MTU != o.MTU {
		if err := h.LinkSetMTU(l, o.MTU); err != nil {
			return nil, fmt.Errorf("set mtu of %q in netns %q: %w", o.Name, real, err)
		}
	}
	if o.Up != nil {
		if *o.Up {
			err = h.LinkSetUp(l)
		} else {
			err = h.LinkSetDown(l)
		}
		if err != nil {
			return nil, fmt.Errorf("set %q %s in netns %q: %w", o.Name, map[bool]string{true: "up", false: "down"}[*o.Up], real, err)
		}
	}
	return nil, nil
}

// LinkDel deletes a link of a lesson namespace, such as the bridge a CNI
// plugin made and its DEL leaves behind (article 004's cleanup script ends
// with it). Deleting an absent link is no error.
//
// Equivalent to: `ip link delete iksoon0`
type LinkDel struct {
	Name  string `yaml:"name"`
	Netns string `yaml:"netns"`
}

func (o LinkDel) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, "ip link delete "+o.Name)}
}

func (o LinkDel) Namespaces() []string { return []string{orHost(o.Netns)} }
func (o LinkDel) Validate() error      { return checkLinkName("link_del", o.Name) }

func (o LinkDel) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	h, err := s.handle(real)
	if err != nil {
		return nil, err
	}
	l, err := h.LinkByName(o.Name)
	if err != nil {
		return nil, nil // gone already
	}
	if err := h.LinkDel(l); err != nil {
		return nil, fmt.Errorf("delete link %q in netns %q: %w", o.Name, real, err)
	}
	return nil, nil
}
