package snapshot

import (
	"reflect"
	"slices"
	"testing"
)

// fixture is a small two-namespace snapshot that test cases mutate.
func fixture() Snapshot {
	return Snapshot{Namespaces: []Netns{
		{
			Name: "client",
			Links: []Link{
				{Name: "lo", Kind: "device", Index: 1, MTU: 65536, Flags: []string{"LOOPBACK"}, State: "DOWN"},
				{Name: "veth-client", Kind: "veth", Index: 2, MTU: 1500, Flags: []string{"UP", "LOWER_UP"}, State: "UP",
					Peer: "veth-server", PeerNetns: "server"},
			},
			Addrs:   []Addr{{Dev: "veth-client", Prefix: "10.0.0.11/24"}},
			Routes:  []Route{{Dst: "10.0.0.0/24", Dev: "veth-client", Proto: "kernel", Scope: "link", Src: "10.0.0.11"}},
			Neighs:  []Neigh{{IP: "10.0.0.12", Dev: "veth-client", MAC: "02:00:00:00:00:0c", State: "REACHABLE"}},
			Sysctls: []Sysctl{{"net.ipv4.ip_forward", "0"}},
		},
		{
			Name: "server",
			Links: []Link{
				{Name: "veth-server", Kind: "veth", Index: 2, MTU: 1500, Flags: []string{"UP", "LOWER_UP"}, State: "UP",
					Peer: "veth-client", PeerNetns: "client"},
			},
			Addrs: []Addr{{Dev: "veth-server", Prefix: "10.0.0.12/24"}},
		},
	}}
}

