package netops

import (
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"

	"github.com/cnilab/lab/netops/cluster"
	"github.com/cnilab/lab/netops/ipv4"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The overlay lesson's operations (article 003): one flat pod range split
// among the nodes, as Weave's IPAM does, the nodes' bridges joined by VXLAN.

// OverlayDeploy puts on every node the reference bridge plugin (with
// host-local and loopback) in /opt/cni/bin, and a config whose pods all
// share one range, Subnet, each node handing out its own slice of it
// (rangeStart and rangeEnd): node K gets the K-th /24 of the range. The
// bridge has no address: pods of all nodes are meant to be one L2 segment.
//
// Equivalent to, on each node: `ln -s .../bridge /opt/cni/bin/bridge` (and host-local, loopback) and `cat > /etc/cni/net.d/10-overlay.conf`
type OverlayDeploy struct {
	Subnet string `yaml:"subnet"` // "10.32.0.0/12", Weave's default range
	// MTU, when set, goes in the config ("mtu"): the bridge plugin gives the
	// pods it makes that MTU.
	MTU int `yaml:"mtu"`
}

// OverlayConfFile is the config OverlayDeploy writes in each node.
const OverlayConfFile = "10-overlay.conf"

// OverlaySlice is node k's part of the range: its k-th /24, .1 to .254.
func OverlaySlice(subnet string, k int) (start, end netip.Addr, err error) {
	p, err := netip.ParsePrefix(subnet)
	if err != nil || !p.Addr().Is4() || p.Bits() > 22 {
		return start, end, fmt.Errorf("overlay subnet %q: want an IPv4 range of /22 or wider", subnet)
	}
	n := ipv4.Uint32(p.Masked().Addr()) + uint32(k)<<8
	at := func(host uint32) netip.Addr { return ipv4.FromUint32(n + host) }
	if !p.Contains(at(254)) {
		return start, end, fmt.Errorf("overlay subnet %s has no /24 for node %d", subnet, k)
	}
	return at(1), at(254), nil
}

func (o OverlayDeploy) subnet() string {
	if o.Subnet == "" {
		return "10.32.0.0/12"
	}
	return o.Subnet
}

// config is node k's network config.
func (o OverlayDeploy) config(v cluster.Vars, k int) ([]byte, error) {
	start, end, err := OverlaySlice(o.subnet(), k)
	if err != nil {
		return nil, err
	}
	conf := map[string]any{
		"cniVersion": "0.4.0", "name": "overlay", "type": "bridge", "bridge": v.Bridge,
		"ipam": map[string]any{"type": "host-local", "ranges": [][]map[string]string{{{
			"subnet": o.subnet(), "rangeStart": start.String(), "rangeEnd": end.String()}}}},
	}
	if o.MTU > 0 {
		conf["mtu"] = o.MTU
	}
	b, err := json.MarshalIndent(conf, "", "    ")
	return append(b, '\n'), err
}

// overlayPlugins are the reference plugins a node needs for the overlay.
var overlayPlugins = []string{"bridge", "host-local", "loopback"}

func (o OverlayDeploy) Commands(r Resolver) []string {
	v := VarsOf(r)
	var out []string
	for k, n := range v.NodeInfo {
		conf, _ := o.config(v, k)
		for _, p := range overlayPlugins {
			out = append(out, fmt.Sprintf("lab shell %s%s -- ln -sf $(readlink -f $CNI_PATH/%s) /opt/cni/bin/%s", n.Name, labScope(r), p, p))
		}
		out = append(out, fmt.Sprintf("lab shell %s%s -- tee %s/%s > /dev/null <<'EOF'\n%sEOF", n.Name, labScope(r), NodeConfDir, OverlayConfFile, conf))
	}
	return out
}

func (o OverlayDeploy) Namespaces() []string { return nil }

func (o OverlayDeploy) Validate() error {
	if o.MTU != 0 && (o.MTU < 576 || o.MTU > 9000) {
		return fmt.Errorf("overlay_deploy: mtu %d, want 576 to 9000", o.MTU)
	}
	_, _, err := OverlaySlice(o.subnet(), 0)
	return err
}

func (o OverlayDeploy) Apply(s *Scope) ([]Note, error) {
	v, err := s.ClusterVars()
	if err != nil {
		return nil, err
	}
	for k, n := range v.NodeInfo {
		root, err := s.nodeRoot(n.Name)
		if err != nil {
			return nil, err
		}
		for _, p := range overlayPlugins {
			target, err := filepath.EvalSymlinks(filepath.Join(s.PluginDir(), p))
			if err != nil {
				return nil, fmt.Errorf("plugin %s: %w", p, err)
			}
			link := filepath.Join(root, "opt/cni/bin", p)
			os.Remove(link)
			if err := os.Symlink(target, link); err != nil {
				return nil, fmt.Errorf("node %s: install plugin %s: %w", n.Name, p, err)
			}
		}
		conf, err := o.config(v, k)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(root, NodeConfDir, OverlayConfFile), conf, 0o644); err != nil {
			return nil, fmt.Errorf("node %s: write %s: %w", n.Name, OverlayConfFile, err)
		}
	}
	return nil, nil
}

