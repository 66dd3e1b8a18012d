package engine

import (
	"fmt"
	"strings"
)

// Inventory is an Ansible inventory of the scope's cluster nodes, reached
// through community.docker's nsenter connection (Debian's ansible package
// ships it) into each node's holder: its mount, UTS and network namespaces
// (ipc and pid are the machine's), so `ansible_hostname` is the node's name
// and /etc/cni/net.d and /opt/cni/bin are the node's own. Article 000's
// play then runs against the lab's nodes as against real VMs.
//
// Equivalent to: an inventory of `NODE ansible_connection=community.docker.nsenter ansible_nsenter_pid=PID` lines
func (s *Session) Inventory() (string, error) {
	if err := s.needCluster(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("# lab inventory" + s.ScopeFlag() + ": the cluster nodes, entered with nsenter\n[all]\n")
	for _, n := range s.Nodes() {
		fmt.Fprintf(&b, "%s ansible_connection=community.docker.nsenter ansible_nsenter_pid=%d\n", n, s.scope.NodePid(n))
	}
	b.WriteString("\n[all:vars]\nansible_python_interpreter=/usr/bin/python3\n")
	return b.String(), nil
}
