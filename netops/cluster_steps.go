package netops

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cnilab/lab/netops/cluster"
	"github.com/cnilab/lab/netops/nft"
)

// The operations below are article 000's tasks, each done on every node of
// the scope's vars, as its Ansible play does on every host.

// NodeDeploy is the play's tasks 6 to 8 on every node: the network config
// the jinja template renders for that node in /etc/cni/net.d, and the
// plugin in /opt/cni/bin (the lab binary, which is my-cni-demo under that
// name). The files are written through the holder's /proc/PID/root: they
// land in the node's own overlay.
//
// Equivalent to, on each node: `cat > /etc/cni/net.d/10-my-cni-demo.conf` and `ln -s $(command -v lab) /opt/cni/bin/my-cni-demo`
type NodeDeploy struct{}

func (o NodeDeploy) Commands(r Resolver) []string {
	v := VarsOf(r)
	var out []string
	for _, n := range v.NodeInfo {
		conf, _ := v.PluginConfig(n.Name)
		out = append(out,
			fmt.Sprintf("lab shell %s%s -- tee %s/%s > /dev/null <<'EOF'\n%sEOF", n.Name, labScope(r), NodeConfDir, v.ConfigFile(), conf),
			fmt.Sprintf("lab shell %s%s -- ln -sf $(command -v lab) /opt/cni/bin/%s", n.Name, labScope(r), v.Name))
	}
	return out
}

func (o NodeDeploy) Namespaces() []string { return nil }
func (o NodeDeploy) Validate() error      { return nil }

func (o NodeDeploy) Apply(s *Scope) ([]Note, error) {
	v, err := s.ClusterVars()
	if err != nil {
		return nil, err
	}
	bin, err := LabBinary()
	if err != nil {
		return nil, err
	}
	for _, n := range v.NodeInfo {
		root, err := s.nodeRoot(n.Name)
		if err != nil {
			return nil, err
		}
		conf, err := v.PluginConfig(n.Name)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(root, NodeConfDir, v.ConfigFile()), conf, 0o644); err != nil {
			return nil, fmt.Errorf("node %s: write %s: %w", n.Name, v.ConfigFile(), err)
		}
		link := filepath.Join(root, "opt/cni/bin", v.Name)
		os.Remove(link)
		if err := os.Symlink(bin, link); err != nil {
			return nil, fmt.Errorf("node %s: install plugin %s: %w", n.Name, v.Name, err)
		}
	}
	return nil, nil
}

// labScope is the --scope flag a lab command needs in this scope.
func labScope(r Resolver) string {
	if s, ok := r.(*Scope); ok && s.Name != DefaultScope {
		return " --scope " + s.Name
	}
	return ""
}

// nodeRoot is the node's filesystem as its holder sees it.
func (s *Scope) nodeRoot(node string) (string, error) {
	pid := s.NodePid(node)
	if pid <= 0 {
		return "", fmt.Errorf("node %q does not exist in scope %q", node, s.Name)
	}
	return filepath.Join("/proc", strconv.Itoa(pid), "root"), nil
}

// NodePods adds PerNode pods on every node, as `lab pod add` does: named
// NODE-podK.
//
// Equivalent to: `lab pod add NODE NODE-pod1` for each node
type NodePods struct {
	PerNode int `yaml:"per_node"`
}

// PodName is the name NodePods gives pod k (from 1) of a node.
func PodName(node string, k int) string { return node + "-pod" + strconv.Itoa(k) }

func (o NodePods) count() int { return max(o.PerNode, 1) }

// podsPerNodeFile holds `--pods-per-node M`, which overrides per_node.
const podsPerNodeFile = "pods-per-node"

// SetPodsPerNode records how many pods node_pods starts on each node.
func (s *Scope) SetPodsPerNode(m int) error {
	if m < 1 || m > 250 {
		return fmt.Errorf("--pods-per-node %d: want 1 to 250 (one /24 per node)", m)
	}
	if err := mkdirAll(s.StateDir); err != nil {
		return err
	}
	return s.WriteState(podsPerNodeFile, []byte(strconv.Itoa(m)))
}

