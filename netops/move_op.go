package netops

import (
	"fmt"

	"github.com/cnilab/lab/netops/ns"
)

// LinkMove moves a link from one namespace into another, as the article does
// with each end of a veth made in the host. Moving is slower than creating a
// peer in place (VethAdd), so lessons use it only to teach the move itself.
//
// Equivalent to: `ip link set NAME netns TO`
type LinkMove struct {
	Name  string `yaml:"name"`
	Netns string `yaml:"netns"`
	To    string `yaml:"to"`
}

func (o LinkMove) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, "ip link set "+o.Name+" netns "+r.Netns(orHost(o.To)))}
}

func (o LinkMove) Namespaces() []string { return []string{orHost(o.Netns), orHost(o.To)} }

func (o LinkMove) Validate() error {
	if orHost(o.Netns) == orHost(o.To) {
		return fmt.Errorf("move %q: it is already in netns %q", o.Name, orHost(o.To))
	}
	return checkLinkName("move", o.Name)
}

func (o LinkMove) Apply(s *Scope) ([]Note, error) {
	from, to := s.Netns(orHost(o.Netns)), s.Netns(orHost(o.To))
	th, err := s.handle(to)
	if err != nil {
		return nil, err
	}
	if _, err := th.LinkByName(o.Name); err == nil {
		return nil, nil // already moved
	}
	h, err := s.handle(from)
	if err != nil {
		return nil, err
	}
	l, err := h.LinkByName(o.Name)
	if err != nil {
		return nil, fmt.Errorf("find link %q in netns %q: %w", o.Name, from, err)
	}
	fd, err := ns.Open(to)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	if err := s.Record(Entry{Kind: KindLink, Netns: to, Name: o.Name}); err != nil {
		return nil, err
	}
	if err := h.LinkSetNsFd(l, int(fd)); err != nil {
		return nil, fmt.Errorf("move link %q from netns %q to netns %q: %w", o.Name, from, to, err)
	}
	return nil, nil
}
