package engine

import (
	"fmt"
	"math/rand"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// varySpec is one value `lab task ID --seed N` may change, named in the
// scenario's `vary` map (the name is what `lab task --env` prints):
//
//	subnet: 172.30.0.0/24        the /24 moves to another /24 of its /16, and every address in it along
//	host: 172.30.0.11            the address takes another host number in its (moved) /24
//	swap: [client1, server1]     the names trade places: which namespace is broken
//
// The change is made to the text of the scenario's file and of every lesson
// it extends, before they are parsed: setup, checks, hints and solution all
// read the same new values, and the lab holds no answer learnt by heart.
type varySpec struct {
	Subnet string   `yaml:"subnet"`
	Host   string   `yaml:"host"`
	Swap   []string `yaml:"swap"`
}

var (
	ipv4Literal = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)
	nameWord    = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
)

// check refuses a spec that is not exactly one of its kinds.
func (v varySpec) check(name string) error {
	kinds := 0
	if v.Subnet != "" {
		kinds++
		p, err := netip.ParsePrefix(v.Subnet)
		if err != nil || !p.Addr().Is4() || p.Bits() != 24 || p.Masked() != p {
			return fmt.Errorf("vary %s: subnet %q, want an IPv4 /24 such as 172.30.0.0/24", name, v.Subnet)
		}
	}
	if v.Host != "" {
		kinds++
		if a, err := netip.ParseAddr(v.Host); err != nil || !a.Is4() {
			return fmt.Errorf("vary %s: host %q, want an IPv4 address", name, v.Host)
		}
	}
	if len(v.Swap) > 0 {
		kinds++
		for _, n := range v.Swap {
			if !nameWord.MatchString(n) {
				return fmt.Errorf("vary %s: swap name %q, want a lowercase name", name, n)
			}
		}
		if len(v.Swap) < 2 {
			return fmt.Errorf("vary %s: swap needs two names or more", name)
		}
	}
	if kinds != 1 {
		return fmt.Errorf("vary %s: give exactly one of subnet, host, swap", name)
	}
	return nil
}

// variation is what one seed drew: addresses and names, old to new.
type variation struct {
	subnets map[netip.Prefix]netip.Prefix
	hosts   map[netip.Addr]netip.Addr
	names   map[string]string
	values  map[string]string // the vary names and their new values
}

// Varied is the lesson with the values seed draws for its `vary` names:
// its file and those of the lessons it extends, read again with the new
// values. Seed 0, or a lesson that varies nothing, gives the lesson as is.
// The same seed always draws the same values.
func (l *Lesson) Varied(seed int64) (*Lesson, error) {
	if l.canon != nil {
		l = l.canon // values are always drawn from the canonical text
	}
	if seed == 0 || len(l.Vary) == 0 {
		return l, nil
	}
	var chain []*Lesson
	for x := l; x != nil; x = x.base {
		chain = append(chain, x)
	}
	var texts [][]byte
	for _, x := range chain {
		texts = append(texts, x.source)
	}
	v, err := draw(l.Vary, seed, texts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.File, err)
	}
	parsed := make([]*Lesson, len(chain))
	for i, x := range chain {
		if parsed[i], err = Parse(x.File, v.apply(x.source)); err != nil {
			return nil, fmt.Errorf("lesson %s with seed %d: %w", l.ID, seed, err)
		}
	}
	all, err := Merge(parsed, nil)
	if err != nil {
		return nil, fmt.Errorf("lesson %s with seed %d: %w", l.ID, seed, err)
	}
	out := all[0]
	out.Seed, out.varied, out.canon = seed, v.values, l
	return out, nil
}