// podsPer is how many pods node_pods starts per node in this scope.
func (o NodePods) podsPer(s *Scope) int {
	if b, err := s.ReadState(podsPerNodeFile); err == nil && b != nil {
		if m, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && m > 0 {
			return m
		}
	}
	return o.count()
}

func (o NodePods) Commands(r Resolver) []string {
	var out []string
	for _, n := range VarsOf(r).NodeInfo {
		for k := 1; k <= o.count(); k++ {
			out = append(out, "lab pod add "+n.Name+" "+PodName(n.Name, k)+labScope(r))
		}
	}
	return out
}

func (o NodePods) Namespaces() []string { return nil }

func (o NodePods) Validate() error {
	if o.PerNode < 0 || o.PerNode > 250 {
		return fmt.Errorf("node_pods: per_node %d, want 1 to 250", o.PerNode)
	}
	return nil
}

func (o NodePods) Apply(s *Scope) ([]Note, error) {
	v, err := s.ClusterVars()
	if err != nil {
		return nil, err
	}
	var reqs []PodReq
	for _, n := range v.NodeInfo {
		for k := 1; k <= o.podsPer(s); k++ {
			reqs = append(reqs, PodReq{n.Name, PodName(n.Name, k)})
		}
	}
	res, err := s.PodsAdd(reqs)
	var notes []Note
	for _, r := range res {
		if r.IP() != "" {
			notes = append(notes, Note{Title: "pod " + r.Pod + " on " + r.Node, Body: "eth0 " + r.IP() + " (" + r.Config + ")"})
		}
	}
	return notes, err
}

// NodeForward is the play's tasks 2 and 3 on every node: FORWARD accepts
// for the cluster's pod range (or CIDR), both ways, in the chain whose
// policy is DROP.
//
// Equivalent to, on each node: `iptables -A FORWARD -s 10.240.0.0/16 -j ACCEPT; iptables -A FORWARD -d 10.240.0.0/16 -j ACCEPT`
type NodeForward struct {
	CIDR string `yaml:"cidr"` // default: the vars' podcidr
}

func (o NodeForward) cidr(v cluster.Vars) string {
	if o.CIDR != "" {
		return o.CIDR
	}
	return v.PodCIDR
}

func (o NodeForward) Commands(r Resolver) []string {
	v := VarsOf(r)
	var out []string
	for _, n := range v.NodeInfo {
		for _, c := range (nft.FilterForwardAccept{CIDR: o.cidr(v)}).Command() {
			out = append(out, in(r, n.Name, c))
		}
	}
	return out
}

func (o NodeForward) Namespaces() []string { return nil }

func (o NodeForward) Validate() error {
	if o.CIDR == "" {
		return nil
	}
	return checkCIDR("node_forward cidr", o.CIDR)
}

func (o NodeForward) Apply(s *Scope) ([]Note, error) {
	return nil, eachNode(s, func(v cluster.Vars, n cluster.Node) error {
		return nft.FilterForwardAccept{Netns: s.Netns(n.Name), CIDR: o.cidr(v)}.Apply()
	})
}

// NodeRoutes is the play's task 5: on each node, a route to every other
// node's pod range via that node's address on the underlay. On "first",
// only the first node gets its routes: the requests cross, the replies
// have no way back; "others" gives the rest theirs.
//
// Equivalent to, on cni-master01: `ip route add 10.240.1.0/24 via 192.168.100.101 dev ens32` for each other node
type NodeRoutes struct {
	On string `yaml:"on"` // "all" (the default), "first" or "others"
}

func (o NodeRoutes) routes(v cluster.Vars) []RouteAdd {
	var out []RouteAdd
	for i, n := range v.NodeInfo {
		if o.On == "first" && i > 0 || o.On == "others" && i == 0 {
			continue
		}
		for _, other := range v.Others(n.Name) {
			out = append(out, RouteAdd{Netns: n.Name, Dst: other.PodCIDR, Via: other.IP, Dev: v.Interface})
		}
	}
	return out
}

