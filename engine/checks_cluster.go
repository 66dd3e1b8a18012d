package engine

import (
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/capture"
	"github.com/cnilab/lab/netops/cluster"
	"github.com/cnilab/lab/netops/cni"
	"github.com/cnilab/lab/netops/probe"
	"github.com/cnilab/lab/netops/snapshot"
)

// ClusterCheck grades a cluster of the scope's vars, whatever they name:
//
//	nodes: every node pings every other node on the underlay
//	pods: a pod on each node pings a pod on every other node (Expect fail:
//	      none does), with TTL when given (62: two routers, article 002)
//	world: a pod on each node pings lab-world
//	routes: each node routes every other node's pod range via its address
//	isolated: lab-world has no route to the cluster's pod range
//
// The pods are the probe pods the check makes through each node's
// installed config, as a kubelet would, and removes again: a cluster built
// by hand is graded as one built by the lesson.
type ClusterCheck struct {
	What    string          `yaml:"what"`
	Expect  string          `yaml:"expect"` // "reply" (default) or "fail", for nodes, pods and world
	TTL     int             `yaml:"ttl"`
	Capture *ClusterCapture `yaml:"capture"` // pods and world: what crosses one node's link meanwhile
	// Use "lesson" grades the lesson's own pods (NODE-pod1, made by
	// node_pods) instead of probe pods: a walkthrough step shows the pods
	// its prose names, and skips making and removing others.
	Use string `yaml:"use"`
	// VNI and Port are what vxlan wants of every node's VXLAN device.
	VNI  int `yaml:"vni"`
	Port int `yaml:"port"`
	// Size is the pings' echo data, sent with don't-fragment (`ping -M do
	// -s SIZE`); Reason, for expect fail, is what each failure must say
	// ("message too long": refused at once, not lost on the way).
	Size   int    `yaml:"size"`
	Reason string `yaml:"reason"`
	// Range is an overlay's pod range, for slices (each node's probe pod
	// gets an address of its own slice of it) and noroutes (no node routes
	// any of it via another).
	Range string `yaml:"range"`
}

// ClusterCapture captures on one node's link while the pods' pings run. In
// Match and NoMatch, {podK} stands for the address of the pod on node K
// (from 0, in the vars' order) and {nodeK} for node K's own address, so
// that the lesson holds for any vars: "IP {pod0} > {pod1}: ICMP echo request".
type ClusterCapture struct {
	Node    int    `yaml:"node"`
	Dev     string `yaml:"dev"` // "uplink" (the vars' interface) or "bridge"
	Match   string `yaml:"match"`
	NoMatch string `yaml:"no_match"`
}

var clusterWhats = []string{"nodes", "pods", "world", "routes", "isolated", "vxlan", "slices", "noroutes"}

func (c ClusterCheck) Namespaces() []string { return []string{netops.HostNetns, netops.WorldNetns} }

func (c ClusterCheck) Behaviour() bool {
	switch c.What {
	case "routes", "isolated", "vxlan", "slices", "noroutes":
		return false
	}
	return true
}

func (c ClusterCheck) Validate() error {
	ok := false
	for _, w := range clusterWhats {
		ok = ok || c.What == w
	}
	if !ok {
		return fmt.Errorf("cluster check: what %q, want one of %s", c.What, strings.Join(clusterWhats, ", "))
	}
	if c.Expect != "" && c.Expect != "reply" && c.Expect != "fail" {
		return fmt.Errorf("cluster check: expect %q, want reply or fail", c.Expect)
	}
	if c.What == "vxlan" && (c.VNI < 1 || c.Port < 1) {
		return fmt.Errorf("cluster check vxlan: vni and port are required")
	}
	if c.What == "slices" || c.What == "noroutes" {
		if _, _, err := netops.OverlaySlice(c.Range, 0); err != nil {
			return fmt.Errorf("cluster check %s: %w", c.What, err)
		}
	}
	if c.Use != "" && c.Use != "probe" && c.Use != "lesson" {
		return fmt.Errorf("cluster check: use %q, want probe or lesson", c.Use)
	}
	if k := c.Capture; k != nil {
		if c.What != "pods" && c.What != "world" {
			return fmt.Errorf("cluster check: a capture goes with what: pods or world")
		}
		if k.Dev != "uplink" && k.Dev != "bridge" || k.Match == "" || k.Node < 0 {
			return fmt.Errorf("cluster check capture: dev uplink or bridge, a match and a node index are required")
		}
	}
	return nil
}

