package netops

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/cnilab/lab/netops/cluster"
)

// UnderlayBridge is the L2 segment the nodes' uplinks plug into, in the
// scope's host: its vars' gateway (.1 of the nodes' /24) routes towards
// lab-world, which knows the segment but no pod range.
const UnderlayBridge = "underlay"

// clusterVarsFile holds the scope's vars.yaml (article 000's shape).
const clusterVarsFile = "vars.yaml"

// ClusterVars are the vars the scope's cluster is built from: the ones
// `lab task nodes --vars FILE` recorded, else article 000's.
func (s *Scope) ClusterVars() (cluster.Vars, error) {
	b, err := s.ReadState(clusterVarsFile)
	if err != nil {
		return cluster.Vars{}, err
	}
	if b == nil {
		return cluster.Default(), nil
	}
	return cluster.Parse(filepath.Join(s.StateDir, clusterVarsFile), b)
}

// VarsPath is where the scope keeps its cluster's vars.yaml.
func (s *Scope) VarsPath() string { return filepath.Join(s.StateDir, clusterVarsFile) }

// CheckClusterVars parses and validates a vars.yaml.
func CheckClusterVars(file string, data []byte) error {
	v, err := cluster.Parse(file, data)
	if err != nil {
		return err
	}
	return v.Validate()
}

// SetClusterVars records the vars a cluster lesson builds from; it checks
// them first, so a wrong file stops before anything is made.
func (s *Scope) SetClusterVars(file string, data []byte) error {
	if err := CheckClusterVars(file, data); err != nil {
		return err
	}
	if err := mkdirAll(s.StateDir); err != nil {
		return err
	}
	return s.WriteState(clusterVarsFile, data)
}

// Cluster builds the nodes of article 000's cluster from the scope's vars:
// the underlay bridge in the host with the gateway address, forwarding on,
// and lab-world's route back to the segment; per node a network namespace
// with its uplink named as the vars say (ens32) on the segment, the default
// route via the gateway, forwarding on and the filter FORWARD policy DROP
// (a fresh Docker-style node), and a holder of its own mount and UTS
// namespaces (NodeHold): its hostname, its /etc/cni and /opt/cni.
//
// Equivalent to, for the host and each node, the commands Commands prints.
type Cluster struct{}

// clusterOps are the operations Cluster is made of, in order, for its
// commands and its Apply alike.
func clusterOps(v cluster.Vars) []Op {
	up := true
	subnet, gw := v.Underlay()
	bits := "/" + strconv.Itoa(subnet.Bits())
	ops := []Op{
		BridgeAdd{Name: UnderlayBridge},
		AddrAdd{Dev: UnderlayBridge, Addr: gw.String() + bits},
		LinkSet{Name: UnderlayBridge, Up: &up},
		Sysctl{Key: "net.ipv4.ip_forward", Value: "1"},
		RouteAdd{Netns: WorldNetns, Dst: subnet.String(), Via: HostIP},
	}
	for i, n := range v.NodeInfo {
		port := "ul" + strconv.Itoa(i)
		ops = append(ops,
			NetnsAdd{Name: n.Name},
			LinkSet{Netns: n.Name, Name: "lo", Up: &up},
			VethAdd{Name: port, Peer: v.Interface, PeerNetns: n.Name},
			LinkSet{Name: port, Master: UnderlayBridge, Up: &up},
			AddrAdd{Netns: n.Name, Dev: v.Interface, Addr: n.IP + bits},
			LinkSet{Netns: n.Name, Name: v.Interface, Up: &up},
			RouteAdd{Netns: n.Name, Dst: "default", Via: gw.String()},
			Sysctl{Netns: n.Name, Key: "net.ipv4.ip_forward", Value: "1"},
			ForwardPolicy{Netns: n.Name, Policy: "drop"},
			nodeHolder{node: n.Name},
		)
	}
	return ops
}

// VarsOf reads the vars through a resolver that is a scope; anything else
// (a test's resolver) gets article 000's.
func VarsOf(r Resolver) cluster.Vars {
	if s, ok := r.(*Scope); ok {
		if v, err := s.ClusterVars(); err == nil {
			return v
		}
	}
	return cluster.Default()
}

func (o Cluster) Commands(r Resolver) []string {
	var out []string
	for _, op := range clusterOps(VarsOf(r)) {
		out = append(out, op.Commands(r)...)
	}
	return out
}

func (o Cluster) Namespaces() []string { return []string{HostNetns, WorldNetns} }

func (o Cluster) Validate() error { return nil }

func (o Cluster) Apply(s *Scope) ([]Note, error) {
	v, err := s.ClusterVars()
	if err != nil {
		return nil, err
	}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	// The vars in use, written out for the learner (LAB_VARS) when they are
	// article 000's: an Ansible play or a hand loop reads the same file.
	if b, _ := s.ReadState(clusterVarsFile); b == nil {
		if err := s.WriteState(clusterVarsFile, cluster.DefaultYAML()); err != nil {
			return nil, err
		}
	}
	// The holders start as their nodes are made and are waited for at the
	// end: each mounts its overlays while the next node is built.
	var notes []Note
	var started []nodeHolder
	for _, op := range clusterOps(v) {
		if h, ok := op.(nodeHolder); ok {
			if err := h.start(s); err != nil {
				return notes, err
			}
			started = append(started, h)
			continue
		}
		n, err := op.Apply(s)
		notes = append(notes, n...)
		if err != nil {
			return notes, err
		}
	}
	for _, h := range started {
		if err := s.waitNode(h.node, h.dir(s)); err != nil {
			return notes, err
		}
	}
	return notes, nil
}

// nodeHolder starts a node's NodeHold process, in the node's network
// namespace and in new mount and UTS namespaces.
type nodeHolder struct{ node string }

// NodeJob is the job name of a node's holder.
func NodeJob(node string) string { return "node-" + node }

func (o nodeHolder) Commands(r Resolver) []string {
	return []string{fmt.Sprintf("ip netns exec %s unshare --mount --uts --propagation slave lab node-hold %s ... &  # its hostname, its own /etc/cni, /opt/cni, /var/lib/cni",
		r.Netns(o.node), o.node)}
}

func (o nodeHolder) Namespaces() []string { return []string{o.node} }

func (o nodeHolder) Validate() error { return nil }

func (o nodeHolder) Apply(s *Scope) ([]Note, error) {
	if err := o.start(s); err != nil {
		return nil, err
	}
	return nil, s.waitNode(o.node, o.dir(s))
}

// dir is where the holder keeps the node's files.
func (o nodeHolder) dir(s *Scope) string { return filepath.Join(s.StateDir, "nodes", o.node) }

// start starts the holder without waiting for its mounts.
func (o nodeHolder) start(s *Scope) error {
	dir := o.dir(s)
	if err := mkdirAll(dir); err != nil {
		return err
	}
	p := Process{Name: NodeJob(o.node), Netns: o.node, Run: "lab node-hold " + o.node + " " + dir}
	_, err := p.start(s, cloneMountUTS)
	return err
}