// clone deep-copies a snapshot so a case can mutate "after" freely.
func clone(s Snapshot) Snapshot {
	var out Snapshot
	for _, n := range s.Namespaces {
		c := Netns{Name: n.Name}
		c.Links = append([]Link(nil), n.Links...)
		for i := range c.Links {
			c.Links[i].Flags = append([]string(nil), c.Links[i].Flags...)
		}
		c.Addrs = append([]Addr(nil), n.Addrs...)
		c.Routes = append([]Route(nil), n.Routes...)
		c.Neighs = append([]Neigh(nil), n.Neighs...)
		c.Sysctls = append([]Sysctl(nil), n.Sysctls...)
		c.FDB = append([]FDB(nil), n.FDB...)
		c.Conntrack = append([]string(nil), n.Conntrack...)
		out.Namespaces = append(out.Namespaces, c)
	}
	return out
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *Snapshot)
		want   []Change
	}{
		{
			name:   "no change",
			mutate: func(s *Snapshot) {},
			want:   nil,
		},
		{
			name: "added link",
			mutate: func(s *Snapshot) {
				n := &s.Namespaces[1]
				n.Links = append(n.Links, Link{Name: "br0", Kind: "bridge", Index: 3, MTU: 1500, State: "DOWN"})
			},
			want: []Change{{Netns: "server", Sign: '+', Kind: "link", Line: "br0: mtu 1500 state DOWN type bridge"}},
		},
		{
			name:   "removed addr",
			mutate: func(s *Snapshot) { s.Namespaces[0].Addrs = nil },
			want:   []Change{{Netns: "client", Sign: '-', Kind: "addr", Line: "inet 10.0.0.11/24 dev veth-client"}},
		},
		{
			name: "link state change is a -/+ pair",
			mutate: func(s *Snapshot) {
				l := &s.Namespaces[0].Links[1]
				l.Flags, l.State = nil, "DOWN"
			},
			want: []Change{
				{Netns: "client", Sign: '-', Kind: "link", Line: "veth-client@veth-server: <UP,LOWER_UP> mtu 1500 state UP type veth peer-netns server"},
				{Netns: "client", Sign: '+', Kind: "link", Line: "veth-client@veth-server: mtu 1500 state DOWN type veth peer-netns server"},
			},
		},
		{
			name:   "index churn alone is no change",
			mutate: func(s *Snapshot) { s.Namespaces[0].Links[1].Index = 42 },
			want:   nil,
		},
		{
			name: "new namespace",
			mutate: func(s *Snapshot) {
				s.Namespaces = append(s.Namespaces, Netns{
					Name:   "router",
					Links:  []Link{{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK"}, State: "DOWN"}},
					Addrs:  []Addr{{Dev: "lo", Prefix: "127.0.0.1/8"}},
					Neighs: []Neigh{{IP: "10.0.0.1", Dev: "lo", State: "FAILED"}},
				})
			},
			want: []Change{
				{Netns: "router", Sign: '+', Kind: "netns", Line: "netns router"},
				{Netns: "router", Sign: '+', Kind: "link", Line: "lo: <LOOPBACK> mtu 65536 state DOWN"},
				{Netns: "router", Sign: '+', Kind: "addr", Line: "inet 127.0.0.1/8 dev lo"},
				{Netns: "router", Sign: '+', Kind: "neigh", Line: "10.0.0.1 dev lo INCOMPLETE"},
			},
		},
		{
			name:   "removed namespace",
			mutate: func(s *Snapshot) { s.Namespaces = s.Namespaces[:1] },
			want: []Change{
				{Netns: "server", Sign: '-', Kind: "netns", Line: "netns server"},
				{Netns: "server", Sign: '-', Kind: "link", Line: "veth-server@veth-client: <UP,LOWER_UP> mtu 1500 state UP type veth peer-netns client"},
				{Netns: "server", Sign: '-', Kind: "addr", Line: "inet 10.0.0.12/24 dev veth-server"},
			},
		},
		{
			name:   "a neighbour's state flipping is no change",
			mutate: func(s *Snapshot) { s.Namespaces[0].Neighs[0].State = "STALE" },
			want:   nil,
		},
		{
			name: "a neighbour learnt shows its MAC, one with no answer reads INCOMPLETE",
			mutate: func(s *Snapshot) {
				s.Namespaces[0].Neighs = append(s.Namespaces[0].Neighs,
					Neigh{IP: "10.0.0.13", Dev: "veth-client", MAC: "02:00:00:00:00:0d", State: "DELAY"},
					Neigh{IP: "10.0.0.99", Dev: "veth-client", State: "FAILED"})
			},
			want: []Change{
				{Netns: "client", Sign: '+', Kind: "neigh", Line: "10.0.0.13 dev veth-client lladdr 02:00:00:00:00:0d"},
				{Netns: "client", Sign: '+', Kind: "neigh", Line: "10.0.0.99 dev veth-client INCOMPLETE"},
			},
		},
		{
			name: "a sysctl turned, an fdb entry learnt, a NATed flow appeared and one expired",
			mutate: func(s *Snapshot) {
				c := &s.Namespaces[0]
				c.Sysctls[0].Value = "1"
				c.FDB = append(c.FDB, FDB{MAC: "02:00:00:00:00:0c", Dev: "veth-server-br", Master: "br0"})
				c.Conntrack = []string{"icmp src=10.0.0.11 dst=172.17.0.1 src=172.17.0.1 dst=172.17.0.33"}
			},
			want: []Change{
				{Netns: "client", Sign: '-', Kind: "sysctl", Line: "net.ipv4.ip_forward = 0"},
				{Netns: "client", Sign: '+', Kind: "sysctl", Line: "net.ipv4.ip_forward = 1"},
				{Netns: "client", Sign: '+', Kind: "fdb", Line: "02:00:00:00:00:0c dev veth-server-br master br0"},
				{Netns: "client", Sign: '+', Kind: "conntrack", Line: "icmp src=10.0.0.11 dst=172.17.0.1 src=172.17.0.1 dst=172.17.0.33"},
			},
		},
		{
			name: "a new namespace shows only the sysctls that differ from a new one's",
			mutate: func(s *Snapshot) {
				s.Namespaces = append(s.Namespaces, Netns{Name: "router", Sysctls: []Sysctl{
					{"net.ipv4.ip_forward", "1"}, {"net.ipv4.conf.all.rp_filter", "0"}, {"net.bridge.bridge-nf-call-iptables", "1"}}})
			},
			want: []Change{
				{Netns: "router", Sign: '+', Kind: "netns", Line: "netns router"},
				{Netns: "router", Sign: '-', Kind: "sysctl", Line: "net.ipv4.ip_forward = 0"},
				{Netns: "router", Sign: '+', Kind: "sysctl", Line: "net.ipv4.ip_forward = 1"},
			},
		},
		{
			name: "order: namespaces, then link addr route, default route first",
			mutate: func(s *Snapshot) {
				c := &s.Namespaces[0]
				c.Routes = append([]Route{{Dst: "default", Via: "10.0.0.1", Dev: "veth-client", Proto: "boot"}}, c.Routes...)
				c.Routes = append(c.Routes, Route{Dst: "10.9.0.0/16", Via: "10.0.0.1", Dev: "veth-client", Proto: "static"})
				c.Addrs = append(c.Addrs, Addr{Dev: "veth-client", Prefix: "10.0.0.5/24"})
				c.Links[0].Flags = []string{"LOOPBACK", "UP", "LOWER_UP"}
				c.Links[0].State = "UNKNOWN"
				s.Namespaces[1].Addrs = nil
			},
			want: []Change{
				{Netns: "client", Sign: '-', Kind: "link", Line: "lo: <LOOPBACK> mtu 65536 state DOWN"},
				{Netns: "client", Sign: '+', Kind: "link", Line: "lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN"},
				{Netns: "client", Sign: '+', Kind: "addr", Line: "inet 10.0.0.5/24 dev veth-client"},
				{Netns: "client", Sign: '+', Kind: "route", Line: "default via 10.0.0.1 dev veth-client"},
				{Netns: "client", Sign: '+', Kind: "route", Line: "10.9.0.0/16 via 10.0.0.1 dev veth-client proto static"},
				{Netns: "server", Sign: '-', Kind: "addr", Line: "inet 10.0.0.12/24 dev veth-server"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fixture()
			after := clone(before)
			tt.mutate(&after)
			d := Compare(before, after)
			if !reflect.DeepEqual(d.Changes, tt.want) && !(len(d.Changes) == 0 && len(tt.want) == 0) {
				t.Errorf("Compare:\n got  %s\n want %s", fmtChanges(d.Changes), fmtChanges(tt.want))
			}
			if d.Empty() != (len(tt.want) == 0) {
				t.Errorf("Empty() = %v, want %v", d.Empty(), len(tt.want) == 0)
			}
		})
	}
}

func fmtChanges(cs []Change) string {
	s := ""
	for _, c := range cs {
		s += "\n   " + c.Netns + " " + string(c.Sign) + " " + c.Kind + ": " + c.Line
	}
	return s
}

func TestFindAndHelpers(t *testing.T) {
	s := fixture()
	c, ok := s.Find("client")
	if !ok {
		t.Fatal("Find(client) not found")
	}
	if _, ok := s.Find("nope"); ok {
		t.Error("Find(nope) found")
	}
	if l, ok := c.Link("veth-client"); !ok || l.PeerNetns != "server" {
		t.Errorf("Link(veth-client) = %+v, %v", l, ok)
	}
	if got := c.AddrsOf("veth-client"); !reflect.DeepEqual(got, []string{"10.0.0.11/24"}) {
		t.Errorf("AddrsOf = %v", got)
	}
	if _, ok := c.DefaultRoute(); ok {
		t.Error("DefaultRoute found in a namespace without one")
	}
	c.Routes = append(c.Routes,
		Route{Dst: "default", Via: "10.0.0.2", Dev: "veth-client", Metric: 200},
		Route{Dst: "default", Via: "10.0.0.1", Dev: "veth-client", Metric: 100})
	if r, ok := c.DefaultRoute(); !ok || r.Via != "10.0.0.1" {
		t.Errorf("DefaultRoute = %+v, %v; want the metric 100 one", r, ok)
	}
}

// A rule is its own line: a rule typed again with another port shows as the
// old one removed and the new one added, and an untouched rule not at all.
func TestCompareRulesUnit(t *testing.T) {
	keep := `table ip nat chain POSTROUTING: ip saddr 172.30.0.0/24 oifname "eth0" counter masquerade`
	old := "table ip nat chain PREROUTING: tcp dport 8080 counter dnat to 172.18.0.3:80"
	cur := "table ip nat chain PREROUTING: tcp dport 80 counter dnat to 172.18.0.3:80"
	before := Snapshot{Namespaces: []Netns{{Name: "lab-host", Rules: []string{keep, old}}}}
	after := Snapshot{Namespaces: []Netns{{Name: "lab-host", Rules: []string{keep, cur}}}}
	got := Compare(before, after).Changes
	want := []Change{
		{Netns: "lab-host", Sign: '-', Kind: "rule", Line: old},
		{Netns: "lab-host", Sign: '+', Kind: "rule", Line: cur},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %s\nwant %s", fmtChanges(got), fmtChanges(want))
	}
}