func (c ClusterCheck) Describe(r netops.Resolver) string {
	d := c.describe(r)
	if k := c.Capture; k != nil {
		node := fmt.Sprintf("node %d", k.Node)
		if v := netops.VarsOf(r); k.Node < len(v.NodeInfo) {
			node = v.NodeInfo[k.Node].Name
		}
		d += fmt.Sprintf(", and on %s's %s: %q", node, k.Dev, k.Match)
		if k.NoMatch != "" {
			d += fmt.Sprintf(" and no %q", k.NoMatch)
		}
	}
	return d
}

func (c ClusterCheck) describe(r netops.Resolver) string {
	fail := c.Expect == "fail"
	switch c.What {
	case "nodes":
		return "every node pings every other node on the underlay"
	case "pods":
		if fail {
			d := "no pod reaches a pod on another node"
			if c.Size > 0 {
				d += fmt.Sprintf(" with %d bytes, don't fragment", c.Size)
			}
			if c.Reason != "" {
				d += " (" + c.Reason + ")"
			}
			return d
		}
		s := "a pod on each node pings a pod on every other node"
		if c.Size > 0 {
			s = fmt.Sprintf("a pod on each node pings a pod on every other node with %d bytes, don't fragment", c.Size)
		}
		if c.TTL > 0 {
			s += fmt.Sprintf(" (ttl %d)", c.TTL)
		}
		return s
	case "world":
		if fail {
			return "no pod reaches " + netops.WorldIP
		}
		return "a pod on each node pings " + netops.WorldIP
	case "routes":
		return "each node routes every other node's pod range via its address"
	case "vxlan":
		return fmt.Sprintf("each node's %s (vni %d, port %d) is a port of its bridge and knows every other node", netops.VXLANDev(c.VNI), c.VNI, c.Port)
	case "slices":
		return "a pod on each node gets an address of its node's own slice of " + c.Range
	case "noroutes":
		return "no node routes " + c.Range + " via another node: the overlay carries it"
	}
	return r.Netns(netops.WorldNetns) + " has no route to the cluster's pod range"
}

