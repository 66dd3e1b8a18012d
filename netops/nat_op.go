package netops

import (
	"fmt"
	"net/netip"

	"github.com/cnilab/lab/netops/nft"
)

// Masquerade rewrites the source of packets from Src that leave through Out
// (or through any link but NotOut) to the address of the link they leave by.
//
// Equivalent to: `nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname "eth0" masquerade`
// (iptables: `iptables -t nat -A POSTROUTING -s 172.30.0.0/24 -o eth0 -j MASQUERADE`)
type Masquerade struct {
	Netns  string `yaml:"netns"`
	Src    string `yaml:"src"`
	Out    string `yaml:"out"`
	NotOut string `yaml:"not_out"`
	NotDst string `yaml:"not_dst"`
}

func (o Masquerade) rule(s *Scope, real string) nft.Masquerade {
	return nft.Masquerade{Netns: real, Table: s.Table(), Src: o.Src, OutIface: o.Out, NotOutIface: o.NotOut, NotDst: o.NotDst}
}

func (o Masquerade) Commands(r Resolver) []string {
	s := scopeOf(r)
	return inAll(r, o.Netns, o.rule(s, "").Command())
}

func (o Masquerade) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o Masquerade) Validate() error {
	if err := checkCIDR("masquerade src", o.Src); err != nil {
		return err
	}
	if o.Out != "" && o.NotOut != "" {
		return fmt.Errorf("masquerade: give out or not_out, not both")
	}
	return nil
}

func (o Masquerade) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	if err := s.recordTable(real); err != nil {
		return nil, err
	}
	return nil, o.rule(s, real).Apply()
}

// ForwardAccept lets forwarded packets from and to CIDR through, as article
// 000's FORWARD rules do on hosts whose FORWARD policy drops.
//
// Equivalent to: `nft add rule ip cnilab forward ip saddr 10.240.0.0/16 accept`
// (iptables: `iptables -A FORWARD -s 10.240.0.0/16 -j ACCEPT`, and `-d`)
type ForwardAccept struct {
	Netns string `yaml:"netns"`
	CIDR  string `yaml:"cidr"`
}

func (o ForwardAccept) rule(s *Scope, real string) nft.ForwardAccept {
	return nft.ForwardAccept{Netns: real, Table: s.Table(), CIDR: o.CIDR}
}

func (o ForwardAccept) Commands(r Resolver) []string {
	return inAll(r, o.Netns, o.rule(scopeOf(r), "").Command())
}

func (o ForwardAccept) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o ForwardAccept) Validate() error { return checkCIDR("forward_accept cidr", o.CIDR) }

func (o ForwardAccept) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	if err := s.recordTable(real); err != nil {
		return nil, err
	}
	return nil, o.rule(s, real).Apply()
}

// recordTable journals the scope's table in a namespace once.
func (s *Scope) recordTable(real string) error {
	entries, err := s.Journal()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Kind == KindNftTable && e.Netns == real && e.Name == s.Table() {
			return nil
		}
	}
	return s.Record(Entry{Kind: KindNftTable, Netns: real, Name: s.Table()})
}

// scopeOf gives the table name for commands; a bare resolver (tests,
// scripts) gets the default scope's.
func scopeOf(r Resolver) *Scope {
	if s, ok := r.(*Scope); ok {
		return s
	}
	return &Scope{Name: DefaultScope}
}

func inAll(r Resolver, logical string, cmds []string) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = in(r, logical, c)
	}
	return out
}

func checkCIDR(what, s string) error {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() {
		return fmt.Errorf("%s: %q is not an IPv4 network like 172.30.0.0/24", what, s)
	}
	if p.Masked() != p {
		return fmt.Errorf("%s: %q has host bits set; did you mean %s?", what, s, p.Masked())
	}
	return nil
}

// DNAT rewrites the destination of packets arriving for a port of the host
// to another address and port: Docker's `-p 80:80`, the article's port
// forward. It applies to packets coming in (PREROUTING), not to what the
// host itself sends.
//
// Equivalent to: `nft add rule ip cnilab prerouting tcp dport 80 dnat to 172.18.0.3:80`
// (iptables: `iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.18.0.3:80`)
type DNAT struct {
	Netns string `yaml:"netns"`
	Proto string `yaml:"proto"` // tcp (default) or udp
	Dport int    `yaml:"dport"`
	To    string `yaml:"to"` // "172.18.0.3:80"
	In    string `yaml:"in"` // only packets arriving on this link (optional)
}

func (o DNAT) rule(s *Scope, real string) nft.DNAT {
	to, _ := netip.ParseAddrPort(o.To)
	return nft.DNAT{Netns: real, Table: s.Table(), Proto: o.Proto, Dport: uint16(o.Dport),
		ToAddr: to.Addr().String(), ToPort: to.Port(), InIface: o.In}
}

func (o DNAT) Commands(r Resolver) []string {
	return inAll(r, o.Netns, o.rule(scopeOf(r), "").Command())
}

func (o DNAT) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o DNAT) Validate() error {
	if o.Proto != "" && o.Proto != "tcp" && o.Proto != "udp" {
		return fmt.Errorf("dnat: proto %q, want tcp or udp", o.Proto)
	}
	if o.Dport < 1 || o.Dport > 65535 {
		return fmt.Errorf("dnat: dport %d is not a port", o.Dport)
	}
	if to, err := netip.ParseAddrPort(o.To); err != nil || !to.Addr().Is4() {
		return fmt.Errorf("dnat: to %q is not IPv4:port like 172.18.0.3:80", o.To)
	}
	return nil
}

func (o DNAT) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	if err := s.recordTable(real); err != nil {
		return nil, err
	}
	return nil, o.rule(s, real).Apply()
}
