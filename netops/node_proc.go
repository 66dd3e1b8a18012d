package netops

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/cnilab/lab/netops/procfs"
)

// cloneMountUTS starts a node's holder in mount and UTS namespaces of its
// own: where its hostname and overlays live.
const cloneMountUTS = syscall.CLONE_NEWNS | syscall.CLONE_NEWUTS

func mkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("make %s: %w", dir, err)
	}
	return nil
}

// nodeReadyLimit bounds the wait for a holder to mount its overlays.
const nodeReadyLimit = 5 * time.Second

// waitNode waits until the node's holder has mounted all, which it marks
// in its own tmpfs, seen through /proc/PID/root, or has died.
func (s *Scope) waitNode(node, dir string) error {
	pid := s.jobPid(NodeJob(node))
	if pid <= 0 {
		return fmt.Errorf("node %s: its holder did not start", node)
	}
	ready := filepath.Join("/proc", fmt.Sprint(pid), "root", dir, nodeReady)
	deadline := time.Now().Add(nodeReadyLimit)
	for {
		if _, err := os.Stat(ready); err == nil {
			return nil
		}
		if !procfs.Alive(pid) {
			log, _ := os.ReadFile(filepath.Join(s.StateDir, NodeJob(node)+".log"))
			return fmt.Errorf("node %s: its holder exited: %s", node, log)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("node %s: its holder did not mount its overlays within %s", node, nodeReadyLimit)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// NodePid is the pid of a node's holder, 0 when the node has none: what
// `lab shell NODE` and `lab pod add` enter.
func (s *Scope) NodePid(node string) int { return s.jobPid(NodeJob(node)) }

// NodeArgv wraps argv to run in a node: in its holder's mount, UTS and
// network namespaces. Go cannot enter a mount namespace once its runtime
// runs threads, so util-linux's nsenter does.
//
// Equivalent to: `nsenter --target PID --mount --uts --net -- ARGV`
func NodeArgv(pid int, argv []string) ([]string, error) {
	return nsenterArgv(pid, []string{"--mount", "--uts", "--net"}, argv)
}

// MountArgv wraps argv to run in the mount namespace of pid: the
// containerd lesson's, where /run/containerd is the scope's.
//
// Equivalent to: `nsenter --target PID --mount -- ARGV`
func MountArgv(pid int, argv []string) ([]string, error) {
	return nsenterArgv(pid, []string{"--mount"}, argv)
}

// nsenterArgv wraps argv in util-linux nsenter into pid's namespaces named
// by flags.
func nsenterArgv(pid int, flags, argv []string) ([]string, error) {
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return nil, fmt.Errorf("nsenter not found (apt-get install -y util-linux)")
	}
	out := append([]string{nsenter, "--target", strconv.Itoa(pid)}, flags...)
	return append(append(out, "--"), argv...), nil
}