func (c ClusterCheck) Evaluate(e *Eval) Outcome {
	v, err := e.Scope.ClusterVars()
	if err != nil {
		return fail(err.Error())
	}
	switch c.What {
	case "routes":
		return c.routes(e, v)
	case "isolated":
		return c.isolated(e, v)
	case "vxlan":
		return c.vxlan(e, v)
	case "noroutes":
		return c.noroutes(e, v)
	case "nodes":
		var pairs []pingPair
		for _, a := range v.NodeInfo {
			for _, b := range v.Others(a.Name) {
				pairs = append(pairs, pingPair{from: e.Scope.Netns(a.Name), what: a.Name + " -> " + b.Name, to: b.IP})
			}
		}
		return c.pings(pairs)
	}
	// pods and world: probe pods through each node's own config, or the
	// lesson's.
	var pods []netops.PodResult
	if c.Use == "lesson" {
		if pods, err = lessonPods(e, v); err != nil {
			return fail(err.Error())
		}
	} else {
		var undo func()
		// Checks graded together each make their own: a name apiece.
		pods, undo, err = probePods(e.Scope, v, fmt.Sprintf("probe%d-", probeSeq.Add(1)))
		defer undo()
		if err != nil {
			return fail(err.Error())
		}
	}
	var pairs []pingPair
	for i, a := range v.NodeInfo {
		if c.What == "world" {
			pairs = append(pairs, pingPair{from: pods[i].Netns, what: "pod on " + a.Name + " -> " + netops.WorldIP, to: netops.WorldIP})
			continue
		}
		for j, b := range v.NodeInfo {
			if i != j {
				pairs = append(pairs, pingPair{from: pods[i].Netns, what: "pod on " + a.Name + " -> pod on " + b.Name, to: pods[j].IP()})
			}
		}
	}
	var capt *capture.Session
	if k := c.Capture; k != nil {
		if k.Node >= len(v.NodeInfo) {
			return fail(fmt.Sprintf("the capture's node %d: the vars have %d nodes", k.Node, len(v.NodeInfo)))
		}
		dev := v.Interface
		if k.Dev == "bridge" {
			dev = v.Bridge
		}
		if capt, err = capture.Start(capture.Options{Netns: e.Scope.Netns(v.NodeInfo[k.Node].Name), Iface: dev, Timeout: captureBound}); err != nil {
			return fail(err.Error())
		}
	}
	if c.What == "slices" {
		return c.slices(v, pods)
	}
	o := c.pings(pairs)
	if capt != nil {
		o = c.captured(capt.Stop(), v, pods, o)
	}
	return o
}

// captured grades what the capture saw, once the pings are done: Match
// must be there and NoMatch not, with the placeholders filled in.
func (c ClusterCheck) captured(pkts []capture.Packet, v cluster.Vars, pods []netops.PodResult, o Outcome) Outcome {
	fill := func(p string) string {
		for k, n := range v.NodeInfo {
			p = strings.ReplaceAll(p, fmt.Sprintf("{node%d}", k), n.IP)
			if k < len(pods) {
				p = strings.ReplaceAll(p, fmt.Sprintf("{pod%d}", k), pods[k].IP())
			}
		}
		return p
	}
	match := fill(c.Capture.Match)
	lines, hit, unwanted := matchPackets(pkts, match, fill(c.Capture.NoMatch))
	o.Lines = append(o.Lines, lines...)
	dev := v.NodeInfo[c.Capture.Node].Name + "'s " + c.Capture.Dev
	switch {
	case hit == "":
		o.Passed = false
		o.Detail += fmt.Sprintf("; no packet on %s matches %q (saw %d)", dev, match, len(pkts))
	case unwanted != "":
		o.Passed = false
		o.Detail += fmt.Sprintf("; on %s %s, which should not cross", dev, unwanted)
	default:
		o.Detail += "; on " + dev + ": " + hit
	}
	return o
}

// probeSeq numbers the probe pods' sets of this process.
var probeSeq atomic.Uint32

type pingPair struct{ from, what, to string }

// pings runs the pings at once and passes when each one answered (or, for
// Expect fail, none did), with the TTL wanted.
func (c ClusterCheck) pings(pairs []pingPair) Outcome {
	results := make([]probe.PingResult, len(pairs))
	timeout := replyTimeout
	if c.Expect == "fail" {
		timeout = failTimeout
	}
	var wg sync.WaitGroup
	for i, p := range pairs {
		wg.Go(func() {
			to, err := netip.ParseAddr(p.to)
			if err != nil {
				results[i] = probe.PingResult{Reason: "no address (" + p.to + ")"}
				return
			}
			results[i] = probe.PingSize(p.from, to, c.Size, timeout)
		})
	}
	wg.Wait()
	var bad []string
	for i, r := range results {
		switch {
		case c.Expect == "fail" && r.OK:
			bad = append(bad, pairs[i].what+" answered")
		case c.Expect == "fail" && c.Reason != "" && !strings.Contains(r.Reason, c.Reason):
			bad = append(bad, fmt.Sprintf("%s: %s, want %s", pairs[i].what, r.Reason, c.Reason))
		case c.Expect != "fail" && !r.OK:
			bad = append(bad, pairs[i].what+": "+r.Reason)
		case c.Expect != "fail" && c.TTL > 0 && r.TTL != c.TTL:
			bad = append(bad, fmt.Sprintf("%s: ttl %d, want %d", pairs[i].what, r.TTL, c.TTL))
		}
	}
	if len(bad) > 0 {
		return fail(fmt.Sprintf("%d of %d: %s", len(bad), len(pairs), strings.Join(bad, "; ")))
	}
	return pass(fmt.Sprintf("%d pings as expected", len(pairs)))
}

