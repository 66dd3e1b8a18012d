package netops

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/cnilab/lab/netops/ns"
	"github.com/vishvananda/netns"
)

// ShellArgv is what `lab shell` runs: the given command, found on PATH, or
// bash: interactive, with a prompt that names the namespace, when a terminal
// is attached (its rc file goes to the scope's state dir), else reading
// commands from stdin (`lab script veth | lab shell`).
func (s *Scope) ShellArgv(real string, cmd []string, terminal bool) ([]string, error) {
	if len(cmd) > 0 {
		path, err := exec.LookPath(cmd[0])
		if err != nil {
			return nil, fmt.Errorf("command %q not found", cmd[0])
		}
		return append([]string{path}, cmd[1:]...), nil
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		return nil, fmt.Errorf("bash not found (apt-get install -y bash)")
	}
	if !terminal {
		return []string{bash, "-s"}, nil
	}
	rc := filepath.Join(s.StateDir, "bashrc")
	body := fmt.Sprintf(`[ -f /etc/bash.bashrc ] && . /etc/bash.bashrc
[ -f ~/.bashrc ] && . ~/.bashrc
PS1='\[\e[1;36m\][%s]\[\e[0m\] \w\$ '
echo "lab shell: you are in netns %s (HOST_IP=$HOST_IP, CNI_PATH=$CNI_PATH). exit or ctrl-d to leave."
`, real, real)
	if err := os.WriteFile(rc, []byte(body), 0o644); err != nil {
		return nil, fmt.Errorf("write %s: %w", rc, err)
	}
	return []string{bash, "--rcfile", rc, "-i"}, nil
}

// ExecIn replaces the lab process with argv, running in the named network
// namespace and nowhere else: only the network namespace changes, as
// `nsenter --net=/run/netns/NAME` does, not the mount namespace (inside
// `ip netns exec`, a learner's own `ip netns add` would mount where the rest
// of the machine cannot see it). It returns only on failure.
//
// Equivalent to: `nsenter --net=/run/netns/NAME CMD...`
func ExecIn(real string, argv, env []string) error {
	fd, err := ns.Open(real)
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	if err := netns.Set(fd); err != nil {
		return fmt.Errorf("enter netns %q: %w", real, err)
	}
	if err := syscall.Exec(argv[0], argv, env); err != nil {
		return fmt.Errorf("run %s in netns %q: %w", argv[0], real, err)
	}
	os.Exit(0) // not reached
	return nil
}