// NodeVXLAN gives every node a VXLAN device, a port of its pods' bridge:
// VNI ID, UDP port Port, its own underlay address as source, out of the
// vars' interface. Alone it knows no peer: nothing is sent yet.
//
// Equivalent to, on each node: `ip link add vxlan42 type vxlan id 42 dstport 4789 local 192.168.100.100 dev ens32; ip link set vxlan42 master cni0; ip link set vxlan42 up`
type NodeVXLAN struct {
	ID   int `yaml:"id"`
	Port int `yaml:"port"`
	// Node, when set, limits the operation to that node (a scenario's
	// node with the wrong port).
	Node string `yaml:"node"`
}

// VXLANDev is the device name of VNI id, as the lessons name it.
func VXLANDev(id int) string { return "vxlan" + strconv.Itoa(id) }

func (o NodeVXLAN) nodes(v cluster.Vars) []cluster.Node {
	if o.Node == "" {
		return v.NodeInfo
	}
	n, _ := v.Node(o.Node)
	return []cluster.Node{n}
}

func (o NodeVXLAN) Commands(r Resolver) []string {
	v := VarsOf(r)
	dev := VXLANDev(o.ID)
	var out []string
	for _, n := range o.nodes(v) {
		out = append(out,
			in(r, n.Name, fmt.Sprintf("ip link add %s type vxlan id %d dstport %d local %s dev %s", dev, o.ID, o.Port, n.IP, v.Interface)),
			in(r, n.Name, "ip link set "+dev+" master "+v.Bridge),
			in(r, n.Name, "ip link set "+dev+" up"))
	}
	return out
}

func (o NodeVXLAN) Namespaces() []string { return nil }

func (o NodeVXLAN) Validate() error {
	if o.ID < 1 || o.ID > 1<<24-1 || o.Port < 1 || o.Port > 65535 {
		return fmt.Errorf("node_vxlan: id %d, port %d: want an id of 1 to 16777215 and a UDP port", o.ID, o.Port)
	}
	return nil
}

func (o NodeVXLAN) Apply(s *Scope) ([]Note, error) {
	v, err := s.ClusterVars()
	if err != nil {
		return nil, err
	}
	dev := VXLANDev(o.ID)
	for _, n := range o.nodes(v) {
		real := s.Netns(n.Name)
		h, err := s.handle(real)
		if err != nil {
			return nil, err
		}
		up, err := h.LinkByName(v.Interface)
		if err != nil {
			return nil, fmt.Errorf("node %s: uplink %s: %w", n.Name, v.Interface, err)
		}
		br, err := h.LinkByName(v.Bridge)
		if err != nil {
			return nil, fmt.Errorf("node %s has no bridge %s yet: add a pod first (its plugin makes the bridge)", n.Name, v.Bridge)
		}
		// A device of another VNI or port under the same name is the
		// learner's: replace it, as a re-run of the play would.
		if old, err := h.LinkByName(dev); err == nil {
			h.LinkDel(old)
		}
		vx := &netlink.Vxlan{LinkAttrs: netlink.LinkAttrs{Name: dev, MasterIndex: br.Attrs().Index},
			VxlanId: o.ID, Port: o.Port, SrcAddr: net.ParseIP(n.IP), VtepDevIndex: up.Attrs().Index, Learning: true}
		if err := h.LinkAdd(vx); err != nil {
			return nil, fmt.Errorf("node %s: add %s: %w", n.Name, dev, err)
		}
		link, err := h.LinkByName(dev)
		if err == nil {
			err = h.LinkSetUp(link)
		}
		if err != nil {
			return nil, fmt.Errorf("node %s: set %s up: %w", n.Name, dev, err)
		}
	}
	return nil, nil
}

// NodeVXLANPeers tells every node's VXLAN device its peers: an all-zeros
// fdb entry towards each other node, so that broadcasts (ARP) and unknown
// destinations go to all of them, unicast inside UDP.
//
// Equivalent to, on each node: `bridge fdb append 00:00:00:00:00:00 dev vxlan42 dst 192.168.100.101` for each other node
type NodeVXLANPeers struct {
	ID int `yaml:"id"`
}