// routes reads each node's table in the snapshot and names the first
// missing route with the command that adds it.
func (c ClusterCheck) routes(e *Eval, v cluster.Vars) Outcome {
	var missing []string
	var fix []string
	for _, a := range v.NodeInfo {
		n, ok := e.Snap.Find(e.Scope.Netns(a.Name))
		if !ok {
			return fail("node " + a.Name + " does not exist")
		}
		for _, b := range v.Others(a.Name) {
			found := false
			for _, r := range n.Routes {
				found = found || r.Dst == b.PodCIDR && r.Via == b.IP
			}
			if !found {
				missing = append(missing, fmt.Sprintf("%s has no route to %s's pods %s via %s", a.Name, b.Name, b.PodCIDR, b.IP))
				fix = append(fix, fmt.Sprintf("lab shell %s%s -- ip route add %s via %s dev %s", a.Name, scopeFlag(e.Scope), b.PodCIDR, b.IP, v.Interface))
			}
		}
	}
	if len(missing) > 0 {
		return fail(strings.Join(missing, "; "), fix...)
	}
	return pass(fmt.Sprintf("%d routes", len(v.NodeInfo)*(len(v.NodeInfo)-1)))
}

// vxlan reads each node's VXLAN device and names the first thing amiss,
// with the commands that mend it.
func (c ClusterCheck) vxlan(e *Eval, v cluster.Vars) Outcome {
	dev := netops.VXLANDev(c.VNI)
	var bad, fix []string
	for _, n := range v.NodeInfo {
		st, err := e.Scope.ReadVXLAN(n.Name, dev)
		redo := []string{
			inNetns(e.Scope, n.Name, "ip link del "+dev),
			inNetns(e.Scope, n.Name, fmt.Sprintf("ip link add %s type vxlan id %d dstport %d local %s dev %s", dev, c.VNI, c.Port, n.IP, v.Interface)),
			inNetns(e.Scope, n.Name, "ip link set "+dev+" master "+v.Bridge+" up"),
		}
		// A new device knows no peer: its fdb entries go with the old one.
		for _, p := range v.Others(n.Name) {
			redo = append(redo, inNetns(e.Scope, n.Name, fmt.Sprintf("bridge fdb append 00:00:00:00:00:00 dev %s dst %s", dev, p.IP)))
		}
		switch {
		case err != nil:
			bad, fix = append(bad, err.Error()), append(fix, redo[1:]...)
			continue
		case st.ID != c.VNI || st.Port != c.Port:
			bad = append(bad, fmt.Sprintf("%s on %s has vni %d and UDP port %d, want vni %d and port %d", dev, n.Name, st.ID, st.Port, c.VNI, c.Port))
			fix = append(fix, redo...)
			continue
		case st.Master != v.Bridge:
			bad = append(bad, fmt.Sprintf("%s on %s is not a port of %s", dev, n.Name, v.Bridge))
			fix = append(fix, inNetns(e.Scope, n.Name, "ip link set "+dev+" master "+v.Bridge))
		}
		for _, p := range v.Others(n.Name) {
			found := false
			for _, ip := range st.Peers {
				found = found || ip == p.IP
			}
			if !found {
				bad = append(bad, fmt.Sprintf("%s on %s does not know %s (%s)", dev, n.Name, p.Name, p.IP))
				fix = append(fix, inNetns(e.Scope, n.Name, fmt.Sprintf("bridge fdb append 00:00:00:00:00:00 dev %s dst %s", dev, p.IP)))
			}
		}
	}
	if len(bad) > 0 {
		return fail(strings.Join(bad, "; "), fix...)
	}
	return pass(fmt.Sprintf("%d nodes, vni %d, port %d", len(v.NodeInfo), c.VNI, c.Port))
}