func (o NodeRoutes) Commands(r Resolver) []string {
	var out []string
	for _, rt := range o.routes(VarsOf(r)) {
		out = append(out, rt.Commands(r)...)
	}
	return out
}

func (o NodeRoutes) Namespaces() []string { return nil }

func (o NodeRoutes) Validate() error {
	if o.On != "" && o.On != "all" && o.On != "first" && o.On != "others" {
		return fmt.Errorf("node_routes: on %q, want all, first or others", o.On)
	}
	return nil
}

func (o NodeRoutes) Apply(s *Scope) ([]Note, error) {
	v, err := s.ClusterVars()
	if err != nil {
		return nil, err
	}
	for _, rt := range o.routes(v) {
		if _, err := rt.Apply(s); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// NodeMasquerade is the play's task 4 on every node: masquerade what
// leaves the node's pod range by any way but the pods' bridge.
//
// Equivalent to, on cni-master01: `iptables -t nat -A POSTROUTING -s 10.240.0.0/24 ! -o cni0 -j MASQUERADE`
type NodeMasquerade struct{}

func (o NodeMasquerade) masq(v cluster.Vars, n cluster.Node) Masquerade {
	return Masquerade{Netns: n.Name, Src: n.PodCIDR, NotOut: v.Bridge}
}

func (o NodeMasquerade) Commands(r Resolver) []string {
	v := VarsOf(r)
	var out []string
	for _, n := range v.NodeInfo {
		out = append(out, o.masq(v, n).Commands(r)...)
	}
	return out
}

func (o NodeMasquerade) Namespaces() []string { return nil }
func (o NodeMasquerade) Validate() error      { return nil }

func (o NodeMasquerade) Apply(s *Scope) ([]Note, error) {
	return nil, eachNode(s, func(v cluster.Vars, n cluster.Node) error {
		_, err := o.masq(v, n).Apply(s)
		return err
	})
}

// eachNode runs f for every node of the scope's vars, in file order.
func eachNode(s *Scope, f func(cluster.Vars, cluster.Node) error) error {
	v, err := s.ClusterVars()
	if err != nil {
		return err
	}
	for _, n := range v.NodeInfo {
		if err := f(v, n); err != nil {
			return fmt.Errorf("node %s: %w", n.Name, err)
		}
	}
	return nil
}

// NodeFile writes a file in a node's own filesystem (a stale config left
// in its /etc/cni/net.d, say), through its holder's /proc/PID/root.
//
// Equivalent to: `lab shell NODE -- tee PATH <<'EOF' ... EOF`
type NodeFile struct {
	Node    string `yaml:"node"`
	Path    string `yaml:"path"`
	Content string `yaml:"content"`
}

func (o NodeFile) Commands(r Resolver) []string {
	return []string{fmt.Sprintf("lab shell %s%s -- tee %s > /dev/null <<'EOF'\n%sEOF", o.Node, labScope(r), o.Path, o.Content)}
}

func (o NodeFile) Namespaces() []string { return nil }

func (o NodeFile) Validate() error {
	if o.Node == "" || !filepath.IsAbs(o.Path) || filepath.Clean(o.Path) != o.Path {
		return fmt.Errorf("node_file: a node and an absolute, clean path are required (got %q, %q)", o.Node, o.Path)
	}
	return nil
}

func (o NodeFile) Apply(s *Scope) ([]Note, error) {
	root, err := s.nodeRoot(o.Node)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(root, o.Path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, fmt.Errorf("node %s: %w", o.Node, err)
	}
	if err := os.WriteFile(p, []byte(o.Content), 0o644); err != nil {
		return nil, fmt.Errorf("node %s: write %s: %w", o.Node, o.Path, err)
	}
	return nil, nil
}
