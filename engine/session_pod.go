package engine

import (
	"fmt"

	"github.com/cnilab/lab/netops"
)

// PodAdd does for a pod on a node of the scope's cluster what the node's
// kubelet and runtime do (netops.Scope.PodAdd).
func (s *Session) PodAdd(node, pod string) (PodResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.needCluster(); err != nil {
		return PodResult{}, err
	}
	return s.scope.PodAdd(node, pod)
}

// PodDel removes a pod from a node as its runtime does.
func (s *Session) PodDel(node, pod string) (PodResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.needCluster(); err != nil {
		return PodResult{}, err
	}
	return s.scope.PodDel(node, pod)
}

// Nodes are the names of the scope's cluster nodes, from its vars.
func (s *Session) Nodes() []string {
	v, err := s.scope.ClusterVars()
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range v.NodeInfo {
		if s.scope.NodePid(n.Name) > 0 {
			out = append(out, n.Name)
		}
	}
	return out
}

func (s *Session) needCluster() error {
	if !s.scope.Exists() || len(s.Nodes()) == 0 {
		return fmt.Errorf("%w: scope %q has no cluster nodes; run `lab task nodes%s` first", ErrNotSetUp, s.scope.Name, s.ScopeFlag())
	}
	return nil
}

// PodCNI runs inside a node for `lab pod` (netops.PodCNI).
func PodCNI(cmd, nodeNetns string, pods []string) error {
	return netops.PodCNI(cmd, nodeNetns, pods)
}

// PodResult is what a pod's ADD or DEL did.
type PodResult = netops.PodResult