// slices passes when each node's pod has an address of that node's slice
// of the overlay range (OverlaySlice): the nodes share the range without
// handing out the same address twice.
func (c ClusterCheck) slices(v cluster.Vars, pods []netops.PodResult) Outcome {
	var bad []string
	for k, n := range v.NodeInfo {
		start, end, err := netops.OverlaySlice(c.Range, k)
		if err != nil {
			return fail(err.Error())
		}
		ip, err := netip.ParseAddr(pods[k].IP())
		if err != nil || ip.Less(start) || end.Less(ip) {
			bad = append(bad, fmt.Sprintf("the pod on %s got %q, outside its slice %s-%s", n.Name, pods[k].IP(), start, end))
		}
	}
	if len(bad) > 0 {
		return fail(strings.Join(bad, "; "))
	}
	return pass(fmt.Sprintf("%d nodes, each in its slice", len(v.NodeInfo)))
}

// noroutes passes when no node has a route into the overlay range via a
// gateway: its pods are one L2 segment, reached through the bridge.
func (c ClusterCheck) noroutes(e *Eval, v cluster.Vars) Outcome {
	rng := netip.MustParsePrefix(c.Range)
	var bad, fix []string
	for _, n := range v.NodeInfo {
		snap, ok := e.Snap.Find(e.Scope.Netns(n.Name))
		if !ok {
			return fail("node " + n.Name + " does not exist")
		}
		for _, r := range snap.Routes {
			if p, err := netip.ParsePrefix(r.Dst); err == nil && r.Via != "" && p.Overlaps(rng) {
				bad = append(bad, n.Name+" routes "+r.Line())
				fix = append(fix, inNetns(e.Scope, n.Name, "ip route del "+r.Dst))
			}
		}
	}
	if len(bad) > 0 {
		return fail(strings.Join(bad, "; "), fix...)
	}
	return pass("no route via a node into " + c.Range)
}

// isolated passes when lab-world cannot route to the pod range: the pods
// reach it only through their nodes' masquerade.
func (c ClusterCheck) isolated(e *Eval, v cluster.Vars) Outcome {
	w, ok := e.Snap.Find(e.Scope.Netns(netops.WorldNetns))
	if !ok {
		return fail("netns " + e.Scope.Netns(netops.WorldNetns) + " does not exist")
	}
	pods := netip.MustParsePrefix(v.PodCIDR)
	for _, r := range w.Routes {
		if p, err := netip.ParsePrefix(r.Dst); err == nil && p.Overlaps(pods) {
			return fail(fmt.Sprintf("%s routes %s: the world must not know the pods", e.Scope.Netns(netops.WorldNetns), r.Line()),
				inNetns(e.Scope, netops.WorldNetns, "ip route del "+r.Dst))
		}
	}
	return pass("no route to " + v.PodCIDR)
}

// lessonPods are the lesson's first pod on each node, with the address
// the snapshot shows on its eth0.
func lessonPods(e *Eval, v cluster.Vars) ([]netops.PodResult, error) {
	var pods []netops.PodResult
	for _, n := range v.NodeInfo {
		name := netops.PodName(n.Name, 1)
		real := e.Scope.Netns(name)
		snap, ok := e.Snap.Find(real)
		addrs := snap.AddrsOf(netops.PodIfName)
		if !ok || len(addrs) == 0 {
			return nil, fmt.Errorf("pod %s on %s has no address on %s (lab pod add %s %s)", name, n.Name, netops.PodIfName, n.Name, name)
		}
		pods = append(pods, netops.PodResult{Node: n.Name, Pod: name, Netns: real,
			Outcome: cni.Outcome{ParsedIPs: []string{addrs[0]}}})
	}
	return pods, nil
}