// draw picks new values for specs, avoiding every address the texts use
// already: a moved subnet never lands on another of the lab's networks.
func draw(specs map[string]varySpec, seed int64, texts [][]byte) (*variation, error) {
	used := map[netip.Addr]bool{}
	for _, t := range texts {
		for _, m := range ipv4Literal.FindAll(t, -1) {
			if a, err := netip.ParseAddr(string(m)); err == nil {
				used[a] = true
			}
		}
	}
	names := sortedKeys(specs) // a map's order would make the draw differ run to run
	r := rand.New(rand.NewSource(seed))
	v := &variation{subnets: map[netip.Prefix]netip.Prefix{}, hosts: map[netip.Addr]netip.Addr{},
		names: map[string]string{}, values: map[string]string{}}

	// Subnets first: a host moves within its subnet's new place.
	for _, n := range names {
		if specs[n].Subnet == "" {
			continue
		}
		old := netip.MustParsePrefix(specs[n].Subnet)
		p, err := pickSubnet(r, old, used, v.subnets)
		if err != nil {
			return nil, fmt.Errorf("vary %s: %w", n, err)
		}
		v.subnets[old], v.values[n] = p, p.String()
	}
	for _, n := range names {
		if specs[n].Host == "" {
			continue
		}
		old := netip.MustParseAddr(specs[n].Host)
		a, err := pickHost(r, old, used, v)
		if err != nil {
			return nil, fmt.Errorf("vary %s: %w", n, err)
		}
		v.hosts[old], v.values[n] = a, a.String()
	}
	for _, n := range names {
		sw := specs[n].Swap
		if len(sw) == 0 {
			continue
		}
		perm := r.Perm(len(sw))
		for i, j := range perm {
			v.names[sw[i]] = sw[j]
		}
		v.values[n] = v.names[sw[0]]
	}
	return v, nil
}

// pickSubnet moves a /24 to another /24 of its /16 that no address of the
// texts is in, and no other moved subnet took.
func pickSubnet(r *rand.Rand, old netip.Prefix, used map[netip.Addr]bool, taken map[netip.Prefix]netip.Prefix) (netip.Prefix, error) {
	b := old.Addr().As4()
	for _, third := range r.Perm(254) {
		b[2] = byte(third + 1)
		p := netip.PrefixFrom(netip.AddrFrom4(b), 24)
		if p == old || slices.Contains(mapValues(taken), p) {
			continue
		}
		free := true
		for a := range used {
			if p.Contains(a) {
				free = false
				break
			}
		}
		if free {
			return p, nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("no free /24 next to %s", old)
}

// pickHost gives an address another host number in its /24: not the
// network, the gateway (.1) or the broadcast, and none the texts use there.
func pickHost(r *rand.Rand, old netip.Addr, used map[netip.Addr]bool, v *variation) (netip.Addr, error) {
	taken := map[byte]bool{0: true, 1: true, 255: true}
	oldNet := netip.PrefixFrom(old, 24).Masked()
	for a := range used {
		if oldNet.Contains(a) {
			taken[a.As4()[3]] = true
		}
	}
	for _, a := range v.hosts {
		if netip.PrefixFrom(a, 24).Masked() == v.moved(oldNet) {
			taken[a.As4()[3]] = true
		}
	}
	for _, h := range r.Perm(256) {
		if taken[byte(h)] {
			continue
		}
		b := v.moved(oldNet).Addr().As4()
		b[3] = byte(h)
		return netip.AddrFrom4(b), nil
	}
	return netip.Addr{}, fmt.Errorf("no free host number in %s", oldNet)
}

// moved is where a /24 went, itself when it stayed.
func (v *variation) moved(p netip.Prefix) netip.Prefix {
	if n, ok := v.subnets[p]; ok {
		return n
	}
	return p
}

// addr is where an address went: a varied host, or its subnet's move.
func (v *variation) addr(a netip.Addr) netip.Addr {
	if n, ok := v.hosts[a]; ok {
		return n
	}
	p := netip.PrefixFrom(a, 24).Masked()
	if n, ok := v.subnets[p]; ok {
		b, host := n.Addr().As4(), a.As4()[3]
		b[3] = host
		return netip.AddrFrom4(b)
	}
	return a
}

// apply writes the variation into a lesson file's text: every IPv4 literal
// and every whole-word name it changes.
func (v *variation) apply(text []byte) []byte {
	out := ipv4Literal.ReplaceAllFunc(text, func(m []byte) []byte {
		a, err := netip.ParseAddr(string(m))
		if err != nil {
			return m
		}
		return []byte(v.addr(a).String())
	})
	if len(v.names) == 0 {
		return out
	}
	olds := make([]string, 0, len(v.names))
	for o := range v.names {
		olds = append(olds, regexp.QuoteMeta(o))
	}
	sort.Strings(olds)
	re := regexp.MustCompile(`\b(?:` + strings.Join(olds, "|") + `)\b`)
	return re.ReplaceAllFunc(out, func(m []byte) []byte { return []byte(v.names[string(m)]) })
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, x := range m {
		out = append(out, x)
	}
	return out
}
