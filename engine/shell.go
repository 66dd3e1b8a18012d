package engine

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cnilab/lab/netops"
)

// ErrNotSetUp is wrapped when a command needs a lab in place and the scope
// has none.
var ErrNotSetUp = fmt.Errorf("the lab is not set up")

// Shell replaces the process with a shell (or cmd) inside the lab's host,
// or inside netns (a lesson name such as client), entering only the network
// namespace. Its environment holds the task's values and lab on PATH, so the
// articles' commands work as written. It returns only on failure.
func (s *Session) Shell(netns string, cmd []string, terminal bool) error {
	if netns == "" {
		netns = netops.HostNetns
	}
	if !s.scope.Exists() {
		return fmt.Errorf("%w: scope %q has no lab; run `lab task LESSON%s` first", ErrNotSetUp, s.scope.Name, s.ScopeFlag())
	}
	real, ok := s.scope.FindNetns(netns)
	if !ok {
		return fmt.Errorf("netns %q does not exist in scope %q", real, s.scope.Name)
	}
	argv, err := s.scope.ShellArgv(real, cmd, terminal)
	if err != nil {
		return err
	}
	env := s.shellEnv(real)
	if pid := s.scope.ContainerdPid(); pid > 0 {
		// The containerd lesson: the scope's containerd keeps its state at
		// the article's /run/containerd, in its own mount namespace.
		if argv, err = netops.MountArgv(pid, argv); err != nil {
			return err
		}
		env = append(env, netops.ContainerdEnv()...)
	}
	if pid := s.scope.NodePid(netns); pid > 0 {
		// A node of a cluster lesson: its hostname, its /etc/cni and
		// /opt/cni are in its holder's mount and UTS namespaces.
		if argv, err = netops.NodeArgv(pid, argv); err != nil {
			return err
		}
	}
	return netops.ExecIn(real, argv, env)
}

// shellEnv is the environment of lab shell: the values the task names
// (HOST_IP, CNI_PATH, PAUSE_PID, ...) as `lab task --env` prints them, and
// lab itself on PATH.
func (s *Session) shellEnv(real string) []string {
	env := append(os.Environ(), "LAB_SCOPE="+s.scope.Name, "LAB_NETNS="+real,
		"HOST_IP="+netops.HostIP, "CNI_PATH="+s.scope.PluginDir(), "LAB_NETD="+s.scope.ConfDir())
	if id := s.scope.Lesson(); id != "" {
		if l, err := s.Lesson(id); err == nil {
			for _, kv := range l.EnvVars(s.scope) {
				env = append(env, kv[0]+"="+kv[1])
			}
		}
	}
	if bin, err := netops.LabBinary(); err == nil {
		env = append(env, "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
	}
	return env
}