// probePods adds one pod on each node through its own config, the nodes
// side by side, named PREFIXi so that two checks graded together make
// different ones, and returns them with the undo that removes them.
func probePods(s *netops.Scope, v cluster.Vars, prefix string) ([]netops.PodResult, func(), error) {
	var reqs []netops.PodReq
	for i, n := range v.NodeInfo {
		reqs = append(reqs, netops.PodReq{Node: n.Name, Pod: fmt.Sprintf("%s%d", prefix, i)})
	}
	pods, err := s.PodsAdd(reqs)
	undo := func() {
		var made []netops.PodReq
		for i, p := range pods {
			if p.IP() != "" {
				made = append(made, reqs[i])
			}
		}
		if len(made) > 0 {
			s.PodsDel(made)
		}
	}
	if err != nil {
		return pods, undo, fmt.Errorf("a probe pod: %w", err)
	}
	// Pinged at once, a new pod's veth may not have its queue yet: the
	// ARP request is lost and retried a second later, past the ping's
	// bound on a loaded machine. Wait, bounded, as a step's closing
	// snapshot does.
	names := make([]string, 0, 2*len(pods))
	for i, p := range pods {
		names = append(names, p.Netns, s.Netns(v.NodeInfo[i].Name))
	}
	if _, err := snapshot.TakeSettled(names); err != nil {
		return pods, undo, fmt.Errorf("the probe pods' links: %w", err)
	}
	return pods, undo, nil
}

// handCommands of a cluster check, for the vars the resolver's scope holds:
// the pings between the nodes, or between the lesson's pods (NODE-pod1, as
// node_pods names them; their addresses read from eth0), the routes of each
// node, or lab-world's routes.
func (c ClusterCheck) handCommands(r netops.Resolver) []string {
	v := netops.VarsOf(r)
	var out []string
	note := ""
	if c.Expect == "fail" {
		note = failsNote("", "gets no reply yet")
	}
	podAddr := func(n cluster.Node) string {
		return "$(ip -n " + r.Netns(netops.PodName(n.Name, 1)) + " -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)"
	}
	for _, a := range v.NodeInfo {
		switch c.What {
		case "nodes":
			for _, b := range v.Others(a.Name) {
				out = append(out, inNetns(r, a.Name, "ping -c 1 -W 1 "+b.IP)+note)
			}
		case "pods":
			size := ""
			if c.Size > 0 {
				size = fmt.Sprintf("-M do -s %d ", c.Size)
			}
			for _, b := range v.Others(a.Name) {
				out = append(out, inNetns(r, netops.PodName(a.Name, 1), "ping -c 1 -W 1 "+size+podAddr(b))+note)
			}
		case "world":
			out = append(out, inNetns(r, netops.PodName(a.Name, 1), "ping -c 1 -W 1 "+netops.WorldIP)+note)
		case "routes":
			for _, b := range v.Others(a.Name) {
				out = append(out, inNetns(r, a.Name, "ip route show "+b.PodCIDR))
			}
		case "vxlan":
			dev := netops.VXLANDev(c.VNI)
			out = append(out, inNetns(r, a.Name, "ip -d link show "+dev), inNetns(r, a.Name, "bridge fdb show dev "+dev))
		case "slices":
			out = append(out, inNetns(r, netops.PodName(a.Name, 1), "ip -4 -o addr show dev eth0"))
		case "noroutes":
			out = append(out, inNetns(r, a.Name, "ip route show "+c.Range+" root "+c.Range)+"  (prints nothing)")
		}
	}
	if c.What == "isolated" {
		out = append(out, inNetns(r, netops.WorldNetns, "ip route show "+v.PodCIDR)+"  (prints nothing)")
	}
	return out
}