func (o NodeVXLANPeers) Commands(r Resolver) []string {
	v := VarsOf(r)
	var out []string
	for _, n := range v.NodeInfo {
		for _, p := range v.Others(n.Name) {
			out = append(out, in(r, n.Name, fmt.Sprintf("bridge fdb append 00:00:00:00:00:00 dev %s dst %s", VXLANDev(o.ID), p.IP)))
		}
	}
	return out
}

func (o NodeVXLANPeers) Namespaces() []string { return nil }

func (o NodeVXLANPeers) Validate() error { return NodeVXLAN{ID: o.ID, Port: 4789}.Validate() }

func (o NodeVXLANPeers) Apply(s *Scope) ([]Note, error) {
	v, err := s.ClusterVars()
	if err != nil {
		return nil, err
	}
	for _, n := range v.NodeInfo {
		h, err := s.handle(s.Netns(n.Name))
		if err != nil {
			return nil, err
		}
		link, err := h.LinkByName(VXLANDev(o.ID))
		if err != nil {
			return nil, fmt.Errorf("node %s has no %s: %w", n.Name, VXLANDev(o.ID), err)
		}
		for _, p := range v.Others(n.Name) {
			err := h.NeighAppend(&netlink.Neigh{LinkIndex: link.Attrs().Index, Family: unix.AF_BRIDGE,
				Flags: netlink.NTF_SELF, State: netlink.NUD_NOARP | netlink.NUD_PERMANENT,
				IP: net.ParseIP(p.IP), HardwareAddr: make(net.HardwareAddr, 6)})
			if err != nil && !os.IsExist(err) {
				return nil, fmt.Errorf("node %s: fdb entry towards %s: %w", n.Name, p.Name, err)
			}
		}
	}
	return nil, nil
}

// VXLANState is what a node's VXLAN device is: its VNI, UDP port, the
// bridge it is a port of, and the peers its all-zeros fdb entries name.
type VXLANState struct {
	ID, Port int
	Master   string
	Peers    []string
}

// ReadVXLAN reads a node's VXLAN device dev.
//
// Equivalent to: `ip -d link show vxlan42; bridge fdb show dev vxlan42`
func (s *Scope) ReadVXLAN(node, dev string) (VXLANState, error) {
	var st VXLANState
	h, err := s.handle(s.Netns(node))
	if err != nil {
		return st, err
	}
	link, err := h.LinkByName(dev)
	if err != nil {
		return st, fmt.Errorf("node %s has no %s", node, dev)
	}
	vx, ok := link.(*netlink.Vxlan)
	if !ok {
		return st, fmt.Errorf("%s on node %s is a %s, not a vxlan", dev, node, link.Type())
	}
	st.ID, st.Port = vx.VxlanId, vx.Port
	if m, err := h.LinkByIndex(vx.MasterIndex); err == nil && vx.MasterIndex != 0 {
		st.Master = m.Attrs().Name
	}
	fdb, err := h.NeighList(link.Attrs().Index, unix.AF_BRIDGE)
	if err != nil {
		return st, err
	}
	for _, e := range fdb {
		if e.IP != nil && e.HardwareAddr.String() == "00:00:00:00:00:00" {
			st.Peers = append(st.Peers, e.IP.String())
		}
	}
	return st, nil
}

// NodePodMTU sets the MTU of the lesson's pods' eth0 (those node_pods
// made): what a CNI config's "mtu" does for the pods it makes.
//
// Equivalent to, for each pod: `ip netns exec POD ip link set eth0 mtu 1450`
type NodePodMTU struct {
	MTU int `yaml:"mtu"`
}

func (o NodePodMTU) pods(s *Scope, v cluster.Vars) []string {
	var out []string
	per := NodePods{}.podsPer(s)
	for _, n := range v.NodeInfo {
		for k := 1; k <= per; k++ {
			out = append(out, PodName(n.Name, k))
		}
	}
	return out
}

func (o NodePodMTU) Commands(r Resolver) []string {
	var out []string
	for _, n := range VarsOf(r).NodeInfo {
		out = append(out, in(r, PodName(n.Name, 1), "ip link set "+PodIfName+" mtu "+strconv.Itoa(o.MTU)))
	}
	return out
}

func (o NodePodMTU) Namespaces() []string { return nil }

func (o NodePodMTU) Validate() error {
	if o.MTU < 576 || o.MTU > 9000 {
		return fmt.Errorf("node_pod_mtu: mtu %d, want 576 to 9000", o.MTU)
	}
	return nil
}

func (o NodePodMTU) Apply(s *Scope) ([]Note, error) {
	v, err := s.ClusterVars()
	if err != nil {
		return nil, err
	}
	for _, pod := range o.pods(s, v) {
		if _, err := (LinkSet{Netns: pod, Name: PodIfName, MTU: o.MTU}).Apply(s); err != nil {
			return nil, err
		}
	}
	return nil, nil
}
